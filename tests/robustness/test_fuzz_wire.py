"""hypothesis over the real server: whatever bytes arrive, the answer is a success or an
AWS-shaped 4xx, never a 5xx, and an error answer leaves the state exactly as it was."""

from __future__ import annotations

import http.client
import json
import socket
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import pytest
import xmltodict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.protocol.models import operation_model, service_model
from emulator.web.app import MAX_BODY_BYTES
from tests.e2e.worlds import OrgWorld, build_org, register_image, share

FORM = "application/x-www-form-urlencoded; charset=utf-8"
AMZ_JSON = "application/x-amz-json-1.1"
ORG_TARGET = "AWSOrganizationsV20161128"
# Longer request lines are refused by the HTTP server itself, in plain text, as AWS's are.
URL_LIMIT = 8192
FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass(frozen=True)
class Target:
    """The server and the ids a request can name, so some fuzzed calls reach real state."""

    host: str
    port: int
    org: OrgWorld
    image_id: str


@pytest.fixture
def target(server, aws) -> Target:
    org = build_org(aws)
    ec2 = aws("ec2", account=org.owner)
    image_id = register_image(ec2, "fuzzed")
    share(ec2, image_id, {"OrganizationalUnitArn": org.shared_ou.arn}, {"UserId": org.outsider})
    parts = urlsplit(server.url)
    return Target(parts.hostname, parts.port, org, image_id)


