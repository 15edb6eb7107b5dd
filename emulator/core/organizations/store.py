"""The state behind ``OrgTree``: records, snapshot form, lookups and who-may-call checks.

Listings follow creation order (of OUs and of account records). Account records outlive
their membership, so an email once used stays taken.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self, TypeVar

from emulator.core.errors import Conflict, NotAuthorized, NotFound
from emulator.core.ids import IdSource
from emulator.core.organizations.membership import Membership
from emulator.core.organizations.policies.attachments import Attachments
from emulator.core.organizations.policies.records import (
    FULL_AWS_ACCESS,
    FULL_AWS_ACCESS_ID,
    SCP,
    AttachedPolicy,
    Policy,
)
from emulator.core.organizations.records import (
    Account,
    CreateAccountRequest,
    Organization,
    OrgUnit,
    check_pattern,
)

Page = tuple[list[Any], str | None]
R = TypeVar("R", Account, OrgUnit, CreateAccountRequest)


class OrgStore:
    """Organizations, OUs, account records and CreateAccount requests, with their lookups."""

    def __init__(self, *, ids: IdSource, clock: Callable[[], datetime]) -> None:
        self._ids = ids
        self._clock = clock
        self._orgs: dict[str, Organization] = {}
        self._roots: dict[str, str] = {}  # root id -> org id
        self._ous: dict[str, OrgUnit] = {}
        self._accounts: dict[str, Account] = {}
        self._requests: dict[str, CreateAccountRequest] = {}
        self._lookups: _Lookups | None = None
        # Customer managed policies by id; FullAWSAccess is not stored (one for all orgs).
        self._policies: dict[str, Policy] = {}
        self._attachments = Attachments()
        # (org id, policy id) -> the policy as decisions read it; dropped on update/delete.
        self._views: dict[tuple[str, str], AttachedPolicy] = {}

    # ----------------------------------------------------------------- snapshot

    def to_dict(self) -> dict[str, Any]:
        return {
            "organizations": [o.to_dict() for o in self._orgs.values()],
            "ous": [u.to_dict() for u in self._ous.values()],
            "accounts": [a.to_dict() for a in self._accounts.values()],
            "create_account_requests": [r.to_dict() for r in self._requests.values()],
            "policies": [p.to_dict() for p in self._policies.values()],
            "attachments": [
                {"org_id": o, "policy_id": p, "target_id": t}
                for o, p, t in self._attachments.pairs()
            ],
        }

    @classmethod
    def from_dict(
        cls, data: dict[str, Any], *, ids: IdSource, clock: Callable[[], datetime]
    ) -> Self:
        tree = cls(ids=ids, clock=clock)
        for d in data.get("organizations", []):
            org = Organization.from_dict(d)
            tree._orgs[org.id] = org
            tree._roots[org.root_id] = org.id
        for d in data.get("ous", []):
            ou = OrgUnit.from_dict(d)
            tree._ous[ou.id] = ou
        for d in data.get("accounts", []):
            acct = Account.from_dict(d)
            tree._accounts[acct.id] = acct
        for d in data.get("create_account_requests", []):
            req = CreateAccountRequest.from_dict(d)
            tree._requests[req.id] = req
        for d in data.get("policies", []):
            policy = Policy.from_dict(d)
            tree._policies[policy.id] = policy
        for d in data.get("attachments", []):
            tree._attachments.attach(d["org_id"], d["target_id"], d["policy_id"])
        return tree

    # ------------------------------------------------------------ lookups

    def membership(self, account_id: str) -> Membership | None:
        """Where ``account_id`` sits now, or None when it is in no organization. O(depth)."""
        acct = self._accounts.get(account_id)
        if acct is None or acct.org_id is None or acct.parent_id is None:
            return None
        org = self._orgs[acct.org_id]
        return Membership(
            org.id, org.root_id, self._ou_chain(acct.parent_id), org.management_account
        )

    def organization(self, org_id: str) -> Organization:
        return self._orgs[org_id]

    def account(self, account_id: str) -> Account:
        """The record of an account the tree has seen (KeyError otherwise)."""
        return self._accounts[account_id]

    def organizations(self) -> list[Organization]:
        return list(self._orgs.values())

    def member_accounts(self) -> list[Account]:
        """Every account that is in an organization now, in one pass over the records."""
        return [a for a in self._accounts.values() if a.org_id is not None]

    def child_ous(self, parent_id: str) -> list[OrgUnit]:
        """OUs directly under a root or OU, in creation order."""
        return self._child_ous(parent_id)

    def child_accounts(self, parent_id: str) -> list[Account]:
        """Member accounts directly under a root or OU, in joining order."""
        return self._child_accounts(parent_id)

    def path(self, entity_id: str) -> str:
        """Entity path of an OU or member account: ``o-…/r-…/ou-…/[account/]``."""
        if entity_id in self._ous:
            ou = self._ous[entity_id]
            org, chain = self._orgs[ou.org_id], (*self._ou_chain(ou.parent_id), ou.id)
        else:
            acct = self._accounts[entity_id]
            assert acct.org_id is not None and acct.parent_id is not None
            org = self._orgs[acct.org_id]
            chain = (*self._ou_chain(acct.parent_id), acct.id)
        return "/".join((org.id, org.root_id, *chain)) + "/"

    def _ou_chain(self, parent_id: str) -> tuple[str, ...]:
        """OU ids from the top down to ``parent_id`` (empty when it is the root)."""
        chain: list[str] = []
        node = parent_id
        while node in self._ous:
            chain.append(node)
            node = self._ous[node].parent_id
        chain.reverse()
        return tuple(chain)

    # ------------------------------------------------------------ who may call

    def _org_of(self, caller: str) -> Organization:
        acct = self._accounts.get(caller)
        if acct is None or acct.org_id is None:
            raise NotAuthorized("not_in_organization", account=caller)
        return self._orgs[acct.org_id]

    def _managed_by(self, caller: str) -> Organization:
        """The caller's organization, when the caller is its management account."""
        org = self._org_of(caller)
        if org.management_account != caller:
            raise NotAuthorized("access_denied", account=caller)
        return org

    @staticmethod
    def _in_org(org: Organization, table: dict[str, R], record_id: str, reason: str) -> R:
        """The record ``record_id`` names in ``org``; one of another organization is not found."""
        record = table.get(record_id)
        if record is None or record.org_id != org.id:
            raise NotFound(reason, id=record_id)
        return record

    def _parent_in(self, org: Organization, parent_id: str, reason: str) -> str:
        if parent_id != org.root_id:
            self._in_org(org, self._ous, parent_id, reason)
        return parent_id

    def _ou_in(self, org: Organization, ou_id: str) -> OrgUnit:
        return self._in_org(org, self._ous, ou_id, "ou_not_found")

    def _member_of(self, org: Organization, account_id: str) -> Account:
        return self._in_org(org, self._accounts, account_id, "account_not_found")

    def _members(self, org: Organization) -> Iterable[Account]:
        return (a for a in self._accounts.values() if a.org_id == org.id)

    def _child_ous(self, parent_id: str) -> list[OrgUnit]:
        return list(self._indexed().ous.get(parent_id, ()))

    def _child_accounts(self, parent_id: str) -> list[Account]:
        return list(self._indexed().accounts.get(parent_id, ()))

    def _indexed(self) -> _Lookups:
        """Children by parent and accounts by email, built in one pass after a change, so a
        walk down the tree costs O(nodes), not O(nodes x accounts)."""
        if self._lookups is None:
            self._lookups = _Lookups.of(self._ous.values(), self._accounts.values())
        return self._lookups

    def _changed(self) -> None:
        """Called by everything that adds, moves or removes an OU or account, or sets an
        email."""
        self._lookups = None

    # ------------------------------------------------------------ helpers

    def _new_account(self, account_id: str, name: str, email: str | None) -> Account:
        acct = Account(account_id, name, email or f"account-{account_id}@example.com")
        self._accounts[account_id] = acct
        self._changed()
        return acct

    def _join(self, acct: Account, org: Organization, parent_id: str, method: str) -> None:
        acct.org_id, acct.parent_id = org.id, parent_id
        acct.joined_method, acct.joined = method, self._clock()
        self._new_target(org, acct.id)
        self._changed()

    def _leave(self, acct: Account) -> None:
        if acct.org_id is not None:
            self._attachments.drop_target(acct.org_id, acct.id)
        acct.org_id = acct.parent_id = acct.joined_method = None
        acct.joined = None
        self._changed()

    def _new_target(self, org: Organization, target_id: str) -> None:
        """A new OU or account of an org with SCPs enabled gets FullAWSAccess, as in AWS."""
        if SCP in org.policy_types:
            self._attachments.attach(org.id, target_id, FULL_AWS_ACCESS_ID)

    def _policy(self, policy_id: str) -> Policy | None:
        if policy_id == FULL_AWS_ACCESS_ID:
            return FULL_AWS_ACCESS
        return self._policies.get(policy_id)

    def _view(self, org: Organization, policy_id: str) -> AttachedPolicy:
        """The decision's view of an attached policy, made once per (org, policy)."""
        view = self._views.get((org.id, policy_id))
        if view is None:
            policy = self._policy(policy_id)
            assert policy is not None
            arn = policy.arn(org.partition, org.management_account)
            view = AttachedPolicy(policy.id, policy.name, arn, policy.content, policy.document)
            self._views[(org.id, policy_id)] = view
        return view

    def _email_owner(self, email: str) -> str | None:
        return self._indexed().emails.get(email.casefold())

    @staticmethod
    def _check_unused(
        name: str, value: str, pattern: re.Pattern[str], taken: dict[str, Any]
    ) -> None:
        check_pattern(name, value, pattern)
        if value in taken:
            raise Conflict("id_in_use", id=value)

    @staticmethod
    def _fresh(make: Callable[[], str], taken: dict[str, Any]) -> str:
        while (candidate := make()) in taken:
            pass
        return candidate


@dataclass
class _Lookups:
    ous: dict[str, list[OrgUnit]]  # parent id -> child OUs, in creation order
    accounts: dict[str, list[Account]]  # parent id -> member accounts, in record order
    emails: dict[str, str]  # casefolded email -> the first account record holding it

    @classmethod
    def of(cls, ous: Iterable[OrgUnit], accounts: Iterable[Account]) -> _Lookups:
        found = cls({}, {}, {})
        for ou in ous:
            found.ous.setdefault(ou.parent_id, []).append(ou)
        for acct in accounts:
            if acct.parent_id is not None:
                found.accounts.setdefault(acct.parent_id, []).append(acct)
            found.emails.setdefault(acct.email.casefold(), acct.id)
        return found
