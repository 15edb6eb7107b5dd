"""The SCP chain and the effective declarative policy of one account cost the same in an
organization with ten policies and with a thousand (attached elsewhere): the work meter
counts the lines a call runs, so this does not depend on the machine's speed."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from emulator.core.ids import IdSource
from emulator.core.organizations.tree import OrgTree
from tests.security.test_bounded_work import assert_same_work
from tests.security.work_meter import work

MGMT = "111111111111"
SCP = "SERVICE_CONTROL_POLICY"
DECL = "DECLARATIVE_POLICY_EC2"
NOW = datetime(2024, 5, 1, tzinfo=UTC)


def organization(policies: int) -> tuple[OrgTree, str]:
    """An org whose probed account sits under two OUs with a few policies on its path,
    and ``policies`` more SCPs and declarative policies attached to other accounts."""
    tree = OrgTree(ids=IdSource(5), clock=lambda: NOW)
    root = tree.create_organization(MGMT).root_id
    for kind in (SCP, DECL):
        tree.enable_policy_type(MGMT, root, kind)
    top = tree.create_ou(MGMT, root, "top").id
    low = tree.create_ou(MGMT, top, "low").id
    probe = tree.create_account(MGMT, "probe@example.com", "probe").account_id
    assert probe is not None
    tree.move_account(MGMT, probe, root, low)
    others = []
    for i in range(policies // 4 + 1):
        acct = tree.create_account(MGMT, f"o{i}@example.com", f"o{i}").account_id
        assert acct is not None
        others.append(acct)
    deny = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*"}]}
    block = {"ec2_attributes": {"image_block_public_access": {"state": {"@@assign": "unblocked"}}}}
    for i in range(policies):
        kind, doc = (SCP, deny) if i % 2 else (DECL, block)
        made = tree.create_policy(MGMT, json.dumps(doc), "", f"p{i}", kind)
        # Two of each kind on the probe's path; the rest on other accounts.
        target = (top, low, probe)[i % 3] if i < 6 else others[i % len(others)]
        tree.attach_policy(MGMT, made.id, target)
    return tree, probe


def test_the_scp_chain_and_effective_policy_cost_the_same_with_1000_policies() -> None:
    small_tree, small_probe = organization(10)
    big_tree, big_probe = organization(1000)
    small, small_work = work(small_tree.service_control_policies, account=small_probe)
    big, big_work = work(big_tree.service_control_policies, account=big_probe)
    assert [len(lv.policies) for lv in small] == [len(lv.policies) for lv in big]
    assert_same_work(small_work, big_work)
    small, small_work = work(small_tree.ec2_declarative, account=small_probe)
    big, big_work = work(big_tree.ec2_declarative, account=big_probe)
    assert small == big and small is not None
    assert_same_work(small_work, big_work)
