"""The organization tree on its own: every rule and every error, no HTTP."""

from __future__ import annotations

import json
import re
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
from emulator.core.organizations.membership import Membership
from emulator.core.organizations.tree import OrgTree

MGMT = "111111111111"
OTHER_MGMT = "222222222222"
LONER = "333333333333"
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def tree() -> OrgTree:
    return OrgTree(ids=IdSource(7), clock=lambda: NOW)


def raises(kind: type[CoreError], reason: str):
    """pytest.raises for a core error with this reason."""
    return pytest.raises(kind, match=f"^{reason}$")


def new_member(tree: OrgTree, email: str = "member@example.com", name: str = "member") -> str:
    req = tree.create_account(MGMT, email, name)
    assert req.state == "SUCCEEDED"
    assert req.account_id is not None
    return req.account_id


# ---------------------------------------------------------------- organizations


def test_create_organization_makes_caller_management_under_root(tree: OrgTree) -> None:
    org = tree.create_organization(MGMT)
    assert re.fullmatch(r"o-[a-z0-9]{10}", org.id)
    assert re.fullmatch(r"r-[a-z0-9]{4}", org.root_id)
    assert org.feature_set == "ALL"
    assert org.arn == f"arn:aws:organizations::{MGMT}:organization/{org.id}"
    assert org.root_arn == f"arn:aws:organizations::{MGMT}:root/{org.id}/{org.root_id}"
    assert org.available_policy_types == [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]
    assert org.root_policy_types == []
    acct = tree.describe_account(MGMT, MGMT)
    assert acct.joined_method == "CREATED"
    assert acct.joined == NOW
    assert "@" in acct.email and acct.name
    assert tree.membership(MGMT) == Membership(org.id, org.root_id, (), MGMT)


def test_consolidated_billing_has_no_policy_types(tree: OrgTree) -> None:
    org = tree.create_organization(MGMT, "CONSOLIDATED_BILLING")
    assert org.feature_set == "CONSOLIDATED_BILLING"
    assert org.available_policy_types == []
    assert org.root_policy_types == []


def test_an_organization_names_its_partition_in_every_arn(tree: OrgTree) -> None:
    org = tree.create_organization(MGMT, partition="aws-us-gov")
    prefix = f"arn:aws-us-gov:organizations::{MGMT}:"
    assert org.arn == f"{prefix}organization/{org.id}"
    assert org.root_arn == f"{prefix}root/{org.id}/{org.root_id}"
    assert org.account_arn(MGMT) == f"{prefix}account/{org.id}/{MGMT}"


def test_create_organization_rejects_bad_feature_set(tree: OrgTree) -> None:
    with raises(Malformed, "invalid_enum"):
        tree.create_organization(MGMT, "SOME")


def test_create_organization_twice_is_already_in_organization(tree: OrgTree) -> None:
    tree.create_organization(MGMT)
    with raises(Conflict, "already_in_organization"):
        tree.create_organization(MGMT)


def test_member_cannot_create_another_organization(tree: OrgTree) -> None:
    tree.create_organization(MGMT)
    member = new_member(tree)
    with raises(Conflict, "already_in_organization"):
        tree.create_organization(member)


def test_organizations_live_side_by_side(tree: OrgTree) -> None:
    a = tree.create_organization(MGMT)
    b = tree.create_organization(OTHER_MGMT)
    assert a.id != b.id and a.root_id != b.root_id
    assert tree.describe_organization(MGMT) is a
    assert tree.describe_organization(OTHER_MGMT) is b
    # One management account cannot see the other's things.
    with raises(NotFound, "account_not_found"):
        tree.describe_account(MGMT, OTHER_MGMT)
    with raises(NotFound, "parent_not_found"):
        tree.create_ou(MGMT, b.root_id, "x")


def test_describe_organization_from_any_member(tree: OrgTree) -> None:
    org = tree.create_organization(MGMT)
    assert tree.describe_organization(new_member(tree)) is org


def test_standalone_account_is_not_in_use_everywhere(tree: OrgTree) -> None:
    tree.create_organization(MGMT)
    assert tree.membership(LONER) is None
    calls = [
        lambda: tree.describe_organization(LONER),
        lambda: tree.delete_organization(LONER),
        lambda: tree.list_roots(LONER, None, None),
        lambda: tree.list_accounts(LONER, None, None),
        lambda: tree.describe_account(LONER, MGMT),
        lambda: tree.create_account(LONER, "a@b.cc", "n"),
        lambda: tree.leave_organization(LONER),
        lambda: tree.list_create_account_status(LONER, None, None, None),
    ]
    for call in calls:
        with raises(NotAuthorized, "not_in_organization"):
            call()


