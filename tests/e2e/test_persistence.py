"""``serve --state-file``: the world outlives the process, through a clean stop or a kill."""

from __future__ import annotations

import json
import signal
import threading
import time
import urllib.request
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from tests.e2e.emulator_process import EmulatorProcess, start_emulator
from tests.e2e.worlds import build_org, register_image, share

OWNER = "111122223333"
WRITERS = 4
# Each burst lasts until this many more writes were acknowledged (not a fixed time, so a
# busy machine still sends enough to mean anything), within BURST_WAIT_SECONDS.
BURST_WRITES = 12
BURST_WAIT_SECONDS = 60
SAVE_WAIT_SECONDS = 10


def _serve(tmp_path: Path, state: Path, *args: str) -> EmulatorProcess:
    log = tmp_path / f"serve-{time.monotonic_ns()}.log"
    return start_emulator(log, "--empty", "--state-file", str(state), *args)


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
        first.client("ec2", org.owner).create_tags(
            Resources=[image], Tags=[{"Key": "team", "Value": "a"}]
        )
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
        assert permissions["LaunchPermissions"] == [{"OrganizationalUnitArn": org.shared_ou.arn}]
        # The share still works: an account inside the OU can see the image.
        nested = second.client("ec2", org.nested_account)
        assert nested.describe_images(ImageIds=[image])["Images"][0]["ImageId"] == image
    finally:
        assert second.stop(signal.SIGINT) == 0


class Writers:
    """Threads that each register images named ``burst-<writer>-<n>``, n = 1, 2, ... in
    order, recording which ones were acknowledged; they can be paused and resumed."""

    def __init__(self, emulator: EmulatorProcess, count: int = WRITERS) -> None:
        self.clients = [emulator.client("ec2", OWNER) for _ in range(count)]
        self.acknowledged: list[dict[int, str]] = [{} for _ in range(count)]
        self.refused: list[ClientError] = []
        self.running = threading.Event()
        self.threads = [threading.Thread(target=self._write, args=(i,)) for i in range(count)]
        self._done = False

    def _write(self, i: int) -> None:
        n = 0
        while self.running.wait() and not self._done:
            n += 1
            try:
                self.acknowledged[i][n] = register_image(self.clients[i], f"burst-{i}-{n}")
            except ClientError as exc:
                self.refused.append(exc)
                return
            except (BotoCoreError, ResponseParserError):  # the server died mid-answer
                return

    def start(self) -> None:
        self.running.set()
        for t in self.threads:
            t.start()

    def finish(self) -> None:
        self._done = True
        self.running.set()
        for t in self.threads:
            t.join(timeout=30)

    def ids(self) -> set[str]:
        return {image for done in self.acknowledged for image in done.values()}

    def burst(self, writes: int = BURST_WRITES) -> None:
        """Return once ``writes`` more writes than now were acknowledged."""
        target = len(self.ids()) + writes
        deadline = time.monotonic() + BURST_WAIT_SECONDS
        while len(self.ids()) < target:
            assert time.monotonic() < deadline, f"fewer than {writes} writes in a burst"
            time.sleep(0.02)


def _wait_until_saved(state: Path, images: set[str]) -> None:
    deadline = time.monotonic() + SAVE_WAIT_SECONDS
    while time.monotonic() < deadline:
        text = state.read_text() if state.exists() else ""
        if all(image in text for image in images):
            return
        time.sleep(0.05)
    raise AssertionError(f"the state file did not catch up within {SAVE_WAIT_SECONDS} s")


def test_a_kill_mid_burst_keeps_every_write_before_the_last_save(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    first = _serve(tmp_path, state, "--log-level", "WARNING")
    writers = Writers(first)
    writers.start()
    writers.burst()
    writers.running.clear()  # pause: a save point follows, without any shutdown
    time.sleep(0.5)
    saved = writers.ids()
    _wait_until_saved(state, saved)
    writers.running.set()
    writers.burst()
    first.stop(signal.SIGKILL)  # while the writers are still sending
    writers.finish()
    assert not writers.refused
    assert len(writers.ids()) > len(saved) > 10, "too few writes to mean anything"

    json.loads(state.read_text())  # the file on disk is whole
    second = _serve(tmp_path, state)
    try:
        images = second.client("ec2", OWNER).describe_images(Owners=["self"])["Images"]
        survived = {image["ImageId"]: image["Name"] for image in images}
        assert saved <= survived.keys(), f"lost: {sorted(saved - survived.keys())}"
        for i, done in enumerate(writers.acknowledged):
            # Each writer's writes are in order, so a consistent snapshot holds a prefix of
            # them: burst-i-1 .. burst-i-k, where k is at most one past its last acknowledged
            # write (the one in flight at the kill).
            numbers = sorted(
                int(name.rsplit("-", 1)[1])
                for name in survived.values()
                if name.startswith(f"burst-{i}-")
            )
            assert numbers == list(range(1, len(numbers) + 1))
            assert len(numbers) <= max(done, default=0) + 1
            assert all(survived.get(done[n]) == f"burst-{i}-{n}" for n in numbers if n in done)
        with urllib.request.urlopen(f"{second.url}/_emulator/state", timeout=10) as answer:
            assert json.load(answer)["ec2"]
    finally:
        second.stop()


def test_reset_is_saved(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    first = _serve(tmp_path, state)
    try:
        image = register_image(first.client("ec2", OWNER), "gone-after-reset")
        _wait_until_saved(state, {image})
        reset = urllib.request.Request(f"{first.url}/_emulator/reset", method="POST")
        urllib.request.urlopen(reset, timeout=10).close()
        deadline = time.monotonic() + SAVE_WAIT_SECONDS
        while image in state.read_text() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        first.stop(signal.SIGKILL)  # no save on the way out: the reset was saved by itself
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


def _caller(emulator: EmulatorProcess, key: str) -> str:
    return emulator.client("sts", key).get_caller_identity()["Account"]


def test_saved_settings_return_and_explicit_flags_win(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    first = _serve(
        tmp_path,
        state,
        "--default-account",
        "210987654321",
        "--access-key",
        "AKIAFIRSTEXAMPLE=333344445555",
    )
    try:
        register_image(first.client("ec2", OWNER), "settings")
    finally:
        first.stop()
    assert "secret_keys" not in json.loads(state.read_text())["config"]

    second = _serve(tmp_path, state, "--access-key", "AKIASECONDEXAMPLE=666677778888:s3cret")
    try:
        assert _caller(second, "AKIAUNKNOWN") == "210987654321"  # saved
        assert _caller(second, "AKIAFIRSTEXAMPLE") == "333344445555"  # saved
        assert _caller(second, "AKIASECONDEXAMPLE") == "666677778888"  # given now
    finally:
        second.stop()
    assert "s3cret" not in state.read_text()

    third = _serve(tmp_path, state, "--default-account", "123456789012")
    try:
        assert _caller(third, "AKIAUNKNOWN") == "123456789012"  # the flag wins
    finally:
        third.stop()
