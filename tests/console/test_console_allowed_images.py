"""The console and Allowed AMIs: the AMI list marks images the acting account's criteria
refuse, the image page explains it, the organization page colours by the whole decision."""

from __future__ import annotations

import html

import pytest
from flask.testing import FlaskClient

from emulator.core.scenario import load_into
from emulator.core.world import World
from emulator.web import create_app

BASE = "/_emulator/console"
OWNER, MEMBER, OTHER = "111111111111", "222222222222", "333333333333"
AMI = "ami-0123456789abcdef0"
OU_ID = "ou-aaaa-11111111"
SCENARIO = {
    "organizations": [
        {
            "id": "o-aaaaaaaaaa",
            "root_id": "r-aaaa",
            "management_account": OWNER,
            "ous": [
                {"id": OU_ID, "name": "Workloads", "accounts": [{"id": MEMBER}, {"id": OTHER}]}
            ],
        }
    ],
    "images": [
        {
            "id": AMI,
            "owner": OWNER,
            "name": "golden",
            "launch_permissions": {
                "organizational_units": [f"arn:aws:organizations::{OWNER}:ou/o-aaaaaaaaaa/{OU_ID}"]
            },
        }
    ],
    "allowed_images": [
        {"account": MEMBER, "state": "audit-mode", "criteria": [{"image_providers": ["amazon"]}]}
    ],
}


@pytest.fixture
def world() -> World:
    world = World()
    load_into(world, SCENARIO)
    return world


@pytest.fixture
def client(world: World) -> FlaskClient:
    return create_app(world).test_client()


def page(client: FlaskClient, path: str, **query: str) -> str:
    answer = client.get(BASE + path, query_string=query)
    assert answer.status_code == 200
    return html.unescape(answer.get_data(as_text=True))


def test_the_ami_list_marks_an_image_the_criteria_refuse(client: FlaskClient) -> None:
    assert "Not allowed</span>" in page(client, "/amis", account=MEMBER)
    assert "Not allowed</span>" not in page(client, "/amis", account=OTHER)


def test_the_image_page_explains_the_audit(client: FlaskClient) -> None:
    body = page(client, "/amis", account=MEMBER, image=AMI)
    assert (
        f"Audit mode: nothing is blocked, but {MEMBER}'s Allowed AMIs criteria would not allow"
        f" {AMI}: provider {OWNER} not listed." in body
    )


def test_the_organization_page_colours_by_the_whole_decision(
    client: FlaskClient, world: World
) -> None:
    settings = world.ec2.regions["us-east-1"].allowed_images[MEMBER]
    settings.state = "enabled"
    body = page(client, "/organization", account=OWNER, image=AMI)
    assert "✗ shared, but not allowed by its Allowed AMIs" in body
    assert f"✓ via OU {OU_ID}" in body