def test_members_are_refused_management_operations(tree: OrgTree) -> None:
    org = tree.create_organization(MGMT)
    member = new_member(tree)
    ou = tree.create_ou(MGMT, org.root_id, "ou")
    req = tree.list_create_account_status(MGMT, None, None, None)[0][0]
    calls = [
        lambda: tree.delete_organization(member),
        lambda: tree.list_roots(member, None, None),
        lambda: tree.create_ou(member, org.root_id, "x"),
        lambda: tree.describe_ou(member, ou.id),
        lambda: tree.update_ou(member, ou.id, "y"),
        lambda: tree.delete_ou(member, ou.id),
        lambda: tree.list_ous_for_parent(member, org.root_id, None, None),
        lambda: tree.list_children(member, org.root_id, "ACCOUNT", None, None),
        lambda: tree.list_parents(member, member, None, None),
        lambda: tree.create_account(member, "x@y.zz", "x"),
        lambda: tree.describe_create_account_status(member, req.id),
        lambda: tree.list_create_account_status(member, None, None, None),
        lambda: tree.describe_account(member, member),
        lambda: tree.list_accounts(member, None, None),
        lambda: tree.list_accounts_for_parent(member, org.root_id, None, None),
        lambda: tree.move_account(member, member, org.root_id, ou.id),
        lambda: tree.remove_account(member, member),
    ]
    for call in calls:
        with raises(NotAuthorized, "access_denied"):
            call()


def test_delete_organization_only_when_no_members(tree: OrgTree) -> None:
    org = tree.create_organization(MGMT)
    member = new_member(tree)
    tree.create_ou(MGMT, org.root_id, "ou")
    with raises(Conflict, "organization_not_empty"):
        tree.delete_organization(MGMT)
    tree.remove_account(MGMT, member)
    tree.delete_organization(MGMT)
    assert tree.membership(MGMT) is None
    with raises(NotAuthorized, "not_in_organization"):
        tree.describe_organization(MGMT)
    # The former management account may start again.
    again = tree.create_organization(MGMT)
    assert again.id != org.id
    assert tree.list_ous_for_parent(MGMT, again.root_id, None, None) == ([], None)


def test_list_roots(tree: OrgTree) -> None:
    org = tree.create_organization(MGMT)
    assert tree.list_roots(MGMT, None, None) == ([org], None)


# ---------------------------------------------------------------- OUs


def test_create_ou_ids_arns_and_paths(tree: OrgTree) -> None:
    org = tree.create_organization(MGMT)
    top = tree.create_ou(MGMT, org.root_id, "top")
    sub = tree.create_ou(MGMT, top.id, "sub")
    assert re.fullmatch(rf"ou-{org.root_id[2:]}-[a-z0-9]{{8}}", sub.id)
    assert org.ou_arn(sub.id) == f"arn:aws:organizations::{MGMT}:ou/{org.id}/{sub.id}"
    assert tree.path(top.id) == f"{org.id}/{org.root_id}/{top.id}/"
    assert tree.path(sub.id) == f"{org.id}/{org.root_id}/{top.id}/{sub.id}/"
    assert tree.describe_ou(MGMT, sub.id) is sub


def test_ou_depth_limit_is_five_levels(tree: OrgTree) -> None:
    org = tree.create_organization(MGMT)
    parent = org.root_id
    for level in range(5):
        parent = tree.create_ou(MGMT, parent, f"level{level}").id
    with raises(LimitExceeded, "ou_depth_limit_exceeded"):
        tree.create_ou(MGMT, parent, "too deep")


def test_ou_number_limit(tree: OrgTree) -> None:
    org = tree.create_organization(MGMT)
    for i in range(1000):
        tree.create_ou(MGMT, org.root_id, f"ou{i}")
    with raises(LimitExceeded, "ou_number_limit_exceeded"):
        tree.create_ou(MGMT, org.root_id, "one more")


def test_duplicate_ou_name_under_same_parent_only(tree: OrgTree) -> None:
    org = tree.create_organization(MGMT)
    a = tree.create_ou(MGMT, org.root_id, "dup")
    with raises(Conflict, "duplicate_ou"):
        tree.create_ou(MGMT, org.root_id, "dup")
    tree.create_ou(MGMT, a.id, "dup")  # another parent: fine


