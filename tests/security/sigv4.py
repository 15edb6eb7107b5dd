"""Helpers for the signature and secret tests: servers with verification on, requests signed
by botocore at any moment, and raw HTTP for the headers no SDK would send."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from unittest import mock
from urllib.parse import parse_qsl, urlsplit

from botocore.auth import SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from emulator.core.world import World
from emulator.server import RunningServer, build_server
from emulator.web import create_app

REGION = "us-east-1"
FORM = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}


@dataclass(frozen=True)
class Call:
    """One operation as it goes on the wire: the signing name, the body and its headers."""

    service: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


EC2_DESCRIBE = Call("ec2", b"Action=DescribeImages&Version=2016-11-15&Owner.1=self", FORM)
STS_WHOAMI = Call("sts", b"Action=GetCallerIdentity&Version=2011-06-15", FORM)
KMS_LIST = Call(
    "kms",
    b"{}",
    {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "TrentService.ListKeys"},
)
ORGS_DESCRIBE = Call(
    "organizations",
    b"{}",
    {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "AWSOrganizationsV20161128.DescribeOrganization",
    },
)


def ec2_register(name: str) -> Call:
    return Call("ec2", f"Action=RegisterImage&Version=2016-11-15&Name={name}".encode(), FORM)


@dataclass
class Answer:
    status: int
    body: bytes

    @property
    def code(self) -> str:
        """The AWS error code, from EC2 or Query XML or from JSON."""
        text = self.body.decode()
        if text.startswith("{"):
            return json.loads(text).get("__type", "")
        if "<Code>" in text:
            return text.split("<Code>", 1)[1].split("</Code>", 1)[0]
        return ""

    @property
    def message(self) -> str:
        text = self.body.decode()
        if text.startswith("{"):
            return json.loads(text).get("message", "")
        if "<Message>" in text:
            return text.split("<Message>", 1)[1].split("</Message>", 1)[0]
        return ""


def serve(world: World, **options: Any) -> RunningServer:
    """A real server on a free port of 127.0.0.1 for ``world``, with ``create_app`` options."""
    server = build_server(create_app(world, **options), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, name="ami-emulator", daemon=True)
    thread.start()
    return RunningServer(world, server, thread)


@contextmanager
def _signing_time(at: dt.datetime | None) -> Iterator[None]:
    """botocore signs with the current time; ``at`` (naive UTC) replaces it."""
    if at is None:
        yield
        return
    with mock.patch("botocore.auth.get_current_datetime", return_value=at):
        yield


def ago(seconds: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=seconds)


def sign(
    url: str,
    call: Call,
    key: str,
    secret: str,
    *,
    token: str | None = None,
    at: dt.datetime | None = None,
) -> dict[str, str]:
    """The headers botocore sends for ``call``, signed at ``at`` (default: now)."""
    request = AWSRequest("POST", url + "/", data=call.body, headers=dict(call.headers))
    with _signing_time(at):
        SigV4Auth(Credentials(key, secret, token), call.service, REGION).add_auth(request)
    return dict(request.headers.items())


def presign(
    url: str,
    call: Call,
    key: str,
    secret: str,
    *,
    expires: int = 60,
    token: str | None = None,
    at: dt.datetime | None = None,
) -> str:
    """The path and query of a presigned URL for ``call`` (a Query call; POST, empty body)."""
    params = dict(parse_qsl(call.body.decode()))  # botocore moves them into the query
    request = AWSRequest("POST", url + "/", data=params, headers=dict(call.headers))
    with _signing_time(at):
        SigV4QueryAuth(Credentials(key, secret, token), call.service, REGION, expires).add_auth(
            request
        )
    parts = urlsplit(request.prepare().url)
    return f"{parts.path}?{parts.query}"


def send(
    url: str,
    headers: dict[str, str],
    body: bytes = b"",
    *,
    path: str = "/",
    method: str = "POST",
) -> Answer:
    """Exactly these headers and body (http.client adds Host, Content-Length and
    Accept-Encoding, none of which the callers sign except Host)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return Answer(response.status, response.read())
    finally:
        connection.close()


def signed_call(url: str, call: Call, key: str, secret: str, **options: Any) -> Answer:
    return send(url, sign(url, call, key, secret, **options), call.body)
