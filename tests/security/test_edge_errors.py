"""Every answer on the AWS endpoint is in the protocol the caller spoke (EC2 or STS XML for
Query callers, JSON for JSON callers, with a code its service's model has), whatever the HTTP
layer refuses: wrong methods and paths, broken framing, oversized headers and bodies, bodies
nested too deep, missing targets. Admin paths answer JSON. Never HTML, plain text or a 5xx."""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
import xmltodict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.api.kms.errors import UNMODELED_CODES
from emulator.core.world import World
from emulator.protocol.models import service_model
from emulator.web import create_app
from emulator.web.app import MAX_BODY_BYTES

ORG = "AWSOrganizationsV20161128"
KMS = "TrentService"
FORM = "application/x-www-form-urlencoded; charset=utf-8"
AMZ_JSON = "application/x-amz-json-1.1"
MODELLED = {
    "organizations": {shape.name for shape in service_model("organizations").error_shapes},
    "kms": {shape.name for shape in service_model("kms").error_shapes} | UNMODELED_CODES,
}
STS_SCOPE = (
    "AWS4-HMAC-SHA256 Credential=123456789012/20240101/us-east-1/sts/aws4_request, "
    f"SignedHeaders=host, Signature={'0' * 64}"
)


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    headers: dict[str, str]
    body: bytes


def exchange(server, raw: bytes, method: str = "POST") -> Answer:
    """Send ``raw`` as it is (``{host}`` in it becomes the server's) and read one answer."""
    parts = urlsplit(server.url)
    raw = raw.replace(b"{host}", f"{parts.hostname}:{parts.port}".encode())
    with socket.create_connection((parts.hostname, parts.port), timeout=15) as sock:
        # Refused before all of it was read: the answer is waiting all the same.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(raw)
        response = http.client.HTTPResponse(sock, method=method)
        response.begin()
        headers = {k.lower(): v for k, v in response.getheaders()}
        return Answer(response.status, headers.get("content-type", ""), headers, response.read())


def head(method: str, path: str, *headers: str) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: {host}", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def post(path: str, body: bytes, *headers: str, method: str = "POST") -> bytes:
    return head(method, path, *headers, f"Content-Length: {len(body)}") + body


def error_code(answer: Answer, protocol: str) -> str:
    """The answer's AWS error code, after checking it has ``protocol``'s shape."""
    assert 400 <= answer.status < 500, (answer.status, answer.body[:300])
    if protocol in ("ec2", "sts"):
        assert answer.content_type.startswith("text/xml"), answer
        doc = xmltodict.parse(answer.body)
        error = doc["Response"]["Errors"]["Error"] if protocol == "ec2" else doc["ErrorResponse"]
        error = error if protocol == "ec2" else error["Error"]
        assert error["Code"] and error["Message"], doc
        return error["Code"]
    if protocol == "admin":
        assert answer.content_type == "application/json", answer
        doc = json.loads(answer.body)
        assert isinstance(doc["error"], str) and doc["error"], doc
        return ""
    assert answer.content_type == AMZ_JSON, answer
    doc = json.loads(answer.body)
    assert isinstance(doc["message"], str) and doc["message"], doc
    if protocol in MODELLED:
        assert doc["__type"] in MODELLED[protocol], doc
    return doc["__type"]


def org(*extra: str) -> tuple[str, ...]:
    return (f"X-Amz-Target: {ORG}.ListRoots", f"Content-Type: {AMZ_JSON}", *extra)


