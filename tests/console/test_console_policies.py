"""The organization page lists the policies attached to the root, each OU and account."""

from __future__ import annotations

import json

from emulator.core.world import World
from emulator.scenario_files import load_demo_into
from emulator.web import create_app

MGMT = "123456789012"
DEV = "111122223333"
OU = "ou-1234-5example"
DENY = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}
)


def organization_page(world: World) -> str:
    answer = create_app(world).test_client().get("/_emulator/console/organization")
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def row(body: str, target: str) -> str:
    start = body.index(f'<tr id="policies-{target}">')
    return body[start : body.index("</tr>", start)]


def test_the_page_shows_attached_policies_by_target() -> None:
    world = World()
    load_demo_into(world)
    body = organization_page(world)
    assert "no policy type" in body
    assert "none" in row(body, OU)
    root = world.orgs.describe_organization(MGMT).root_id
    world.orgs.enable_policy_type(MGMT, root, "SERVICE_CONTROL_POLICY")
    policy = world.orgs.create_policy(MGMT, DENY, "", "DenyAll<b>", "SERVICE_CONTROL_POLICY")
    world.orgs.attach_policy(MGMT, policy.id, OU)
    body = organization_page(world)
    assert "Enabled in the root: SERVICE_CONTROL_POLICY" in body
    assert "FullAWSAccess (SERVICE_CONTROL_POLICY)" in row(body, root)
    ou_row = row(body, OU)
    assert "FullAWSAccess (SERVICE_CONTROL_POLICY)" in ou_row
    assert "DenyAll&lt;b&gt; (SERVICE_CONTROL_POLICY)" in ou_row
    assert "DenyAll" not in row(body, DEV)
