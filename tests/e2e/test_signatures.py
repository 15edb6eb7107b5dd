"""``serve --verify-signatures``: real boto3 signing with the right and a wrong secret."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.protocol.dispatch import WireRequest
from emulator.protocol.identity import credential_scope
from emulator.protocol.signature import signature_matches
from tests.e2e.emulator_process import EmulatorProcess, start_emulator

KEY, ACCOUNT, SECRET = "AKIAEMULATOREXAMPLE", "111122223333", "right-secret"
OPEN_KEY, OPEN_ACCOUNT = "AKIANOSECRETEXAMPLE", "444455556666"
WRONG = "wrong-secret"


@pytest.fixture(scope="module")
def checking(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmulatorProcess]:
    log = tmp_path_factory.mktemp("signatures") / "serve.log"
    emulator = start_emulator(
        log,
        "--verify-signatures",
        "--access-key",
        f"{KEY}={ACCOUNT}:{SECRET}",
        "--access-key",
        f"{OPEN_KEY}={OPEN_ACCOUNT}",
    )
    yield emulator
    emulator.stop()


def _error(call: Callable[[], Any]) -> tuple[str, int]:
    with pytest.raises(ClientError) as caught:
        call()
    return (
        caught.value.response["Error"]["Code"],
        caught.value.response["ResponseMetadata"]["HTTPStatusCode"],
    )


def test_right_secret_is_accepted_as_the_mapped_account(checking: EmulatorProcess) -> None:
    ec2 = checking.client("ec2", KEY, secret=SECRET)
    image = ec2.register_image(Name="signed")["ImageId"]
    assert ec2.describe_images(ImageIds=[image])["Images"][0]["OwnerId"] == ACCOUNT
    sts = checking.client("sts", KEY, secret=SECRET)
    assert sts.get_caller_identity()["Account"] == ACCOUNT


def test_wrong_secret_on_ec2_is_auth_failure(checking: EmulatorProcess) -> None:
    ec2 = checking.client("ec2", KEY, secret=WRONG)
    assert _error(lambda: ec2.describe_images(Owners=["self"])) == ("AuthFailure", 401)
    assert _error(lambda: ec2.register_image(Name="forged")) == ("AuthFailure", 401)
    mine = checking.client("ec2", KEY, secret=SECRET).describe_images(Owners=["self"])["Images"]
    assert "forged" not in {image["Name"] for image in mine}


def test_wrong_secret_on_sts_is_signature_does_not_match(checking: EmulatorProcess) -> None:
    sts = checking.client("sts", KEY, secret=WRONG)
    assert _error(sts.get_caller_identity) == ("SignatureDoesNotMatch", 403)


@pytest.mark.parametrize(
    "service, call",
    [
        ("organizations", lambda c: c.describe_organization()),
        ("kms", lambda c: c.list_keys()),
    ],
)
def test_wrong_secret_on_json_services_is_invalid_signature(
    checking: EmulatorProcess, service: str, call: Callable[[Any], Any]
) -> None:
    client = checking.client(service, KEY, secret=WRONG)
    assert _error(lambda: call(client)) == ("InvalidSignatureException", 400)


def test_keys_without_a_secret_are_refused(checking: EmulatorProcess) -> None:
    # A 12-digit key is its own account and has no secret either.
    for key in (OPEN_KEY, "777788889999"):
        sts = checking.client("sts", key, secret="any")
        assert _error(sts.get_caller_identity) == ("InvalidClientTokenId", 403)


def test_keys_without_a_secret_pass_when_allowed(tmp_path: Path) -> None:
    emulator = start_emulator(
        tmp_path / "serve.log",
        "--verify-signatures",
        "--allow-unverified-keys",
        "--access-key",
        f"{KEY}={ACCOUNT}:{SECRET}",
        "--access-key",
        f"{OPEN_KEY}={OPEN_ACCOUNT}",
    )
    try:
        for secret in ("one", "another"):
            sts = emulator.client("sts", OPEN_KEY, secret=secret)
            assert sts.get_caller_identity()["Account"] == OPEN_ACCOUNT
            assert (
                emulator.client("sts", "777788889999", secret=secret).get_caller_identity()[
                    "Account"
                ]
                == "777788889999"
            )
        sts = emulator.client("sts", KEY, secret=WRONG)
        assert _error(sts.get_caller_identity) == ("SignatureDoesNotMatch", 403)
    finally:
        emulator.stop()


def _presigned(url: str) -> urllib.request.Request:
    # botocore signs a Query operation's presigned URL with the operation's method, POST.
    return urllib.request.Request(url, data=b"", method="POST")


def test_presigned_url(checking: EmulatorProcess) -> None:
    ec2 = checking.client("ec2", KEY, secret=SECRET)
    url = ec2.generate_presigned_url("describe_images", Params={"Owners": ["self"]})
    with urllib.request.urlopen(_presigned(url), timeout=10) as answer:
        assert answer.status == 200
    forged = checking.client("ec2", KEY, secret=WRONG).generate_presigned_url(
        "describe_images", Params={"Owners": ["self"]}
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(_presigned(forged), timeout=10)
    assert caught.value.code == 401
    assert b"<Code>AuthFailure</Code>" in caught.value.read()


def test_rejections_are_logged(checking: EmulatorProcess) -> None:
    sts = checking.client("sts", KEY, secret=WRONG)
    _error(sts.get_caller_identity)
    assert "- us-east-1 sts.GetCallerIdentity 403 SignatureDoesNotMatch" in checking.log_text()


def test_off_by_default(tmp_path: Path) -> None:
    emulator = start_emulator(tmp_path / "serve.log", "--access-key", f"{KEY}={ACCOUNT}:{SECRET}")
    try:
        sts = emulator.client("sts", KEY, secret=WRONG)
        assert sts.get_caller_identity()["Account"] == ACCOUNT
    finally:
        emulator.stop()


# The checker agrees with botocore's signer on any request, and only for the right secret.
_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@settings(max_examples=60, deadline=None)
@given(
    params=st.lists(
        st.tuples(st.text("abcXYZ.-_~ =&/+%", min_size=1, max_size=8), _text), max_size=5
    ),
    body=st.binary(max_size=64),
    header=st.text(st.characters(min_codepoint=33, max_codepoint=126), max_size=10),
    path=st.sampled_from(["/", "/a", "/a b/c"]),
)
def test_checker_matches_botocore(
    params: list[tuple[str, str]], body: bytes, header: str, path: str
) -> None:
    request = AWSRequest(
        "POST",
        f"http://127.0.0.1:4566{path}",
        data=body,
        params=params,
        headers={"X-Amz-Target": "Any.Thing", "X-Custom": f"  {header}  x "},
    )
    SigV4Auth(Credentials(KEY, SECRET), "organizations", "us-east-1").add_auth(request)
    prepared = request.prepare()
    headers = {k.lower(): v for k, v in prepared.headers.items()}
    headers["host"] = "127.0.0.1:4566"
    wire = WireRequest("POST", headers, params, body)
    scope = credential_scope(headers, params)
    assert not scope.problem
    assert signature_matches(SECRET, wire, path, scope)
    assert not signature_matches(WRONG, wire, path, scope)
