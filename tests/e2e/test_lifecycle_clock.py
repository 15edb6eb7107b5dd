"""The world's one clock: GET/POST /_emulator/clock, the ami_clock fixture, what reads it
(creation dates, KMS deletion windows, session expiry), and where it is kept (the state,
scenarios, ``dump``)."""

from __future__ import annotations

import json
import signal
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

import boto3
import pytest
import yaml
from botocore.exceptions import ClientError

from emulator.testing.pytest_plugin import CLIENT_CONFIG, AmiClock, ClockRefused
from tests.e2e.emulator_process import start_emulator
from tests.e2e.worlds import Client, ClientFactory, image, register_image

MGMT = "123456789012"


def send(server, method: str, path: str, body: object = None, **headers: str):
    data = None if body is None else (body if isinstance(body, str) else json.dumps(body))
    req = urllib.request.Request(
        server.url + path,
        data=None if data is None else data.encode(),
        method=method,
        headers={"Content-Type": "application/json", **headers},
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_the_clock_runs_with_real_time_until_moved(server, aws) -> None:
    status, clock = send(server, "GET", "/_emulator/clock")
    assert status == 200
    assert clock["frozen"] is False
    assert abs(when(clock["now"]) - datetime.now(UTC)) < timedelta(minutes=1)
    status, moved = send(server, "POST", "/_emulator/clock", {"advance_seconds": 3600})
    assert status == 200
    assert 3599 <= moved["offset_seconds"] <= 3601
    assert moved["frozen"] is False


def test_set_and_freeze_then_advance(server, aws) -> None:
    status, clock = send(
        server, "POST", "/_emulator/clock", {"now": "2031-01-01T00:00:00Z", "frozen": True}
    )
    assert (status, clock["now"], clock["frozen"]) == (200, "2031-01-01T00:00:00.000Z", True)
    _, clock = send(server, "POST", "/_emulator/clock", {"advance_seconds": 90.5})
    assert clock["now"] == "2031-01-01T00:01:30.500Z"
    _, clock = send(server, "POST", "/_emulator/clock", {"now": "2031-01-02T00:00:00+02:00"})
    assert clock["now"] == "2031-01-01T22:00:00.000Z"
    # Unfrozen, it runs on from there.
    _, clock = send(server, "POST", "/_emulator/clock", {"advance_seconds": 0, "frozen": False})
    assert clock["frozen"] is False and clock["now"] >= "2031-01-01T22:00:00.000Z"


def test_creation_dates_read_the_clock(server, aws: ClientFactory, ami_clock: AmiClock) -> None:
    ami_clock.set("2032-02-03T04:05:06Z", frozen=True)
    ec2 = aws("ec2")
    image_id = register_image(ec2)
    assert image(ec2, image_id)["CreationDate"] == "2032-02-03T04:05:06.000Z"
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8)
    assert volume["CreateTime"] == datetime(2032, 2, 3, 4, 5, 6, tzinfo=volume["CreateTime"].tzinfo)


def test_moving_back_past_a_recorded_event_is_refused_unless_forced(
    server, aws: ClientFactory
) -> None:
    send(server, "POST", "/_emulator/clock", {"now": "2033-01-01T00:00:00Z", "frozen": True})
    image_id = register_image(aws("ec2"))
    status, answer = send(server, "POST", "/_emulator/clock", {"now": "2032-12-31T00:00:00Z"})
    assert status == 409
    assert answer["event"] == {
        "what": f"the creation of {image_id} in us-east-1",
        "at": "2033-01-01T00:00:00.000Z",
    }
    assert f"before the creation of {image_id}" in answer["error"]
    assert send(server, "GET", "/_emulator/clock")[1]["now"] == "2033-01-01T00:00:00.000Z"
    # Back, but not past the event: allowed.
    send(server, "POST", "/_emulator/clock", {"advance_seconds": 60})
    status, _ = send(server, "POST", "/_emulator/clock", {"advance_seconds": -60})
    assert status == 200
    status, clock = send(
        server, "POST", "/_emulator/clock", {"now": "2032-12-31T00:00:00Z", "force": True}
    )
    assert (status, clock["now"]) == (200, "2032-12-31T00:00:00.000Z")


