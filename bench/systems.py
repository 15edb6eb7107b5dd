"""The servers under test, each in its own process on 127.0.0.1: start, time, measure, stop."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

HOST = "127.0.0.1"
REGION = "us-east-1"
SECRET = "bench-secret"
BIN = Path(sys.executable).parent
START_TIMEOUT = 60.0
# moto's default AMIs would put hundreds of extra images in every account it touches; off, so
# both systems hold the same world (and moto starts faster, not slower).
MOTO_ENV = {"MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}
# What "answering" means at startup: the first call an AMI test makes, and the lightest call
# both serve (moto loads each service's code on that service's first call).
FIRST_CALLS = {
    "DescribeImages": ("ec2", b"Action=DescribeImages&Version=2016-11-15&Owner.1=self"),
    "GetCallerIdentity": ("sts", b"Action=GetCallerIdentity&Version=2011-06-15"),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def signed_headers(
    port: int, service: str, body: bytes, account: str, content_type: str, extra: dict[str, str]
) -> dict[str, str]:
    """Headers of a real SigV4-signed POST to ``/``, as boto3 would send them."""
    request = AWSRequest(
        "POST",
        f"http://{HOST}:{port}/",
        data=body,
        headers={"Content-Type": content_type, **extra},
    )
    SigV4Auth(Credentials(account, SECRET), service, REGION).add_auth(request)
    return dict(request.headers.items())


@dataclass
class System:
    """One server process; ``account_headers`` is how a caller names its account to it."""

    name: str
    command: Callable[[int], list[str]]
    env: dict[str, str]
    account_headers: Callable[[str], dict[str, str]]
    proc: subprocess.Popen | None = None
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, first_call: str = "DescribeImages") -> float:
        """Spawn the process; return seconds until its first successful answer."""
        self.port = free_port()
        account = "123456789012"
        service, body = FIRST_CALLS[first_call]
        headers = signed_headers(
            self.port,
            service,
            body,
            account,
            "application/x-www-form-urlencoded; charset=utf-8",
            self.account_headers(account),
        )
        began = time.perf_counter()
        self.proc = subprocess.Popen(
            self.command(self.port),
            env={**os.environ, **self.env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        while time.perf_counter() - began < START_TIMEOUT:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}")
            try:
                if post(self.port, body, headers)[0] == 200:
                    return time.perf_counter() - began
            except OSError:
                time.sleep(0.005)
        raise RuntimeError(f"{self.name} did not answer within {START_TIMEOUT}s")

    def rss_mib(self) -> float:
        """Resident memory of the server process and its children, in MiB."""
        assert self.proc is not None
        return sum(_rss_kib(pid) for pid in _process_tree(self.proc.pid)) / 1024

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def post(port: int, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("POST", "/", body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _process_tree(pid: int) -> list[int]:
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        for child in children:
            pids.extend(_process_tree(int(child)))
    return pids


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def ours() -> System:
    return System(
        name="ami-emulator",
        command=lambda port: [
            str(BIN / "ami-emulator"),
            "serve",
            "--empty",
            "--port",
            str(port),
            "--log-level",
            "WARNING",
        ],
        env={},
        account_headers=lambda account: {},
    )


def moto() -> System:
    return System(
        name="moto",
        command=lambda port: [str(BIN / "moto_server"), "-H", HOST, "-p", str(port)],
        env=MOTO_ENV,
        account_headers=lambda account: {"x-moto-account-id": account},
    )


def trivial() -> System:
    """The same WSGI server as ``ami-emulator serve``, around a handler with a fixed answer."""
    return System(
        name="trivial handler",
        command=lambda port: [sys.executable, "-m", "bench.trivial_app", str(port)],
        env={"PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
        account_headers=lambda account: {},
    )
