"""A browser page of another origin changes nothing: requests that say they come from another
site (``Sec-Fetch-Site``) or another origin (``Origin``) are refused with a 403 in the caller's
protocol, unless the operator opted that origin in with ``--cors-origin``, which then gets
proper CORS answers. Real SDKs send neither header and are unaffected."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from typing import Any

import pytest

from emulator.cli import parser
from emulator.core.world import World
from emulator.protocol.dispatch import WireRequest, dispatch
from emulator.protocol.refusal import refusal
from emulator.server import RunningServer
from tests.e2e.emulator_process import start_emulator
from tests.security.conftest import Answer, send

AMI = "ami-0abcdef1234567890"
DEV = "111122223333"
EVIL = "http://evil.example"
APP = "http://localhost:3000"
SHARE = (
    f"Action=ModifyImageAttribute&Version=2016-11-15&ImageId={AMI}"
    f"&LaunchPermission.Add.1.UserId={DEV}"
)
FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
CREATE_OU = json.dumps({"ParentId": "r-ab12", "Name": "FromABrowser"})
ORG_TARGET = "AWSOrganizationsV20161128.CreateOrganizationalUnit"
JSON_HEADERS = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": ORG_TARGET}
ASSUME = (
    "Action=AssumeRole&Version=2011-06-15"
    f"&RoleArn=arn:aws:iam::{DEV}:role/OrganizationAccountAccessRole&RoleSessionName=browser"
)
SDK_HEADERS = (
    "authorization",
    "content-type",
    "x-amz-date",
    "x-amz-target",
    "x-amz-security-token",
    "x-amz-user-agent",
    "amz-sdk-invocation-id",
    "amz-sdk-request",
)
# What a page of another site can make a browser add to a request.
FOREIGN = [
    {"Origin": EVIL},
    {"Origin": "null"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
    {"Origin": EVIL, "Sec-Fetch-Site": "cross-site"},
    {"Origin": "http://127.0.0.1:1"},
]

pytestmark = pytest.mark.ami_scenario("demo")


def shared_with(aws: Any) -> list[str]:
    answer = aws("ec2").describe_image_attribute(ImageId=AMI, Attribute="launchPermission")
    return [p["UserId"] for p in answer["LaunchPermissions"] if "UserId" in p]


def ou_names(aws: Any) -> list[str]:
    orgs = aws("organizations")
    return [
        ou["Name"]
        for ou in orgs.list_organizational_units_for_parent(ParentId="r-ab12")[
            "OrganizationalUnits"
        ]
    ]


def own_origin(server: RunningServer) -> str:
    return server.url


def assert_ec2_refusal(answer: Answer) -> None:
    assert answer.status == 403, answer.body
    assert "<Code>UnauthorizedOperation</Code>" in answer.body
    assert answer.body.startswith("<?xml") and "<Response><Errors>" in answer.body
    assert answer.header("x-amzn-RequestId")


@pytest.mark.parametrize(
    "headers", FOREIGN, ids=lambda h: ",".join(f"{k}={v}" for k, v in h.items())
)
def test_a_query_post_from_another_site_changes_nothing(
    server: RunningServer, aws: Any, headers: dict[str, str]
) -> None:
    answer = send(server.url, "POST", "/", SHARE, {**FORM, **headers})
    assert_ec2_refusal(answer)
    assert "--cors-origin" in answer.body
    assert shared_with(aws) == []


@pytest.mark.parametrize("headers", FOREIGN[:4])
def test_a_state_changing_get_from_another_site_changes_nothing(
    server: RunningServer, aws: Any, headers: dict[str, str]
) -> None:
    assert_ec2_refusal(send(server.url, "GET", f"/?{SHARE}", headers=headers))
    assert shared_with(aws) == []


def test_reads_from_another_site_are_refused_too(server: RunningServer, aws: Any) -> None:
    """No page has a reason to call the API without being opted in, so reads are refused as
    well: the rule then does not hang on which operation names only read."""
    answer = send(
        server.url,
        "GET",
        "/?Action=DescribeImages&Version=2016-11-15",
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert_ec2_refusal(answer)


def test_a_json_call_from_another_site_is_refused_in_json(server: RunningServer, aws: Any) -> None:
    before = ou_names(aws)
    answer = send(server.url, "POST", "/", CREATE_OU, {**JSON_HEADERS, "Origin": EVIL})
    assert answer.status == 403
    assert answer.header("Content-Type") == "application/x-amz-json-1.1"
    error = json.loads(answer.body)
    assert error["__type"] == "AccessDeniedException" and EVIL in error["message"]
    assert ou_names(aws) == before


def test_an_sts_call_from_another_site_is_refused_as_sts_does(
    server: RunningServer, aws: Any
) -> None:
    before = send(server.url, "GET", "/_emulator/state").body
    answer = send(server.url, "POST", "/", ASSUME, {**FORM, "Sec-Fetch-Site": "cross-site"})
    assert answer.status == 403
    assert '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">' in answer.body
    assert "<Type>Sender</Type><Code>AccessDenied</Code>" in answer.body
    assert json.loads(send(server.url, "GET", "/_emulator/state").body) == json.loads(before)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},
        {"Origin": "SELF"},
        {"Origin": "SELF", "Sec-Fetch-Site": "same-origin"},
    ],
)
def test_requests_without_foreign_headers_work(
    server: RunningServer, aws: Any, headers: dict[str, str]
) -> None:
    """What SDKs and the CLI send (no header at all), and the emulator's own pages."""
    headers = {k: own_origin(server) if v == "SELF" else v for k, v in headers.items()}
    answer = send(server.url, "POST", "/", SHARE, {**FORM, **headers})
    assert answer.status == 200, answer.body
    assert shared_with(aws) == [DEV]


