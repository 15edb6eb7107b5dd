"""AWS Organizations over the wire: real boto3, one client per account.

``mgmt`` is the management account, ``member`` an account it created, ``loner`` a
standalone account in no organization.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3
import botocore.session
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from emulator.api.organizations.errors import ORGANIZATIONS_ERRORS

MGMT = "123456789012"
LONER = "999988887777"
MISSING_OU = "ou-zzzz-99999999"
NOT_A_MEMBER = "You don't have permissions to access this resource."
NOT_IN_USE = "Your account is not a member of an organization."

Client = Any


@dataclass
class Org:
    mgmt: Client
    member: Client
    loner: Client
    org: dict[str, Any]
    root_id: str
    member_id: str


@pytest.fixture
def org(aws: Callable[..., Client]) -> Org:
    mgmt = aws("organizations", account=MGMT)
    created = mgmt.create_organization()["Organization"]
    root_id = mgmt.list_roots()["Roots"][0]["Id"]
    status = mgmt.create_account(Email="member@example.com", AccountName="member")
    member_id = status["CreateAccountStatus"]["AccountId"]
    return Org(
        mgmt=mgmt,
        member=aws("organizations", account=member_id),
        loner=aws("organizations", account=LONER),
        org=created,
        root_id=root_id,
        member_id=member_id,
    )


@contextmanager
def aws_error(code: str, message: str | None = None, reason: str | None = None) -> Iterator[None]:
    """The block must fail with this code (and message and Reason when given), status 400."""
    with pytest.raises(ClientError) as caught:
        yield
    response = caught.value.response
    assert response["Error"]["Code"] == code, response
    if message is not None:
        assert response["Error"]["Message"] == message, response
    if reason is not None:
        assert response["Reason"] == reason, response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400


def everything(client: Client, operation: str, key: str, **params: Any) -> list[Any]:
    """All items of a listing through botocore's own paginator, two per page."""
    pages = client.get_paginator(operation).paginate(PaginationConfig={"PageSize": 2}, **params)
    return [item for page in pages for item in page[key]]


# ---------------------------------------------------------------- organizations


def test_create_organization_shapes(org: Org) -> None:
    o = org.org
    assert re.fullmatch(r"o-[a-z0-9]{10,32}", o["Id"])
    assert o["Arn"] == f"arn:aws:organizations::{MGMT}:organization/{o['Id']}"
    assert o["FeatureSet"] == "ALL"
    assert o["MasterAccountId"] == MGMT
    assert o["MasterAccountArn"] == f"arn:aws:organizations::{MGMT}:account/{o['Id']}/{MGMT}"
    assert "@" in o["MasterAccountEmail"]
    assert o["AvailablePolicyTypes"] == [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]
    (root,) = org.mgmt.list_roots()["Roots"]
    assert root == {
        "Id": org.root_id,
        "Arn": f"arn:aws:organizations::{MGMT}:root/{o['Id']}/{org.root_id}",
        "Name": "Root",
        "PolicyTypes": [],
    }
    me = org.mgmt.describe_account(AccountId=MGMT)["Account"]
    assert me["JoinedMethod"] == "CREATED"
    assert me["Paths"] == [f"{o['Id']}/{org.root_id}/{MGMT}/"]


