"""AWS Organizations operations: parsed params -> ``OrgTree`` call -> output-shape dict."""

from __future__ import annotations

from typing import Any

from emulator.api.registry import Call, operation
from emulator.core.organizations.records import Account, CreateAccountRequest, Organization, OrgUnit
from emulator.core.organizations.tree import OrgTree

Params = dict[str, Any]
Result = dict[str, Any]

# Accounts here never get suspended or closed.
_ACTIVE = "ACTIVE"


def _org(tree: OrgTree, org: Organization) -> Result:
    return {
        "Id": org.id,
        "Arn": org.arn,
        "FeatureSet": org.feature_set,
        "MasterAccountArn": org.account_arn(org.management_account),
        "MasterAccountId": org.management_account,
        "MasterAccountEmail": tree.account(org.management_account).email,
        "AvailablePolicyTypes": org.available_policy_types,
    }


def _root(org: Organization) -> Result:
    return {
        "Id": org.root_id,
        "Arn": org.root_arn,
        "Name": "Root",
        "PolicyTypes": org.root_policy_types,
    }


def _ou(tree: OrgTree, ou: OrgUnit) -> Result:
    org = tree.organization(ou.org_id)
    return {"Id": ou.id, "Arn": org.ou_arn(ou.id), "Name": ou.name, "Path": tree.path(ou.id)}


def _account(tree: OrgTree, acct: Account) -> Result:
    assert acct.org_id is not None
    org = tree.organization(acct.org_id)
    return {
        "Id": acct.id,
        "Arn": org.account_arn(acct.id),
        "Email": acct.email,
        "Name": acct.name,
        "Status": _ACTIVE,
        "State": _ACTIVE,
        "Paths": [tree.path(acct.id)],
        "JoinedMethod": acct.joined_method,
        "JoinedTimestamp": acct.joined,
    }


def _status(req: CreateAccountRequest) -> Result:
    return {
        "Id": req.id,
        "AccountName": req.account_name,
        "State": req.state,
        "RequestedTimestamp": req.requested,
        "CompletedTimestamp": req.completed,
        "AccountId": req.account_id,
        "FailureReason": req.failure_reason,
    }


def _page(key: str, items: list[Any], token: str | None) -> Result:
    return {key: items, "NextToken": token}


def _paging(p: Params) -> tuple[str | None, int | None]:
    return p.get("NextToken"), p.get("MaxResults")


# ---------------------------------------------------------------- organizations


@operation("organizations", "CreateOrganization")
def create_organization(call: Call, p: Params) -> Result:
    """Any standalone account; it becomes the management account, under the root. FeatureSet
    defaults to ALL (SCPs available, enabled in no root). The organization's ARNs name the
    partition of the Region the request was signed for.
    """
    tree = call.world.orgs
    org = tree.create_organization(
        call.account, p.get("FeatureSet", "ALL"), partition=call.partition
    )
    return {"Organization": _org(tree, org)}


@operation("organizations", "DescribeOrganization")
def describe_organization(call: Call, p: Params) -> Result:
    """Any member account; a standalone account gets `AWSOrganizationsNotInUseException`."""
    tree = call.world.orgs
    return {"Organization": _org(tree, tree.describe_organization(call.account))}


@operation("organizations", "DeleteOrganization")
def delete_organization(call: Call, p: Params) -> None:
    """Management account only, once every other account has been removed."""
    call.world.orgs.delete_organization(call.account)


@operation("organizations", "ListRoots")
def list_roots(call: Call, p: Params) -> Result:
    """The organization's single root, with its enabled policy types (none yet)."""
    orgs, token = call.world.orgs.list_roots(call.account, *_paging(p))
    return _page("Roots", [_root(o) for o in orgs], token)


# ---------------------------------------------------------------- OUs


@operation("organizations", "CreateOrganizationalUnit")
def create_organizational_unit(call: Call, p: Params) -> Result:
    """Under the root or an OU; at most five levels of OUs, names unique per parent."""
    tree = call.world.orgs
    ou = tree.create_ou(call.account, p["ParentId"], p["Name"])
    return {"OrganizationalUnit": _ou(tree, ou)}


@operation("organizations", "DescribeOrganizationalUnit")
def describe_organizational_unit(call: Call, p: Params) -> Result:
    """Id, ARN, name and path of an OU of the caller's organization."""
    tree = call.world.orgs
    ou = tree.describe_ou(call.account, p["OrganizationalUnitId"])
    return {"OrganizationalUnit": _ou(tree, ou)}


@operation("organizations", "UpdateOrganizationalUnit")
def update_organizational_unit(call: Call, p: Params) -> Result:
    """Renames an OU; the new name must be free under its parent."""
    tree = call.world.orgs
    ou = tree.update_ou(call.account, p["OrganizationalUnitId"], p.get("Name"))
    return {"OrganizationalUnit": _ou(tree, ou)}


