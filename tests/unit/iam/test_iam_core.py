"""IAM's core on its own: names, documents, quotas, paging, snapshots and the decisions."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.core.errors import Conflict, CoreError, InvalidValue, LimitExceeded, Malformed
from emulator.core.iam.directory import Iam
from emulator.core.iam.managed import aws_managed_policies, aws_policy_arn
from emulator.core.iam.principals import USER, Principal, root
from emulator.core.iam.store import page
from emulator.core.ids import IdSource

ACCOUNT, OTHER = "111122223333", "444455556666"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def new_iam() -> Iam:
    return Iam(ids=IdSource(seed=1), clock=lambda: NOW)


def doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: str, resource: str = "*", **extra: object) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: str, resource: str = "*") -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource}


def user_principal(iam: Iam, name: str) -> Principal:
    user = iam.user(ACCOUNT, name)
    return Principal(ACCOUNT, USER, user.arn, user.id, user.name)


def test_ids_have_aws_forms() -> None:
    iam = new_iam()
    user = iam.create_user(ACCOUNT, "alice")
    role = iam.create_role(
        ACCOUNT,
        "r",
        doc({"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "sts:AssumeRole"}),
    )
    policy = iam.create_policy(ACCOUNT, "p", doc(allow("ec2:*")))
    key = iam.create_access_key(ACCOUNT, "alice")
    assert (user.id[:4], role.id[:4], policy.id[:4], key.id[:4]) == ("AIDA", "AROA", "ANPA", "AKIA")
    assert len(user.id) == len(role.id) == len(policy.id) == 21 and len(key.id) == 20


def test_names_are_unique_without_regard_to_case_per_account() -> None:
    iam = new_iam()
    iam.create_user(ACCOUNT, "Alice")
    with pytest.raises(Conflict):
        iam.create_user(ACCOUNT, "alice")
    assert iam.create_user(OTHER, "alice").account == OTHER
    assert iam.user(ACCOUNT, "ALICE").name == "Alice"


@pytest.mark.parametrize("name", ["", "a b", "x" * 65, "é"])
def test_bad_user_names_are_validation_errors(name: str) -> None:
    with pytest.raises(InvalidValue) as err:
        new_iam().create_user(ACCOUNT, name)
    assert err.value.reason == "validation"


def test_all_broken_constraints_are_reported_together() -> None:
    with pytest.raises(InvalidValue) as err:
        new_iam().create_user(ACCOUNT, "a b", "nopath")
    assert err.value.details["count"] == 2 and err.value.details["errors"] == "errors"


def test_the_quotas() -> None:
    iam = new_iam()
    iam.create_user(ACCOUNT, "alice")
    iam.create_access_key(ACCOUNT, "alice")
    iam.create_access_key(ACCOUNT, "alice")
    with pytest.raises(LimitExceeded):
        iam.create_access_key(ACCOUNT, "alice")
    for i in range(10):
        arn = iam.create_policy(ACCOUNT, f"p{i}", doc(allow("ec2:*"))).arn
        iam.attach_policy(ACCOUNT, "user", "alice", arn)
    iam.attach_policy(ACCOUNT, "user", "alice", arn)  # again: nothing changes
    with pytest.raises(LimitExceeded):
        iam.attach_policy(ACCOUNT, "user", "alice", aws_policy_arn("ReadOnlyAccess"))


def test_whitespace_does_not_count_against_the_size_quota() -> None:
    iam = new_iam()
    iam.create_user(ACCOUNT, "alice")
    padded = json.dumps(json.loads(doc(allow("ec2:DescribeImages"))), indent=400)
    assert len(padded) > 2048
    iam.put_inline_policy(ACCOUNT, "user", "alice", "p", padded)


@pytest.mark.parametrize(
    "document",
    [
        "[]",
        doc({"Effect": "Allow", "Action": "ec2:*"}),
        doc({"Effect": "Allow", "Principal": "*", "Action": "ec2:*", "Resource": "*"}),
        doc({"Effect": "Allow", "Action": "nocolon", "Resource": "*"}),
        doc({"Effect": "Allow", "Resource": "*"}),
    ],
)
def test_malformed_identity_documents(document: str) -> None:
    iam = new_iam()
    iam.create_user(ACCOUNT, "alice")
    with pytest.raises(Malformed):
        iam.put_inline_policy(ACCOUNT, "user", "alice", "p", document)
    assert iam.user(ACCOUNT, "alice").inline == {}


def test_a_trust_policy_may_name_only_principals_that_exist() -> None:
    iam = new_iam()
    alice = f"arn:aws:iam::{ACCOUNT}:user/alice"
    trust = doc({"Effect": "Allow", "Principal": {"AWS": alice}, "Action": "sts:AssumeRole"})
    with pytest.raises(Malformed):
        iam.create_role(ACCOUNT, "r", trust)
    iam.create_user(ACCOUNT, "alice")
    assert iam.create_role(ACCOUNT, "r", trust).trust_policy == trust


def test_identity_decision_explicit_deny_wins_and_names_the_policy() -> None:
    iam = new_iam()
    iam.create_user(ACCOUNT, "alice")
    iam.put_inline_policy(ACCOUNT, "user", "alice", "ok", doc(allow("ec2:*", Sid="Everything")))
    me = user_principal(iam, "alice")
    decided = iam.identity_decision(me, "ec2:RunInstances", "*", {})
    assert (decided.allowed, decided.policy, decided.statement) == (True, "ok", "Everything")
    blocker = iam.create_policy(ACCOUNT, "no-run", doc(deny("ec2:RunInstances"))).arn
    iam.attach_policy(ACCOUNT, "user", "alice", blocker)
    decided = iam.identity_decision(me, "ec2:RunInstances", "*", {})
    assert (decided.effect, decided.policy, decided.statement) == ("Deny", blocker, "Statement[0]")
    assert iam.identity_decision(me, "ec2:DescribeImages", "*", {}).allowed
    assert iam.identity_decision(me, "kms:Decrypt", "*", {}).effect == "ImplicitDeny"
    assert iam.identity_decision(root(ACCOUNT), "ec2:RunInstances", "*", {}).effect == (
        "ImplicitDeny"
    )


def test_the_default_version_decides() -> None:
    iam = new_iam()
    iam.create_user(ACCOUNT, "alice")
    arn = iam.create_policy(ACCOUNT, "p", doc(allow("ec2:DescribeImages"))).arn
    iam.attach_policy(ACCOUNT, "user", "alice", arn)
    me = user_principal(iam, "alice")
    iam.create_policy_version(ACCOUNT, arn, doc(allow("kms:*")))
    assert iam.identity_decision(me, "ec2:DescribeImages", "*", {}).allowed
    iam.create_policy_version(ACCOUNT, arn, doc(allow("kms:*")), set_as_default=True)
    assert not iam.identity_decision(me, "ec2:DescribeImages", "*", {}).allowed
    assert iam.identity_decision(me, "kms:Decrypt", "*", {}).allowed


def test_the_org_role_is_what_aws_makes() -> None:
    iam = new_iam()
    role = iam.create_org_access_role(ACCOUNT, OTHER, None, partition="aws-cn")
    assert role.arn == f"arn:aws-cn:iam::{ACCOUNT}:role/OrganizationAccountAccessRole"
    assert role.attached == ["arn:aws-cn:iam::aws:policy/AdministratorAccess"]
    assert iam.may_assume(root(OTHER, "aws-cn"), role, {})
    assert not iam.may_assume(root(ACCOUNT), role, {})


def test_a_snapshot_round_trips_with_its_indexes() -> None:
    iam = new_iam()
    iam.create_user(ACCOUNT, "alice")
    key = iam.create_access_key(ACCOUNT, "alice")
    arn = iam.create_policy(ACCOUNT, "p", doc(allow("ec2:*"))).arn
    iam.attach_policy(ACCOUNT, "user", "alice", arn)
    copy = Iam.from_dict(json.loads(json.dumps(iam.to_dict())), ids=IdSource(), clock=lambda: NOW)
    assert copy.to_dict() == iam.to_dict()
    assert copy.key(key.id) == key
    assert copy.attachment_count(ACCOUNT, copy.get_policy(ACCOUNT, arn)) == 1
    with pytest.raises(Conflict):
        copy.delete_user(ACCOUNT, "alice")
    copy.user(ACCOUNT, "alice").inline["x"] = "{}"
    assert "x" not in iam.user(ACCOUNT, "alice").inline  # the copy holds its own maps


def test_every_shipped_aws_policy_parses_as_an_identity_policy() -> None:
    from emulator.core.iam.documents import check_identity_policy

    policies = aws_managed_policies()
    assert {"AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess"} <= {
        p.name for p in policies.values()
    }
    for policy in policies.values():
        check_identity_policy(policy.document)
        assert policy.id.startswith("ANPA") and policy.arn.startswith("arn:aws:iam::aws:policy/")


def test_a_bad_marker_is_refused() -> None:
    with pytest.raises(CoreError):
        page(["a"], lambda x: x, "%%%not-base64", None)


@given(
    st.sets(st.text(alphabet="abcdefgh", min_size=1, max_size=5), max_size=30),
    st.integers(min_value=1, max_value=7),
)
def test_pages_cover_the_sorted_listing_once(names: set[str], size: int) -> None:
    seen: list[str] = []
    marker = None
    while True:
        items, marker = page(names, lambda n: n, marker, size)
        assert len(items) <= size
        seen += items
        if marker is None:
            break
    assert seen == sorted(names)


_ACTIONS = ["ec2:RunInstances", "ec2:DescribeImages", "kms:Decrypt"]
_PATTERNS = ["ec2:*", "ec2:Run*", "ec2:DescribeImages", "kms:*", "*", "s3:*"]


@given(
    st.lists(
        st.lists(
            st.tuples(st.sampled_from(["Allow", "Deny"]), st.sampled_from(_PATTERNS)),
            min_size=1,
            max_size=3,
        ),
        max_size=4,
    ),
    st.sampled_from(_ACTIONS),
)
def test_identity_decision_matches_the_documented_algorithm(
    documents: list[list[tuple[str, str]]], action: str
) -> None:
    """IAM User Guide, "Policy evaluation logic": an explicit deny in any identity policy
    wins; else an allow in any; else the implicit deny."""
    iam = new_iam()
    iam.create_user(ACCOUNT, "alice")
    for i, statements in enumerate(documents):
        iam.put_inline_policy(
            ACCOUNT,
            "user",
            "alice",
            f"p{i}",
            doc(*({"Effect": e, "Action": a, "Resource": "*"} for e, a in statements)),
        )

    def hit(pattern: str) -> bool:
        return (
            pattern == "*"
            or (pattern.endswith("*") and action.startswith(pattern[:-1]))
            or pattern == action
        )

    flat = [s for d in documents for s in d]
    expected = (
        "Deny"
        if any(e == "Deny" and hit(a) for e, a in flat)
        else "Allow"
        if any(e == "Allow" and hit(a) for e, a in flat)
        else "ImplicitDeny"
    )
    assert iam.identity_decision(user_principal(iam, "alice"), action, "*", {}).effect == expected


def _snapshot() -> dict:
    from emulator.core.world import World

    world = World()
    world.iam.create_user(ACCOUNT, "alice")
    world.iam.create_access_key(ACCOUNT, "alice")
    world.iam.attach_policy(ACCOUNT, "user", "alice", aws_policy_arn("ReadOnlyAccess"))
    world.iam.create_org_access_role(ACCOUNT, OTHER, None)
    return json.loads(json.dumps(world.to_dict()))


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (
            lambda s: s["iam"]["users"][0].update(attached=["arn:aws:iam::aws:policy/Nope"]),
            "iam.users[0].attached[0]",
        ),
        (lambda s: s["iam"]["access_keys"][0].update(user="bob"), "iam.access_keys[0].user"),
        (lambda s: s["iam"]["roles"][0].update(trust_policy="{}"), "iam.roles[0].trust_policy"),
        (
            lambda s: s["iam"]["users"].append({**s["iam"]["users"][0], "name": "ALICE"}),
            "iam.users[1].name",
        ),
        (lambda s: s["iam"]["users"][0].update(inline={"p": "[]"}), "iam.users[0].inline.p"),
        (lambda s: s["iam"]["roles"][0].update(max_session=60), "iam.roles[0].max_session"),
    ],
)
def test_a_snapshot_with_a_bad_iam_section_is_refused_at_its_path(change, where: str) -> None:
    from emulator.core.snapshots.form import check_snapshot
    from emulator.core.snapshots.schema import DocumentError

    snapshot = _snapshot()
    check_snapshot(snapshot)
    change(snapshot)
    with pytest.raises(DocumentError) as err:
        check_snapshot(snapshot)
    assert err.value.path == where