def test_a_new_root_has_no_policy_type_enabled(org: Org) -> None:
    """All features make SCPs available to the organization (DescribeOrganization), but a
    root enables a policy type only through EnablePolicyType: "Policy types can be enabled
    and disabled in roots. This is distinct from whether they're available in the
    organization" (AWS CLI reference, organizations list-roots;
    https://docs.aws.amazon.com/cli/latest/reference/organizations/list-roots.html)."""
    assert org.org["AvailablePolicyTypes"] == [
        {"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}
    ]
    (root,) = org.mgmt.list_roots()["Roots"]
    assert root["PolicyTypes"] == []


def test_consolidated_billing(aws: Callable[..., Client]) -> None:
    o = aws("organizations").create_organization(FeatureSet="CONSOLIDATED_BILLING")
    assert o["Organization"]["FeatureSet"] == "CONSOLIDATED_BILLING"
    assert o["Organization"]["AvailablePolicyTypes"] == []


def test_describe_organization_from_members_and_not_from_standalone(org: Org) -> None:
    assert org.member.describe_organization()["Organization"] == org.org
    assert org.mgmt.describe_organization()["Organization"] == org.org
    with aws_error("AWSOrganizationsNotInUseException", NOT_IN_USE):
        org.loner.describe_organization()


def test_create_organization_when_already_in_one(org: Org) -> None:
    for client in (org.mgmt, org.member):
        with aws_error(
            "AlreadyInOrganizationException",
            "This account is already a member of an organization. An account can belong "
            "to only one organization at a time.",
        ):
            client.create_organization()


def test_organizations_side_by_side(org: Org) -> None:
    other = org.loner.create_organization()["Organization"]
    assert other["Id"] != org.org["Id"] and other["MasterAccountId"] == LONER
    with aws_error("AccountNotFoundException", "You specified an account that doesn't exist."):
        org.loner.describe_account(AccountId=MGMT)
    with aws_error("ParentNotFoundException", "You specified parent that doesn't exist."):
        org.loner.create_organizational_unit(ParentId=org.root_id, Name="x")


def test_delete_organization(org: Org) -> None:
    with aws_error(
        "OrganizationNotEmptyException",
        "The organization isn't empty. To delete an organization, you must first remove all "
        "accounts except the management account.",
    ):
        org.mgmt.delete_organization()
    org.mgmt.remove_account_from_organization(AccountId=org.member_id)
    org.mgmt.delete_organization()
    with aws_error("AWSOrganizationsNotInUseException", NOT_IN_USE):
        org.mgmt.describe_organization()
    assert org.mgmt.create_organization()["Organization"]["Id"] != org.org["Id"]


# ---------------------------------------------------------------- who may call what


MANAGEMENT_ONLY: list[tuple[str, dict[str, Any]]] = [
    ("delete_organization", {}),
    ("list_roots", {}),
    ("create_organizational_unit", {"ParentId": "r-abcd", "Name": "x"}),
    ("describe_organizational_unit", {"OrganizationalUnitId": MISSING_OU}),
    ("update_organizational_unit", {"OrganizationalUnitId": MISSING_OU, "Name": "y"}),
    ("delete_organizational_unit", {"OrganizationalUnitId": MISSING_OU}),
    ("list_organizational_units_for_parent", {"ParentId": "r-abcd"}),
    ("list_children", {"ParentId": "r-abcd", "ChildType": "ACCOUNT"}),
    ("list_parents", {"ChildId": MGMT}),
    ("create_account", {"Email": "x@example.com", "AccountName": "x"}),
    ("describe_create_account_status", {"CreateAccountRequestId": "car-abcdefgh12"}),
    ("list_create_account_status", {}),
    ("describe_account", {"AccountId": MGMT}),
    ("list_accounts", {}),
    ("list_accounts_for_parent", {"ParentId": "r-abcd"}),
    (
        "move_account",
        {"AccountId": MGMT, "SourceParentId": "r-abcd", "DestinationParentId": MISSING_OU},
    ),
    ("remove_account_from_organization", {"AccountId": MGMT}),
]


@pytest.mark.parametrize(("method", "params"), MANAGEMENT_ONLY, ids=[m for m, _ in MANAGEMENT_ONLY])
def test_members_are_refused_management_operations(
    org: Org, method: str, params: dict[str, Any]
) -> None:
    with aws_error("AccessDeniedException", NOT_A_MEMBER):
        getattr(org.member, method)(**params)


@pytest.mark.parametrize(("method", "params"), MANAGEMENT_ONLY, ids=[m for m, _ in MANAGEMENT_ONLY])
def test_standalone_accounts_are_not_in_an_organization(
    org: Org, method: str, params: dict[str, Any]
) -> None:
    with aws_error("AWSOrganizationsNotInUseException", NOT_IN_USE):
        getattr(org.loner, method)(**params)


# ---------------------------------------------------------------- OUs


def test_ou_lifecycle(org: Org) -> None:
    o, root = org.org, org.root_id
    top = org.mgmt.create_organizational_unit(ParentId=root, Name="top")["OrganizationalUnit"]
    sub = org.mgmt.create_organizational_unit(ParentId=top["Id"], Name="sub")
    sub = sub["OrganizationalUnit"]
    assert re.fullmatch(rf"ou-{root[2:]}-[a-z0-9]{{8,32}}", sub["Id"])
    assert sub["Arn"] == f"arn:aws:organizations::{MGMT}:ou/{o['Id']}/{sub['Id']}"
    assert sub["Path"] == f"{o['Id']}/{root}/{top['Id']}/{sub['Id']}/"
    described = org.mgmt.describe_organizational_unit(OrganizationalUnitId=sub["Id"])
    assert described["OrganizationalUnit"] == sub
    renamed = org.mgmt.update_organizational_unit(OrganizationalUnitId=sub["Id"], Name="renamed")
    assert renamed["OrganizationalUnit"] == {**sub, "Name": "renamed"}
    org.mgmt.delete_organizational_unit(OrganizationalUnitId=sub["Id"])
    with aws_error(
        "OrganizationalUnitNotFoundException",
        "You specified an organizational unit that doesn't exist.",
    ):
        org.mgmt.describe_organizational_unit(OrganizationalUnitId=sub["Id"])


def test_ou_errors(org: Org) -> None:
    root = org.root_id
    top = org.mgmt.create_organizational_unit(ParentId=root, Name="top")["OrganizationalUnit"]
    org.mgmt.create_organizational_unit(ParentId=root, Name="other")
    duplicate = ("DuplicateOrganizationalUnitException", "An OU with the same name already exists.")
    with aws_error(*duplicate):
        org.mgmt.create_organizational_unit(ParentId=root, Name="top")
    with aws_error(*duplicate):
        org.mgmt.update_organizational_unit(OrganizationalUnitId=top["Id"], Name="other")
    with aws_error("ParentNotFoundException"):
        org.mgmt.create_organizational_unit(ParentId=MISSING_OU, Name="x")
    for call in (
        org.mgmt.update_organizational_unit,
        org.mgmt.delete_organizational_unit,
        org.mgmt.describe_organizational_unit,
    ):
        with aws_error("OrganizationalUnitNotFoundException"):
            call(OrganizationalUnitId=MISSING_OU)
    with aws_error(
        "InvalidInputException",
        "You provided a value that doesn't match the required pattern.",
        "INVALID_PATTERN",
    ):
        org.mgmt.describe_organizational_unit(OrganizationalUnitId="ou-BAD")
    org.mgmt.move_account(
        AccountId=org.member_id, SourceParentId=root, DestinationParentId=top["Id"]
    )
    with aws_error(
        "OrganizationalUnitNotEmptyException",
        "The specified OU is not empty. Move all accounts to another root or to other OUs, "
        "remove all child OUs, and try the operation again.",
    ):
        org.mgmt.delete_organizational_unit(OrganizationalUnitId=top["Id"])


def test_ou_depth_limit(org: Org) -> None:
    parent = org.root_id
    for level in range(5):
        ou = org.mgmt.create_organizational_unit(ParentId=parent, Name=f"l{level}")
        parent = ou["OrganizationalUnit"]["Id"]
    with aws_error(
        "ConstraintViolationException",
        "You attempted to create an OU tree that is too many levels deep.",
        "OU_DEPTH_LIMIT_EXCEEDED",
    ):
        org.mgmt.create_organizational_unit(ParentId=parent, Name="too deep")


def test_children_and_parents(org: Org) -> None:
    root = org.root_id
    top = org.mgmt.create_organizational_unit(ParentId=root, Name="top")["OrganizationalUnit"]
    org.mgmt.move_account(
        AccountId=org.member_id, SourceParentId=root, DestinationParentId=top["Id"]
    )
    kids = org.mgmt.list_children(ParentId=root, ChildType="ORGANIZATIONAL_UNIT")["Children"]
    assert kids == [{"Id": top["Id"], "Type": "ORGANIZATIONAL_UNIT"}]
    kids = org.mgmt.list_children(ParentId=top["Id"], ChildType="ACCOUNT")["Children"]
    assert kids == [{"Id": org.member_id, "Type": "ACCOUNT"}]
    ous = org.mgmt.list_organizational_units_for_parent(ParentId=root)["OrganizationalUnits"]
    assert ous == [top]
    parents = org.mgmt.list_parents(ChildId=org.member_id)["Parents"]
    assert parents == [{"Id": top["Id"], "Type": "ORGANIZATIONAL_UNIT"}]
    assert org.mgmt.list_parents(ChildId=top["Id"])["Parents"] == [{"Id": root, "Type": "ROOT"}]
    with aws_error(
        "ChildNotFoundException",
        "We can't find an organizational unit (OU) or Amazon Web Services account with the "
        "ChildId that you specified.",
    ):
        org.mgmt.list_parents(ChildId=LONER)
    with aws_error("ParentNotFoundException"):
        org.mgmt.list_children(ParentId=MISSING_OU, ChildType="ACCOUNT")
    with aws_error("ParentNotFoundException"):
        org.mgmt.list_organizational_units_for_parent(ParentId=MISSING_OU)
    with aws_error("ParentNotFoundException"):
        org.mgmt.list_accounts_for_parent(ParentId=MISSING_OU)


def test_paging(org: Org) -> None:
    made = [
        org.mgmt.create_organizational_unit(ParentId=org.root_id, Name=f"ou{i}")[
            "OrganizationalUnit"
        ]["Id"]
        for i in range(5)
    ]
    children = everything(
        org.mgmt, "list_children", "Children", ParentId=org.root_id, ChildType="ORGANIZATIONAL_UNIT"
    )
    assert [c["Id"] for c in children] == made
    ous = everything(
        org.mgmt,
        "list_organizational_units_for_parent",
        "OrganizationalUnits",
        ParentId=org.root_id,
    )
    assert [u["Id"] for u in ous] == made
    for i in range(3):
        org.mgmt.create_account(Email=f"extra{i}@example.com", AccountName=f"extra{i}")
    assert len(everything(org.mgmt, "list_accounts", "Accounts")) == 5
    assert len(everything(org.mgmt, "list_create_account_status", "CreateAccountStatuses")) == 4
    first = org.mgmt.list_accounts(MaxResults=2)
    assert len(first["Accounts"]) == 2 and first["NextToken"]
    with aws_error(
        "InvalidInputException",
        "Get the value for the NextToken parameter from the response to a previous call of "
        "the operation.",
        "INVALID_NEXT_TOKEN",
    ):
        org.mgmt.list_accounts(NextToken="not-a-token")
    with aws_error("InvalidInputException", reason="INVALID_NEXT_TOKEN"):
        org.mgmt.list_roots(NextToken=first["NextToken"])


# ---------------------------------------------------------------- accounts


def test_create_account_and_its_status(org: Org) -> None:
    reply = org.mgmt.create_account(
        Email="new@example.com",
        AccountName="new",
        RoleName="OrganizationAccountAccessRole",
        IamUserAccessToBilling="ALLOW",
    )
    status = reply["CreateAccountStatus"]
    assert status["State"] == "SUCCEEDED"
    assert re.fullmatch(r"car-[a-z0-9]{8,32}", status["Id"])
    assert re.fullmatch(r"\d{12}", status["AccountId"])
    assert status["AccountName"] == "new"
    assert status["CompletedTimestamp"] >= status["RequestedTimestamp"]
    again = org.mgmt.describe_create_account_status(CreateAccountRequestId=status["Id"])
    assert again["CreateAccountStatus"] == status
    account = org.mgmt.describe_account(AccountId=status["AccountId"])["Account"]
    o = org.org
    assert account["Arn"] == f"arn:aws:organizations::{MGMT}:account/{o['Id']}/{account['Id']}"
    assert (account["Email"], account["Name"]) == ("new@example.com", "new")
    assert (account["Status"], account["State"], account["JoinedMethod"]) == (
        "ACTIVE",
        "ACTIVE",
        "CREATED",
    )
    assert account["Paths"] == [f"{o['Id']}/{org.root_id}/{account['Id']}/"]
    under_root = org.mgmt.list_accounts_for_parent(ParentId=org.root_id)["Accounts"]
    assert account in under_root
    assert account in org.mgmt.list_accounts()["Accounts"]


def test_create_account_with_taken_email(org: Org) -> None:
    status = org.mgmt.create_account(Email="MEMBER@example.com", AccountName="again")
    status = status["CreateAccountStatus"]
    assert (status["State"], status["FailureReason"]) == ("FAILED", "EMAIL_ALREADY_EXISTS")
    assert "AccountId" not in status
    failed = org.mgmt.list_create_account_status(States=["FAILED"])["CreateAccountStatuses"]
    assert [s["Id"] for s in failed] == [status["Id"]]
    succeeded = org.mgmt.list_create_account_status(States=["SUCCEEDED"])
    assert [s["AccountId"] for s in succeeded["CreateAccountStatuses"]] == [org.member_id]
    with aws_error(
        "CreateAccountStatusNotFoundException",
        "We can't find an create account request with the CreateAccountRequestId that you "
        "specified.",
    ):
        org.mgmt.describe_create_account_status(CreateAccountRequestId="car-abcdefgh12")


def test_move_account(org: Org) -> None:
    root = org.root_id
    ou = org.mgmt.create_organizational_unit(ParentId=root, Name="ou")["OrganizationalUnit"]
    other = org.mgmt.create_organizational_unit(ParentId=root, Name="other")
    other = other["OrganizationalUnit"]

    def move(account: str, source: str, destination: str) -> None:
        org.mgmt.move_account(
            AccountId=account, SourceParentId=source, DestinationParentId=destination
        )

    with aws_error("AccountNotFoundException", "You specified an account that doesn't exist."):
        move(LONER, root, ou["Id"])
    source_missing = (
        "SourceParentNotFoundException",
        "We can't find a source root or OU with the ParentId that you specified.",
    )
    with aws_error(*source_missing):
        move(org.member_id, MISSING_OU, ou["Id"])
    with aws_error(*source_missing):
        move(org.member_id, other["Id"], ou["Id"])
    with aws_error(
        "DestinationParentNotFoundException",
        "We can't find the destination container (a root or OU) with the ParentId that you "
        "specified.",
    ):
        move(org.member_id, root, MISSING_OU)
    with aws_error(
        "DuplicateAccountException", "That account is already present in the specified destination."
    ):
        move(org.member_id, root, root)
    move(org.member_id, root, ou["Id"])
    account = org.mgmt.describe_account(AccountId=org.member_id)["Account"]
    assert account["Paths"] == [f"{org.org['Id']}/{root}/{ou['Id']}/{org.member_id}/"]


def test_remove_account(org: Org) -> None:
    with aws_error(
        "ConstraintViolationException",
        "You attempted to remove the management account from the organization. You can't "
        "remove the management account. Instead, after you remove all member accounts, "
        "delete the organization itself.",
        "ACCOUNT_CANNOT_LEAVE_ORGANIZATION",
    ):
        org.mgmt.remove_account_from_organization(AccountId=MGMT)
    with aws_error("AccountNotFoundException"):
        org.mgmt.remove_account_from_organization(AccountId=LONER)
    org.mgmt.remove_account_from_organization(AccountId=org.member_id)
    with aws_error("AWSOrganizationsNotInUseException", NOT_IN_USE):
        org.member.describe_organization()
    with aws_error("AccountNotFoundException"):
        org.mgmt.describe_account(AccountId=org.member_id)


def test_leave_organization(org: Org) -> None:
    with aws_error(
        "MasterCannotLeaveOrganizationException",
        "You can't remove a management account from an organization. If you want the "
        "management account to become a member account in another organization, you must "
        "first delete the current organization of the management account.",
    ):
        org.mgmt.leave_organization()
    with aws_error("AWSOrganizationsNotInUseException", NOT_IN_USE):
        org.loner.leave_organization()
    org.member.leave_organization()
    with aws_error("AWSOrganizationsNotInUseException"):
        org.member.describe_organization()
    assert [a["Id"] for a in org.mgmt.list_accounts()["Accounts"]] == [MGMT]


# ---------------------------------------------------------------- input the client lets through


@pytest.fixture
def unchecked(server: Any, org: Org) -> Client:
    """The management account's client with botocore's own parameter checks turned off."""
    return boto3.client(
        "organizations",
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id=MGMT,
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 1}, parameter_validation=False),
    )