BAD_CHUNKS = b"zz\r\nabc\r\n0\r\n\r\n"
CASES = {
    # Methods other than GET and POST on the endpoint: 405, with Allow.
    "PUT / query": (
        post("/", b"Action=DescribeImages", f"Content-Type: {FORM}", method="PUT"),
        405,
        "ec2",
    ),
    "DELETE / sts": (head("DELETE", "/", f"Authorization: {STS_SCOPE}"), 405, "sts"),
    "PATCH / organizations": (post("/", b"{}", *org(), method="PATCH"), 405, "organizations"),
    "PUT / kms": (post("/", b"{}", f"X-Amz-Target: {KMS}.ListKeys", method="PUT"), 405, "kms"),
    "BREW / query": (head("BREW", "/"), 405, "ec2"),
    # Paths other than / (and /_emulator/): as the endpoint would answer, 404.
    "GET /nope query": (head("GET", "/nope?Action=DescribeImages&Version=2016-11-15"), 404, "ec2"),
    "POST /nope organizations": (post("/nope", b"{}", *org()), 404, "organizations"),
    "POST //x unknown target": (post("//x", b"{}", "X-Amz-Target: Nope.Op"), 404, "json"),
    "GET /_emulatorX": (head("GET", "/_emulatorX"), 404, "ec2"),
    # Framing the HTTP server refuses before the app sees the request.
    "bad chunk query": (
        head("POST", "/", f"Content-Type: {FORM}", "Transfer-Encoding: chunked") + BAD_CHUNKS,
        400,
        "ec2",
    ),
    "bad chunk organizations": (
        head("POST", "/", *org("Transfer-Encoding: chunked")) + BAD_CHUNKS,
        400,
        "organizations",
    ),
    "bad chunk kms": (
        head("POST", "/", f"X-Amz-Target: {KMS}.ListKeys", "Transfer-Encoding: chunked")
        + BAD_CHUNKS,
        400,
        "kms",
    ),
    "bad request line": (b"GARBAGE\r\nHost: {host}\r\n\r\n", 400, "ec2"),
    "bad header line": (head("GET", "/", "NoColonHere"), 400, "ec2"),
    "bad content-length organizations": (
        head("POST", "/", *org("Content-Length: abc")),
        400,
        "organizations",
    ),
    "two content-lengths": (
        head("POST", "/", "Content-Length: 1", "Content-Length: 2") + b"ab",
        400,
        "ec2",
    ),
    "gzip transfer-encoding": (head("POST", "/", "Transfer-Encoding: gzip"), 400, "ec2"),
    "headers too large": (head("GET", "/", f"X-Big: {'a' * 300_000}"), 431, "ec2"),
    "headers too large kms": (
        head("POST", "/", f"X-Amz-Target: {KMS}.ListKeys", f"X-Big: {'a' * 300_000}"),
        431,
        "ec2",  # the server stops reading before the target: the caller is not known
    ),
    # Bodies over the limit, refused without reading them.
    "too large query": (head("POST", "/", f"Content-Length: {MAX_BODY_BYTES + 1}"), 413, "ec2"),
    "too large organizations": (
        head("POST", "/", *org(f"Content-Length: {MAX_BODY_BYTES + 1}")),
        413,
        "organizations",
    ),
    "too large kms": (
        head("POST", "/", f"X-Amz-Target: {KMS}.ListKeys", f"Content-Length: {MAX_BODY_BYTES + 1}"),
        413,
        "kms",
    ),
    # Targets: JSON callers get JSON even when the target is empty or missing.
    "empty target": (post("/", b"{}", "X-Amz-Target: ", f"Content-Type: {AMZ_JSON}"), 400, "json"),
    "json without target": (post("/", b"{}", f"Content-Type: {AMZ_JSON}"), 400, "json"),
    "unknown target": (post("/", b"{}", "X-Amz-Target: Foo"), 400, "json"),
    # Bodies that are not text, and requests that name nothing.
    "not utf-8 query": (post("/", b"Action=\xff\xfe", f"Content-Type: {FORM}"), 400, "ec2"),
    "not utf-8 organizations": (post("/", b'{"a": "\xff"}', *org()), 400, "organizations"),
    "not utf-8 kms": (post("/", b"\xff", f"X-Amz-Target: {KMS}.ListKeys"), 400, "kms"),
    "wrong content type": (post("/", b"<html></html>", "Content-Type: text/html"), 400, "ec2"),
    "GET without Action": (head("GET", "/"), 400, "ec2"),
    # Admin paths answer JSON.
    "admin unknown path": (head("GET", "/_emulator/nope"), 404, "admin"),
    "admin wrong method": (head("DELETE", "/_emulator/state"), 405, "admin"),
    "admin bad chunk": (
        head("PUT", "/_emulator/state", "Transfer-Encoding: chunked") + BAD_CHUNKS,
        400,
        "admin",
    ),
    "admin too large": (
        head("PUT", "/_emulator/state", f"Content-Length: {MAX_BODY_BYTES + 1}"),
        413,
        "admin",
    ),
}