def test_the_fixture_refuses_as_the_endpoint_does(aws: ClientFactory, ami_clock: AmiClock) -> None:
    ami_clock.set("2034-01-01T00:00:00Z", frozen=True)
    register_image(aws("ec2"))
    with pytest.raises(ClockRefused, match="before the creation of ami-"):
        ami_clock.advance(days=-1)
    assert ami_clock.advance(days=-1, force=True) == datetime(2033, 12, 31, tzinfo=UTC)
    assert ami_clock.advance(hours=36) == datetime(2034, 1, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("[1]", 'Body must be a JSON object: {"advance_seconds": N} or {"now": "..."}'),
        ("{}", "Give exactly one of advance_seconds and now"),
        ({"advance_seconds": 1, "now": "2030-01-01T00:00:00Z"}, "Give exactly one of"),
        ({"advance_seconds": "1"}, "advance_seconds must be a number"),
        ({"advance_seconds": True}, "advance_seconds must be a number"),
        ({"now": "yesterday"}, "Invalid time"),
        ({"now": "3030-01-01T00:00:00Z"}, "more than 100 years"),
        ({"advance_seconds": 1e12}, "more than 100 years"),
        ({"advance_seconds": 1, "frozen": "yes"}, "frozen must be true or false"),
        ({"advance_seconds": 1, "speed": 2}, "Unknown key(s): speed"),
        ("not json", "Invalid body"),
    ],
)
def test_bad_clock_requests(server, aws, body: object, error: str) -> None:
    status, answer = send(server, "POST", "/_emulator/clock", body)
    assert status == 400
    assert error in answer["error"]


def test_a_page_of_another_site_cannot_move_the_clock(server, aws) -> None:
    before = send(server, "GET", "/_emulator/clock")[1]["offset_seconds"]
    status, answer = send(
        server, "POST", "/_emulator/clock", {"advance_seconds": 86400}, Origin="http://evil.example"
    )
    assert status == 403
    assert "another origin" in answer["error"]
    after = send(server, "GET", "/_emulator/clock")[1]["offset_seconds"]
    assert abs(after - before) < 5


def test_kms_deletion_windows_end_on_the_clock(aws: ClientFactory, ami_clock: AmiClock) -> None:
    kms = aws("kms")
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    ami_clock.advance(days=6)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingDeletion"
    ami_clock.advance(days=2)
    with pytest.raises(ClientError) as caught:
        kms.describe_key(KeyId=key_id)
    assert caught.value.response["Error"]["Code"] == "NotFoundException"


def test_sessions_expire_on_the_clock(server, aws: ClientFactory, ami_clock: AmiClock) -> None:
    orgs = aws("organizations", MGMT)
    orgs.create_organization(FeatureSet="ALL")
    created = orgs.create_account(Email="m@example.com", AccountName="member")
    member = created["CreateAccountStatus"]["AccountId"]
    role = f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole"
    keys = aws("sts", MGMT).assume_role(
        RoleArn=role, RoleSessionName="pipeline", DurationSeconds=900
    )
    creds = keys["Credentials"]
    session = boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name="us-east-1",
    )
    sts = session.client("sts", endpoint_url=server.url, config=CLIENT_CONFIG)
    assert sts.get_caller_identity()["Account"] == member
    ami_clock.advance(minutes=16)
    with pytest.raises(ClientError) as caught:
        sts.get_caller_identity()
    assert caught.value.response["Error"]["Code"] == "ExpiredToken"


def test_the_state_keeps_the_clock_and_reset_returns_to_real_time(
    server, aws: ClientFactory, ami_clock: AmiClock
) -> None:
    ami_clock.set("2035-05-05T00:00:00Z", frozen=True)
    _, state = send(server, "GET", "/_emulator/state")
    assert state["clock"]["frozen_at"].startswith("2035-05-05T00:00:00")
    ami_clock.advance(days=1)
    assert send(server, "PUT", "/_emulator/state", state)[0] == 200
    assert ami_clock.now() == datetime(2035, 5, 5, tzinfo=UTC)
    send(server, "PUT", "/_emulator/state", {"format": "ami-emulator-state", "version": 1})
    assert abs(ami_clock.now() - datetime.now(UTC)) < timedelta(minutes=1)


SCENARIO = """
clock: "2036-06-01T00:00:00Z"
images:
  - id: ami-0aaaaaaaaaaaaaaa1
    owner: "111122223333"
    name: old-golden
    deprecation_time: "2036-05-01T00:00:00Z"
    deregistration_protection: enabled-with-cooldown
    launch_permissions:
      accounts: ["444455556666"]
  - id: ami-0aaaaaaaaaaaaaaa2
    owner: "111122223333"
    name: retired
    disabled: true
"""


