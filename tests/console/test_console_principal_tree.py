"""The organization page coloured by the whole decision for a chosen user or role name."""

from __future__ import annotations

import json
import re

import pytest
from flask.testing import FlaskClient

from emulator.core.ec2.images import catalog
from emulator.core.ec2.images.launch_permissions import Grant
from emulator.core.world import World
from emulator.scenario_files import load_demo_into
from emulator.web import create_app
from tests.console.test_console_http import AMI, DEV, OU_ARN, page
from tests.unit.ec2.ec2_world import recorded

ORG_ROLE = "role:OrganizationAccountAccessRole"
ROW = re.compile(r'<tr id="acct-(\d{12})" data-access="([a-z-]+)"(?: data-denied-by="([a-z_]+)")?')
NO_LAUNCH = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "NoLaunch", "Effect": "Deny", "Action": "ec2:RunInstances", "Resource": "*"}
        ],
    }
)


@pytest.fixture
def world() -> World:
    world = World()
    load_demo_into(world)
    catalog.add_grants(world.ec2.env, recorded(world.ec2, "us-east-1"), AMI, [Grant("ou", OU_ARN)])
    return world


@pytest.fixture
def client(world: World) -> FlaskClient:
    return create_app(world).test_client()


def rows(body: str) -> dict[str, tuple[str, str | None]]:
    return {account: (access, layer or None) for account, access, layer in ROW.findall(body)}


def test_the_org_role_is_allowed_where_the_image_is_shared(client: FlaskClient) -> None:
    status, body = page(client, "/organization", image=AMI, principal=ORG_ROLE)
    assert status == 200
    assert 'value="role:OrganizationAccountAccessRole" selected' in body
    found = rows(body)
    assert found[DEV] == ("allowed", None)  # Dev is in the Engineering OU
    assert found["555566667777"] == ("denied", "launch_permission")
    # The management account was not made by CreateAccount: it has no such role.
    assert found["123456789012"] == ("neutral", None)
    assert "no role OrganizationAccountAccessRole in this account" in body
    assert "✗ denied by the launch permission (not shared)" in body
    assert 'data-denied-by="launch_permission"' in body.split("</svg>")[0]  # the diagram too


def test_an_identity_policy_deny_names_its_layer(client: FlaskClient, world: World) -> None:
    with world.lock:
        world.iam.put_inline_policy(
            DEV, "role", "OrganizationAccountAccessRole", "no-launch", NO_LAUNCH
        )
    _, body = page(client, "/organization", image=AMI, principal=ORG_ROLE)
    assert rows(body)[DEV] == ("denied", "identity_policy")
    assert "✗ denied by its identity policies" in body
    assert "no-launch explicitly denies" in body  # the layer's reason, in the table


def test_a_user_name_colours_only_the_accounts_that_have_it(
    client: FlaskClient, world: World
) -> None:
    with world.lock:
        world.iam.create_user(DEV, "ci")
    _, body = page(client, "/organization", image=AMI, principal="user:ci")
    found = rows(body)
    assert found[DEV] == ("denied", "identity_policy")
    assert {access for account, (access, _) in found.items() if account != DEV} == {"neutral"}


def test_the_root_choice_keeps_the_launch_colouring(client: FlaskClient) -> None:
    _, default = page(client, "/organization", image=AMI)
    _, chosen = page(client, "/organization", image=AMI, principal="root")
    assert rows(default) == rows(chosen)
    assert rows(default)[DEV] == ("allowed", None)
    assert "data-denied-by" not in default


@pytest.mark.parametrize("value", ["user:nobody", "role:", "x" * 5000, "<script>", "user"])
def test_an_unknown_principal_is_said_in_words(client: FlaskClient, value: str) -> None:
    status, body = page(client, "/organization", image=AMI, principal=value)
    assert status == 200
    assert "No user or role" in body
    assert rows(body)[DEV] == ("allowed", None)  # back to the root users' colouring
