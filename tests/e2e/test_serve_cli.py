"""``ami-emulator serve`` and ``python -m emulator serve``: start, answer, log, stop."""

from __future__ import annotations

import http.client
import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e.emulator_process import EmulatorProcess, start_emulator


def _console_script() -> str:
    beside_python = Path(sys.executable).with_name("ami-emulator")
    found = str(beside_python) if beside_python.exists() else shutil.which("ami-emulator")
    if found is None:
        pytest.skip("the ami-emulator console script is not installed (pip install -e .)")
    return found


def _get(emulator: EmulatorProcess, path: str) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(emulator.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", path)
        answer = conn.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read()
    finally:
        conn.close()


@pytest.mark.parametrize("launcher", ["console script", "python -m emulator"])
def test_starts_and_answers_health(tmp_path: Path, launcher: str) -> None:
    command = [_console_script()] if launcher == "console script" else None
    emulator = start_emulator(tmp_path / "serve.log", command=command)
    try:
        status, headers, body = _get(emulator, "/_emulator/health")
        assert status == 200
        assert json.loads(body) == {"status": "ok"}
        assert headers["Server"] == "ami-emulator"  # waitress, not the dev server
    finally:
        assert emulator.stop() == 0


def test_keep_alive_and_request_log(tmp_path: Path) -> None:
    emulator = start_emulator(tmp_path / "serve.log")
    try:
        ec2 = emulator.client("ec2", "111122223333", region="eu-west-1")
        ec2.describe_images(Owners=["self"])
        parts = urlsplit(emulator.url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        for _ in range(3):
            conn.request("GET", "/_emulator/health")
            answer = conn.getresponse()
            answer.read()
            assert answer.status == 200
            assert not answer.will_close  # the same connection serves the next request
        conn.close()
    finally:
        emulator.stop()
    assert "111122223333 eu-west-1 ec2.DescribeImages 200 " in emulator.log_text()


def test_log_level_warning_drops_request_lines(tmp_path: Path) -> None:
    emulator = start_emulator(tmp_path / "serve.log", "--log-level", "warning")
    try:
        emulator.client("ec2").describe_images(Owners=["self"])
    finally:
        emulator.stop(signal.SIGINT)
    assert "DescribeImages" not in emulator.log_text()


def test_debug_uses_the_development_server(tmp_path: Path) -> None:
    emulator = start_emulator(tmp_path / "serve.log", "--debug")
    try:
        status, headers, _ = _get(emulator, "/_emulator/health")
        assert status == 200
        assert headers["Server"].startswith("Werkzeug/")
    finally:
        assert emulator.stop() == 0


def test_default_account_and_region(tmp_path: Path) -> None:
    emulator = start_emulator(
        tmp_path / "serve.log",
        "--default-account",
        "210987654321",
        "--access-key",
        "AKIAMAPPEDEXAMPLE=333344445555",
    )
    try:
        sts = emulator.client("sts", "AKIANOTMAPPED")
        assert sts.get_caller_identity()["Account"] == "210987654321"
        mapped = emulator.client("sts", "AKIAMAPPEDEXAMPLE")
        assert mapped.get_caller_identity()["Account"] == "333344445555"
    finally:
        emulator.stop()


def test_transition_seconds_keep_instances_pending(tmp_path: Path) -> None:
    emulator = start_emulator(tmp_path / "serve.log", "--empty", "--transition-seconds", "600")
    try:
        ec2 = emulator.client("ec2", "111122223333")
        image_id = ec2.register_image(Name="base")["ImageId"]
        (instance,) = ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1)["Instances"]
        (reservation,) = ec2.describe_instances(InstanceIds=[instance["InstanceId"]])[
            "Reservations"
        ]
        assert reservation["Instances"][0]["State"]["Name"] == "pending"
    finally:
        assert emulator.stop() == 0


@pytest.mark.parametrize(
    "bad",
    [
        ["--access-key", "no-equals-sign"],
        ["--access-key", "KEY=12345"],
        ["--access-key", "KEY=111122223333:"],
        ["--default-account", "abc"],
        ["--log-level", "chatty"],
        ["--transition-seconds", "-1"],
        ["--transition-seconds", "3601"],
        ["--transition-seconds", "soon"],
    ],
)
def test_bad_options_exit_2(bad: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "emulator", "serve", *bad],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert "error" in done.stderr


def test_port_in_use_exits_1(tmp_path: Path) -> None:
    emulator = start_emulator(tmp_path / "serve.log")
    try:
        port = str(urlsplit(emulator.url).port)
        done = subprocess.run(
            [sys.executable, "-m", "emulator", "serve", "--port", port],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert done.returncode == 1
        assert "cannot listen" in done.stderr
    finally:
        emulator.stop()
