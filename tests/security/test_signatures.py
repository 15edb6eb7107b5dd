"""``--verify-signatures``: every request that names a key is proven with its secret or
refused; sessions, timestamps and presigned URLs are checked as AWS checks them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from emulator.core.scenario import dump
from emulator.core.world import World
from emulator.server import RunningServer
from tests.conftest import CLIENT_CONFIG
from tests.security.sigv4 import (
    EC2_DESCRIBE,
    KMS_LIST,
    ORGS_DESCRIBE,
    STS_WHOAMI,
    Call,
    ago,
    ec2_register,
    presign,
    send,
    serve,
    sign,
    signed_call,
)

KEY, ACCOUNT, SECRET = "AKIAVERIFIEDEXAMPLE", "111122223333", "right-secret"
MGMT_KEY, MGMT, MGMT_SECRET = "AKIAMANAGEMENTEXAMPLE", "123456789012", "management-secret"
OPEN_KEY, OPEN_ACCOUNT = "AKIANOSECRETEXAMPLE", "444455556666"
WRONG = "wrong-secret"
ROLE = "arn:aws:iam::{}:role/OrganizationAccountAccessRole"
MINUTE = 60


class Clock:
    """The world's clock, moved by the tests (signature times stay real)."""

    def __init__(self) -> None:
        self.shift = dt.timedelta()

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.shift


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
def world(clock: Clock) -> World:
    # Pinned as the command line pins ``--access-key KEY=ACCOUNT[:SECRET]``.
    return World(
        clock=clock,
        pinned={
            "access_keys": {KEY: ACCOUNT, MGMT_KEY: MGMT, OPEN_KEY: OPEN_ACCOUNT},
            "secret_keys": {KEY: SECRET, MGMT_KEY: MGMT_SECRET},
        },
    )


@pytest.fixture(scope="module")
def verifying(world: World) -> Iterator[RunningServer]:
    running = serve(world, verify_signatures=True)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def trusting(world: World) -> Iterator[RunningServer]:
    """The same world served without verification."""
    running = serve(world)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def lenient(world: World) -> Iterator[RunningServer]:
    """The same world with the opt-in for keys that have no secret."""
    running = serve(world, verify_signatures=True, allow_unverified_keys=True)
    yield running
    running.stop()


def _client(server: RunningServer, service: str, key: str, secret: str, token: str = "") -> Any:
    return boto3.client(
        service,
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        aws_session_token=token or None,
        config=CLIENT_CONFIG,
    )


@pytest.fixture(scope="module")
def member(verifying: RunningServer) -> str:
    orgs = _client(verifying, "organizations", MGMT_KEY, MGMT_SECRET)
    orgs.create_organization()
    made = orgs.create_account(Email="member@example.com", AccountName="member")
    return made["CreateAccountStatus"]["AccountId"]


@pytest.fixture
def session(verifying: RunningServer, member: str) -> dict[str, str]:
    sts = _client(verifying, "sts", MGMT_KEY, MGMT_SECRET)
    return sts.assume_role(RoleArn=ROLE.format(member), RoleSessionName="pipeline")["Credentials"]


def _error(call: Callable[[], Any]) -> tuple[str, int, str]:
    with pytest.raises(ClientError) as caught:
        call()
    response = caught.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


def _account_of(answer_body: bytes) -> str:
    found = re.search(rb"<Account>(\d{12})</Account>", answer_body)
    return found.group(1).decode() if found else ""


def _image_names(world: World) -> set[str]:
    with world.lock:
        return {image["name"] for image in dump(world)["images"]}


# ---------------------------------------------------------------- one parser, every spelling


def _odd(authorization: str) -> dict[str, Callable[[str], str]]:
    """Ways to spell a valid ``Authorization`` header that AWS would not accept."""
    credential = re.search(r"Credential=[^,\s]+", authorization).group(0)
    signature = re.search(r"Signature=[0-9a-f]+", authorization).group(0)
    return {
        "lower-case algorithm": authorization.replace("AWS4-HMAC-SHA256", "aws4-hmac-sha256"),
        "no algorithm": authorization.replace("AWS4-HMAC-SHA256 ", ""),
        "signature not hex": authorization.replace(signature, "Signature=" + "z" * 64),
        "credential only": f"AWS4-HMAC-SHA256 {credential}",
        "bare credential": credential,
        "credential twice": authorization.replace(
            credential, f"{credential.replace(KEY, OPEN_KEY)}, {credential}"
        ),
        "signature version 2": f"AWS {KEY}:c2lnbmF0dXJl",
        "lower-case part names": authorization.replace("Credential=", "credential=")
        .replace("SignedHeaders=", "signedheaders=")
        .replace("Signature=", "signature="),
    }


