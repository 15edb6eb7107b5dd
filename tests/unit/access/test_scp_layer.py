"""The SCP layer: every level from the root down to the account must allow, any Deny denies."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from emulator.core.access.facts import Facts
from emulator.core.access.layers import service_control_policy
from emulator.core.authorization import AccessRequest, because
from emulator.core.iam.principals import SESSION, Principal, root

ACCOUNT = "222233334444"
REGION = "us-east-1"
FULL = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)
ROLE = Principal(
    ACCOUNT,
    SESSION,
    f"arn:aws:sts::{ACCOUNT}:assumed-role/dev/s",
    "AROAEXAMPLE:s",
    "dev",
    f"arn:aws:iam::{ACCOUNT}:role/dev",
)


@dataclass(frozen=True)
class Attached:
    policy_id: str
    name: str
    arn: str
    content: str


@dataclass(frozen=True)
class Level:
    target_id: str
    target_type: str
    policies: tuple[Attached, ...]


def scp(policy_id: str, *statements: dict) -> Attached:
    content = json.dumps({"Version": "2012-10-17", "Statement": list(statements)})
    arn = f"arn:aws:organizations::111122223333:policy/o-abc/service_control_policy/{policy_id}"
    return Attached(policy_id, policy_id, arn, content)


FULL_ACCESS = Attached(
    "p-FullAWSAccess",
    "FullAWSAccess",
    "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
    FULL,
)


def facts(levels: tuple[Level, ...] | None) -> Facts:
    return Facts(None, None, None, datetime(2026, 12, 1, tzinfo=UTC), None, levels)  # type: ignore[arg-type]


def ask(levels, action="ec2:RunInstances", caller=ROLE, context=None):
    request = AccessRequest(
        ACCOUNT, action, REGION, caller=caller, resources=("*",), context=context or {}
    )
    return service_control_policy.steps(request, facts(levels))


def path(*extra: Attached, at: int = 1) -> tuple[Level, ...]:
    levels = [
        Level("r-abcd", "ROOT", (FULL_ACCESS,)),
        Level("ou-abcd-11111111", "ORGANIZATIONAL_UNIT", (FULL_ACCESS,)),
        Level(ACCOUNT, "ACCOUNT", (FULL_ACCESS,)),
    ]
    if extra:
        levels[at] = Level(
            levels[at].target_id, levels[at].target_type, (*levels[at].policies, *extra)
        )
    return tuple(levels)


def test_silent_when_scps_do_not_bind() -> None:
    assert ask(None) == []


def test_full_access_at_every_level_allows_with_its_evidence() -> None:
    [step] = ask(path())
    assert step.allowed and step.evidence["policy"] == "p-FullAWSAccess"
    assert step.evidence["effect"] == "Allow" and step.evidence["level"] == 0


def test_a_deny_on_an_ou_denies_roles_and_the_root_user() -> None:
    deny = scp(
        "p-deny",
        {"Sid": "NoLaunch", "Effect": "Deny", "Action": "ec2:RunInstances", "Resource": "*"},
    )
    for caller in (ROLE, root(ACCOUNT)):
        [step] = ask(path(deny), caller=caller)
        assert not step.allowed
        assert step.evidence | {"context": None} == step.evidence | {
            "effect": "Deny",
            "policy": "p-deny",
            "statement": "NoLaunch",
            "statement_index": 0,
            "target": "ou-abcd-11111111",
            "level": 1,
            "context": None,
        }
        assert because(step) == "with an explicit deny in a service control policy"
    assert ask(path(deny), action="ec2:DescribeImages")[0].allowed


def test_a_level_without_an_allow_denies_implicitly() -> None:
    levels = list(path())
    levels[2] = Level(
        ACCOUNT, "ACCOUNT", (scp("p-s3", {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}),)
    )
    [step] = ask(tuple(levels))
    assert not step.allowed and step.evidence["effect"] == "ImplicitDeny"
    assert step.evidence["target"] == ACCOUNT and step.evidence["level"] == 2
    assert because(step) == "because no service control policy allows the ec2:RunInstances action"


def test_conditions_see_the_request_context() -> None:
    owner_only = scp(
        "p-owner",
        {
            "Effect": "Deny",
            "Action": "ec2:CreateVpc",
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}},
        },
    )
    assert not ask(path(owner_only), action="ec2:CreateVpc")[0].allowed


ACTIONS = ("ec2:RunInstances", "ec2:CreateVpc", "kms:Decrypt")
statement = st.fixed_dictionaries(
    {
        "Effect": st.sampled_from(("Allow", "Deny")),
        "Action": st.sampled_from((*ACTIONS, "ec2:*", "*")),
        "Resource": st.just("*"),
    }
)
level = st.lists(st.lists(statement, min_size=1, max_size=3), min_size=0, max_size=3)


def reference(levels: list[list[list[dict]]], action: str) -> bool:
    """AWS's documented rule, directly: no Deny anywhere, an Allow at every level."""

    def hit(s: dict) -> bool:
        pattern = s["Action"]
        return (
            pattern == "*"
            or pattern == action
            or (pattern == "ec2:*" and action.startswith("ec2:"))
        )

    statements = [s for lv in levels for policy in lv for s in policy]
    if any(s["Effect"] == "Deny" and hit(s) for s in statements):
        return False
    return all(any(s["Effect"] == "Allow" and hit(s) for p in lv for s in p) for lv in levels)


@given(st.lists(level, min_size=1, max_size=4), st.sampled_from(ACTIONS))
def test_the_layer_agrees_with_the_documented_rule(raw, action) -> None:
    levels = tuple(
        Level(f"t{i}", "ORGANIZATIONAL_UNIT", tuple(scp(f"p{i}{j}", *p) for j, p in enumerate(lv)))
        for i, lv in enumerate(raw)
    )
    [step] = ask(levels, action=action)
    assert step.allowed == reference(raw, action)
