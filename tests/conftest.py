"""Shared fixtures: one real server on 127.0.0.1, real boto3 clients, the real AWS CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import settings

from emulator.core.world import DEFAULT_ACCOUNT, DEFAULT_REGION
from emulator.server import RunningServer
from emulator.testing.pytest_plugin import CLIENT_CONFIG
from tests.skip_summary import pytest_terminal_summary

__all__ = ["CLIENT_CONFIG", "CliError", "pytest_terminal_summary"]

# No per-example time limit: speed is measured in bench/, and a property must not fail
# because the machine running it is busy (hypothesis's default deadline is 200 ms).
settings.register_profile("ami-emulator", deadline=None)
settings.load_profile("ami-emulator")

ISOLATED_ENV = {
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_PAGER": "",
}
ClientFactory = Callable[..., Any]


@pytest.fixture(scope="session", autouse=True)
def _isolated_environment() -> None:
    """No developer profile, endpoint or credentials file may leak into a test."""
    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_DEFAULT_PROFILE"):
        os.environ.pop(key, None)
    os.environ.update(ISOLATED_ENV)


@pytest.fixture(scope="session")
def server(ami_server: RunningServer) -> RunningServer:
    """The project's tests use the plugin's server (``emulator.testing.pytest_plugin``)."""
    return ami_server


@pytest.fixture
def aws(ami_client: ClientFactory) -> ClientFactory:
    """A fresh world, and ``aws(service, account=..., region=...)`` -> a boto3 client."""
    return ami_client


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
        cmd = [
            sys.executable,
            "-m",
            "awscli",
            "--endpoint-url",
            server.url,
            "--output",
            "json",
            *args,
        ]
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