ODD = list(_odd("AWS4-HMAC-SHA256 Credential=K/1/r/s/aws4_request, Signature=0"))


@pytest.mark.parametrize("spelling", ODD)
def test_an_odd_authorization_header_is_refused_not_read(
    verifying: RunningServer, world: World, spelling: str
) -> None:
    """The core defect: a header the checker could not read escaped verification, yet the
    identity reader still took its key, so a forged request acted as the key's account."""
    headers = sign(verifying.url, STS_WHOAMI, KEY, SECRET)
    headers["Authorization"] = _odd(headers["Authorization"])[spelling]
    answer = send(verifying.url, headers, STS_WHOAMI.body)
    assert answer.status in (400, 403), answer.body
    assert answer.code in ("IncompleteSignature", "SignatureDoesNotMatch")
    assert _account_of(answer.body) == ""

    register = ec2_register(f"forged-{spelling.replace(' ', '-')}")
    headers = sign(verifying.url, register, KEY, SECRET)
    headers["Authorization"] = _odd(headers["Authorization"])[spelling]
    answer = send(verifying.url, headers, register.body)
    assert answer.status in (400, 401), answer.body
    assert answer.code in ("IncompleteSignature", "AuthFailure")
    assert f"forged-{spelling.replace(' ', '-')}" not in _image_names(world)


def test_parts_in_any_order_with_extra_spaces_are_verified(verifying: RunningServer) -> None:
    def reordered(secret: str) -> dict[str, str]:
        headers = sign(verifying.url, STS_WHOAMI, KEY, secret)
        algorithm, rest = headers["Authorization"].split(" ", 1)
        parts = [part.strip() for part in rest.split(",")]
        headers["Authorization"] = f"  {algorithm}   " + " ,  ".join(reversed(parts)) + "  "
        return headers

    answer = send(verifying.url, reordered(SECRET), STS_WHOAMI.body)
    assert answer.status == 200, answer.body
    assert _account_of(answer.body) == ACCOUNT
    answer = send(verifying.url, reordered(WRONG), STS_WHOAMI.body)
    assert (answer.status, answer.code) == (403, "SignatureDoesNotMatch")


def test_a_request_signed_with_the_date_header_is_verified(verifying: RunningServer) -> None:
    """SigV4 allows ``Date`` instead of ``X-Amz-Date``; botocore signs so when one is set."""
    call = Call(STS_WHOAMI.service, STS_WHOAMI.body, {**STS_WHOAMI.headers, "Date": "now"})
    headers = sign(verifying.url, call, KEY, SECRET)
    assert "X-Amz-Date" not in headers
    answer = send(verifying.url, headers, call.body)
    assert answer.status == 200, answer.body
    assert _account_of(answer.body) == ACCOUNT
    stale = send(verifying.url, sign(verifying.url, call, KEY, SECRET, at=ago(16 * MINUTE)))
    assert (stale.status, stale.code) == (403, "SignatureDoesNotMatch")


def _without(query: str, name: str) -> str:
    return "&".join(p for p in query.split("&") if not p.startswith(name + "="))