@pytest.mark.parametrize("headers", FOREIGN[:4])
def test_reset_from_another_site_is_refused(
    server: RunningServer, aws: Any, headers: dict[str, str]
) -> None:
    aws("ec2").modify_image_attribute(ImageId=AMI, LaunchPermission={"Add": [{"UserId": DEV}]})
    answer = send(server.url, "POST", "/_emulator/reset", headers=headers)
    assert answer.status == 403
    assert answer.header("Content-Type") == "application/json"
    assert "error" in json.loads(answer.body)
    assert shared_with(aws) == [DEV]


def test_put_state_from_another_site_is_refused(server: RunningServer, aws: Any) -> None:
    answer = send(server.url, "PUT", "/_emulator/state", '{"version": 1}', {"Origin": EVIL})
    assert answer.status == 403 and "error" in json.loads(answer.body)
    assert shared_with(aws) == [] and ou_names(aws)


def test_admin_reads_and_own_origin_writes_are_allowed(server: RunningServer, aws: Any) -> None:
    """A page of another site may link to the admin answers (it cannot read them: no CORS);
    a write from the emulator's own origin is its own page."""
    assert send(server.url, "GET", "/_emulator/health", headers={"Origin": EVIL}).status == 200
    answer = send(server.url, "POST", "/_emulator/reset", headers={"Origin": own_origin(server)})
    assert answer.status == 200


