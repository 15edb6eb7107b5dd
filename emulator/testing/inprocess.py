"""boto3 clients that talk to a World in the same process, with no socket.

botocore builds and signs the request as usual; a ``before-send`` hook hands it to the
same ``dispatch`` the HTTP server uses, and botocore parses the answer as usual. Only the
network hop is skipped, so this is the fast path for unit tests of code that takes a client.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import boto3
from botocore.awsrequest import AWSPreparedRequest, AWSResponse
from botocore.config import Config

from emulator.api.registry import load_all
from emulator.core.world import DEFAULT_ACCOUNT, DEFAULT_REGION, World
from emulator.protocol.dispatch import WireRequest, dispatch

ENDPOINT = "http://ami-emulator.in-process"


class Body:
    """The raw answer botocore reads: the whole body, in one piece."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._data


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _lower_case(headers: Any) -> dict[str, str]:
    """Headers by lower-case name. botocore's ``HeadersDict`` keeps a plain dict inside;
    reading it directly skips a key object and a lookup per header (a quarter of an
    in-process call), with the public mapping as the fallback."""
    inner = getattr(headers, "_dict", None)
    pairs = inner.items() if isinstance(inner, dict) else headers.items()
    return {str(name).lower(): _text(value) for name, value in pairs}


def answer(world: World, request: AWSPreparedRequest) -> AWSResponse:
    """``world``'s answer to a request botocore prepared, as botocore reads answers."""
    body = request.body or b""
    if hasattr(body, "read"):
        body = body.read()
    wire = WireRequest(
        method=request.method,
        headers=_lower_case(request.headers),
        query=parse_qsl(urlsplit(request.url).query, keep_blank_values=True),
        body=body.encode() if isinstance(body, str) else body,
    )
    reply = dispatch(world, wire)
    return AWSResponse(request.url, reply.status, reply.headers, Body(reply.body))


def in_process_client(
    world: World, service: str, account: str = DEFAULT_ACCOUNT, region: str = DEFAULT_REGION
) -> Any:
    """A real boto3 client for ``service`` acting as ``account`` in ``region``."""
    load_all()
    client = boto3.client(
        service,
        endpoint_url=ENDPOINT,
        region_name=region,
        aws_access_key_id=account,
        aws_secret_access_key="in-process",
        config=Config(retries={"max_attempts": 1}),
    )

    def send(request: AWSPreparedRequest, **_: Any) -> AWSResponse:
        return answer(world, request)

    client.meta.events.register("before-send", send)
    return client