@pytest.mark.parametrize(("raw", "status", "protocol"), CASES.values(), ids=CASES.keys())
def test_refusals_are_in_the_callers_protocol(server, aws, raw: bytes, status: int, protocol: str):
    method = raw.split(b" ", 1)[0].decode()
    answer = exchange(server, raw, method)
    assert answer.status == status, answer.body[:300]
    code = error_code(answer, protocol)
    if status == 405:
        assert answer.headers.get("allow"), answer.headers
        assert protocol == "admin" or "POST" in answer.headers["allow"]
    if protocol == "json":
        assert code == "UnknownOperationException"


def test_codes_at_the_edge(server, aws):
    """The Query codes chosen for refusals at the HTTP layer (docs/serving.md)."""
    requests = {
        "method": (head("PUT", "/"), "PUT"),
        "path": (head("GET", "/nope"), "GET"),
        "framing": (head("POST", "/", "Content-Length: x"), "POST"),
        "size": (head("POST", "/", f"Content-Length: {MAX_BODY_BYTES + 1}"), "POST"),
        "body": (post("/", b"\xff"), "POST"),
    }
    codes = {name: error_code(exchange(server, *sent), "ec2") for name, sent in requests.items()}
    assert codes == {
        "method": "InvalidRequest",
        "path": "InvalidRequest",
        "framing": "InvalidRequest",
        "size": "RequestEntityTooLarge",
        "body": "MalformedQueryString",
    }


def nested(depth: int) -> bytes:
    """A JSON object ``depth`` levels deep (the object itself is level 1)."""
    return b'{"Unknown": ' + b"[" * (depth - 1) + b"]" * (depth - 1) + b"}"


def test_json_nested_to_the_limit_is_read(server, aws):
    answer = exchange(server, post("/", nested(64), f"X-Amz-Target: {KMS}.ListKeys"))
    assert answer.status == 200, answer.body[:300]


@pytest.mark.parametrize("depth", [65, 2_000, 200_000])
@pytest.mark.parametrize("target", [f"{ORG}.ListRoots", f"{KMS}.ListKeys"])
def test_json_nested_too_deep_is_a_4xx(server, aws, depth: int, target: str):
    answer = exchange(server, post("/", nested(depth), f"X-Amz-Target: {target}"))
    service = "organizations" if target.startswith(ORG) else "kms"
    assert answer.status == 400, answer.body[:300]
    error_code(answer, service)
    if service == "kms":  # Organizations' message for an unreadable body is AWS's own, fixed
        assert "64 levels" in json.loads(answer.body)["message"]


def test_options_is_not_html(server, aws):
    answer = exchange(server, head("OPTIONS", "/"), "OPTIONS")
    assert answer.status < 500
    assert "html" not in answer.content_type and "text/plain" not in answer.content_type


def test_a_broken_request_closes_the_connection(server, aws):
    """After a framing error the rest of the bytes cannot be trusted as the next request."""
    answer = exchange(server, head("POST", "/", "Transfer-Encoding: chunked") + BAD_CHUNKS)
    assert answer.headers.get("connection", "").lower() == "close"


def test_expect_100_continue_without_a_body_is_answered(server, aws):
    raw = head("GET", "/", "Expect: 100-continue", "Content-Length: 0")
    assert error_code(exchange(server, raw, "GET"), "ec2") == "MissingAction"


# ---- fuzzing: random methods, paths, headers, framing and bodies ---------------------------