def test_create_ou_errors(tree: OrgTree) -> None:
    org = tree.create_organization(MGMT)
    with raises(NotFound, "parent_not_found"):
        tree.create_ou(MGMT, "ou-abcd-12345678", "x")
    with raises(NotFound, "parent_not_found"):
        tree.create_ou(MGMT, "r-zzzz", "x")
    with raises(Malformed, "invalid_pattern"):
        tree.create_ou(MGMT, "bogus", "x")
    with raises(Malformed, "min_length_exceeded"):
        tree.create_ou(MGMT, org.root_id, "")
    with raises(Malformed, "max_length_exceeded"):
        tree.create_ou(MGMT, org.root_id, "x" * 129)


def test_update_ou(tree: OrgTree) -> None:
    org = tree.create_organization(MGMT)
    a = tree.create_ou(MGMT, org.root_id, "a")
    tree.create_ou(MGMT, org.root_id, "b")
    assert tree.update_ou(MGMT, a.id, "renamed").name == "renamed"
    assert tree.update_ou(MGMT, a.id, "renamed").name == "renamed"  # same name: no clash
    assert tree.update_ou(MGMT, a.id).name == "renamed"
    with raises(Conflict, "duplicate_ou"):
        tree.update_ou(MGMT, a.id, "b")
    with raises(NotFound, "ou_not_found"):
        tree.update_ou(MGMT, "ou-abcd-12345678", "x")
    with raises(Malformed, "invalid_pattern"):
        tree.update_ou(MGMT, "ou-x", "x")


def test_describe_ou_errors(tree: OrgTree) -> None:
    tree.create_organization(MGMT)
    with raises(NotFound, "ou_not_found"):
        tree.describe_ou(MGMT, "ou-abcd-12345678")
    with raises(Malformed, "invalid_pattern"):
        tree.describe_ou(MGMT, "r-abcd")


def test_delete_ou_only_when_empty(tree: OrgTree) -> None:
    org = tree.create_organization(MGMT)
    top = tree.create_ou(MGMT, org.root_id, "top")
    sub = tree.create_ou(MGMT, top.id, "sub")
    member = new_member(tree)
    tree.move_account(MGMT, member, org.root_id, sub.id)
    with raises(Conflict, "ou_not_empty"):
        tree.delete_ou(MGMT, top.id)  # holds an OU
    with raises(Conflict, "ou_not_empty"):
        tree.delete_ou(MGMT, sub.id)  # holds an account
    tree.move_account(MGMT, member, sub.id, org.root_id)
    tree.delete_ou(MGMT, sub.id)
    tree.delete_ou(MGMT, top.id)
    with raises(NotFound, "ou_not_found"):
        tree.delete_ou(MGMT, top.id)


def test_listing_children_and_parents(tree: OrgTree) -> None:
    org = tree.create_organization(MGMT)
    top = tree.create_ou(MGMT, org.root_id, "top")
    sub = tree.create_ou(MGMT, top.id, "sub")
    member = new_member(tree)
    tree.move_account(MGMT, member, org.root_id, top.id)
    root = org.root_id
    assert tree.list_children(MGMT, root, "ORGANIZATIONAL_UNIT", None, None) == ([top.id], None)
    assert tree.list_children(MGMT, root, "ACCOUNT", None, None) == ([MGMT], None)
    assert tree.list_children(MGMT, top.id, "ACCOUNT", None, None) == ([member], None)
    assert tree.list_ous_for_parent(MGMT, top.id, None, None) == ([sub], None)
    assert [a.id for a in tree.list_accounts_for_parent(MGMT, top.id, None, None)[0]] == [member]
    assert tree.list_parents(MGMT, member, None, None) == ([(top.id, "ORGANIZATIONAL_UNIT")], None)
    assert tree.list_parents(MGMT, top.id, None, None) == ([(root, "ROOT")], None)
    assert tree.list_parents(MGMT, MGMT, None, None) == ([(root, "ROOT")], None)


