"""The command line's worlds: the demo by default, --empty, --scenario, dump and check."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from tests.e2e.emulator_process import start_emulator

AMI = "ami-0abcdef1234567890"
SCENARIO = """\
organizations:
  - management_account: "210987654321"
    ous:
      - name: Builders
        accounts: [{id: "333344445555", name: builder}]
images:
  - {owner: "210987654321", name: base-image}
"""


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "emulator", *args], capture_output=True, text=True, timeout=60
    )


def test_serve_starts_with_the_demo_world_and_dump_writes_it(tmp_path: Path) -> None:
    emulator = start_emulator(tmp_path / "serve.log")
    try:
        ec2 = emulator.client("ec2")
        assert [i["ImageId"] for i in ec2.describe_images(Owners=["self"])["Images"]] == [AMI]
        org = emulator.client("organizations").describe_organization()["Organization"]
        assert org["Arn"] == "arn:aws:organizations::123456789012:organization/o-123example"
        done = cli("dump", "--endpoint", emulator.url)
        assert done.returncode == 0, done.stderr
        dumped = yaml.safe_load(done.stdout)
        assert dumped["images"][0]["id"] == AMI
        out = tmp_path / "world.json"
        assert (
            cli("dump", "--endpoint", emulator.url, "--format", "json", "-o", str(out)).returncode
            == 0
        )
        assert '"o-123example"' in out.read_text()
    finally:
        assert emulator.stop() == 0


def test_empty_starts_with_nothing(tmp_path: Path) -> None:
    emulator = start_emulator(tmp_path / "serve.log", "--empty")
    try:
        assert emulator.client("ec2").describe_images()["Images"] == []
    finally:
        emulator.stop()


def test_scenario_file_is_served_and_reset_returns_to_it(tmp_path: Path) -> None:
    scenario = tmp_path / "world.yaml"
    scenario.write_text(SCENARIO)
    assert cli("check", str(scenario)).stdout == f"{scenario}: ok\n"
    emulator = start_emulator(tmp_path / "serve.log", "--scenario", str(scenario))
    try:
        owner = emulator.client("ec2", "210987654321")
        [image] = owner.describe_images(Owners=["self"])["Images"]
        owner.deregister_image(ImageId=image["ImageId"])
        import urllib.request

        urllib.request.urlopen(
            urllib.request.Request(f"{emulator.url}/_emulator/reset", method="POST"), timeout=10
        ).close()
        assert owner.describe_images(Owners=["self"])["Images"][0]["Name"] == "base-image"
    finally:
        emulator.stop()


def test_command_line_settings_win_over_the_scenario(tmp_path: Path) -> None:
    scenario = tmp_path / "world.yaml"
    scenario.write_text(
        "settings: {default_account: '210987654321'}\n"
        "access_keys: {AKIASCENARIOKEY: '333344445555'}\n"
    )
    emulator = start_emulator(
        tmp_path / "serve.log",
        "--scenario",
        str(scenario),
        "--default-account",
        "111122223333",
        "--access-key",
        "AKIACOMMANDLINE=444455556666",
    )
    try:
        who = {
            key: emulator.client("sts", key).get_caller_identity()["Account"]
            for key in ("AKIASCENARIOKEY", "AKIACOMMANDLINE", "AKIAUNKNOWN")
        }
        assert who == {
            "AKIASCENARIOKEY": "333344445555",
            "AKIACOMMANDLINE": "444455556666",
            "AKIAUNKNOWN": "111122223333",
        }
    finally:
        emulator.stop()


def test_a_bad_scenario_stops_the_start_with_file_line_and_key(tmp_path: Path) -> None:
    scenario = tmp_path / "bad.yaml"
    scenario.write_text(
        "organizations:\n  - management_account: '123456789012'\n    colour: blue\n"
    )
    done = cli("serve", "--port", "0", "--scenario", str(scenario))
    assert done.returncode == 2
    assert f"{scenario}:3: organizations[0].colour: unknown key" in done.stderr
    checked = cli("check", str(scenario))
    assert checked.returncode == 1
    assert "organizations[0].colour" in checked.stderr


def test_dump_says_when_nothing_listens() -> None:
    done = cli("dump", "--endpoint", "http://127.0.0.1:9")
    assert done.returncode == 1
    assert "cannot read" in done.stderr
