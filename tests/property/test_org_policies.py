"""Properties of Organizations policies: effective management policies against a small
reference of the documented inheritance, and the SCP chain against one rebuilt from scratch
through any sequence of attach, detach and move."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.core.errors import CoreError
from emulator.core.ids import IdSource
from emulator.core.organizations.policies.inheritance import effective
from emulator.core.organizations.policies.records import SCP
from emulator.core.organizations.tree import OrgTree

OPS = ("@@assign", "@@append", "@@remove")
# Two leaves under one attribute: a scalar and a list.
STATE = ("ec2_attributes", "image_block_public_access", "state")
PROVIDERS = ("ec2_attributes", "allowed_images_settings", "providers")
NODES = (("ec2_attributes",), STATE[:2], PROVIDERS[:2], STATE, PROVIDERS)

scalar_op = st.tuples(st.just("@@assign"), st.sampled_from(["unblocked", "block_new_sharing"]))
list_op = st.tuples(st.sampled_from(OPS), st.lists(st.sampled_from("abc"), max_size=3))
control = st.tuples(
    st.sampled_from(NODES),
    st.sampled_from([["@@all"], ["@@none"], ["@@assign"], ["@@append"], ["@@append", "@@remove"]]),
)
policy = st.fixed_dictionaries(
    {
        "state": st.none() | scalar_op,
        "providers": st.none() | list_op,
        "controls": st.lists(control, max_size=2, unique_by=lambda c: c[0]),
    }
)
levels = st.lists(st.lists(policy, max_size=2), min_size=1, max_size=4)


def document(p: dict[str, Any]) -> dict[str, Any]:
    doc: dict[str, Any] = {}

    def node(path: tuple[str, ...]) -> dict[str, Any]:
        here = doc
        for name in path:
            here = here.setdefault(name, {})
        return here

    if p["state"] is not None:
        op, value = p["state"]
        node(STATE)[op] = value
    if p["providers"] is not None:
        op, value = p["providers"]
        node(PROVIDERS)[op] = value
    for path, allowed in p["controls"]:
        node(path)["@@operators_allowed_for_child_policies"] = allowed
    return doc or {"ec2_attributes": {}}


def reference(tree: list[list[dict[str, Any]]]) -> dict[str, Any] | None:
    """Per leaf: apply each policy's operator if every child control set at a strictly
    higher level on the leaf or one of its ancestors allows it."""
    values: dict[tuple[str, ...], Any] = {}
    for depth, level in enumerate(tree):
        for p in level:
            for leaf, key in ((STATE, "state"), (PROVIDERS, "providers")):
                if p[key] is None:
                    continue
                op, value = p[key]
                allowed = set(OPS)
                for upper in tree[:depth]:
                    for q in upper:
                        for path, ops in q["controls"]:
                            if leaf[: len(path)] == path:
                                allowed &= set(OPS) if ops == ["@@all"] else set(ops) - {"@@none"}
                if op not in allowed:
                    continue
                current = values.get(leaf)
                if op == "@@assign":
                    values[leaf] = value
                elif op == "@@append":
                    cur = list(current or [])
                    values[leaf] = cur + [v for v in value if v not in cur]
                else:
                    values[leaf] = [v for v in (current or []) if v not in value]
    if not any(level for level in tree):
        return None
    out: dict[str, Any] = {}
    for leaf, value in values.items():
        here = out
        for name in leaf[:-1]:
            here = here.setdefault(name, {})
        here[leaf[-1]] = value
    return out


def dedupe(tree: list[list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    """The @@append reference and the core agree only on lists without repeats."""
    for level in tree:
        for p in level:
            if p["providers"] is not None:
                op, value = p["providers"]
                p["providers"] = (op, list(dict.fromkeys(value)))
    return tree


@given(levels)
@settings(max_examples=300, deadline=None)
def test_effective_policy_matches_the_reference(tree: list[list[dict[str, Any]]]) -> None:
    tree = dedupe(tree)
    docs = [[document(p) for p in level] for level in tree]
    assert effective(docs) == reference(tree)


# ---- the SCP chain ----------------------------------------------------------------------

MGMT = "111111111111"
NOW = datetime(2024, 5, 1, tzinfo=UTC)
DENY = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}
)

steps = st.lists(
    st.tuples(
        st.sampled_from(["attach", "detach", "move"]),
        st.integers(0, 4),  # policy index (4: FullAWSAccess)
        st.integers(0, 5),  # target index / destination
    ),
    max_size=25,
)


def step(
    tree: OrgTree, kind: str, policy: str, target: str, account: str, source: str, dest: str
) -> bool:
    """One step through the core; whether it was accepted."""
    try:
        if kind == "attach":
            tree.attach_policy(MGMT, policy, target)
        elif kind == "detach":
            tree.detach_policy(MGMT, policy, target)
        else:
            tree.move_account(MGMT, account, source, dest)
    except CoreError:
        return False
    return True


@given(steps)
@settings(max_examples=150, deadline=None)
def test_the_scp_chain_matches_one_rebuilt_from_scratch(moves: list[tuple[str, int, int]]) -> None:
    tree = OrgTree(ids=IdSource(3), clock=lambda: NOW)
    root = tree.create_organization(MGMT).root_id
    tree.enable_policy_type(MGMT, root, SCP)
    a = tree.create_ou(MGMT, root, "a").id
    b = tree.create_ou(MGMT, a, "b").id
    c = tree.create_ou(MGMT, root, "c").id
    accounts = [tree.create_account(MGMT, f"x{i}@example.com", f"x{i}").account_id for i in (1, 2)]
    assert all(accounts)
    parents = [root, a, b, c]
    targets = [*parents, *accounts]
    policies = [tree.create_policy(MGMT, DENY, "", f"p{i}", SCP).id for i in range(4)]
    policies.append("p-FullAWSAccess")
    # The reference: every target starts with FullAWSAccess; the rules decide each step.
    model = {t: ["p-FullAWSAccess"] for t in [*targets, MGMT]}
    where = {acct: root for acct in accounts}
    account, dest = accounts[0], root
    for kind, p, t in moves:
        policy, target = policies[p], targets[t]
        if kind == "attach":
            ok = policy not in model[target] and len(model[target]) < 5
        elif kind == "detach":
            ok = policy in model[target] and len(model[target]) > 1
        else:
            account, dest = accounts[p % 2], parents[t % 4]
            ok = where[account] != dest
        done = step(tree, kind, policy, target, account, where[account], dest)
        assert done == ok, (kind, p, t)
        if not ok:
            continue
        if kind == "attach":
            model[target].append(policy)
        elif kind == "detach":
            model[target].remove(policy)
        else:
            where[account] = dest
    up = {a: root, b: a, c: root}
    for account in accounts:
        chain = tree.service_control_policies(account)
        assert chain is not None
        path, node = [account], where[account]
        while node != root:
            path.insert(0, node)
            node = up[node]
        path.insert(0, root)
        expected = [(target, model[target]) for target in path]
        assert [(lv.target_id, [x.policy_id for x in lv.policies]) for lv in chain] == expected