@operation("organizations", "DeleteOrganizationalUnit")
def delete_organizational_unit(call: Call, p: Params) -> None:
    """Only an empty OU (no accounts, no child OUs)."""
    call.world.orgs.delete_ou(call.account, p["OrganizationalUnitId"])


@operation("organizations", "ListOrganizationalUnitsForParent")
def list_organizational_units_for_parent(call: Call, p: Params) -> Result:
    """The OUs directly under a root or OU, paged."""
    tree = call.world.orgs
    ous, token = tree.list_ous_for_parent(call.account, p["ParentId"], *_paging(p))
    return _page("OrganizationalUnits", [_ou(tree, u) for u in ous], token)


@operation("organizations", "ListChildren")
def list_children(call: Call, p: Params) -> Result:
    """The accounts or OUs directly under a root or OU, paged."""
    kind = p["ChildType"]
    ids, token = call.world.orgs.list_children(call.account, p["ParentId"], kind, *_paging(p))
    return _page("Children", [{"Id": i, "Type": kind} for i in ids], token)


@operation("organizations", "ListParents")
def list_parents(call: Call, p: Params) -> Result:
    """The one parent (root or OU) of an account or OU."""
    parents, token = call.world.orgs.list_parents(call.account, p["ChildId"], *_paging(p))
    return _page("Parents", [{"Id": i, "Type": kind} for i, kind in parents], token)


# ---------------------------------------------------------------- accounts


@operation("organizations", "CreateAccount")
def create_account(call: Call, p: Params) -> Result:
    """Completes at once: SUCCEEDED with the new account under the root, or FAILED with
    EMAIL_ALREADY_EXISTS. The new account has `OrganizationAccountAccessRole` (or RoleName),
    trusting the management account, with AdministratorAccess attached.
    """
    world = call.world
    req = world.orgs.create_account(
        call.account,
        p["Email"],
        p["AccountName"],
        p.get("RoleName"),
        p.get("IamUserAccessToBilling"),
    )
    if req.account_id is not None:
        world.iam.create_org_access_role(
            req.account_id, call.account, p.get("RoleName"), partition=call.partition
        )
    return {"CreateAccountStatus": _status(req)}


@operation("organizations", "DescribeCreateAccountStatus")
def describe_create_account_status(call: Call, p: Params) -> Result:
    """A CreateAccount request of the caller's organization."""
    tree = call.world.orgs
    req = tree.describe_create_account_status(call.account, p["CreateAccountRequestId"])
    return {"CreateAccountStatus": _status(req)}


@operation("organizations", "ListCreateAccountStatus")
def list_create_account_status(call: Call, p: Params) -> Result:
    """CreateAccount requests, optionally filtered by state, paged."""
    tree = call.world.orgs
    reqs, token = tree.list_create_account_status(call.account, p.get("States"), *_paging(p))
    return _page("CreateAccountStatuses", [_status(r) for r in reqs], token)


@operation("organizations", "DescribeAccount")
def describe_account(call: Call, p: Params) -> Result:
    """A member account with its ARN, email, name, state, join method and path."""
    tree = call.world.orgs
    return {"Account": _account(tree, tree.describe_account(call.account, p["AccountId"]))}


@operation("organizations", "ListAccounts")
def list_accounts(call: Call, p: Params) -> Result:
    """Every account of the organization, management included, paged."""
    tree = call.world.orgs
    accts, token = tree.list_accounts(call.account, *_paging(p))
    return _page("Accounts", [_account(tree, a) for a in accts], token)


@operation("organizations", "ListAccountsForParent")
def list_accounts_for_parent(call: Call, p: Params) -> Result:
    """The accounts directly under a root or OU, paged."""
    tree = call.world.orgs
    accts, token = tree.list_accounts_for_parent(call.account, p["ParentId"], *_paging(p))
    return _page("Accounts", [_account(tree, a) for a in accts], token)


@operation("organizations", "MoveAccount")
def move_account(call: Call, p: Params) -> None:
    """Between the root and OUs of one organization; the source parent must be the real one. Access
    decisions follow at once.
    """
    call.world.orgs.move_account(
        call.account, p["AccountId"], p["SourceParentId"], p["DestinationParentId"]
    )


@operation("organizations", "RemoveAccountFromOrganization")
def remove_account_from_organization(call: Call, p: Params) -> None:
    """The account becomes standalone at once; the management account cannot be removed."""
    call.world.orgs.remove_account(call.account, p["AccountId"])


@operation("organizations", "LeaveOrganization")
def leave_organization(call: Call, p: Params) -> None:
    """A member account becomes standalone at once; the management account cannot leave."""
    call.world.orgs.leave_organization(call.account)
