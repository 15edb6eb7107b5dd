"""``POST /_emulator/reset?to=demo``: back to the built-in demo world from any other world,
refused from other sites like every other write."""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator.server import RunningServer
from tests.security.conftest import send

AMI = "ami-0abcdef1234567890"
OTHER_WORLD = """
organizations:
  - id: o-abcdefghij
    management_account: "210987654321"
images:
  - id: ami-0123456789abcdef0
    name: other
    owner: "210987654321"
"""


def _images(aws: Any, account: str) -> list[str]:
    return [i["ImageId"] for i in aws("ec2", account).describe_images(Owners=["self"])["Images"]]


def _load_other_world(server: RunningServer) -> None:
    answer = send(server.url, "PUT", "/_emulator/state", OTHER_WORLD)
    assert answer.status == 200, answer.body


def test_reset_to_demo_after_another_world_was_loaded(server: RunningServer, aws: Any) -> None:
    _load_other_world(server)
    assert send(server.url, "POST", "/_emulator/reset").status == 200
    assert _images(aws, "210987654321") == ["ami-0123456789abcdef0"]  # reset: the loaded one

    answer = send(server.url, "POST", "/_emulator/reset?to=demo")
    assert (answer.status, json.loads(answer.body)) == (200, {"status": "reset"})
    assert _images(aws, "123456789012") == [AMI]
    assert _images(aws, "210987654321") == []

    # The demo world is now what a plain reset returns to.
    aws("ec2").modify_image_attribute(
        ImageId=AMI, LaunchPermission={"Add": [{"UserId": "111122223333"}]}
    )
    assert send(server.url, "POST", "/_emulator/reset").status == 200
    perms = aws("ec2").describe_image_attribute(ImageId=AMI, Attribute="launchPermission")
    assert perms["LaunchPermissions"] == []
    assert _images(aws, "123456789012") == [AMI]


@pytest.mark.parametrize("target", ["empty", "DEMO", ""])
def test_an_unknown_target_is_refused_and_changes_nothing(
    server: RunningServer, aws: Any, target: str
) -> None:
    _load_other_world(server)
    answer = send(server.url, "POST", f"/_emulator/reset?to={target}")
    assert answer.status == 400
    assert "to must be demo" in json.loads(answer.body)["error"]
    assert _images(aws, "210987654321") == ["ami-0123456789abcdef0"]


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"}, {"Origin": "null"}],
)
def test_reset_to_demo_from_another_site_is_refused(
    server: RunningServer, aws: Any, headers: dict[str, str]
) -> None:
    _load_other_world(server)
    answer = send(server.url, "POST", "/_emulator/reset?to=demo", headers=headers)
    assert answer.status == 403
    assert "error" in json.loads(answer.body)
    assert _images(aws, "210987654321") == ["ami-0123456789abcdef0"]
