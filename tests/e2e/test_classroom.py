"""One server for a classroom: a world per name under /w/<name>/, each on its own."""

from __future__ import annotations

import http.client
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import botocore.exceptions
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from emulator.core.world import World
from emulator.scenario_files import load_file_into
from emulator.web.worlds import Classroom, worlds_like
from tests.conftest import CLIENT_CONFIG
from tests.e2e.classroom_server import ClassroomServer, classroom_server, demo_classroom
from tests.e2e.emulator_process import start_emulator

DEMO_IMAGE = "ami-0abcdef1234567890"
MANAGEMENT, DEV, SANDBOX = "123456789012", "111122223333", "444455556666"
ENGINEERING = "arn:aws:organizations::123456789012:ou/o-123example/ou-1234-5example"


@pytest.fixture(scope="module")
def room() -> Iterator[ClassroomServer]:
    with classroom_server(demo_classroom(max_worlds=1000)) as server:
        yield server


def _http(
    url: str, path: str, method: str = "GET", body: bytes = b"", **headers: str
) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers)
        answer = conn.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        conn.close()


def _json(url: str, path: str, method: str = "GET", **headers: str) -> tuple[int, Any]:
    status, _, body = _http(url, path, method, **headers)
    return status, json.loads(body)


def _tag_keys(ec2: Any) -> set[str]:
    return {tag["Key"] for tag in ec2.describe_tags()["Tags"]}


def _code(call: Any) -> str:
    with pytest.raises(botocore.exceptions.ClientError) as refused:
        call()
    return refused.value.response["Error"]["Code"]


def test_each_world_starts_as_the_demo_and_keeps_its_changes_to_itself(
    room: ClassroomServer,
) -> None:
    alice = room.client("alice", "ec2")
    alice.modify_image_attribute(
        ImageId=DEMO_IMAGE, LaunchPermission={"Add": [{"OrganizationalUnitArn": ENGINEERING}]}
    )
    assert room.client("alice", "ec2", DEV).describe_images(Owners=[MANAGEMENT])["Images"]
    bob_dev = room.client("bob", "ec2", DEV)
    assert bob_dev.describe_images(Owners=[MANAGEMENT])["Images"] == []
    # Bob's world is the demo world too: same organization, same image.
    bob = room.client("bob", "organizations")
    assert bob.describe_organization()["Organization"]["Id"] == "o-123example"
    assert room.client("bob", "ec2").describe_images(Owners=["self"])["Images"][0]["ImageId"] == (
        DEMO_IMAGE
    )


def _client_at(endpoint: str, service: str, account: str = MANAGEMENT) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=account,
        aws_secret_access_key="any",
        config=CLIENT_CONFIG,
    )


def test_an_endpoint_without_the_last_slash_is_the_same_world(room: ClassroomServer) -> None:
    key = room.client("carol", "kms").create_key()["KeyMetadata"]["KeyId"]
    without = _client_at(f"{room.url}/w/carol", "kms")
    assert without.describe_key(KeyId=key)["KeyMetadata"]["KeyId"] == key


def test_admin_endpoints_and_reset_are_per_world(room: ClassroomServer) -> None:
    room.client("dave", "ec2").create_tags(
        Resources=[DEMO_IMAGE], Tags=[{"Key": "owner", "Value": "dave"}]
    )
    room.client("erin", "ec2").describe_images(Owners=["self"])
    _, dave = _json(room.url, "/w/dave/_emulator/state")
    _, erin = _json(room.url, "/w/erin/_emulator/state")
    assert "dave" in json.dumps(dave) and "dave" not in json.dumps(erin)
    assert _json(room.url, "/w/dave/_emulator/reset", "POST") == (200, {"status": "reset"})
    _, after = _json(room.url, "/w/dave/_emulator/state")
    assert after == erin
    status, access = _json(room.url, f"/w/erin/_emulator/access?image={DEMO_IMAGE}")
    assert status == 200 and access["exists"]


def test_each_world_has_its_own_console(room: ClassroomServer) -> None:
    status, headers, body = _http(room.url, "/w/frank/_emulator/console/")
    assert status == 200
    page = body.decode()
    links = re.findall(r'(?:href|src|action)="(/[^"]*)"', page)
    assert links and all(link.startswith("/w/frank/_emulator/console") for link in links)
    assert "Path=/w/frank/_emulator/console" in headers["set-cookie"]


