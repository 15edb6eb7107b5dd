"""DNS rebinding: a page of evil.example whose name was made to resolve to 127.0.0.1 is the
emulator's "same origin", so the Host header decides. It must be a loopback name or address,
the address the server is bound to, or a name given with ``--allowed-host``; anything else
gets a 403 (in the caller's protocol on the AWS endpoint, JSON elsewhere), reads included."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from emulator.cli import parser
from emulator.server import RunningServer
from tests.e2e.emulator_process import start_emulator
from tests.security.conftest import send

AMI = "ami-0abcdef1234567890"
DESCRIBE = "/?Action=DescribeImages&Version=2016-11-15"
COMPOSE = Path(__file__).resolve().parents[2] / "docker" / "compose.yaml"
REFUSED_NAMES = [
    "evil.example",
    "127.0.0.1.evil.example",
    "localhost.evil.example",
    "evil.example:4566",
    "10.0.0.1",
    "0x7f.0.0.1",
    "2130706433",
    "[::2]",
    "user@127.0.0.1",
    "",
    "localhost:bad",
    "[::1",
]

pytestmark = pytest.mark.ami_scenario("demo")


def host(server: RunningServer, name: str) -> str:
    """``name`` with the server's port unless it carries one already."""
    if name.endswith("]") or ":" not in name:
        return f"{name}:{server.server.port}" if name else name
    return name


@pytest.mark.parametrize("name", REFUSED_NAMES)
def test_a_foreign_host_is_refused_everywhere(server: RunningServer, aws: Any, name: str) -> None:
    headers = {"Host": host(server, name)}
    answer = send(server.url, "GET", DESCRIBE, headers=headers)
    assert answer.status == 403, answer.body
    assert "<Code>UnauthorizedOperation</Code>" in answer.body and AMI not in answer.body
    for path in ("/_emulator/state", "/_emulator/scenario", "/_emulator/console/amis"):
        answer = send(server.url, "GET", path, headers=headers)
        assert answer.status == 403, path
        assert answer.header("Content-Type") == "application/json"
        assert "--allowed-host" in json.loads(answer.body)["error"]


def test_a_foreign_host_changes_nothing(server: RunningServer, aws: Any) -> None:
    aws("ec2").modify_image_attribute(
        ImageId=AMI, LaunchPermission={"Add": [{"UserId": "111122223333"}]}
    )
    answer = send(server.url, "POST", "/_emulator/reset", headers={"Host": "evil.example"})
    assert answer.status == 403
    attribute = aws("ec2").describe_image_attribute(ImageId=AMI, Attribute="launchPermission")
    assert attribute["LaunchPermissions"] == [{"UserId": "111122223333"}]


def test_a_json_caller_with_a_foreign_host_is_refused_in_json(
    server: RunningServer, aws: Any
) -> None:
    answer = send(
        server.url,
        "POST",
        "/",
        "{}",
        {
            "Host": "evil.example",
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": "AWSOrganizationsV20161128.DescribeOrganization",
        },
    )
    assert answer.status == 403
    assert json.loads(answer.body)["__type"] == "AccessDeniedException"


@pytest.mark.parametrize(
    "name",
    ["127.0.0.1", "localhost", "LOCALHOST", "127.0.0.2", "127.255.255.254", "[::1]", "localhost:"],
)
def test_loopback_names_with_any_port_are_accepted(
    server: RunningServer, aws: Any, name: str
) -> None:
    for value in {name, host(server, name), f"{name.rstrip(':')}:1"}:
        answer = send(server.url, "GET", DESCRIBE, headers={"Host": value})
        assert answer.status == 200, (value, answer.body)
        assert AMI in answer.body
        assert send(server.url, "GET", "/_emulator/health", headers={"Host": value}).status == 200


def test_allowed_hosts_are_accepted(serve: Any) -> None:
    running = serve(allowed_hosts=["emulator.test", "192.0.2.10", "2001:db8::5"])
    for value in ("emulator.test:4566", "Emulator.Test", "192.0.2.10:80", "[2001:DB8:0::5]:1"):
        assert send(running.url, "GET", DESCRIBE, headers={"Host": value}).status == 200, value
    for value in ("other.test", "192.0.2.11", "sub.emulator.test", "[2001:db8::6]"):
        assert send(running.url, "GET", DESCRIBE, headers={"Host": value}).status == 403, value


def test_bound_to_every_interface_every_address_is_accepted_but_no_foreign_name(
    serve: Any,
) -> None:
    """Bound to 0.0.0.0 the server is reached by any address that routes to it (a published
    Docker port, a LAN address); an address cannot be rebound, a name can."""
    running = serve(allowed_hosts=["0.0.0.0"])
    for value in ("192.0.2.11:4566", "10.1.2.3", "[2001:db8::6]:4566", "127.0.0.1"):
        assert send(running.url, "GET", DESCRIBE, headers={"Host": value}).status == 200, value
    for value in ("evil.example", "ami-emulator"):
        assert send(running.url, "GET", DESCRIBE, headers={"Host": value}).status == 403, value


def test_the_command_line_allows_hosts(tmp_path: Path) -> None:
    args = parser().parse_args(["serve", "--allowed-host", "a.test", "--allowed-host", "b.test"])
    assert args.allowed_host == ["a.test", "b.test"]
    os.environ["AMI_EMULATOR_ALLOWED_HOSTS"] = "env-one.test, env-two.test"
    try:
        emulator = start_emulator(tmp_path / "serve.log", "--empty", "--allowed-host", "a.test")
    finally:
        del os.environ["AMI_EMULATOR_ALLOWED_HOSTS"]
    try:
        for value, status in (
            ("a.test", 200),
            ("env-one.test", 200),
            ("env-two.test:4566", 200),
            ("b.test", 403),
            ("127.0.0.1", 200),
        ):
            answer = send(emulator.url, "GET", "/_emulator/health", headers={"Host": value})
            assert answer.status == status, value
    finally:
        assert emulator.stop() == 0


@pytest.mark.parametrize("value", ["", "evil.example:4566", "http://a.test", "a b"])
def test_an_allowed_host_must_be_a_host_name(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        parser().parse_args(["serve", "--allowed-host", value])
    assert "argument --allowed-host: " in capsys.readouterr().err


def test_compose_allows_its_service_name() -> None:
    """Other containers reach the emulator by its compose service name."""
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    for name, service in services.items():
        command = service["command"]
        allowed = [command[i + 1] for i, word in enumerate(command) if word == "--allowed-host"]
        assert name in allowed


def test_a_request_without_any_host_is_not_a_browsers(server: RunningServer, aws: Any) -> None:
    """HTTP/1.0 clients may send no Host; a browser always sends one, so DNS rebinding cannot
    produce such a request."""
    with socket.create_connection((server.server.host, server.server.port), timeout=10) as conn:
        conn.sendall(b"GET /_emulator/health HTTP/1.0\r\n\r\n")
        answer = b""
        while chunk := conn.recv(4096):
            answer += chunk
    assert answer.startswith(b"HTTP/1.0 200") and b'"status":"ok"' in answer


def test_a_bad_name_in_the_environment_stops_the_start() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "emulator", "serve", "--port", "0", "--empty"],
        env={**os.environ, "AMI_EMULATOR_ALLOWED_HOSTS": "good.test,http://bad.test"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "'http://bad.test' is not a host name or address" in done.stderr
    assert "AMI_EMULATOR_ALLOWED_HOSTS" in done.stderr
