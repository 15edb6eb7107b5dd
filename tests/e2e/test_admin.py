"""The /_emulator/ admin endpoints: health, reset, state, scenario, explain, access."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
import yaml

AMI = "ami-0abcdef1234567890"
OU_ARN = "arn:aws:organizations::123456789012:ou/o-123example/ou-1234-5example"

pytestmark = pytest.mark.ami_scenario("demo")


def get(server, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(server.url + path, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def send(server, path: str, body: str = "", method: str = "PUT") -> tuple[int, dict]:
    req = urllib.request.Request(server.url + path, data=body.encode(), method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def share_with_ou(aws) -> None:
    aws("ec2").modify_image_attribute(
        ImageId=AMI, LaunchPermission={"Add": [{"OrganizationalUnitArn": OU_ARN}]}
    )


def test_health(server, aws) -> None:
    assert get(server, "/_emulator/health") == (200, '{"status":"ok"}\n')


def test_explain_names_the_grant_or_the_reason(server, aws) -> None:
    share_with_ou(aws)
    status, body = get(server, f"/_emulator/explain?image={AMI}&account=222233334444")
    answer = json.loads(body)
    assert status == 200
    assert (answer["allowed"], answer["via"], answer["grant"]) == (True, "ou", "ou-1234-5example")
    assert "o-123example/r-ab12/ou-1234-5example/ou-1234-6example/" in answer["reason"]
    answer = json.loads(get(server, f"/_emulator/explain?image={AMI}&account=555566667777")[1])
    assert (answer["allowed"], answer["via"]) == (False, "none")
    assert "o-123example/r-ab12/ou-ab12-22222222/" in answer["reason"]
    answer = json.loads(get(server, f"/_emulator/explain?image={AMI}&account=123456789012")[1])
    assert answer["via"] == "owner"


def test_explain_knows_amis_are_regional(server, aws) -> None:
    answer = json.loads(
        get(server, f"/_emulator/explain?image={AMI}&account=123456789012&region=eu-west-1")[1]
    )
    assert answer["allowed"] is False
    assert "exists in us-east-1" in answer["reason"]


def test_explain_needs_its_parameters(server, aws) -> None:
    status, body = get(server, "/_emulator/explain?image=" + AMI)
    assert status == 400
    assert "account" in json.loads(body)["error"]


def test_access_lists_every_account_with_its_grant(server, aws) -> None:
    share_with_ou(aws)
    status, body = get(server, f"/_emulator/access?image={AMI}")
    assert status == 200
    rows = {r["account"]: (r["allowed"], r["via"]) for r in json.loads(body)["accounts"]}
    assert rows == {
        "123456789012": (True, "owner"),
        "111122223333": (True, "ou"),
        "222233334444": (True, "ou"),
        "444455556666": (False, "none"),
        "555566667777": (False, "none"),
        "666677778888": (False, "none"),
    }
    assert get(server, "/_emulator/access?image=ami-12345678")[0] == 404


def test_access_follows_moves_at_once(server, aws) -> None:
    share_with_ou(aws)
    aws("organizations").move_account(
        AccountId="555566667777",
        SourceParentId="ou-ab12-22222222",
        DestinationParentId="ou-1234-6example",
    )
    rows = {
        r["account"]: r["via"]
        for r in json.loads(get(server, f"/_emulator/access?image={AMI}")[1])["accounts"]
    }
    assert rows["555566667777"] == "ou"


def test_reset_returns_to_the_starting_scenario(server, aws) -> None:
    share_with_ou(aws)
    assert send(server, "/_emulator/reset", method="POST")[0] == 200
    perms = aws("ec2").describe_image_attribute(ImageId=AMI, Attribute="launchPermission")
    assert perms["LaunchPermissions"] == []


def test_scenario_round_trips_through_put_state(server, aws) -> None:
    share_with_ou(aws)
    status, text = get(server, "/_emulator/scenario")
    assert status == 200
    scenario = yaml.safe_load(text)
    assert scenario["images"][0]["launch_permissions"] == {"organizational_units": [OU_ARN]}
    aws("ec2").reset_image_attribute(ImageId=AMI, Attribute="launchPermission")
    assert send(server, "/_emulator/state", text)[0] == 200
    perms = aws("ec2").describe_image_attribute(ImageId=AMI, Attribute="launchPermission")
    assert perms["LaunchPermissions"] == [{"OrganizationalUnitArn": OU_ARN}]


def test_snapshot_round_trips_through_put_state(server, aws) -> None:
    snapshot = get(server, "/_emulator/state")[1]
    share_with_ou(aws)
    assert send(server, "/_emulator/state", snapshot)[0] == 200
    perms = aws("ec2").describe_image_attribute(ImageId=AMI, Attribute="launchPermission")
    assert perms["LaunchPermissions"] == []


@pytest.mark.parametrize(
    "body",
    [
        "",
        "[1, 2]",
        "a: [",
        "images: [{owner: '1'}]",
        '{"ec2": {"regions": {"x": {"images": [{"bad": 1}]}}}}',
    ],
)
def test_bad_state_is_refused_and_changes_nothing(server, aws, body: str) -> None:
    before = get(server, "/_emulator/state")[1]
    status, answer = send(server, "/_emulator/state", body)
    assert status == 400
    assert answer["error"]
    assert get(server, "/_emulator/state")[1] == before
