"""The real command line in a child process, on a free port of 127.0.0.1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from emulator.core.world import DEFAULT_ACCOUNT, DEFAULT_REGION
from tests.conftest import CLIENT_CONFIG, ISOLATED_ENV

STARTUP_SECONDS = 30
LISTENING = "ami-emulator listening on "


@dataclass
class EmulatorProcess:
    proc: subprocess.Popen[str]
    url: str
    log: Path
    _clients: dict[tuple[str, str, str, str], Any] = field(default_factory=dict)

    def client(
        self,
        service: str,
        account: str = DEFAULT_ACCOUNT,
        *,
        secret: str = "secret",
        region: str = DEFAULT_REGION,
    ) -> Any:
        """A boto3 client whose access key id is ``account`` (any configured key works too)."""
        key = (service, account, secret, region)
        if key not in self._clients:
            self._clients[key] = boto3.client(
                service,
                endpoint_url=self.url,
                region_name=region,
                aws_access_key_id=account,
                aws_secret_access_key=secret,
                config=CLIENT_CONFIG,
            )
        return self._clients[key]

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=30)
        finally:
            self.proc.stdout.close()

    def log_text(self) -> str:
        return self.log.read_text()


def start_emulator(log: Path, *args: str, command: Sequence[str] | None = None) -> EmulatorProcess:
    """Run ``serve --port 0 *args`` (``command`` replaces ``python -m emulator``) and wait for
    the line that says where it listens."""
    cmd = [*(command or [sys.executable, "-m", "emulator"]), "serve", "--port", "0", *args]
    env = {**os.environ, **ISOLATED_ENV}
    with open(log, "w") as err:
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            env=env,
            cwd=Path(__file__).resolve().parents[2],
        )
    first: list[str] = []
    reader = threading.Thread(target=lambda: first.append(proc.stdout.readline()), daemon=True)
    reader.start()
    reader.join(STARTUP_SECONDS)
    line = first[0] if first else ""
    if not line.startswith(LISTENING):
        proc.kill()
        proc.wait()
        reader.join(5)
        proc.stdout.close()
        raise RuntimeError(f"emulator did not start: {line!r}\n{log.read_text()}")
    return EmulatorProcess(proc, line[len(LISTENING) :].split()[0], log)
