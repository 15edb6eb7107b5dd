"""Secrets the emulator holds: made by a secure source, never shown to an HTTP caller, kept
in a state file only the owner can read, and never corrupted by a redacted document."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from emulator.core.ids import IdSource
from emulator.core.world import World
from emulator.server import RunningServer
from tests.conftest import CLIENT_CONFIG, ISOLATED_ENV
from tests.e2e.emulator_process import EmulatorProcess, start_emulator
from tests.security.sigv4 import STS_WHOAMI, serve, signed_call

MGMT_KEY, MGMT, MGMT_SECRET = "AKIAMANAGEMENTEXAMPLE", "123456789012", "management-secret"
PUT_KEY, PUT_ACCOUNT, PUT_SECRET = "AKIALOADEDEXAMPLE", "111122223333", "loaded-secret"
ROLE = "arn:aws:iam::{}:role/OrganizationAccountAccessRole"
REDACTED = "<redacted>"


def _client(url: str, service: str, key: str, secret: str, token: str | None = None) -> Any:
    return boto3.client(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        aws_session_token=token,
        config=CLIENT_CONFIG,
    )


def _assume(url: str, key: str = MGMT, secret: str = "any") -> dict[str, str]:
    """A member account, and temporary credentials for it from its management account."""
    orgs = _client(url, "organizations", key, secret)
    orgs.create_organization()
    member = orgs.create_account(Email="m@example.com", AccountName="member")[
        "CreateAccountStatus"
    ]["AccountId"]
    sts = _client(url, "sts", key, secret)
    return sts.assume_role(RoleArn=ROLE.format(member), RoleSessionName="s1")["Credentials"]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.read().decode()


def _put_state(url: str, document: dict[str, Any]) -> None:
    body = json.dumps(document).encode()
    request = urllib.request.Request(f"{url}/_emulator/state", data=body, method="PUT")
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 200


def _pinned_world() -> World:
    return World(pinned={"access_keys": {MGMT_KEY: MGMT}, "secret_keys": {MGMT_KEY: MGMT_SECRET}})


@pytest.fixture
def verifying() -> Iterator[RunningServer]:
    running = serve(_pinned_world(), verify_signatures=True)
    yield running
    running.stop()


def _secrets(credentials: dict[str, str]) -> tuple[str, str]:
    return credentials["SecretAccessKey"], credentials["SessionToken"]


def test_session_secrets_do_not_come_from_the_seeded_id_source() -> None:
    """Two worlds seeded alike make the same public ids, never the same secrets."""
    made = []
    for _ in range(2):
        running = serve(World(ids=IdSource(seed=7)))
        try:
            made.append(_assume(running.url))
        finally:
            running.stop()
    first, second = made
    assert first["AccessKeyId"] == second["AccessKeyId"]  # a public id: seeded
    assert first["SecretAccessKey"] != second["SecretAccessKey"]
    assert first["SessionToken"] != second["SessionToken"]
    assert len(first["SecretAccessKey"]) == 40


def test_get_state_redacts_every_secret(verifying: RunningServer) -> None:
    credentials = _assume(verifying.url, MGMT_KEY, MGMT_SECRET)
    text = _get(f"{verifying.url}/_emulator/state")
    for secret in (MGMT_SECRET, *_secrets(credentials)):
        assert secret not in text
    state = json.loads(text)
    assert state["config"]["secret_keys"] == {MGMT_KEY: REDACTED}
    session = state["sessions"][credentials["AccessKeyId"]]
    assert (session["secret_key"], session["token"]) == (REDACTED, REDACTED)
    assert session["access_key"] == credentials["AccessKeyId"]  # a public id: shown


def test_scenario_dump_and_console_show_no_secret(verifying: RunningServer) -> None:
    credentials = _assume(verifying.url, MGMT_KEY, MGMT_SECRET)
    secrets = (MGMT_SECRET, *_secrets(credentials))
    pages = [
        _get(f"{verifying.url}/_emulator/scenario"),
        _get(f"{verifying.url}/_emulator/scenario?format=json"),
        *(
            _get(f"{verifying.url}/_emulator/console/{page}?account={account}")
            for page in ("", "amis", "organization")
            for account in (MGMT, PUT_ACCOUNT)
        ),
    ]
    dumped = subprocess.run(
        [sys.executable, "-m", "emulator", "dump", "--endpoint", verifying.url],
        env={**os.environ, **ISOLATED_ENV},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    for text in (*pages, dumped.stdout):
        for secret in secrets:
            assert secret not in text


def _redacted_state_with_a_loaded_key(url: str) -> dict[str, Any]:
    state = json.loads(_get(f"{url}/_emulator/state"))
    state["config"]["access_keys"][PUT_KEY] = PUT_ACCOUNT
    state["config"]["secret_keys"][PUT_KEY] = PUT_SECRET
    return state


def _whoami(url: str, key: str, secret: str, token: str | None = None) -> str:
    return _client(url, "sts", key, secret, token).get_caller_identity()["Account"]


def test_put_of_a_redacted_state_keeps_the_secrets_it_cannot_see(
    verifying: RunningServer,
) -> None:
    credentials = _assume(verifying.url, MGMT_KEY, MGMT_SECRET)
    key, secret, token = credentials["AccessKeyId"], *_secrets(credentials)
    member = _whoami(verifying.url, key, secret, token)
    _put_state(verifying.url, _redacted_state_with_a_loaded_key(verifying.url))
    redacted = json.loads(_get(f"{verifying.url}/_emulator/state"))
    assert redacted["config"]["secret_keys"][PUT_KEY] == REDACTED
    _put_state(verifying.url, redacted)  # the GET document, loaded back as it is

    assert _whoami(verifying.url, key, secret, token) == member
    assert _whoami(verifying.url, PUT_KEY, PUT_SECRET) == PUT_ACCOUNT
    assert _whoami(verifying.url, MGMT_KEY, MGMT_SECRET) == MGMT
    for forged_key in (key, PUT_KEY, MGMT_KEY):
        answer = signed_call(
            verifying.url,
            STS_WHOAMI,
            forged_key,
            REDACTED,
            token=token if forged_key == key else None,
        )
        assert answer.code == "SignatureDoesNotMatch"

    # Elsewhere the hidden secrets are unknown: their sessions and keys are dropped.
    fresh = serve(_pinned_world(), verify_signatures=True)
    try:
        _put_state(fresh.url, redacted)
        assert key not in json.loads(_get(f"{fresh.url}/_emulator/state"))["sessions"]
        for forged_key, forged_token in ((key, token), (PUT_KEY, None)):
            for guess in (REDACTED, secret, PUT_SECRET):
                answer = signed_call(fresh.url, STS_WHOAMI, forged_key, guess, token=forged_token)
                assert answer.code == "InvalidClientTokenId", answer.body
        assert _whoami(fresh.url, MGMT_KEY, MGMT_SECRET) == MGMT  # given on the command line
    finally:
        fresh.stop()


def _serve(tmp_path: Path, state: Path) -> EmulatorProcess:
    return start_emulator(
        tmp_path / f"serve-{len(list(tmp_path.glob('serve-*')))}.log",
        "--empty",
        "--verify-signatures",
        "--access-key",
        f"{MGMT_KEY}={MGMT}:{MGMT_SECRET}",
        "--state-file",
        str(state),
    )


def test_the_state_file_keeps_secrets_readable_by_its_owner_only(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    stray = tmp_path / "state.json.tmp"  # left by a crash, readable by all
    stray.write_text("{}")
    stray.chmod(0o644)
    first = _serve(tmp_path, state)
    try:
        credentials = _assume(first.url, MGMT_KEY, MGMT_SECRET)
        _put_state(first.url, _redacted_state_with_a_loaded_key(first.url))
    finally:
        assert first.stop() == 0
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
    text = state.read_text()
    assert credentials["SecretAccessKey"] in text and PUT_SECRET in text
    assert REDACTED not in text
    assert MGMT_SECRET not in text  # given on the command line: given again at each start

    second = _serve(tmp_path, state)
    try:
        key, secret, token = credentials["AccessKeyId"], *_secrets(credentials)
        assert _whoami(second.url, key, secret, token) != MGMT
        assert _whoami(second.url, PUT_KEY, PUT_SECRET) == PUT_ACCOUNT
    finally:
        assert second.stop() == 0
    assert stat.S_IMODE(state.stat().st_mode) == 0o600