def send(
    target: Target, body: bytes, headers: dict[str, str], method: str = "POST", path: str = "/"
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(target.host, target.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def state(target: Target) -> dict:
    """The state dump, less Regions that hold nothing: a call naming a Region for the first
    time may note the Region (empty), which is no change to what any call can observe."""
    status, body = send(target, b"", {}, method="GET", path="/_emulator/state")
    assert status == 200
    dump = json.loads(body)
    regions = dump["ec2"]["regions"]
    for name in [n for n, region in regions.items() if not any(region.values())]:
        del regions[name]
    return dump


def check_answer(target: Target, before: dict, status: int, body: bytes, json_call: bool) -> None:
    assert status < 500, body[:500]
    if status < 400:
        return
    assert 400 <= status < 500, status
    if json_call:
        doc = json.loads(body)
        assert isinstance(doc.get("__type"), str) and doc["__type"], doc
        assert isinstance(doc.get("message", doc.get("Message")), str), doc
    else:
        doc = xmltodict.parse(body)
        root = doc.get("Response") or doc.get("ErrorResponse")
        assert root is not None, body[:500]
        error = root["Errors"]["Error"] if "Errors" in root else root["Error"]
        assert error["Code"] and error["Message"], doc
    assert state(target) == before, "an error answer changed the state"


# ---- the EC2 / STS Query protocol ---------------------------------------------------------

EC2_ACTIONS = [
    "DescribeImages",
    "ModifyImageAttribute",
    "DescribeImageAttribute",
    "ResetImageAttribute",
    "RunInstances",
    "RegisterImage",
    "DeregisterImage",
    "CopyImage",
    "CreateTags",
    "DeleteTags",
    "DescribeTags",
    "DescribeInstances",
    "TerminateInstances",
    "CreateImage",
    "CreateVolume",
    "DescribeSnapshots",
    "GetCallerIdentity",
    "AssumeRole",
]
BASE_NAMES = [
    "ImageId",
    "ImageIds",
    "Attribute",
    "OperationType",
    "UserId",
    "UserGroup",
    "OrganizationArn",
    "OrganizationalUnitArn",
    "LaunchPermission.Add",
    "LaunchPermission.Remove",
    "Owner",
    "ExecutableBy",
    "Filter",
    "Filter.1.Name",
    "Filter.1.Value",
    "MaxResults",
    "NextToken",
    "MinCount",
    "MaxCount",
    "InstanceType",
    "Name",
    "Description.Value",
    "Value",
    "DryRun",
    "ResourceId",
    "Tag",
    "TagSpecification",
    "SourceImageId",
    "SourceRegion",
    "InstanceId",
    "BlockDeviceMapping",
    "RoleArn",
    "RoleSessionName",
    "Version",
    "Action",
]
# List indexes as AWS numbers them, and as they never should be.
INDEXES = st.sampled_from(
    [
        "1",
        "2",
        "3",
        "0",
        "-1",
        "01",
        "1.1",
        "",
        "x",
        "99999999999999999999",
        "4294967296",
        "2147483648",
        "1e3",
        " 1",
        "٣",
    ]
)


@st.composite
def param_names(draw: st.DrawFn) -> str:
    base = draw(st.sampled_from(BASE_NAMES) | st.text(min_size=1, max_size=12))
    parts = [base]
    for _ in range(draw(st.integers(0, 3))):
        parts.append(
            draw(
                INDEXES
                | st.sampled_from(
                    [
                        "UserId",
                        "Group",
                        "OrganizationArn",
                        "OrganizationalUnitArn",
                        "Key",
                        "Value",
                        "Name",
                        "Values",
                        "Ebs",
                        "SnapshotId",
                    ]
                )
            )
        )
    return ".".join(parts)


def param_values(target: Target) -> st.SearchStrategy[str]:
    org = target.org
    known = st.sampled_from(
        [
            target.image_id,
            org.shared_ou.arn,
            org.org_arn,
            org.owner,
            org.outsider,
            "self",
            "all",
            "add",
            "remove",
            "launchPermission",
            "description",
            "true",
            "false",
            "t3.micro",
            "1",
            "0",
            "-1",
            "1e999",
            "NaN",
            "ami-00000000",
            "ami-",
            "2016-11-15",
            "2011-06-15",
        ]
    )
    long = st.integers(1_000, 200_000).map(lambda n: "a" * n)
    return known | st.text(max_size=40) | long


@st.composite
def query_bodies(draw: st.DrawFn, target: Target) -> bytes:
    """A form body with real and made-up names, indexes that skip, repeat and overflow, and
    values that are valid, odd, long or not text at all."""
    pairs = [("Action", draw(st.sampled_from(EC2_ACTIONS) | st.text(max_size=12)))]
    if draw(st.booleans()):
        pairs.append(("Version", draw(st.sampled_from(["2016-11-15", "2011-06-15", "", "x"]))))
    values = param_values(target)
    for _ in range(draw(st.integers(0, 8))):
        pairs.append((draw(param_names()), draw(values)))
    body = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs).encode()
    mangle = draw(st.sampled_from(["none", "none", "latin1", "bad-escape", "raw-bytes", "noise"]))
    if mangle == "latin1":
        body += b"&Name=caf\xe9"
    elif mangle == "bad-escape":
        body += draw(st.sampled_from([b"&ImageId=%", b"&ImageId=%ZZ", b"&%E2%82=1", b"&=&&=="]))
    elif mangle == "raw-bytes":
        body += b"&" + draw(st.binary(max_size=40))
    elif mangle == "noise":
        body = draw(st.binary(max_size=200))
    return body


# What a header value may hold (RFC 9110: visible latin-1 and spaces). Control characters
# break HTTP itself; the server refuses those in plain text before any AWS parsing.
HEADER_CHARS = st.characters(min_codepoint=0x20, max_codepoint=0xFF).filter(
    lambda c: not 0x7F <= ord(c) < 0xA0
)
LATIN1_LINE = st.text(HEADER_CHARS, max_size=80)


def authorization(account: str, region: str, service: str) -> str:
    return (
        f"AWS4-HMAC-SHA256 Credential={account}/20240101/{region}/{service}/aws4_request, "
        f"SignedHeaders=content-type;host;x-amz-date, Signature={'0' * 64}"
    )


@st.composite
def callers(draw: st.DrawFn, target: Target, service: str) -> dict[str, str]:
    """Unsigned, signed as a known account, or with a credential scope that makes no sense."""
    kind = draw(st.sampled_from(["unsigned", "owner", "member", "odd"]))
    if kind == "unsigned":
        return {}
    if kind == "odd":
        return {
            "Authorization": draw(
                st.sampled_from(
                    [
                        "AWS4-HMAC-SHA256 Credential=/////, SignedHeaders=, Signature=",
                        authorization("123", "", service),
                        authorization(target.org.owner, "no-such-region-9", service),
                        authorization("x" * 300, "us-east-1", "ec2"),
                    ]
                )
                | LATIN1_LINE
            )
        }
    account = target.org.owner if kind == "owner" else target.org.shared_account
    region = draw(st.sampled_from(["us-east-1", "eu-west-1"]))
    return {
        "Authorization": authorization(account, region, service),
        "X-Amz-Date": "20240101T000000Z",
    }


@given(data=st.data())
@FUZZ
def test_query_protocol_answers_every_body_without_5xx_or_side_effect(target, data) -> None:
    body = data.draw(query_bodies(target))
    headers = {"Content-Type": FORM, **data.draw(callers(target, "ec2"))}
    before = state(target)
    as_url = len(body) < URL_LIMIT and all(0x21 <= b < 0x7F and b != 0x23 for b in body)
    if as_url and data.draw(st.booleans()):
        # The same parameters in the query string of a GET, as presigned URLs carry them.
        status, answer = send(target, b"", headers, method="GET", path="/?" + body.decode())
    else:
        status, answer = send(target, body, headers)
    check_answer(target, before, status, answer, json_call=False)


# ---- the JSON 1.1 protocol (Organizations) ------------------------------------------------

ORG_OPS = service_model("organizations").operation_names
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=8,
)


