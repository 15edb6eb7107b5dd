"""Organizations policies in scenarios and the state file: built, dumped, replayed, checked."""

from __future__ import annotations

import copy
import json

import pytest

from emulator.core.scenario import ScenarioError, build, dump
from emulator.core.snapshots.form import check_snapshot
from emulator.core.snapshots.schema import DocumentError
from emulator.core.world import World

MGMT = "123456789012"
MEMBER = "111122223333"
DENY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Deny", "Action": "ec2:RunInstances", "Resource": "*"}],
}
BLOCK = {
    "ec2_attributes": {"image_block_public_access": {"state": {"@@assign": "block_new_sharing"}}}
}
SCENARIO = {
    "version": 1,
    "organizations": [
        {
            "id": "o-abcdefghij",
            "root_id": "r-ab12",
            "management_account": MGMT,
            "accounts": [{"id": MGMT}],
            "ous": [
                {"id": "ou-ab12-11111111", "name": "prod", "accounts": [{"id": MEMBER}]},
            ],
            "policy_types": ["SERVICE_CONTROL_POLICY", "DECLARATIVE_POLICY_EC2"],
            "policies": [
                {
                    "id": "p-denyrun1",
                    "name": "DenyRun",
                    "type": "SERVICE_CONTROL_POLICY",
                    "content": DENY,
                    "targets": ["ou-ab12-11111111"],
                },
                {
                    "name": "Block",
                    "type": "DECLARATIVE_POLICY_EC2",
                    "content": json.dumps(BLOCK),
                    "targets": ["root"],
                },
                {"id": "p-FullAWSAccess", "targets": ["r-ab12", MGMT, MEMBER]},
            ],
        }
    ],
}


def test_a_scenario_builds_policies_and_attachments() -> None:
    world = build(SCENARIO)
    chain = world.orgs.service_control_policies(MEMBER)
    assert chain is not None
    assert [[p.policy_id for p in lv.policies] for lv in chain] == [
        ["p-FullAWSAccess"],
        ["p-denyrun1"],
        ["p-FullAWSAccess"],
    ]
    decl = world.orgs.ec2_declarative(MEMBER)
    assert decl is not None and decl.image_block_public_access == "block_new_sharing"


def test_dump_replays_and_the_state_file_round_trips() -> None:
    world = build(SCENARIO)
    dumped = dump(world)
    again = build(json.loads(json.dumps(dumped)))
    assert dump(again) == dumped
    for key in ("organizations", "policies", "attachments"):
        assert again.orgs.to_dict()[key] == world.orgs.to_dict()[key]
    state = state_of(world)
    restored = World()
    restored.load(state)
    assert restored.orgs.to_dict() == world.orgs.to_dict()
    assert restored.orgs.service_control_policies(MEMBER) == (
        world.orgs.service_control_policies(MEMBER)
    )


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda o: o["attachments"][0].update(target_id="999999999999"), "orgs.attachments[0]"),
        (lambda o: o["attachments"][0].update(policy_id="p-zzzzzzzz"), "orgs.attachments[0]"),
        (lambda o: o["policies"][0].update(content="{"), "orgs.policies[0].content"),
        (lambda o: o["policies"][0].update(type="S3_POLICY"), "orgs.policies[0].type"),
        (lambda o: o["organizations"][0].update(policy_types=[]), "orgs.attachments[0]"),
        (lambda o: o["attachments"].append(dict(o["attachments"][0])), "orgs.attachments"),
    ],
)
def test_the_state_file_refuses_bad_policy_records(change, where: str) -> None:
    state = state_of(build(SCENARIO))
    change(state["orgs"])
    with pytest.raises(DocumentError) as refused:
        check_snapshot(state)
    assert str(refused.value).startswith(where), str(refused.value)


def test_scenario_errors_say_where() -> None:
    bad = copy.deepcopy(SCENARIO)
    bad["organizations"][0]["policies"][0]["targets"] = ["ou-ab12-99999999"]
    with pytest.raises(ScenarioError, match=r"organizations\[0\]\.policies\[0\]\.targets\[0\]"):
        build(bad)
    bad = copy.deepcopy(SCENARIO)
    bad["organizations"][0]["policies"][0]["content"] = {"Statement": "nope"}
    with pytest.raises(ScenarioError, match=r"organizations\[0\]\.policies\[0\]"):
        build(bad)


def state_of(world: World) -> dict:
    return json.loads(json.dumps(world.to_dict()))