@pytest.mark.parametrize(
    "tamper, code, status",
    [
        (lambda q: q.replace("AWS4-HMAC-SHA256", "aws4-hmac-sha256"), "IncompleteSignature", 400),
        (lambda q: _without(q, "X-Amz-Algorithm"), "IncompleteSignature", 400),
        (lambda q: _without(q, "X-Amz-Signature"), "IncompleteSignature", 400),
        (lambda q: _without(q, "X-Amz-SignedHeaders"), "IncompleteSignature", 400),
        (lambda q: re.sub(r"X-Amz-Signature=\w+", "X-Amz-Signature=nothex", q), "AuthFailure", 401),
        (lambda q: q + "&X-Amz-Credential=" + OPEN_KEY, "IncompleteSignature", 400),
        (
            lambda q: (
                "/?Action=DescribeImages&Version=2016-11-15&X-Amz-Credential="
                + re.search(r"X-Amz-Credential=([^&]+)", q).group(1)
            ),
            "IncompleteSignature",
            400,
        ),
    ],
    ids=[
        "lower-case algorithm",
        "no algorithm",
        "no signature",
        "no signed headers",
        "signature not hex",
        "credential twice",
        "credential only",
    ],
)
def test_presigned_urls_are_read_by_the_same_parser(
    verifying: RunningServer, tamper: Callable[[str], str], code: str, status: int
) -> None:
    url = presign(verifying.url, EC2_DESCRIBE, KEY, SECRET)
    assert send(verifying.url, {}, path=url).status == 200
    answer = send(verifying.url, {}, path=tamper(url))
    assert (answer.status, answer.code) == (status, code), answer.body


def test_a_header_and_a_presigned_query_together_are_refused(verifying: RunningServer) -> None:
    url = presign(verifying.url, STS_WHOAMI, KEY, SECRET)
    headers = sign(verifying.url, STS_WHOAMI, KEY, SECRET)
    answer = send(verifying.url, headers, STS_WHOAMI.body, path=url)
    assert (answer.status, answer.code) == (400, "IncompleteSignature")


# ---------------------------------------------------------------- keys that cannot be proven


@pytest.mark.parametrize(
    "call, key, code, status",
    [
        (EC2_DESCRIBE, OPEN_KEY, "AuthFailure", 401),
        (EC2_DESCRIBE, "777788889999", "AuthFailure", 401),
        (STS_WHOAMI, OPEN_KEY, "InvalidClientTokenId", 403),
        (STS_WHOAMI, "777788889999", "InvalidClientTokenId", 403),
        (STS_WHOAMI, "AKIAUNMAPPEDEXAMPLE", "InvalidClientTokenId", 403),
        (KMS_LIST, "AKIAUNMAPPEDEXAMPLE", "UnrecognizedClientException", 400),
        (ORGS_DESCRIBE, MGMT, "UnrecognizedClientException", 400),
        (EC2_DESCRIBE, None, "MissingAuthenticationToken", 401),
        (STS_WHOAMI, None, "MissingAuthenticationToken", 403),
        (KMS_LIST, None, "MissingAuthenticationTokenException", 400),
    ],
    ids=[
        "ec2 mapped key without secret",
        "ec2 12-digit key",
        "sts mapped key without secret",
        "sts 12-digit key",
        "sts unmapped key",
        "kms unmapped key",
        "organizations 12-digit key",
        "ec2 unsigned",
        "sts unsigned",
        "kms unsigned",
    ],
)
def test_a_key_without_a_secret_cannot_act(
    verifying: RunningServer, call: Call, key: str | None, code: str, status: int
) -> None:
    headers = sign(verifying.url, call, key, "anything") if key else dict(call.headers)
    answer = send(verifying.url, headers, call.body)
    assert (answer.status, answer.code) == (status, code), answer.body
    if code in ("InvalidClientTokenId", "UnrecognizedClientException"):
        assert answer.message.startswith("The security token included in the request is invalid")


def test_the_opt_in_trusts_only_keys_without_a_secret(lenient: RunningServer) -> None:
    for key, account in ((OPEN_KEY, OPEN_ACCOUNT), ("777788889999", "777788889999")):
        answer = signed_call(lenient.url, STS_WHOAMI, key, "anything")
        assert _account_of(answer.body) == account
    unsigned = send(lenient.url, dict(STS_WHOAMI.headers), STS_WHOAMI.body)
    assert _account_of(unsigned.body) == "123456789012"  # the default account
    wrong = signed_call(lenient.url, STS_WHOAMI, KEY, WRONG)
    assert (wrong.status, wrong.code) == (403, "SignatureDoesNotMatch")
    headers = sign(lenient.url, STS_WHOAMI, KEY, SECRET)
    headers["Authorization"] = headers["Authorization"].lower()
    assert send(lenient.url, headers, STS_WHOAMI.body).status == 400


