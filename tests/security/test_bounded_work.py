"""No request may freeze the world: the work one request does under the world lock is
bounded by the request's size, never by the world's size times the request's size.

Two kinds of evidence. Over the real server, requests that a quadratic or backtracking
implementation takes minutes over must answer within a generous bound. In process, a work
meter (Python lines run, loop passes included) shows that a request costs the same in a
small world and in a big one: that count does not depend on the machine's speed.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.core.wildcard import compile_wildcard
from emulator.server import RunningServer
from tests.conftest import ClientFactory

OWNER = "111111111111"
CALLER = "222222222222"
REGION = "us-east-1"
# Generous: the linear code answers in well under a second; the quadratic or backtracking
# code it replaced took minutes on the same requests.
SECONDS = 5.0


def work(call: Callable[..., Any], **params: Any) -> tuple[Any, int]:
    """``call(**params)``, and the Python lines it ran, every frame and loop pass counted."""
    count = 0

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        nonlocal count
        count += 1
        return tracer

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        result = call(**params)
    finally:
        sys.settrace(previous)
    return result, count


def assert_same_work(small: int, big: int) -> None:
    """A big world may cost a little more (longer ids, a dict resize), never a multiple."""
    assert big <= small * 1.1 + 500, (small, big)


def slow_client(server: RunningServer, account: str = OWNER) -> Any:
    """A boto3 client that gives up after a few seconds instead of botocore's minute."""
    return boto3.client(
        "ec2",
        endpoint_url=server.url,
        region_name=REGION,
        aws_access_key_id=account,
        aws_secret_access_key="x",
        config=Config(retries={"max_attempts": 1}, read_timeout=SECONDS * 4),
    )


def timed(call: Callable[[], Any]) -> tuple[Any, float]:
    start = time.monotonic()
    result = call()
    return result, time.monotonic() - start


# --- wildcard filters ------------------------------------------------------------------------


def test_a_wildcard_filter_never_backtracks(server: RunningServer, aws: ClientFactory) -> None:
    ec2 = slow_client(server)
    image_id = aws("ec2", account=OWNER).register_image(Name="a" * 128)["ImageId"]

    def names(pattern: str) -> list[str]:
        filters = [{"Name": "name", "Values": [pattern]}]
        return [
            i["ImageId"] for i in ec2.describe_images(Owners=["self"], Filters=filters)["Images"]
        ]

    found, seconds = timed(lambda: names("*a*a*a*a*a*a*a*b"))
    assert found == []
    assert seconds < 1.0
    assert names("*a*a*a*a*a*a*a*a") == [image_id]
    assert names("a?" * 64) == [image_id]


def _reference(pattern: str, escapes: bool) -> re.Pattern[str]:
    """The obvious regex for a pattern (backtracking, so only for small inputs)."""
    out, chars = [], iter(pattern)
    for ch in chars:
        if ch == "\\" and escapes:
            out.append(re.escape(next(chars, "\\")))
        else:
            out.append({"*": ".*", "?": "."}.get(ch, re.escape(ch)))
    return re.compile("".join(out), re.DOTALL)


@settings(max_examples=500, deadline=None)
@given(
    pattern=st.text(alphabet="ab*?\\", max_size=10),
    value=st.text(alphabet="ab*?\\", max_size=12),
    escapes=st.booleans(),
)
def test_the_matcher_agrees_with_a_regex(pattern: str, value: str, escapes: bool) -> None:
    expected = _reference(pattern, escapes).fullmatch(value) is not None
    assert compile_wildcard(pattern, escapes=escapes).matches(value) is expected


def test_a_wildcard_in_a_key_policy_never_backtracks(
    server: RunningServer, aws: ClientFactory
) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": OWNER}, "Action": "kms:*", "Resource": "*"},
            # Never matches a key ARN (no "!"), after trying every split a regex could try.
            {"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*?" * 12 + "!"},
        ],
    }
    kms = boto3.client(
        "kms",
        endpoint_url=server.url,
        region_name=REGION,
        aws_access_key_id=OWNER,
        aws_secret_access_key="x",
        config=Config(retries={"max_attempts": 1}, read_timeout=SECONDS * 4),
    )
    aws("kms", account=OWNER)  # a fresh world
    key, seconds = timed(lambda: kms.create_key(Policy=json.dumps(policy))["KeyMetadata"])
    assert seconds < 1.0
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["Arn"] == key["Arn"]


def test_more_than_200_filter_values_are_refused(aws: ClientFactory) -> None:
    ec2 = aws("ec2", account=OWNER)
    values = [f"name-{i}" for i in range(101)]
    filters = [{"Name": "name", "Values": values}, {"Name": "tag:Team", "Values": values}]
    with pytest.raises(ClientError) as err:
        ec2.describe_images(Owners=["self"], Filters=filters)
    assert err.value.response["Error"] == {
        "Code": "FilterLimitExceeded",
        "Message": "The maximum number of filter values specified on a single call is 200",
    }
    assert ec2.describe_images(Owners=["self"], Filters=filters[:1] * 1)["Images"] == []