@st.composite
def json_bodies(draw: st.DrawFn, target: Target, operation: str) -> bytes:
    """The operation's own member names with values of the right or the wrong JSON type,
    names it does not have, other JSON documents, and bytes that are not JSON at all."""
    kind = draw(st.sampled_from(["members", "members", "any-json", "bytes", "empty"]))
    if kind == "empty":
        return draw(st.sampled_from([b"", b"{}", b"null", b"[]", b"  "]))
    if kind == "bytes":
        return draw(st.binary(max_size=100) | st.just(b'{"Name": "caf\xe9"}'))
    if kind == "any-json":
        return json.dumps(draw(JSON_VALUES)).encode()
    model = operation_model("organizations", operation)
    names = list(model.input_shape.members) if model and model.input_shape else []
    known = st.sampled_from(
        [
            target.org.root_id,
            target.org.shared_ou.id,
            target.org.owner,
            target.org.sibling_ou.id,
            "ALL",
            "x" * 5000,
        ]
    )
    doc = draw(
        st.dictionaries(
            st.sampled_from(names) | st.text(max_size=10) if names else st.text(max_size=10),
            known | JSON_VALUES,
            max_size=5,
        )
    )
    return json.dumps(doc).encode()


@given(data=st.data())
@FUZZ
def test_json_protocol_answers_every_body_without_5xx_or_side_effect(target, data) -> None:
    operation = data.draw(st.sampled_from(ORG_OPS) | st.text(HEADER_CHARS, max_size=20))
    prefix = data.draw(st.sampled_from([ORG_TARGET, ORG_TARGET, "AWSNoSuchService", ""]))
    headers = {
        "Content-Type": AMZ_JSON,
        "X-Amz-Target": f"{prefix}.{operation}",
        **data.draw(callers(target, "organizations")),
    }
    body = data.draw(json_bodies(target, operation))
    before = state(target)
    status, answer = send(target, body, headers)
    check_answer(target, before, status, answer, json_call=True)


# ---- sizes --------------------------------------------------------------------------------


@pytest.mark.parametrize("json_call", [False, True])
@pytest.mark.parametrize("body", [b"", b"&" * 100_000, b"Action=DescribeImages&" * 200_000])
def test_empty_and_large_bodies_under_the_limit(target, json_call: bool, body: bytes) -> None:
    headers = (
        {"Content-Type": AMZ_JSON, "X-Amz-Target": f"{ORG_TARGET}.ListRoots"}
        if json_call
        else {"Content-Type": FORM}
    )
    before = state(target)
    status, answer = send(target, body, headers)
    check_answer(target, before, status, answer, json_call)


# ---- bodies over the limit ----------------------------------------------------------------


def refused_early(target: Target, headers: dict[str, str], chunked: bool) -> tuple[int, bytes]:
    """Announce (or stream) a body over the limit; the answer must come without the server
    waiting for the whole of it. Sends at most the limit plus 2 MiB, then reads the answer."""
    sock = socket.create_connection((target.host, target.port), timeout=30)
    try:
        head = ["POST / HTTP/1.1", f"Host: {target.host}:{target.port}"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        if chunked:
            head.append("Transfer-Encoding: chunked")
        else:
            head.append(f"Content-Length: {MAX_BODY_BYTES + 1024 * 1024}")
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        piece = b"a" * 65536
        chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
        # Content-Length: only a sliver, so an answer proves the rest was never waited for.
        budget = MAX_BODY_BYTES + 2 * 1024 * 1024 if chunked else len(piece)
        try:
            for _ in range(budget // len(piece)):
                sock.sendall(chunk if chunked else piece)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before taking it all
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, response.read()
    finally:
        sock.close()


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize("json_call", [False, True], ids=["query", "json"])
def test_body_over_the_limit_is_refused_with_an_aws_shaped_413(
    target, json_call: bool, chunked: bool
) -> None:
    headers = (
        {"Content-Type": AMZ_JSON, "X-Amz-Target": f"{ORG_TARGET}.ListRoots"}
        if json_call
        else {"Content-Type": FORM}
    )
    before = state(target)
    status, answer = refused_early(target, headers, chunked)
    assert status == 413, answer[:300]
    check_answer(target, before, status, answer, json_call)