@pytest.mark.parametrize(
    ("method", "params", "reason"),
    [
        ("create_organizational_unit", {"ParentId": "r-abcd"}, "INPUT_REQUIRED"),
        ("list_accounts", {"MaxResults": 21}, "MAX_VALUE_EXCEEDED"),
        ("list_accounts", {"MaxResults": 0}, "MIN_VALUE_EXCEEDED"),
        ("list_children", {"ParentId": "r-abcd", "ChildType": "POLICY"}, "INVALID_ENUM"),
        ("list_accounts", {"MaxResults": "many"}, "INVALID_ENUM"),
        ("create_organizational_unit", {"ParentId": "r-abcd", "Name": ""}, "MIN_LENGTH_EXCEEDED"),
        ("describe_account", {"AccountId": "12345"}, "INVALID_PATTERN"),
        ("list_parents", {"ChildId": "r-abcd"}, "INVALID_PATTERN"),
        ("create_account", {"Email": "nobody", "AccountName": "x"}, "INVALID_PATTERN"),
    ],
)
def test_invalid_input(unchecked: Client, method: str, params: dict[str, Any], reason: str) -> None:
    with aws_error("InvalidInputException", reason=reason):
        getattr(unchecked, method)(**params)


def test_the_cli_reads_our_answers(org: Org, cli: Callable[..., Any]) -> None:
    described = cli("organizations", "describe-organization", account=org.member_id)
    assert described["Organization"]["Id"] == org.org["Id"]
    accounts = cli("organizations", "list-accounts", account=MGMT)["Accounts"]
    assert {a["Id"] for a in accounts} == {MGMT, org.member_id}


# ---------------------------------------------------------------- the catalogue


def test_every_catalogue_code_exists_in_botocore_model() -> None:
    model = botocore.session.get_session().get_service_model("organizations")
    known = {shape.name for shape in model.error_shapes}
    assert ORGANIZATIONS_ERRORS.codes() <= known
    for entry in ORGANIZATIONS_ERRORS.entries.values():
        members = model.shape_for(entry.code).members
        assert set(entry.extra) <= set(members), entry
        for member, value in entry.extra.items():
            assert value in members[member].enum, entry
