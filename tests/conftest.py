"""Shared fixtures: one real server on 127.0.0.1, real boto3 clients, the real AWS CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config

from emulator.core.world import DEFAULT_ACCOUNT, DEFAULT_REGION
from emulator.server import RunningServer, start_in_thread

# No retries: a test must see the first answer, and a 5xx must fail loudly.
CLIENT_CONFIG = Config(retries={"max_attempts": 1, "mode": "standard"})
ISOLATED_ENV = {
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_PAGER": "",
}


@pytest.fixture(scope="session")
def server() -> Iterator[RunningServer]:
    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_DEFAULT_PROFILE"):
        os.environ.pop(key, None)
    os.environ.update(ISOLATED_ENV)
    running = start_in_thread()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def _clients(server: RunningServer) -> dict[tuple[str, str, str], Any]:
    return {}


ClientFactory = Callable[..., Any]


@pytest.fixture
def aws(server: RunningServer, _clients: dict) -> ClientFactory:
    """A fresh world, and ``aws(service, account=..., region=...)`` -> a boto3 client."""
    with server.world.lock:
        server.world.reset()

    def client(service: str, account: str = DEFAULT_ACCOUNT, region: str = DEFAULT_REGION) -> Any:
        key = (service, account, region)
        if key not in _clients:
            _clients[key] = boto3.client(
                service,
                endpoint_url=server.url,
                region_name=region,
                aws_access_key_id=account,
                aws_secret_access_key="secret",
                config=CLIENT_CONFIG,
            )
        return _clients[key]

    return client


@pytest.fixture
def cli(server: RunningServer, aws: ClientFactory) -> Callable[..., Any]:
    """``cli("ec2", "describe-images", account=..., region=...)`` runs the real AWS CLI.

    Returns the parsed JSON output (None when it prints nothing); raises
    ``CliError`` with the CLI's stderr when it exits non-zero.
    """

    def run(*args: str, account: str = DEFAULT_ACCOUNT, region: str = DEFAULT_REGION) -> Any:
        env = {
            **os.environ,
            **ISOLATED_ENV,
            "AWS_ACCESS_KEY_ID": account,
            "AWS_SECRET_ACCESS_KEY": "secret",
            "AWS_DEFAULT_REGION": region,
        }
        env.pop("AWS_SESSION_TOKEN", None)
        cmd = [sys.executable, "-m", "awscli", "--endpoint-url", server.url, "--output", "json",
               *args]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise CliError(done.returncode, done.stderr)
        return json.loads(done.stdout) if done.stdout.strip() else None

    return run


class CliError(Exception):
    def __init__(self, returncode: int, stderr: str) -> None:
        super().__init__(f"aws exited {returncode}: {stderr}")
        self.returncode = returncode
        self.stderr = stderr
