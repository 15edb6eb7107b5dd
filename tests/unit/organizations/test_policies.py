"""Organizations policies in the core: types, policies, attachments and the SCP chain."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from emulator.core.errors import (
    Conflict,
    CoreError,
    InvalidValue,
    LimitExceeded,
    Malformed,
    NotAuthorized,
    NotFound,
)
from emulator.core.ids import IdSource
from emulator.core.organizations.policies.records import (
    FULL_AWS_ACCESS_ID,
    SCP,
    ScpLevel,
)
from emulator.core.organizations.tree import OrgTree

MGMT = "111111111111"
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
DENY_RUN = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "ec2:RunInstances", "Resource": "*"}],
    }
)


def raises(kind: type[CoreError], reason: str):
    return pytest.raises(kind, match=f"^{reason}$")


@pytest.fixture
def tree() -> OrgTree:
    t = OrgTree(ids=IdSource(7), clock=lambda: NOW)
    t.create_organization(MGMT)
    return t


def member(tree: OrgTree, name: str = "m") -> str:
    req = tree.create_account(MGMT, f"{name}@example.com", name)
    assert req.account_id is not None
    return req.account_id


def root(tree: OrgTree) -> str:
    return tree.describe_organization(MGMT).root_id


def test_scps_do_not_apply_until_enabled(tree: OrgTree) -> None:
    acct = member(tree)
    assert tree.service_control_policies(acct) is None
    assert tree.describe_organization(MGMT).root_policy_types == []


def test_enabling_scps_attaches_full_aws_access_everywhere_and_to_new_targets(
    tree: OrgTree,
) -> None:
    before = member(tree, "before")
    ou = tree.create_ou(MGMT, root(tree), "ou-a")
    tree.enable_policy_type(MGMT, root(tree), SCP)
    later_ou = tree.create_ou(MGMT, ou.id, "ou-b")
    after = member(tree, "after")
    tree.move_account(MGMT, after, root(tree), later_ou.id)
    for target in (root(tree), ou.id, later_ou.id, before, after, MGMT):
        assert [p.id for p in tree.policies_of_target(target)] == [FULL_AWS_ACCESS_ID]
    levels = tree.service_control_policies(after)
    assert levels is not None
    assert [(lv.target_id, lv.target_type) for lv in levels] == [
        (root(tree), "ROOT"),
        (ou.id, "ORGANIZATIONAL_UNIT"),
        (later_ou.id, "ORGANIZATIONAL_UNIT"),
        (after, "ACCOUNT"),
    ]
    full = levels[0].policies[0]
    assert isinstance(levels[0], ScpLevel)
    assert full.policy_id == "p-FullAWSAccess"
    assert full.name == "FullAWSAccess"
    assert full.arn == "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess"
    assert json.loads(full.content)["Statement"][0]["Action"] == "*"
    assert full.document == json.loads(full.content)


def test_management_account_and_standalone_are_exempt(tree: OrgTree) -> None:
    tree.enable_policy_type(MGMT, root(tree), SCP)
    assert tree.service_control_policies(MGMT) is None
    assert tree.service_control_policies("999999999999") is None


def test_attach_detach_and_chain(tree: OrgTree) -> None:
    tree.enable_policy_type(MGMT, root(tree), SCP)
    ou = tree.create_ou(MGMT, root(tree), "prod")
    acct = member(tree)
    tree.move_account(MGMT, acct, root(tree), ou.id)
    pol = tree.create_policy(MGMT, DENY_RUN, "deny", "DenyRun", SCP)
    assert pol.id.startswith("p-") and len(pol.id) == 10
    org = tree.describe_organization(MGMT)
    tree.attach_policy(MGMT, pol.id, ou.id)
    levels = tree.service_control_policies(acct)
    assert levels is not None
    attached = levels[1].policies
    assert [p.policy_id for p in attached] == [FULL_AWS_ACCESS_ID, pol.id]
    assert attached[1].arn == (
        f"arn:aws:organizations::{MGMT}:policy/{org.id}/service_control_policy/{pol.id}"
    )
    with raises(Conflict, "duplicate_policy_attachment"):
        tree.attach_policy(MGMT, pol.id, ou.id)
    with raises(Conflict, "policy_in_use"):
        tree.delete_policy(MGMT, pol.id)
    tree.update_policy(MGMT, pol.id, content=DENY_RUN.replace("RunInstances", "StopInstances"))
    levels = tree.service_control_policies(acct)
    assert levels is not None and "StopInstances" in levels[1].policies[1].content
    tree.detach_policy(MGMT, pol.id, ou.id)
    with raises(NotFound, "policy_not_attached"):
        tree.detach_policy(MGMT, pol.id, ou.id)
    tree.delete_policy(MGMT, pol.id)
    with raises(NotFound, "policy_not_found"):
        tree.describe_policy(MGMT, pol.id)


def test_limits(tree: OrgTree) -> None:
    with raises(InvalidValue, "policy_type_not_enabled"):
        tree.attach_policy(MGMT, FULL_AWS_ACCESS_ID, root(tree))
    tree.enable_policy_type(MGMT, root(tree), SCP)
    with raises(Conflict, "policy_type_already_enabled"):
        tree.enable_policy_type(MGMT, root(tree), SCP)
    with raises(LimitExceeded, "policy_attachment_minimum"):
        tree.detach_policy(MGMT, FULL_AWS_ACCESS_ID, root(tree))
    for i in range(4):
        p = tree.create_policy(MGMT, DENY_RUN, "", f"p{i}", SCP)
        tree.attach_policy(MGMT, p.id, root(tree))
    extra = tree.create_policy(MGMT, DENY_RUN, "", "extra", SCP)
    with raises(LimitExceeded, "policy_attachment_limit_exceeded"):
        tree.attach_policy(MGMT, extra.id, root(tree))
    with raises(Conflict, "duplicate_policy"):
        tree.create_policy(MGMT, DENY_RUN, "", "extra", SCP)
    with raises(LimitExceeded, "policy_content_limit_exceeded"):
        tree.create_policy(MGMT, DENY_RUN + " " * 5121, "", "big", SCP)
    with raises(Malformed, "immutable_policy"):
        tree.update_policy(MGMT, FULL_AWS_ACCESS_ID, name="x")
    with raises(Malformed, "immutable_policy"):
        tree.delete_policy(MGMT, FULL_AWS_ACCESS_ID)
    with raises(InvalidValue, "policy_type_not_available"):
        tree.create_policy(MGMT, "{}", "", "rcp", "RESOURCE_CONTROL_POLICY")
    with raises(Malformed, "invalid_policy_type"):
        tree.create_policy(MGMT, "{}", "", "x", "NOPE")


def test_disable_detaches_every_scp(tree: OrgTree) -> None:
    tree.enable_policy_type(MGMT, root(tree), SCP)
    acct = member(tree)
    p = tree.create_policy(MGMT, DENY_RUN, "", "deny", SCP)
    tree.attach_policy(MGMT, p.id, acct)
    tree.disable_policy_type(MGMT, root(tree), SCP)
    assert tree.policies_of_target(acct) == []
    assert tree.service_control_policies(acct) is None
    tree.delete_policy(MGMT, p.id)


def test_member_cannot_call(tree: OrgTree) -> None:
    acct = member(tree)
    with raises(NotAuthorized, "access_denied"):
        tree.enable_policy_type(acct, root(tree), SCP)
    with raises(NotAuthorized, "access_denied"):
        tree.create_policy(acct, DENY_RUN, "", "x", SCP)


@pytest.mark.parametrize(
    "statement",
    [
        {"Effect": "Deny", "Action": "*", "Resource": "*", "Principal": "*"},
        {"Effect": "Maybe", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Resource": "*"},
        {"Effect": "Deny", "Action": "*", "NotAction": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "ec2 RunInstances", "Resource": "*"},
        {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": "x"},
    ],
)
def test_scp_grammar_refuses(tree: OrgTree, statement: dict) -> None:
    doc = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    with raises(Malformed, "malformed_policy"):
        tree.create_policy(MGMT, doc, "", "bad", SCP)


def test_scp_grammar_accepts_allow_with_condition_and_not_resource(tree: OrgTree) -> None:
    statement = {
        "Effect": "Allow",
        "NotAction": ["iam:*"],
        "NotResource": "arn:aws:s3:::secret",
        "Condition": {"StringEquals": {"aws:RequestedRegion": ["eu-west-1"]}},
    }
    doc = json.dumps({"Version": "2012-10-17", "Statement": statement})
    assert tree.create_policy(MGMT, doc, "", "ok", SCP).document["Statement"] == statement


def test_leaving_and_deleting_forget_attachments(tree: OrgTree) -> None:
    tree.enable_policy_type(MGMT, root(tree), SCP)
    acct = member(tree)
    ou = tree.create_ou(MGMT, root(tree), "gone")
    tree.remove_account(MGMT, acct)
    tree.delete_ou(MGMT, ou.id)
    assert tree.policies_of_target(acct) == []
    assert tree.policies_of_target(ou.id) == []
    assert tree.service_control_policies(acct) is None


def test_snapshot_round_trip(tree: OrgTree) -> None:
    tree.enable_policy_type(MGMT, root(tree), SCP)
    acct = member(tree)
    p = tree.create_policy(MGMT, DENY_RUN, "d", "deny", SCP)
    tree.attach_policy(MGMT, p.id, acct)
    data = json.loads(json.dumps(tree.to_dict()))
    copy = OrgTree.from_dict(data, ids=IdSource(7), clock=lambda: NOW)
    assert copy.to_dict() == tree.to_dict()
    assert copy.service_control_policies(acct) == tree.service_control_policies(acct)


def test_tag_policies_inherit_and_scps_have_no_effective_policy(tree: OrgTree) -> None:
    acct = member(tree)
    ou = tree.create_ou(MGMT, root(tree), "tagged")
    tree.move_account(MGMT, acct, root(tree), ou.id)
    tree.enable_policy_type(MGMT, root(tree), "TAG_POLICY")
    top = {
        "tags": {
            "costcenter": {
                "tag_key": {"@@assign": "CostCenter"},
                "tag_value": {"@@assign": ["100"]},
                "@@operators_allowed_for_child_policies": ["@@append"],
            }
        }
    }
    low = {
        "tags": {"costcenter": {"tag_value": {"@@append": ["200"]}, "tag_key": {"@@assign": "cc"}}}
    }
    for name, doc, target in (("top", top, root(tree)), ("low", low, ou.id)):
        p = tree.create_policy(MGMT, json.dumps(doc), "", name, "TAG_POLICY")
        tree.attach_policy(MGMT, p.id, target)
    assert tree.effective_policy(acct, "TAG_POLICY") == {
        "tags": {"costcenter": {"tag_key": "CostCenter", "tag_value": ["100", "200"]}}
    }
    assert tree.effective_policy(acct, SCP) is None
    with raises(Malformed, "invalid_enum"):
        tree.describe_effective_policy(MGMT, SCP, acct)
    own = tree.describe_effective_policy(acct, "TAG_POLICY")
    assert own["TargetId"] == acct


def test_consolidated_billing_has_no_policy_types() -> None:
    t = OrgTree(ids=IdSource(7), clock=lambda: NOW)
    org = t.create_organization(MGMT, "CONSOLIDATED_BILLING")
    with raises(InvalidValue, "policy_type_not_available"):
        t.enable_policy_type(MGMT, org.root_id, SCP)
    assert t.list_policies(MGMT, SCP, None, None) == ([], None)
    with raises(NotFound, "policy_not_found"):
        t.describe_policy(MGMT, FULL_AWS_ACCESS_ID)


def test_another_organizations_policy_and_root_are_not_found(tree: OrgTree) -> None:
    other = "222222222222"
    tree.create_organization(other)
    theirs = tree.create_policy(other, DENY_RUN, "", "theirs", SCP)
    with raises(NotFound, "policy_not_found"):
        tree.describe_policy(MGMT, theirs.id)
    with raises(NotFound, "root_not_found"):
        tree.enable_policy_type(MGMT, tree.describe_organization(other).root_id, SCP)
    with raises(NotFound, "target_not_found"):
        tree.list_policies_for_target(MGMT, other, SCP, None, None)