def test_without_verification_the_caller_is_read_as_before(trusting: RunningServer) -> None:
    headers = sign(trusting.url, STS_WHOAMI, OPEN_KEY, "anything")
    headers["Authorization"] = headers["Authorization"].replace("AWS4-HMAC-SHA256", "aws4")
    assert _account_of(send(trusting.url, headers, STS_WHOAMI.body).body) == OPEN_ACCOUNT
    assert _account_of(signed_call(trusting.url, STS_WHOAMI, KEY, WRONG).body) == ACCOUNT
    unsigned = send(trusting.url, dict(STS_WHOAMI.headers), STS_WHOAMI.body)
    assert _account_of(unsigned.body) == "123456789012"


# ---------------------------------------------------------------- AssumeRole sessions


def test_session_credentials_are_verified_with_their_secret_and_token(
    verifying: RunningServer, member: str, session: dict[str, str]
) -> None:
    key, secret, token = (
        session["AccessKeyId"],
        session["SecretAccessKey"],
        session["SessionToken"],
    )
    assert _client(verifying, "sts", key, secret, token).get_caller_identity()["Account"] == member
    url = presign(verifying.url, EC2_DESCRIBE, key, secret, token=token)
    assert send(verifying.url, {}, path=url).status == 200

    sts = _client(verifying, "sts", key, WRONG, token)
    assert _error(sts.get_caller_identity)[:2] == ("SignatureDoesNotMatch", 403)
    for wrong_token in ("", token[:-1] + ("A" if token[-1] != "A" else "B")):
        sts = _client(verifying, "sts", key, secret, wrong_token)
        assert _error(sts.get_caller_identity)[:2] == ("InvalidClientTokenId", 403)
        ec2 = _client(verifying, "ec2", key, secret, wrong_token)
        describe = partial(ec2.describe_images, Owners=["self"])
        assert _error(describe)[:2] == ("AuthFailure", 401)
    # A token sent with a long-term key is not one the emulator issued for it.
    sts = _client(verifying, "sts", KEY, SECRET, token)
    assert _error(sts.get_caller_identity)[:2] == ("InvalidClientTokenId", 403)


EXPIRED = "The security token included in the request is expired"


@pytest.mark.parametrize("mode", ["verifying", "trusting"])
def test_an_expired_session_is_refused_by_the_world_clock(
    request: pytest.FixtureRequest, clock: Clock, session: dict[str, str], mode: str
) -> None:
    server: RunningServer = request.getfixturevalue(mode)
    creds = (session["AccessKeyId"], session["SecretAccessKey"], session["SessionToken"])
    clock.shift = dt.timedelta(seconds=3601)  # AssumeRole's default duration is 3600 s
    try:
        sts = _client(server, "sts", *creds)
        assert _error(sts.get_caller_identity) == ("ExpiredToken", 403, EXPIRED)
        ec2 = _client(server, "ec2", *creds)
        code, status, _ = _error(lambda: ec2.describe_images(Owners=["self"]))
        assert (code, status) == ("RequestExpired", 400)
        kms = _client(server, "kms", *creds)
        assert _error(kms.list_keys) == ("ExpiredTokenException", 400, EXPIRED)
    finally:
        clock.shift = dt.timedelta()
    assert _client(server, "sts", *creds).get_caller_identity()["Arn"].endswith("/pipeline")


# ---------------------------------------------------------------- timestamps, real time


@pytest.mark.parametrize(
    "call, code, status",
    [
        (EC2_DESCRIBE, "RequestExpired", 400),
        (STS_WHOAMI, "SignatureDoesNotMatch", 403),
        (KMS_LIST, "InvalidSignatureException", 400),
    ],
)
def test_a_timestamp_more_than_15_minutes_off_is_refused(
    verifying: RunningServer, call: Call, code: str, status: int
) -> None:
    old = signed_call(verifying.url, call, KEY, SECRET, at=ago(16 * MINUTE))
    assert (old.status, old.code) == (status, code), old.body
    future = signed_call(verifying.url, call, KEY, SECRET, at=ago(-16 * MINUTE))
    assert (future.status, future.code) == (status, code), future.body
    if code != "RequestExpired":
        assert old.message.startswith("Signature expired: ")
        assert old.message.endswith(" - 15 min.)")
        assert future.message.startswith("Signature not yet current: ")
    else:
        assert old.message == "Request has expired."
    for minutes in (14, -14):
        answer = signed_call(verifying.url, call, KEY, SECRET, at=ago(minutes * MINUTE))
        assert answer.status == 200, answer.body