def test_a_console_form_changes_its_own_world_only(room: ClassroomServer) -> None:
    status, headers, body = _http(room.url, "/w/olga/_emulator/console/")
    cookie = headers["set-cookie"].split(";")[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', body.decode())
    assert status == 200 and token
    form = f"csrf_token={token[1]}&state=block-new-sharing".encode()
    status, _, _ = _http(
        room.url,
        "/w/olga/_emulator/console/settings/block-public-access",
        "POST",
        form,
        Cookie=cookie,
        **{"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status in (302, 303)
    olga, pete = room.client("olga", "ec2"), room.client("pete", "ec2")
    assert olga.get_image_block_public_access_state()["ImageBlockPublicAccessState"] == (
        "block-new-sharing"
    )
    assert pete.get_image_block_public_access_state()["ImageBlockPublicAccessState"] == (
        "unblocked"
    )
    # Olga's console session is no session in Pete's console.
    status, _, _ = _http(
        room.url,
        "/w/pete/_emulator/console/settings/block-public-access",
        "POST",
        form,
        Cookie=cookie,
        **{"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 403


def test_the_instructor_page_lists_worlds_and_resets_them() -> None:
    with classroom_server() as room:
        room.client("gina", "ec2").create_tags(
            Resources=[DEMO_IMAGE], Tags=[{"Key": "k", "Value": "v"}]
        )
        room.client("hank", "sts").get_caller_identity()
        status, listing = _json(room.url, "/_emulator/classroom/worlds")
        assert status == 200 and listing["max_worlds"] == 100
        names = [w["name"] for w in listing["worlds"]]
        assert names == ["gina", "hank"]
        assert all(w["last_activity"] >= w["created"] for w in listing["worlds"])
        status, _, page = _http(room.url, "/_emulator/classroom/")
        assert status == 200 and b"gina" in page and b"/w/hank/_emulator/console/" in page

        # A browser form comes back to the page; a script gets JSON.
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        status, headers, _ = _http(
            room.url, "/_emulator/classroom/worlds/gina/reset", "POST", **form
        )
        assert status == 303 and headers["location"].endswith("/_emulator/classroom/")
        assert "k" not in _tag_keys(room.client("gina", "ec2"))

        room.client("hank", "ec2").create_tags(
            Resources=[DEMO_IMAGE], Tags=[{"Key": "k", "Value": "v"}]
        )
        assert _json(room.url, "/_emulator/classroom/reset", "POST") == (
            200,
            {"status": "reset", "worlds": ["gina", "hank"]},
        )
        assert "k" not in _tag_keys(room.client("hank", "ec2"))
        assert _json(room.url, "/_emulator/classroom/worlds/nobody/reset", "POST")[0] == 404
        assert _json(room.url, "/_emulator/classroom/worlds/hank/remove", "POST")[0] == 200
        _, listing = _json(room.url, "/_emulator/classroom/worlds")
        assert [w["name"] for w in listing["worlds"]] == ["gina"]


def test_past_the_bound_a_new_world_is_refused_in_each_services_words() -> None:
    with classroom_server(demo_classroom(max_worlds=2)) as room:
        room.client("one", "sts").get_caller_identity()
        room.client("two", "sts").get_caller_identity()
        assert _code(room.client("three", "ec2").describe_images) == "ResourceLimitExceeded"
        assert _code(room.client("three", "kms").list_keys) == "LimitExceededException"
        assert _code(room.client("three", "organizations").describe_organization) == (
            "ConstraintViolationException"
        )
        status, answer = _json(room.url, "/w/three/_emulator/state")
        assert status == 400 and "at most 2 worlds" in answer["error"]
        # The worlds there still answer; a removed one frees its place.
        room.client("one", "sts").get_caller_identity()
        _json(room.url, "/_emulator/classroom/worlds/one/remove", "POST")
        assert room.client("three", "ec2").describe_images(Owners=["self"])["Images"]


@pytest.mark.parametrize("name", ["Alice", "al_ice", "a" * 41, "al.ice", ""])
def test_a_bad_world_name_is_refused(room: ClassroomServer, name: str) -> None:
    assert _code(room.client(name, "ec2").describe_images) == "InvalidRequest"
    status, answer = _json(room.url, f"/w/{name}/_emulator/health")
    assert status == 400 and "not a world name" in answer["error"]


def test_the_longest_name_is_a_world(room: ClassroomServer) -> None:
    assert room.client("a" * 40, "sts").get_caller_identity()["Account"] == MANAGEMENT


def test_the_top_level_names_the_way_in(room: ClassroomServer) -> None:
    assert _code(_client_at(room.url, "ec2").describe_images) == "InvalidRequest"
    assert _code(_client_at(room.url, "kms").list_keys) == "NotFoundException"
    assert _json(room.url, "/_emulator/health") == (200, {"status": "ok"})
    status, answer = _json(room.url, "/_emulator/state")
    assert status == 400 and "/w/<name>/" in answer["error"]


def test_foreign_hosts_and_other_sites_are_refused(room: ClassroomServer) -> None:
    for path in ("/w/ivan/_emulator/reset", "/_emulator/classroom/reset"):
        status, _, _ = _http(room.url, path, "POST", Origin="http://evil.example")
        assert status == 403
        status, _, _ = _http(room.url, path, "POST", **{"Sec-Fetch-Site": "cross-site"})
        assert status == 403
    for path in ("/w/ivan/_emulator/state", "/_emulator/classroom/"):
        status, _, _ = _http(room.url, path, Host="evil.example")
        assert status == 403


def _signed(url: str, key: str, secret: str) -> AWSRequest:
    request = AWSRequest(
        "POST",
        url,
        data=b"Action=GetCallerIdentity&Version=2011-06-15",
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(Credentials(key, secret), "sts", "us-east-1").add_auth(request)
    return request


def test_signatures_cover_the_whole_path() -> None:
    key, secret = "AKIATRAINEE000000001", "trainee-secret"
    classroom = demo_classroom(pinned={"access_keys": {key: DEV}, "secret_keys": {key: secret}})
    with classroom_server(classroom, verify_signatures=True) as room:
        signed = room.client("judy", "sts", key, secret)
        assert signed.get_caller_identity()["Account"] == DEV
        assert _code(room.client("judy", "sts", key, "wrong").get_caller_identity) == (
            "SignatureDoesNotMatch"
        )
        # Signed for one world, sent to another: the path is part of what was signed.
        request = _signed(room.endpoint("judy"), key, secret)
        headers = dict(request.headers.items())
        status, _, body = _http(room.url, "/w/judy/", "POST", request.body, **headers)
        assert status == 200, body
        status, _, body = _http(room.url, "/w/kate/", "POST", request.body, **headers)
        assert status == 403 and b"SignatureDoesNotMatch" in body
        # No last slash: signed as sent.
        request = _signed(room.endpoint("judy").rstrip("/"), key, secret)
        headers = dict(request.headers.items())
        status, _, body = _http(room.url, "/w/judy", "POST", request.body, **headers)
        assert status == 200, body


def test_a_classroom_scenario_is_every_worlds_start(tmp_path: Path) -> None:
    scenario = tmp_path / "class.yaml"
    scenario.write_text(
        "organizations:\n  - management_account: '210987654321'\n"
        "images:\n  - {owner: '210987654321', name: class-image}\n"
    )
    template = World()
    load_file_into(template, scenario)
    with classroom_server(Classroom(worlds_like(template.to_dict(), {}))) as room:
        for name in ("lena", "mike"):
            ec2 = room.client(name, "ec2", "210987654321")
            assert [i["Name"] for i in ec2.describe_images(Owners=["self"])["Images"]] == [
                "class-image"
            ]


def test_the_command_line(tmp_path: Path) -> None:
    scenario = tmp_path / "class.yaml"
    scenario.write_text("images:\n  - {owner: '210987654321', name: cli-class-image}\n")
    emulator = start_emulator(
        tmp_path / "serve.log",
        "--classroom",
        "--classroom-scenario",
        str(scenario),
        "--classroom-max-worlds",
        "3",
        "--verify-signatures",
        "--access-key",
        "AKIACLASSROOM0000001=210987654321:class-secret",
    )
    try:
        assert emulator.proc.stdout.readline().startswith("classroom: trainees use ")
        emulator.url += "/w/nina/"
        ec2 = emulator.client("ec2", "AKIACLASSROOM0000001", secret="class-secret")
        assert ec2.describe_images(Owners=["self"])["Images"][0]["Name"] == "cli-class-image"
        wrong = emulator.client("ec2", "AKIACLASSROOM0000001", secret="not-it")
        assert _code(wrong.describe_images) == "AuthFailure"
        base = emulator.url.removesuffix("/w/nina/")
        _, listing = _json(base, "/_emulator/classroom/worlds")
        assert listing["max_worlds"] == 3 and [w["name"] for w in listing["worlds"]] == ["nina"]
    finally:
        assert emulator.stop() == 0
    assert "w/nina:210987654321 us-east-1 ec2.DescribeImages 200" in emulator.log_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--classroom", "--state-file", "x.json"], "--state-file is for one world"),
        (["--classroom", "--empty"], "--empty is for one world"),
        (["--classroom-scenario", "x.yaml"], "need --classroom"),
        (["--classroom", "--classroom-max-worlds", "0"], "not a number of worlds"),
        (["--classroom", "--classroom-scenario", "missing.yaml"], "missing.yaml: cannot read"),
    ],
)
def test_bad_classroom_options_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "emulator", "serve", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
