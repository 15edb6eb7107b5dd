"""No operation in one classroom world changes or reveals anything of another.

Over a real classroom server: world B is given something of its own (an image, a tag, a key,
an account, all marked with a secret word), and its whole snapshot and its answers to a set
of reads are recorded. Then hypothesis runs random operations, by random callers, in world A
(AWS calls of every service, resets from A's admin endpoint and from the instructor's page),
and after each run B's snapshot and answers are exactly as recorded, and no answer A gave
mentions B's secret word.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import botocore.exceptions
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.e2e.classroom_server import ClassroomServer, classroom_server, demo_classroom

SECRET_WORD = "bobs-secret"
DEMO_IMAGE = "ami-0abcdef1234567890"
ACCOUNTS = ["123456789012", "111122223333", "222233334444", "444455556666", "999988887777"]
ENGINEERING = "arn:aws:organizations::123456789012:ou/o-123example/ou-1234-5example"
TARGETS = [
    {"UserId": "111122223333"},
    {"UserId": "444455556666"},
    {"Group": "all"},
    {"OrganizationArn": "arn:aws:organizations::123456789012:organization/o-123example"},
    {"OrganizationalUnitArn": ENGINEERING},
]
A, B = "world-a", "world-b"


def _post(room: ClassroomServer, path: str) -> Any:
    parts = urlsplit(room.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request("POST", path)
        return json.loads(conn.getresponse().read())
    finally:
        conn.close()


def _state(room: ClassroomServer, world: str) -> Any:
    parts = urlsplit(room.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request("GET", f"/w/{world}/_emulator/state")
        return json.loads(conn.getresponse().read())
    finally:
        conn.close()


def _reads(room: ClassroomServer, world: str) -> list[Any]:
    """What B's callers see, without the per-call request ids."""
    seen = []
    for account in ACCOUNTS:
        ec2 = room.client(world, "ec2", account)
        seen.append(ec2.describe_images(ExecutableUsers=["self"])["Images"])
        seen.append(ec2.describe_images(Owners=["self"])["Images"])
        seen.append(ec2.describe_tags()["Tags"])
        seen.append(room.client(world, "kms", account).list_keys()["Keys"])
    orgs = room.client(world, "organizations")
    seen.append(orgs.list_accounts()["Accounts"])
    seen.append(orgs.describe_organization()["Organization"])
    return json.loads(json.dumps(seen, default=str))


@pytest.fixture(scope="module")
def room() -> Iterator[ClassroomServer]:
    with classroom_server(demo_classroom()) as server:
        ec2 = server.client(B, "ec2")
        image = ec2.register_image(Name=f"{SECRET_WORD}-image", RootDeviceName="/dev/xvda")
        ec2.create_tags(
            Resources=[image["ImageId"], DEMO_IMAGE], Tags=[{"Key": "who", "Value": SECRET_WORD}]
        )
        ec2.modify_image_attribute(
            ImageId=image["ImageId"], LaunchPermission={"Add": [{"UserId": "444455556666"}]}
        )
        server.client(B, "kms").create_key(Description=SECRET_WORD)
        server.client(B, "organizations").create_account(
            Email=f"{SECRET_WORD}@example.com", AccountName=SECRET_WORD
        )
        yield server


Op = Callable[[ClassroomServer], Any]


def _ec2(account: str, call: Callable[[Any], Any]) -> Op:
    return lambda room: call(room.client(A, "ec2", account))


OPS = st.one_of(
    st.builds(
        lambda account, target, add: _ec2(
            account,
            lambda c: c.modify_image_attribute(
                ImageId=DEMO_IMAGE, LaunchPermission={"Add" if add else "Remove": [target]}
            ),
        ),
        st.sampled_from(ACCOUNTS),
        st.sampled_from(TARGETS),
        st.booleans(),
    ),
    st.builds(
        lambda account, name: _ec2(
            account, lambda c: c.register_image(Name=name, RootDeviceName="/dev/xvda")
        ),
        st.sampled_from(ACCOUNTS),
        st.sampled_from(["trainee-image", "another-image"]),
    ),
    st.builds(
        lambda account, value: _ec2(
            account,
            lambda c: c.create_tags(Resources=[DEMO_IMAGE], Tags=[{"Key": "who", "Value": value}]),
        ),
        st.sampled_from(ACCOUNTS),
        st.sampled_from(["alice", "trainee"]),
    ),
    st.builds(
        lambda account: _ec2(account, lambda c: c.deregister_image(ImageId=DEMO_IMAGE)),
        st.sampled_from(ACCOUNTS),
    ),
    st.builds(
        lambda account: _ec2(
            account,
            lambda c: c.run_instances(
                ImageId=DEMO_IMAGE, MinCount=1, MaxCount=1, InstanceType="t3.micro"
            ),
        ),
        st.sampled_from(ACCOUNTS),
    ),
    st.builds(
        lambda account: _ec2(
            account,
            lambda c: c.copy_image(
                Name="copied", SourceImageId=DEMO_IMAGE, SourceRegion="us-east-1"
            ),
        ),
        st.sampled_from(ACCOUNTS),
    ),
    st.builds(
        lambda account: lambda room: room.client(A, "kms", account).create_key(),
        st.sampled_from(ACCOUNTS),
    ),
    st.builds(
        lambda name: (
            lambda room: room.client(A, "organizations").create_account(
                Email=f"{name}@example.com", AccountName=name
            )
        ),
        st.sampled_from(["trainee", "other-trainee"]),
    ),
    st.just(lambda room: room.client(A, "organizations").list_accounts()),
    st.just(lambda room: room.client(A, "ec2").describe_images(ExecutableUsers=["all"])),
    st.just(lambda room: room.client(A, "sts").get_caller_identity()),
    st.just(lambda room: _post(room, f"/w/{A}/_emulator/reset")),
    st.just(lambda room: _post(room, f"/_emulator/classroom/worlds/{A}/reset")),
)


def _mentions_secret(answer: Any) -> bool:
    return SECRET_WORD in json.dumps(answer, default=str)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(OPS, min_size=1, max_size=8))
def test_world_a_never_touches_or_reveals_world_b(room: ClassroomServer, ops: list[Op]) -> None:
    before_state, before_reads = _state(room, B), _reads(room, B)
    for op in ops:
        try:
            answer = op(room)
        except botocore.exceptions.ClientError as exc:
            answer = exc.response["Error"]
        if isinstance(answer, dict):
            answer = {k: v for k, v in answer.items() if k != "ResponseMetadata"}
        assert not _mentions_secret(answer)
    assert _state(room, B) == before_state
    assert _reads(room, B) == before_reads
    assert not _mentions_secret(_state(room, A))
