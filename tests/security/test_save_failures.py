"""A save of the state file that fails is never silent: it is logged, health answers 503, every
later state-changing request is refused with an AWS-shaped 503 and changes nothing until a save
succeeds again, and a shutdown whose last save failed exits non-zero. And an answered write is
on disk: a ``kill -9`` loses none."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from emulator.core.world import World
from emulator.persistence import StateFile
from emulator.scenario_files import load_demo_into
from emulator.server import build_server
from emulator.web import create_app
from tests.conftest import CLIENT_CONFIG, ISOLATED_ENV
from tests.e2e.emulator_process import EmulatorProcess, start_emulator
from tests.e2e.test_persistence import Writers
from tests.security.world_data import DEMO_AMI, MANAGEMENT, MEMBER, http

RECOVERY_SECONDS = 10
ENOUGH_WRITES = 40
OWNER = "111122223333"


def _serve(tmp_path: Path, state: Path, *args: str) -> EmulatorProcess:
    log = tmp_path / f"serve-{time.monotonic_ns()}.log"
    return start_emulator(log, "--state-file", str(state), *args)


def _names(emulator: EmulatorProcess, account: str = OWNER) -> set[str]:
    images = emulator.client("ec2", account).describe_images(Owners=["self"])["Images"]
    return {image["Name"] for image in images}


def _wait_for_health(url: str, status: int) -> dict:
    deadline = time.monotonic() + RECOVERY_SECONDS
    while True:
        answer = http(f"{url}/_emulator/health")
        if answer[0] == status or time.monotonic() > deadline:
            assert answer[0] == status, answer
            return answer[1]
        time.sleep(0.05)


def _refused(call: Callable[[], object]) -> None:
    with pytest.raises(ClientError) as err:
        call()
    assert err.value.response["Error"]["Code"] == "ServiceUnavailable"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 503


def _tmp(state: Path) -> Path:
    return state.with_name(state.name + ".tmp")


def _vanish(state: Path) -> Callable[[], None]:
    shutil.rmtree(state.parent)
    return lambda: state.parent.mkdir()


def _tmp_is_a_directory(state: Path) -> Callable[[], None]:
    _tmp(state).mkdir()
    return _tmp(state).rmdir


def _disk_full(state: Path) -> Callable[[], None]:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    _tmp(state).symlink_to("/dev/full")  # every write to it fails with ENOSPC, even for root
    return _tmp(state).unlink


FAILURES = {
    "the directory vanished": _vanish,
    "the temporary file cannot be opened": _tmp_is_a_directory,
    "the disk is full": _disk_full,
}


@pytest.mark.parametrize("failure", FAILURES)
def test_a_failing_save_refuses_every_change_until_a_save_succeeds(
    tmp_path: Path, failure: str
) -> None:
    state = tmp_path / "home" / "state.json"
    state.parent.mkdir()
    emulator = _serve(tmp_path, state)
    try:
        ec2 = emulator.client("ec2", OWNER)
        ec2.register_image(Name="before")
        repair = FAILURES[failure](state)
        # This change is made, but its save fails: it stays in memory, and refusals begin.
        ec2.register_image(Name="unsaved")
        health = _wait_for_health(emulator.url, 503)
        assert health["status"] == "unavailable"
        assert health["reason"].startswith(f"cannot save the state to {state}: ")

        _refused(lambda: ec2.register_image(Name="refused"))
        org = emulator.client("organizations", MANAGEMENT)
        _refused(lambda: org.create_organizational_unit(ParentId="r-ab12", Name="Refused"))
        _refused(lambda: emulator.client("kms", MANAGEMENT).create_key())
        role = f"arn:aws:iam::{MEMBER}:role/OrganizationAccountAccessRole"
        sts = emulator.client("sts", MANAGEMENT)
        _refused(lambda: sts.assume_role(RoleArn=role, RoleSessionName="refused"))
        dry = {"ImageId": DEMO_AMI, "MinCount": 1, "MaxCount": 1, "DryRun": True}
        _refused(lambda: emulator.client("ec2", MANAGEMENT).run_instances(**dry))
        status, body = http(f"{emulator.url}/?Action=RegisterImage&Name=raw&Version=2016-11-15")
        assert status == 503 and "<Code>ServiceUnavailable</Code>" in body
        for method, path in [
            ("POST", "/_emulator/reset"),
            ("PUT", "/_emulator/state"),
            ("POST", "/_emulator/console/settings/block-public-access"),
        ]:
            status, body = http(emulator.url + path, method, b"{}")
            assert status == 503 and body["error"].startswith("Service unavailable: ")

        # Reads go on, and show that nothing refused happened.
        assert _names(emulator) == {"before", "unsaved"}
        assert org.list_organizational_units_for_parent(ParentId="r-ab12")["OrganizationalUnits"]
        assert "Refused" not in str(org.list_organizational_units_for_parent(ParentId="r-ab12"))

        repair()
        assert _wait_for_health(emulator.url, 200) == {"status": "ok"}
        assert "unsaved" in state.read_text()  # the change kept in memory is on disk now
        ec2.register_image(Name="after")
        assert "after" in state.read_text()
    finally:
        assert emulator.stop() == 0
    log = emulator.log_text()
    assert f"cannot save the state to {state}" in log and "changes are accepted" in log
    assert "Traceback" not in log


def test_a_shutdown_whose_last_save_fails_exits_non_zero(tmp_path: Path) -> None:
    state = tmp_path / "home" / "state.json"
    state.parent.mkdir()
    emulator = _serve(tmp_path, state, "--empty")
    emulator.client("ec2", OWNER).register_image(Name="kept")
    shutil.rmtree(state.parent)
    assert emulator.stop(signal.SIGTERM) == 1
    last = emulator.log_text().splitlines()[-1]
    assert last.startswith(f"ami-emulator: the last save failed: cannot save the state to {state}")


@pytest.mark.parametrize("path", ["/proc/ami-emulator-state.json", "/sys/ami-emulator.json"])
def test_a_file_system_that_refuses_writes_stops_the_start(path: str) -> None:
    if not Path(path).parent.is_dir():
        pytest.skip(f"no {Path(path).parent} here")
    done = subprocess.run(
        [sys.executable, "-m", "emulator", "serve", "--port", "0", "--state-file", path],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **ISOLATED_ENV},
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.splitlines()[-1].startswith(f"ami-emulator: cannot save the state to {path}")


def test_a_value_that_cannot_be_written_refuses_changes_until_it_is_gone(tmp_path: Path) -> None:
    world = World()
    load_demo_into(world)
    state = StateFile(world, tmp_path / "state.json", retry_interval=0.1)
    server = build_server(create_app(world, on_change=state.changed), "127.0.0.1", 0)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    state.start()
    serving.start()
    url = f"http://{server.host}:{server.port}"
    ec2 = boto3.client(
        "ec2",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=MANAGEMENT,
        aws_secret_access_key="x",
        config=CLIENT_CONFIG,
    )
    image = world.ec2.regions["us-east-1"].images[DEMO_AMI]
    try:
        with world.lock:
            image.description = b"\xff"  # what a defect in some handler could leave behind
        ec2.create_tags(Resources=[DEMO_AMI], Tags=[{"Key": "k", "Value": "v"}])
        health = _wait_for_health(url, 503)
        assert "TypeError: Object of type bytes is not JSON serializable" in health["reason"]
        _refused(lambda: ec2.delete_tags(Resources=[DEMO_AMI]))
        with world.lock:
            image.description = None
        _wait_for_health(url, 200)
        ec2.delete_tags(Resources=[DEMO_AMI])
    finally:
        server.stop()
        serving.join(timeout=10)
        assert state.close()
    assert json.loads((tmp_path / "state.json").read_text())["format"] == "ami-emulator-state"


def test_every_answered_write_survives_a_kill(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    first = _serve(tmp_path, state, "--empty", "--log-level", "WARNING")
    writers = Writers(first)
    writers.start()
    deadline = time.monotonic() + 60  # a loaded machine can be slow to start answering
    while len(writers.ids()) < ENOUGH_WRITES and time.monotonic() < deadline:
        time.sleep(0.05)
    first.stop(signal.SIGKILL)  # while the writers are still sending
    writers.finish()
    assert not writers.refused
    answered = writers.ids()
    assert len(answered) >= ENOUGH_WRITES, "too few writes to mean anything"
    second = _serve(tmp_path, state)
    try:
        images = second.client("ec2", OWNER).describe_images(Owners=["self"])["Images"]
        survived = {image["ImageId"] for image in images}
    finally:
        second.stop()
    assert answered <= survived, f"lost: {sorted(answered - survived)}"