def test_a_scenario_sets_the_clock_and_the_lifecycle_and_dump_writes_them_back(
    server, aws: ClientFactory, ami_clock: AmiClock
) -> None:
    status, _ = send(
        server, "PUT", "/_emulator/state", SCENARIO, **{"Content-Type": "application/yaml"}
    )
    assert status == 200
    now = ami_clock.now()
    assert timedelta(0) <= now - datetime(2036, 6, 1, tzinfo=UTC) < timedelta(minutes=1)
    owner: Client = aws("ec2", account="111122223333")
    consumer: Client = aws("ec2", account="444455556666")
    old = image(owner, "ami-0aaaaaaaaaaaaaaa1")
    assert old["CreationDate"].startswith("2036-06-01T00:0")
    assert old["DeprecationTime"] == "2036-05-01T00:00:00.000Z"
    assert old["DeregistrationProtection"] == "enabled-with-cooldown"
    assert consumer.describe_images(ExecutableUsers=["self"])["Images"] == []
    (retired,) = owner.describe_images(ImageIds=["ami-0aaaaaaaaaaaaaaa2"], IncludeDisabled=True)[
        "Images"
    ]
    assert retired["State"] == "disabled"

    with urllib.request.urlopen(server.url + "/_emulator/scenario", timeout=10) as resp:
        dumped = yaml.safe_load(resp.read())
    assert dumped["clock"].startswith("2036-06-01T00:0")
    by_id = {i["id"]: i for i in dumped["images"]}
    assert by_id["ami-0aaaaaaaaaaaaaaa1"]["deprecation_time"] == "2036-05-01T00:00:00.000Z"
    assert by_id["ami-0aaaaaaaaaaaaaaa1"]["deregistration_protection"] == "enabled-with-cooldown"
    assert by_id["ami-0aaaaaaaaaaaaaaa2"]["disabled"] is True
    assert "deregistration_protection" not in by_id["ami-0aaaaaaaaaaaaaaa2"]


@pytest.mark.parametrize(
    ("scenario", "path"),
    [
        ("clock: tomorrow", "clock"),
        ("images: [{owner: '111122223333', name: abc, deprecation_time: soon}]", "images[0]"),
        (
            "images: [{owner: '111122223333', name: abc, deregistration_protection: on}]",
            "images[0].deregistration_protection",
        ),
        (
            "images: [{owner: '111122223333', name: abc, disabled: true,"
            " launch_permissions: {public: true}}]",
            "images[0].launch_permissions",
        ),
    ],
)
def test_bad_lifecycle_in_a_scenario(server, aws, scenario: str, path: str) -> None:
    status, answer = send(
        server, "PUT", "/_emulator/state", scenario, **{"Content-Type": "application/yaml"}
    )
    assert status == 400, answer
    assert answer["path"].startswith(path)


def test_the_state_file_keeps_the_clock_and_the_lifecycle(tmp_path) -> None:
    state = tmp_path / "state.json"
    first = start_emulator(tmp_path / "first.log", "--empty", "--state-file", str(state))
    try:
        status, _ = send(first, "POST", "/_emulator/clock", {"now": "2037-01-01T00:00:00Z"})
        assert status == 200
        ec2 = first.client("ec2", "111122223333")
        image_id = register_image(ec2)
        ec2.enable_image_deprecation(ImageId=image_id, DeprecateAt="2037-01-02T00:00:00Z")
        ec2.enable_image_deregistration_protection(ImageId=image_id, WithCooldown=True)
        ec2.disable_image_deregistration_protection(ImageId=image_id)
    finally:
        assert first.stop(signal.SIGTERM) == 0
    second = start_emulator(tmp_path / "second.log", "--empty", "--state-file", str(state))
    try:
        _, clock = send(second, "GET", "/_emulator/clock")
        assert clock["now"].startswith("2037-01-01T00:")
        found = image(second.client("ec2", "111122223333"), image_id)
        assert found["DeprecationTime"] == "2037-01-02T00:00:00.000Z"
        assert found["DeregistrationProtection"].startswith("disabled-until 2037-01-02T00:")
    finally:
        assert second.stop(signal.SIGTERM) == 0
