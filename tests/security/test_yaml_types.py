"""A YAML scenario or snapshot holds JSON's types only: a date, ``!!binary``, a set, an
ordered map, a language tag, a non-string key or a NaN is refused at its line, over HTTP
(400) and in scenario files (``FILE:LINE:``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from emulator.server import RunningServer
from tests.conftest import ISOLATED_ENV, ClientFactory
from tests.security.world_data import http, snapshot_of

pytestmark = pytest.mark.ami_scenario("demo")

IMAGE = """\
images:
  - owner: "123456789012"
    name: golden
    description: {value}
"""
DATE = "a date or time is not a JSON type; quote it to keep it as a string"
REFUSED = {
    "a date": ("2024-01-01", DATE),
    "a date and time": ("2024-01-01 10:00:00", DATE),
    "binary data": ("!!binary aGVsbG8=", "!!binary data is not a JSON type"),
    "a set": ("!!set {a, b}", "a set is not a JSON type; write a list"),
    "an ordered map": ("!!omap [{a: 1}]", "an ordered map is not a JSON type; write a mapping"),
    "a Python object": (
        "!!python/object/apply:os.system [echo owned]",
        "the tag !!python/object/apply:os.system is not a JSON type",
    ),
    "a custom tag": ("!secret x", "the tag !secret is not a JSON type"),
    "not a number": (".nan", ".nan is not a JSON number"),
    "infinity": (".inf", ".inf is not a JSON number"),
    "a null key": ("{~: x}", "a mapping key must be a string, not NoneType"),
    "a boolean key": ("{yes: x}", "a mapping key must be a string, not bool"),
}


def put(server: RunningServer, text: str) -> tuple[int, dict]:
    return http(
        f"{server.url}/_emulator/state", "PUT", text, **{"Content-Type": "application/yaml"}
    )


@pytest.mark.parametrize("case", REFUSED)
def test_a_yaml_body_holds_json_types_only(server: RunningServer, aws: ClientFactory, case: str):
    value, words = REFUSED[case]
    before = snapshot_of(server.url)
    status, answer = put(server, IMAGE.format(value=value))
    assert status == 400
    assert answer == {"error": f"Invalid body: {words}", "line": 4}
    assert snapshot_of(server.url) == before


def test_a_yaml_snapshot_holds_json_types_only(server: RunningServer, aws: ClientFactory) -> None:
    snapshot = snapshot_of(server.url)
    text = yaml.safe_dump(snapshot, sort_keys=False)
    assert put(server, text) == (200, {"status": "loaded"})  # JSON's types: fine
    lines = text.splitlines()
    where = next(i for i, line in enumerate(lines) if line.strip().startswith("joined:"))
    lines[where] = lines[where].split(":")[0] + ": 2024-01-01 10:00:00+00:00"  # not quoted
    status, answer = put(server, "\n".join(lines))
    assert status == 400
    assert answer["line"] == where + 1 and "a date or time" in answer["error"]
    assert snapshot_of(server.url) == snapshot


def test_quoted_values_anchors_and_merges_are_json_types(
    server: RunningServer, aws: ClientFactory
) -> None:
    text = """\
images:
  - &base {owner: "123456789012", name: first, description: "2024-01-01"}
  - {<<: *base, name: second, description: "!!binary aGVsbG8="}
"""
    assert put(server, text) == (200, {"status": "loaded"})
    described = aws("ec2").describe_images(Owners=["self"])["Images"]
    assert {i["Name"]: i["Description"] for i in described} == {
        "first": "2024-01-01",
        "second": "!!binary aGVsbG8=",
    }


def _check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "emulator", "check", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **ISOLATED_ENV},
    )


@pytest.mark.parametrize("case", ["a date", "binary data", "a set", "a Python object"])
def test_a_scenario_file_holds_json_types_only(tmp_path: Path, case: str) -> None:
    value, words = REFUSED[case]
    scenario = tmp_path / "world.yaml"
    scenario.write_text(IMAGE.format(value=value))
    done = _check(scenario)
    assert done.returncode == 1
    assert done.stderr == f"ami-emulator: {scenario}:4: {words}\n"


def test_serve_refuses_a_scenario_with_a_date(tmp_path: Path) -> None:
    scenario = tmp_path / "world.yaml"
    scenario.write_text(
        "settings:\n  default_region: us-east-1\n" + IMAGE.format(value="2024-01-01")
    )
    done = subprocess.run(
        [sys.executable, "-m", "emulator", "serve", "--port", "0", "--scenario", str(scenario)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **ISOLATED_ENV},
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == f"ami-emulator: {scenario}:6: {DATE}\n"


def test_a_json_scenario_holds_json_types_only(tmp_path: Path) -> None:
    scenario = tmp_path / "world.json"
    scenario.write_text('{"settings": {"max_launch_permissions": NaN}}')
    done = _check(scenario)
    assert done.returncode == 1
    assert done.stderr == f"ami-emulator: {scenario}: not valid JSON: NaN is not a JSON number\n"