METHODS = st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]) | st.text(
    st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ-"), min_size=1, max_size=8
)
PATH_CHARS = st.characters(min_codepoint=0x21, max_codepoint=0x7E)
PATHS = st.sampled_from(
    ["/", "/", "/?Action=DescribeImages", "/x", "//", "/_emulator", "/_emulator/nope", "/%ff"]
) | st.text(PATH_CHARS, max_size=30).map(lambda s: "/" + s)
CONTENT_TYPES = st.sampled_from(
    [FORM, AMZ_JSON, "application/json", "text/html", "text/plain", "multipart/form-data", ""]
)
TOKEN = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz-0123456789"), min_size=1, max_size=12)
HEADER_VALUE = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)
TARGETS = (
    st.sampled_from([f"{ORG}.ListRoots", f"{ORG}.Nope", f"{KMS}.ListKeys", "", "Nope.Op", "."])
    | HEADER_VALUE
)
BODIES = st.sampled_from(
    [b"", b"{}", b"Action=DescribeImages", nested(80), b"\xff\xfe", b"[" * 5000]
) | st.binary(max_size=200)


@st.composite
def requests(draw: st.DrawFn) -> tuple[str, bytes]:
    method, path = draw(METHODS), draw(PATHS)
    headers = ["Host: {host}"]
    if draw(st.booleans()):
        headers.append(f"Content-Type: {draw(CONTENT_TYPES)}")
    if draw(st.booleans()):
        headers.append(f"X-Amz-Target: {draw(TARGETS)}")
    if draw(st.booleans()):
        headers.append(f"Authorization: {draw(st.sampled_from([STS_SCOPE, '']) | HEADER_VALUE)}")
    for _ in range(draw(st.integers(0, 3))):
        headers.append(f"{draw(TOKEN)}: {draw(HEADER_VALUE)}")
    if draw(st.integers(0, 9)) == 0:
        headers.append(draw(st.sampled_from(["NoColon", "Bad Name: x", "Expect: 100-continue"])))
    body = draw(BODIES)
    framing = draw(st.sampled_from(["length", "length", "chunked", "bad-chunks", "bad-length"]))
    if framing == "length":
        headers.append(f"Content-Length: {len(body)}")
    elif framing == "chunked":
        headers.append("Transfer-Encoding: chunked")
        body = (f"{len(body):x}\r\n".encode() + body + b"\r\n" if body else b"") + b"0\r\n\r\n"
    elif framing == "bad-chunks":
        headers.append("Transfer-Encoding: chunked")
        body = draw(st.sampled_from([BAD_CHUNKS, b"5\r\nabcdefg\r\n0\r\n\r\n", b"-1\r\n\r\n"]))
    else:
        headers.append(f"Content-Length: {draw(st.sampled_from(['-1', 'x', '1, 2', '+5']))}")
        body = b""
    first = f"{method} {path} HTTP/1.1"
    return method, ("\r\n".join([first, *headers]) + "\r\n\r\n").encode("latin-1") + body


@given(request=requests())
@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_request_gets_html_plain_text_or_a_5xx(server, aws, request) -> None:
    method, raw = request
    answer = exchange(server, raw, method)
    assert answer.status < 500, answer.body[:300]
    assert "html" not in answer.content_type, answer
    assert "text/plain" not in answer.content_type, answer
    if not answer.body:
        return  # HEAD, OPTIONS
    if answer.content_type.startswith("text/xml"):
        xmltodict.parse(answer.body)
    else:
        assert answer.content_type in (AMZ_JSON, "application/json"), answer
        json.loads(answer.body)


def test_an_unexpected_failure_is_a_500_of_the_same_shape() -> None:
    """Views that fail on purpose, next to the real ones: the answer is AWS-shaped on AWS
    paths and admin JSON under /_emulator/, with no traceback in it."""
    app = create_app(World())

    def fail() -> str:
        raise RuntimeError("secret detail")

    app.add_url_rule("/fail", "fail", fail)
    app.add_url_rule("/_emulator/fail", "admin_fail", fail)
    client = app.test_client()
    aws_answer = client.get("/fail")
    assert aws_answer.status_code == 500
    assert aws_answer.content_type.startswith("text/xml")
    assert (
        xmltodict.parse(aws_answer.data)["Response"]["Errors"]["Error"]["Code"] == "InternalError"
    )
    admin_answer = client.get("/_emulator/fail")
    assert admin_answer.status_code == 500
    assert admin_answer.json is not None and "error" in admin_answer.json
    assert b"secret detail" not in aws_answer.data + admin_answer.data