def test_listing_errors(tree: OrgTree) -> None:
    org = tree.create_organization(MGMT)
    missing_ou = "ou-abcd-12345678"
    with raises(NotFound, "parent_not_found"):
        tree.list_children(MGMT, missing_ou, "ACCOUNT", None, None)
    with raises(Malformed, "invalid_enum"):
        tree.list_children(MGMT, org.root_id, "POLICY", None, None)
    with raises(NotFound, "parent_not_found"):
        tree.list_ous_for_parent(MGMT, missing_ou, None, None)
    with raises(NotFound, "parent_not_found"):
        tree.list_accounts_for_parent(MGMT, missing_ou, None, None)
    with raises(NotFound, "child_not_found"):
        tree.list_parents(MGMT, LONER, None, None)
    with raises(NotFound, "child_not_found"):
        tree.list_parents(MGMT, missing_ou, None, None)
    with raises(Malformed, "invalid_pattern"):
        tree.list_parents(MGMT, org.root_id, None, None)


# ---------------------------------------------------------------- paging


def test_paging_walks_every_item_once(tree: OrgTree) -> None:
    org = tree.create_organization(MGMT)
    made = [tree.create_ou(MGMT, org.root_id, f"ou{i}").id for i in range(7)]
    seen: list[str] = []
    token = None
    while True:
        page, token = tree.list_children(MGMT, org.root_id, "ORGANIZATIONAL_UNIT", token, 3)
        assert len(page) <= 3
        seen += page
        if token is None:
            break
    assert seen == made


def test_default_page_is_twenty(tree: OrgTree) -> None:
    tree.create_organization(MGMT)
    for i in range(21):
        new_member(tree, f"m{i}@example.com")
    page, token = tree.list_accounts(MGMT, None, None)
    assert len(page) == 20 and token is not None
    rest, end = tree.list_accounts(MGMT, token, None)
    assert len(rest) == 2 and end is None


def test_bad_tokens_and_page_sizes(tree: OrgTree) -> None:
    org = tree.create_organization(MGMT)
    for i in range(3):
        tree.create_ou(MGMT, org.root_id, f"ou{i}")
    _, token = tree.list_ous_for_parent(MGMT, org.root_id, None, 1)
    assert token is not None
    for bad in ("garbage!", "e30=", token[:-4]):
        with raises(Malformed, "invalid_next_token"):
            tree.list_ous_for_parent(MGMT, org.root_id, bad, None)
    with raises(Malformed, "invalid_next_token"):  # a token from another listing
        tree.list_accounts(MGMT, token, None)
    with raises(Malformed, "min_value_exceeded"):
        tree.list_accounts(MGMT, None, 0)
    with raises(Malformed, "max_value_exceeded"):
        tree.list_accounts(MGMT, None, 21)


# ---------------------------------------------------------------- accounts


def test_create_account_succeeds_at_once_under_root(tree: OrgTree) -> None:
    org = tree.create_organization(MGMT)
    req = tree.create_account(MGMT, "new@example.com", "New", "Role", "ALLOW")
    assert re.fullmatch(r"car-[a-z0-9]{32}", req.id)
    assert (req.state, req.requested, req.completed) == ("SUCCEEDED", NOW, NOW)
    assert req.account_id is not None and re.fullmatch(r"\d{12}", req.account_id)
    acct = tree.describe_account(MGMT, req.account_id)
    assert (acct.name, acct.email, acct.joined_method) == ("New", "new@example.com", "CREATED")
    assert acct.parent_id == org.root_id
    assert org.account_arn(acct.id) == f"arn:aws:organizations::{MGMT}:account/{org.id}/{acct.id}"
    assert tree.path(acct.id) == f"{org.id}/{org.root_id}/{acct.id}/"
    assert tree.describe_create_account_status(MGMT, req.id) is req


def test_create_account_with_taken_email_fails(tree: OrgTree) -> None:
    tree.create_organization(MGMT)
    new_member(tree, "same@example.com")
    req = tree.create_account(MGMT, "SAME@example.com", "again")
    assert (req.state, req.failure_reason, req.account_id) == (
        "FAILED",
        "EMAIL_ALREADY_EXISTS",
        None,
    )
    assert len(tree.list_accounts(MGMT, None, None)[0]) == 2