def test_without_cors_origins_there_are_no_cors_headers(server: RunningServer, aws: Any) -> None:
    preflight = send(
        server.url,
        "OPTIONS",
        "/",
        headers={"Origin": APP, "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status == 403
    plain = send(server.url, "POST", "/", SHARE, FORM)
    for answer in (preflight, plain):
        assert not [name for name in answer.headers if name.lower().startswith("access-control")]


def preflight(url: str, origin: str, path: str = "/") -> Answer:
    return send(
        url,
        "OPTIONS",
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": ",".join(SDK_HEADERS),
            "Sec-Fetch-Site": "same-site",
            "Sec-Fetch-Mode": "cors",
        },
    )


def words(value: str | None) -> set[str]:
    return {w.strip().lower() for w in (value or "").split(",") if w.strip()}


def test_an_opted_in_origin_gets_a_proper_preflight(serve: Any) -> None:
    running = serve(cors_origins=[APP, "https://tools.example:8443"])
    answer = preflight(running.url, APP)
    assert 200 <= answer.status < 300
    assert answer.header("Access-Control-Allow-Origin") == APP
    assert {"get", "post"} <= words(answer.header("Access-Control-Allow-Methods"))
    assert set(SDK_HEADERS) <= words(answer.header("Access-Control-Allow-Headers"))
    assert "origin" in words(answer.header("Vary"))
    assert answer.header("Access-Control-Allow-Credentials") is None
    admin = preflight(running.url, "https://tools.example:8443", "/_emulator/reset")
    assert admin.header("Access-Control-Allow-Origin") == "https://tools.example:8443"


def test_an_opted_in_origin_may_call_and_read_the_answer(serve: Any) -> None:
    running = serve(cors_origins=[APP])
    headers = {**FORM, "Origin": APP, "Sec-Fetch-Site": "same-site"}
    answer = send(running.url, "POST", "/", SHARE, headers)
    assert answer.status == 200, answer.body
    assert answer.header("Access-Control-Allow-Origin") == APP
    assert "x-amzn-requestid" in words(answer.header("Access-Control-Expose-Headers"))
    assert "origin" in words(answer.header("Vary"))
    image = running.world.ec2.regions["us-east-1"].images[AMI]
    assert [g.value for g in image.launch_permissions.entries] == [DEV]
    reset = send(running.url, "POST", "/_emulator/reset", headers={"Origin": APP})
    assert reset.status == 200 and reset.header("Access-Control-Allow-Origin") == APP


def test_other_origins_stay_refused_when_one_is_opted_in(serve: Any) -> None:
    running = serve(cors_origins=[APP])
    answer = preflight(running.url, EVIL)
    assert answer.status == 403 and answer.header("Access-Control-Allow-Origin") is None
    answer = send(running.url, "POST", "/", SHARE, {**FORM, "Origin": "http://localhost:3001"})
    assert_ec2_refusal(answer)
    assert answer.header("Access-Control-Allow-Origin") is None
    image = running.world.ec2.regions["us-east-1"].images[AMI]
    assert list(image.launch_permissions.entries) == []


@pytest.mark.parametrize(
    "value", ["*", "localhost:3000", "http://localhost:3000/app", "ftp://x", "http://"]
)
def test_a_cors_origin_must_be_an_origin(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        parser().parse_args(["serve", "--cors-origin", value])
    assert "argument --cors-origin: " in capsys.readouterr().err


def test_the_command_line_opts_origins_in(tmp_path: Any) -> None:
    args = parser().parse_args(["serve", "--cors-origin", APP, "--cors-origin", "https://b.test"])
    assert args.cors_origin == [APP, "https://b.test"]
    emulator = start_emulator(tmp_path / "serve.log", "--empty", "--cors-origin", APP)
    try:
        assert preflight(emulator.url, APP).header("Access-Control-Allow-Origin") == APP
        refused = send(emulator.url, "POST", "/_emulator/reset", headers={"Origin": EVIL})
        assert refused.status == 403
    finally:
        assert emulator.stop() == 0


def test_the_help_names_the_option() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "emulator", "serve", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "--cors-origin" in done.stdout


@pytest.mark.parametrize(
    ("query", "body", "headers"),
    [
        ([("Action", "DescribeImages"), ("Version", "2016-11-15")], b"", {}),
        ([], SHARE.encode(), {}),
        ([("Action", "DescribeImages")], b"Action=ModifyImageAttribute", {}),
        ([], b"Version=2016-11-15&Action=RunInstances&Action=DescribeImages", {}),
        ([], ASSUME.encode(), {}),
        ([], b"{}", {"x-amz-target": ORG_TARGET}),
        ([], b"", {}),
    ],
)
def test_the_operation_is_read_before_dispatch_as_dispatch_reads_it(
    query: list[tuple[str, str]], body: bytes, headers: dict[str, str]
) -> None:
    request = WireRequest("POST", headers, query, body)
    assert refusal(request, "refused").operation == dispatch(World(), request).operation


def test_a_refusal_is_logged_with_the_operation_it_refused(
    server: RunningServer, aws: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="emulator.requests"):
        send(server.url, "POST", "/", SHARE, {**FORM, "Origin": EVIL})
    (line,) = [r.getMessage() for r in caplog.records if r.name == "emulator.requests"]
    assert line.startswith("- - ec2.ModifyImageAttribute 403 UnauthorizedOperation refused:")
    assert EVIL in line
