"""Scenario files with IAM: each account's policies, users and roles, built and dumped back."""

from __future__ import annotations

import json

import pytest

from emulator.core.iam.directory import ORG_ACCESS_ROLE
from emulator.core.scenario import ScenarioError, build, dump
from emulator.core.world import World

MGMT, MEMBER = "123456789012", "111122223333"
ASSUME = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
}
SCENARIO = {
    "organizations": [
        {"management_account": MGMT, "accounts": [{"id": MGMT}, {"id": MEMBER}]},
    ],
    "iam": [
        {
            "account": MGMT,
            "policies": [{"name": "assume", "document": ASSUME, "description": "hop"}],
            "users": [{"name": "ops", "attached": ["assume", "ReadOnlyAccess"]}],
        },
        {
            "account": MEMBER,
            "roles": [
                {
                    "name": "deploy",
                    "path": "/ci/",
                    "trust_policy": {
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Principal": {"AWS": f"arn:aws:iam::{MGMT}:user/ops"},
                                "Action": "sts:AssumeRole",
                            }
                        ]
                    },
                    "max_session_duration": 7200,
                    "policies": {
                        "all": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
                    },
                }
            ],
        },
    ],
}


def test_a_scenario_builds_iam_and_dumps_it_back() -> None:
    world = build(SCENARIO)
    ops = world.iam.user(MGMT, "ops")
    assert ops.attached == [
        f"arn:aws:iam::{MGMT}:policy/assume",
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
    ]
    deploy = world.iam.role(MEMBER, "deploy")
    assert deploy.arn == f"arn:aws:iam::{MEMBER}:role/ci/deploy" and deploy.max_session == 7200
    assert world.iam.find_role(MEMBER, ORG_ACCESS_ROLE) is not None  # made as CreateAccount does
    assert world.iam.find_role(MGMT, ORG_ACCESS_ROLE) is None  # not in the management account
    dumped = json.loads(json.dumps(dump(world)))
    again = build(dumped)
    assert dump(again)["iam"] == dumped["iam"]
    reloaded = World()
    reloaded.load(world.to_dict())
    assert reloaded.iam.to_dict() == world.iam.to_dict()


def test_a_scenario_may_write_the_org_role_itself() -> None:
    changed = json.loads(json.dumps(SCENARIO))
    changed["iam"][1]["roles"].append(
        {
            "name": ORG_ACCESS_ROLE,
            "trust_policy": {
                "Statement": [
                    {"Effect": "Allow", "Principal": {"AWS": MGMT}, "Action": "sts:AssumeRole"}
                ]
            },
        }
    )
    role = build(changed).iam.role(MEMBER, ORG_ACCESS_ROLE)
    assert role.attached == [] and '"AWS": "123456789012"' in role.trust_policy


@pytest.mark.parametrize(
    ("entry", "where"),
    [
        ({"account": MEMBER, "users": [{"name": "a b"}]}, "iam[0].users[0]"),
        ({"account": MEMBER, "users": [{"name": "u", "bogus": 1}]}, "iam[0].users[0].bogus"),
        ({"account": MEMBER, "roles": [{"name": "r"}]}, "iam[0].roles[0].trust_policy"),
        (
            {"account": MEMBER, "users": [{"name": "u", "attached": ["NoSuchPolicy"]}]},
            "iam[0].users[0].attached[0]",
        ),
        (
            {"account": MEMBER, "policies": [{"name": "p", "document": {"Statement": []}}]},
            "iam[0].policies[0]",
        ),
    ],
)
def test_bad_iam_entries_name_their_path(entry: dict, where: str) -> None:
    with pytest.raises(ScenarioError) as err:
        build({"iam": [entry]})
    assert err.value.path == where