def test_create_account_validates_input(tree: OrgTree) -> None:
    tree.create_organization(MGMT)
    with raises(Malformed, "invalid_pattern"):
        tree.create_account(MGMT, "not-an-email", "x")
    with raises(Malformed, "min_length_exceeded"):
        tree.create_account(MGMT, "a@b.c", "x")
    with raises(Malformed, "max_length_exceeded"):
        tree.create_account(MGMT, "a@b.cc", "x" * 51)
    with raises(Malformed, "invalid_pattern"):
        tree.create_account(MGMT, "a@b.cc", "x", role_name="bad role")
    with raises(Malformed, "invalid_enum"):
        tree.create_account(MGMT, "a@b.cc", "x", iam_user_access_to_billing="MAYBE")


def test_create_account_status_listing_and_errors(tree: OrgTree) -> None:
    tree.create_organization(MGMT)
    new_member(tree, "a@example.com")
    failed = tree.create_account(MGMT, "a@example.com", "dup")
    everything, _ = tree.list_create_account_status(MGMT, None, None, None)
    assert len(everything) == 2
    assert tree.list_create_account_status(MGMT, ["FAILED"], None, None) == ([failed], None)
    assert tree.list_create_account_status(MGMT, ["IN_PROGRESS"], None, None) == ([], None)
    with raises(Malformed, "invalid_enum"):
        tree.list_create_account_status(MGMT, ["DONE"], None, None)
    with raises(NotFound, "create_account_status_not_found"):
        tree.describe_create_account_status(MGMT, "car-abcdefgh12")
    with raises(Malformed, "invalid_pattern"):
        tree.describe_create_account_status(MGMT, "abc")


def test_create_account_status_is_per_organization(tree: OrgTree) -> None:
    tree.create_organization(MGMT)
    tree.create_organization(OTHER_MGMT)
    req = tree.create_account(MGMT, "a@example.com", "a")
    with raises(NotFound, "create_account_status_not_found"):
        tree.describe_create_account_status(OTHER_MGMT, req.id)


def test_describe_account_errors(tree: OrgTree) -> None:
    tree.create_organization(MGMT)
    with raises(NotFound, "account_not_found"):
        tree.describe_account(MGMT, LONER)
    with raises(Malformed, "invalid_pattern"):
        tree.describe_account(MGMT, "12345")


def test_list_accounts_in_creation_order(tree: OrgTree) -> None:
    tree.create_organization(MGMT)
    a = new_member(tree, "a@example.com")
    b = new_member(tree, "b@example.com")
    assert [x.id for x in tree.list_accounts(MGMT, None, None)[0]] == [MGMT, a, b]


def test_move_account_rules(tree: OrgTree) -> None:
    org = tree.create_organization(MGMT)
    ou = tree.create_ou(MGMT, org.root_id, "ou")
    other = tree.create_ou(MGMT, org.root_id, "other")
    member = new_member(tree)
    root = org.root_id
    with raises(NotFound, "account_not_found"):
        tree.move_account(MGMT, LONER, root, ou.id)
    with raises(NotFound, "source_parent_not_found"):
        tree.move_account(MGMT, member, "ou-abcd-12345678", ou.id)
    with raises(NotFound, "source_parent_not_found"):  # exists, but is not the real parent
        tree.move_account(MGMT, member, other.id, ou.id)
    with raises(NotFound, "destination_parent_not_found"):
        tree.move_account(MGMT, member, root, "ou-abcd-12345678")
    with raises(Conflict, "duplicate_account"):
        tree.move_account(MGMT, member, root, root)
    with raises(Malformed, "invalid_pattern"):
        tree.move_account(MGMT, member, root, "nowhere")
    tree.move_account(MGMT, member, root, ou.id)
    assert tree.membership(member) == Membership(org.id, root, (ou.id,), MGMT)
    # The management account can be moved too.
    tree.move_account(MGMT, MGMT, root, other.id)
    assert tree.membership(MGMT) == Membership(org.id, root, (other.id,), MGMT)


def test_remove_account(tree: OrgTree) -> None:
    tree.create_organization(MGMT)
    member = new_member(tree)
    with raises(InvalidValue, "management_cannot_be_removed"):
        tree.remove_account(MGMT, MGMT)
    with raises(NotFound, "account_not_found"):
        tree.remove_account(MGMT, LONER)
    tree.remove_account(MGMT, member)
    assert tree.membership(member) is None
    with raises(NotFound, "account_not_found"):
        tree.remove_account(MGMT, member)
    with raises(NotAuthorized, "not_in_organization"):
        tree.describe_organization(member)
    # Its email stays taken, as real account emails do.
    assert tree.create_account(MGMT, "member@example.com", "x").state == "FAILED"


