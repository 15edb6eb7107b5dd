"""The one reader of signatures and the checker never fail on any input a client can send:
whatever the header or query, the answer is a reading and a verdict, never an exception."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.core.world import World
from emulator.protocol.dispatch import WireRequest
from emulator.protocol.identity import credential_scope
from emulator.protocol.signature import check

_PIECES = st.sampled_from(
    [
        "AWS4-HMAC-SHA256",
        "aws4-hmac-sha256",
        "Credential=",
        "AKIAEXAMPLE/20240101/us-east-1/ec2/aws4_request",
        "SignedHeaders=",
        "host;x-amz-date",
        "Signature=",
        "0123abcd",
        ",",
        " ",
        "=",
        "/",
        ";",
        "\u00e9",
    ]
)
_TEXT = st.lists(_PIECES | st.text(max_size=6), max_size=12).map("".join)
_QUERY_NAMES = st.sampled_from(
    [
        "X-Amz-Algorithm",
        "X-Amz-Credential",
        "X-Amz-Date",
        "X-Amz-Expires",
        "X-Amz-SignedHeaders",
        "X-Amz-Signature",
        "X-Amz-Security-Token",
        "Action",
    ]
)
WORLD = World(pinned={"secret_keys": {"AKIAEXAMPLE": "secret"}})


@settings(max_examples=300, deadline=None)
@given(
    authorization=st.none() | _TEXT,
    amz_date=st.none() | st.sampled_from(["20240101T000000Z", "99991231T235959Z"]) | _TEXT,
    date=st.none() | _TEXT,
    token=st.none() | _TEXT,
    query=st.lists(st.tuples(_QUERY_NAMES, _TEXT), max_size=8),
)
def test_any_signature_is_read_and_judged(
    authorization: str | None,
    amz_date: str | None,
    date: str | None,
    token: str | None,
    query: list[tuple[str, str]],
) -> None:
    given_headers = {
        "authorization": authorization,
        "x-amz-date": amz_date,
        "date": date,
        "x-amz-security-token": token,
        "host": "127.0.0.1:4566",
    }
    headers = {k: v for k, v in given_headers.items() if v is not None}
    scope = credential_scope(headers, query)
    request = WireRequest("POST", headers, query, b"Action=DescribeImages")
    for lenient in (False, True):
        refusal = check(WORLD, request, "/", scope, now=time.time(), allow_unverified=lenient)
        if not lenient:
            # Nothing made of these pieces carries the right signature.
            assert refusal is not None
