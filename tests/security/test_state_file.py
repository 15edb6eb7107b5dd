"""``serve --state-file`` starts only from a state file this program wrote: anything else, or
a damaged one, stops the start with exit status 2 and one clear line, and the file is left
byte for byte as it was."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from emulator.core.scenario import dump
from emulator.core.world import World
from emulator.scenario_files import load_demo_into
from tests.conftest import ISOLATED_ENV
from tests.e2e.emulator_process import start_emulator


def _demo_state() -> str:
    world = World()
    load_demo_into(world)
    return json.dumps(world.to_dict())


def _scenario_dump() -> str:
    world = World()
    load_demo_into(world)
    return json.dumps(dump(world))


STATE = _demo_state()
NOT_STATE_FILES: dict[str, bytes] = {
    "a scenario dump": _scenario_dump().encode(),
    "another JSON object": b'{"name": "something else", "items": [1, 2]}',
    "a JSON array": b"[1, 2, 3]",
    "a JSON string": b'"ami-emulator-state"',
    "binary junk": bytes(range(256)) * 4,
    "an empty file": b"",
    "only white space": b"  \n\n",
    "a truncated state file": STATE[: len(STATE) // 2].encode(),
    "a state file with NaN": STATE.replace('"version": 1', '"version": NaN').encode(),
    "a state file of a newer version": STATE.replace('"version": 1', '"version": 2').encode(),
    "a state file of another format": STATE.replace("ami-emulator-state", "other").encode(),
    "a state file without its marker": json.dumps(
        {k: v for k, v in json.loads(STATE).items() if k not in ("format", "version")}
    ).encode(),
    "a state file with a bad owner": STATE.replace(
        '"owner": "123456789012"', '"owner": "me"'
    ).encode(),
    "a state file with a dangling OU": STATE.replace(
        '"parent_id": "ou-1234-5example"', '"parent_id": "ou-1234-gone0000"'
    ).encode(),
}


def _serve(state: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "emulator", "serve", "--port", "0", "--state-file", str(state)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **ISOLATED_ENV},
    )


@pytest.mark.parametrize("case", NOT_STATE_FILES)
def test_anything_but_a_state_file_stops_the_start(tmp_path: Path, case: str) -> None:
    state = tmp_path / "state.json"
    content = NOT_STATE_FILES[case]
    state.write_bytes(content)
    done = _serve(state)
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""  # it never listened
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"ami-emulator: cannot use the state file: {state}")
    assert state.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["state.json"]


def test_the_messages_say_what_the_file_is(tmp_path: Path) -> None:
    def message(content: bytes) -> str:
        state = tmp_path / "state.json"
        state.write_bytes(content)
        return _serve(state).stderr

    assert "looks like a scenario file" in message(NOT_STATE_FILES["a scenario dump"])
    assert "truncated" in message(NOT_STATE_FILES["a truncated state file"])
    assert "it is empty" in message(b"")
    assert "not UTF-8" in message(NOT_STATE_FILES["binary junk"])
    assert "unsupported version 2" in message(NOT_STATE_FILES["a state file of a newer version"])
    bad_owner = message(NOT_STATE_FILES["a state file with a bad owner"])
    assert "ec2.regions.us-east-1.images[0].owner: expected a 12-digit account id" in bad_owner


def test_a_directory_is_not_a_state_file(tmp_path: Path) -> None:
    done = _serve(tmp_path)
    assert done.returncode == 2
    assert len(done.stderr.splitlines()) == 1 and "cannot read it" in done.stderr


def test_every_save_writes_the_format_marker(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    emulator = start_emulator(tmp_path / "serve.log", "--empty", "--state-file", str(state))
    try:
        # The start saves at once, so a path that cannot be written is known at once too.
        assert json.loads(state.read_text())["format"] == "ami-emulator-state"
        emulator.client("ec2", "111122223333").register_image(Name="marked")
    finally:
        assert emulator.stop(signal.SIGTERM) == 0
    saved = json.loads(state.read_text())
    assert (saved["format"], saved["version"]) == ("ami-emulator-state", 1)
    again = start_emulator(tmp_path / "again.log", "--empty", "--state-file", str(state))
    try:
        images = again.client("ec2", "111122223333").describe_images(Owners=["self"])["Images"]
        assert [i["Name"] for i in images] == ["marked"]
    finally:
        again.stop()


def test_a_state_file_that_cannot_be_written_stops_the_start(tmp_path: Path) -> None:
    done = _serve(tmp_path / "missing" / "state.json")
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1].startswith("ami-emulator: cannot save the state to ")
    assert "Traceback" not in done.stderr