def test_leave_organization(tree: OrgTree) -> None:
    org = tree.create_organization(MGMT)
    member = new_member(tree)
    with raises(InvalidValue, "management_cannot_leave"):
        tree.leave_organization(MGMT)
    tree.leave_organization(member)
    assert tree.membership(member) is None
    # A standalone account may now found its own organization.
    assert tree.create_organization(member).id != org.id


# ---------------------------------------------------------------- building worlds


def test_build_a_world_with_chosen_ids(tree: OrgTree) -> None:
    org = tree.create_organization(
        MGMT, org_id="o-aa111bb222", root_id="r-ab12", name="Mgmt", email="m@example.com"
    )
    ou = tree.create_ou(MGMT, "r-ab12", "Shared", ou_id="ou-ab12-11111111")
    acct = tree.add_account(org.id, "444444444444", ou.id, name="Dev", email="dev@example.com")
    assert acct.joined_method == "INVITED"
    assert tree.membership("444444444444") == Membership(
        "o-aa111bb222", "r-ab12", ("ou-ab12-11111111",), MGMT
    )
    assert tree.account(MGMT).email == "m@example.com"
    invented = tree.add_account(org.id, "555555555555", org.root_id)
    assert invented.name and "@" in invented.email


def test_building_errors(tree: OrgTree) -> None:
    org = tree.create_organization(MGMT, org_id="o-aa111bb222", root_id="r-ab12")
    with raises(Conflict, "id_in_use"):
        tree.create_organization(OTHER_MGMT, org_id="o-aa111bb222")
    with raises(Conflict, "id_in_use"):
        tree.create_organization(OTHER_MGMT, root_id="r-ab12")
    with raises(Malformed, "invalid_pattern"):
        tree.create_organization(OTHER_MGMT, org_id="o-short")
    with raises(Conflict, "email_in_use"):
        tree.create_organization(OTHER_MGMT, email=tree.account(MGMT).email)
    tree.create_ou(MGMT, org.root_id, "a", ou_id="ou-ab12-11111111")
    with raises(Conflict, "id_in_use"):
        tree.create_ou(MGMT, org.root_id, "b", ou_id="ou-ab12-11111111")
    with raises(Malformed, "invalid_pattern"):
        tree.create_ou(MGMT, org.root_id, "b", ou_id="ou-zz99")
    # AWS's own documentation pairs root r-ab12 with ou-1234-5example, so a chosen id
    # need not start with its root's suffix.
    assert tree.create_ou(MGMT, org.root_id, "c", ou_id="ou-1234-5example").id == "ou-1234-5example"
    with raises(NotFound, "organization_not_found"):
        tree.add_account("o-zzzzzzzzzz", LONER, org.root_id)
    with raises(NotFound, "parent_not_found"):
        tree.add_account(org.id, LONER, "ou-ab12-99999999")
    with raises(Conflict, "already_in_organization"):
        tree.add_account(org.id, MGMT, org.root_id)
    with raises(Conflict, "email_in_use"):
        tree.add_account(org.id, LONER, org.root_id, email=tree.account(MGMT).email)


# ---------------------------------------------------------------- snapshot


def test_snapshot_round_trip_is_json_and_faithful(tree: OrgTree) -> None:
    org = tree.create_organization(MGMT)
    ou = tree.create_ou(MGMT, org.root_id, "ou")
    member = new_member(tree)
    tree.move_account(MGMT, member, org.root_id, ou.id)
    tree.create_account(MGMT, "member@example.com", "dup")
    left = new_member(tree, "left@example.com")
    tree.remove_account(MGMT, left)
    data = json.loads(json.dumps(tree.to_dict()))
    copy = OrgTree.from_dict(data, ids=IdSource(7), clock=lambda: NOW)
    assert copy.to_dict() == tree.to_dict()
    assert copy.membership(member) == tree.membership(member)
    assert (
        copy.list_create_account_status(MGMT, None, None, None)[0]
        == (tree.list_create_account_status(MGMT, None, None, None)[0])
    )


def test_empty_snapshot_is_empty_tree() -> None:
    tree = OrgTree.from_dict({}, ids=IdSource(1), clock=lambda: NOW)
    assert tree.to_dict() == {
        "organizations": [],
        "ous": [],
        "accounts": [],
        "create_account_requests": [],
        "policies": [],
        "attachments": [],
    }
    assert tree.membership(MGMT) is None
