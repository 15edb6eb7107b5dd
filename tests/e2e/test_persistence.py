"""``serve --state-file``: the world outlives the process, through a clean stop or a kill."""

from __future__ import annotations

import json
import signal
import threading
import time
import urllib.request
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError

from tests.e2e.emulator_process import EmulatorProcess, start_emulator
from tests.e2e.worlds import build_org, register_image, share

OWNER = "111122223333"
WRITERS = 4
BURST_SECONDS = 1.5


def _serve(tmp_path: Path, state: Path, *args: str) -> EmulatorProcess:
    log = tmp_path / f"serve-{time.monotonic_ns()}.log"
    return start_emulator(log, "--state-file", str(state), *args)


def _own_images(emulator: EmulatorProcess, account: str) -> set[str]:
    images = emulator.client("ec2", account).describe_images(Owners=["self"])["Images"]
    return {image["ImageId"] for image in images}


def test_state_survives_sigterm(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    first = _serve(tmp_path, state)
    try:
        org = build_org(first.client)
        image = register_image(first.client("ec2", org.owner), "kept")
        share(first.client("ec2", org.owner), image, {"OrganizationalUnitArn": org.shared_ou.arn})
        first.client("ec2", org.owner).create_tags(Resources=[image],
                                                   Tags=[{"Key": "team", "Value": "a"}])
    finally:
        assert first.stop(signal.SIGTERM) == 0
    assert "state saved" in first.log_text()

    second = _serve(tmp_path, state)
    try:
        organization = second.client("organizations", org.management).describe_organization()
        assert organization["Organization"]["Id"] == org.org_id
        ec2 = second.client("ec2", org.owner)
        [described] = ec2.describe_images(ImageIds=[image])["Images"]
        assert described["Tags"] == [{"Key": "team", "Value": "a"}]
        permissions = ec2.describe_image_attribute(ImageId=image, Attribute="launchPermission")
        assert permissions["LaunchPermissions"] == [
            {"OrganizationalUnitArn": org.shared_ou.arn}
        ]
        # The share still works: an account inside the OU can see the image.
        nested = second.client("ec2", org.nested_account)
        assert nested.describe_images(ImageIds=[image])["Images"][0]["ImageId"] == image
    finally:
        assert second.stop(signal.SIGINT) == 0


def test_every_acknowledged_write_survives_sigkill(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    first = _serve(tmp_path, state, "--log-level", "WARNING")
    acknowledged: list[set[str]] = [set() for _ in range(WRITERS)]
    clients = [first.client("ec2", OWNER) for _ in range(WRITERS)]
    refused: list[ClientError] = []
    stop = threading.Event()

    def write(i: int) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            try:
                acknowledged[i].add(register_image(clients[i], f"burst-{i}-{n}"))
            except ClientError as exc:
                refused.append(exc)
                return
            except BotoCoreError:  # the connection died with the server
                return

    writers = [threading.Thread(target=write, args=(i,)) for i in range(WRITERS)]
    for t in writers:
        t.start()
    time.sleep(BURST_SECONDS)
    # Killed while the writers are still sending: some requests are mid-save.
    first.stop(signal.SIGKILL)
    stop.set()
    for t in writers:
        t.join(timeout=30)
    assert not refused
    written = set().union(*acknowledged)
    assert len(written) > 10, "the burst made too few writes to mean anything"

    json.loads(state.read_text())  # the file on disk is whole
    second = _serve(tmp_path, state)
    try:
        survived = _own_images(second, OWNER)
        assert written <= survived, f"lost: {sorted(written - survived)}"
        # At most the requests in flight at the kill were saved but not acknowledged.
        assert len(survived - written) <= WRITERS
        with urllib.request.urlopen(f"{second.url}/_emulator/state", timeout=10) as answer:
            assert json.load(answer)["ec2"]
    finally:
        second.stop()


def test_reset_is_saved(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    first = _serve(tmp_path, state)
    try:
        register_image(first.client("ec2", OWNER), "gone-after-reset")
        reset = urllib.request.Request(f"{first.url}/_emulator/reset", method="POST")
        urllib.request.urlopen(reset, timeout=10).close()
    finally:
        first.stop(signal.SIGKILL)
    second = _serve(tmp_path, state)
    try:
        assert _own_images(second, OWNER) == set()
    finally:
        second.stop()


def test_unreadable_state_file_stops_the_start(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text("{not json")
    try:
        _serve(tmp_path, state)
    except RuntimeError as exc:
        assert "not a saved world" in str(exc)
    else:
        raise AssertionError("the emulator started on a corrupt state file")
    assert state.read_text() == "{not json"  # left for the user to look at