def test_timestamps_are_checked_against_real_time_not_the_world_clock(
    verifying: RunningServer, clock: Clock
) -> None:
    clock.shift = dt.timedelta(days=1)
    try:
        assert signed_call(verifying.url, STS_WHOAMI, KEY, SECRET).status == 200
        tomorrow = ago(-24 * 60 * MINUTE)
        late = signed_call(verifying.url, STS_WHOAMI, KEY, SECRET, at=tomorrow)
        assert late.code == "SignatureDoesNotMatch"
    finally:
        clock.shift = dt.timedelta()


def test_a_presigned_url_expires_at_its_own_time(verifying: RunningServer) -> None:
    gone = presign(verifying.url, EC2_DESCRIBE, KEY, SECRET, expires=60, at=ago(61))
    answer = send(verifying.url, {}, path=gone)
    assert (answer.status, answer.code) == (400, "RequestExpired")
    # Older than 15 minutes but within its own X-Amz-Expires: still good, as in AWS.
    lasting = presign(verifying.url, EC2_DESCRIBE, KEY, SECRET, expires=3600, at=ago(30 * MINUTE))
    assert send(verifying.url, {}, path=lasting).status == 200
    early = presign(verifying.url, EC2_DESCRIBE, KEY, SECRET, at=ago(-16 * MINUTE))
    assert send(verifying.url, {}, path=early).code == "RequestExpired"


@pytest.mark.parametrize("expires", ["0", "-5", "604801", "soon"])
def test_a_presigned_url_needs_a_valid_expiry(verifying: RunningServer, expires: str) -> None:
    url = presign(verifying.url, EC2_DESCRIBE, KEY, SECRET, expires=60)
    answer = send(
        verifying.url, {}, path=url.replace("X-Amz-Expires=60", f"X-Amz-Expires={expires}")
    )
    assert (answer.status, answer.code) == (400, "IncompleteSignature")


# ---------------------------------------------------------------- nothing breaks the checker


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "AWS4-HMAC-SHA256", "X-Amz-Date": "20240101T000000Z"},
        {"Authorization": ", , ,", "X-Amz-Date": "20240101T000000Z"},
        {"Authorization": "AWS4-HMAC-SHA256 Credential==/=/=", "X-Amz-Date": "x"},
        {"Authorization": "AWS4-HMAC-SHA256 Signature=\u00e9\u00e9", "Date": "not a date"},
        {"Authorization": "AWS4-HMAC-SHA256 Credential=K/20241399/r/s/aws4_request"},
        {"X-Amz-Date": "20241399T999999Z"},
        {"X-Amz-Date": "99991231T235959Z"},
        {"X-Amz-Date": "00010101T000000Z"},
    ],
)
def test_malformed_signatures_get_an_aws_answer(
    verifying: RunningServer, headers: dict[str, str]
) -> None:
    if "Authorization" not in headers:  # a well-signed request with an odd timestamp
        signed = sign(verifying.url, STS_WHOAMI, KEY, SECRET)
        headers = {**signed, **headers}
    answer = send(verifying.url, {**STS_WHOAMI.headers, **headers}, STS_WHOAMI.body)
    assert answer.status in (400, 403), answer.body
    assert answer.code in ("IncompleteSignature", "SignatureDoesNotMatch")


@pytest.mark.parametrize("date", ["20241399T999999Z", "99991231T235959Z", "00010101T000000Z"])
def test_a_presigned_url_with_an_impossible_date_is_refused(
    verifying: RunningServer, date: str
) -> None:
    url = re.sub(
        r"X-Amz-Date=\w+", f"X-Amz-Date={date}", presign(verifying.url, EC2_DESCRIBE, KEY, SECRET)
    )
    answer = send(verifying.url, {}, path=url)
    assert answer.status == 400, answer.body
    assert answer.code in ("IncompleteSignature", "RequestExpired")
