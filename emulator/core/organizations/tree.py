"""AWS Organizations: organizations, their roots, nested OUs and member accounts.

Several organizations live side by side, each made by a different standalone account. An
account id the tree has never seen is a standalone account. Every operation takes the calling
account first and applies the rule of who may call it (the management account for most;
delegated administrators do not exist here, so "management or delegated" means management).
"""

from __future__ import annotations

from emulator.core.errors import Conflict, LimitExceeded, NotFound
from emulator.core.organizations.accounts import AccountOperations
from emulator.core.organizations.paging import paginate
from emulator.core.organizations.policies.operations import PolicyOperations
from emulator.core.organizations.records import (
    ACCOUNT_ID,
    CHILD_ID,
    CHILD_TYPES,
    FEATURE_SETS,
    ORG_ID,
    OU_ID,
    PARENT_ID,
    ROOT_ID,
    Organization,
    OrgUnit,
    check_enum,
    check_length,
    check_pattern,
)
from emulator.core.organizations.store import Page

MAX_OU_DEPTH = 5  # levels of OUs under a root
MAX_OUS_PER_ORG = 1000


class OrgTree(AccountOperations, PolicyOperations):
    """Every organization, OU and account, with the Organizations operations.

    ``create_organization``, ``create_ou`` and ``add_account`` also take ids (and names,
    emails) chosen by the caller, so scenario files and demo worlds can be built directly.
    Handlers call these methods directly (one hop): each holds its operation's rules over
    the records ``OrgStore`` keeps, and forwards to nothing.
    """

    # ------------------------------------------------------------ organizations

    def create_organization(
        self,
        caller: str,
        feature_set: str = "ALL",
        *,
        partition: str = "aws",
        org_id: str | None = None,
        root_id: str | None = None,
        name: str | None = None,
        email: str | None = None,
    ) -> Organization:
        """CreateOrganization; the caller becomes the management account.

        ``partition``: the partition of the Region the request was signed for; every ARN of
        the organization names it. ``org_id``, ``root_id``, ``name`` and ``email`` let a
        scenario or demo world fix what AWS would invent.
        """
        check_pattern("AccountId", caller, ACCOUNT_ID)
        check_enum("FeatureSet", feature_set, FEATURE_SETS)
        if org_id is not None:
            self._check_unused("OrganizationId", org_id, ORG_ID, self._orgs)
        if root_id is not None:
            self._check_unused("RootId", root_id, ROOT_ID, self._roots)
        known = self._accounts.get(caller)
        if known is not None and known.org_id is not None:
            raise Conflict("already_in_organization", account=caller)
        if email is not None and self._email_owner(email) not in (None, caller):
            raise Conflict("email_in_use", email=email)
        org = Organization(
            id=org_id or self._fresh(self._ids.organization_id, self._orgs),
            root_id=root_id or self._fresh(self._ids.root_id, self._roots),
            management_account=caller,
            feature_set=feature_set,
            partition=partition,
        )
        self._orgs[org.id] = org
        self._roots[org.root_id] = org.id
        if known is None:
            acct = self._new_account(caller, name or "Management account", email)
        else:
            acct = known
            acct.name, acct.email = name or acct.name, email or acct.email
        self._join(acct, org, org.root_id, "CREATED")
        return org

    def describe_organization(self, caller: str) -> Organization:
        return self._org_of(caller)

    def delete_organization(self, caller: str) -> None:
        org = self._managed_by(caller)
        if any(a.id != caller for a in self._members(org)):
            raise Conflict("organization_not_empty", id=org.id)
        for ou_id in [u.id for u in self._ous.values() if u.org_id == org.id]:
            self._attachments.drop_target(org.id, ou_id)
            del self._ous[ou_id]
        self._attachments.drop_target(org.id, org.root_id)
        for policy_id in [p.id for p in self._policies.values() if p.org_id == org.id]:
            del self._policies[policy_id]
        self._views = {k: v for k, v in self._views.items() if k[0] != org.id}
        self._changed()
        for req_id in [r.id for r in self._requests.values() if r.org_id == org.id]:
            del self._requests[req_id]
        self._leave(self._accounts[caller])
        del self._roots[org.root_id]
        del self._orgs[org.id]

    def list_roots(self, caller: str, next_token: str | None, max_results: int | None) -> Page:
        """The caller's root, as its Organization (a root's fields derive from it)."""
        org = self._managed_by(caller)
        return paginate([org], "ListRoots", next_token, max_results)

    # ------------------------------------------------------------ OUs

    def create_ou(
        self, caller: str, parent_id: str, name: str, *, ou_id: str | None = None
    ) -> OrgUnit:
        """CreateOrganizationalUnit; ``ou_id`` fixes the id for scenario or demo worlds."""
        check_pattern("ParentId", parent_id, PARENT_ID)
        check_length("Name", name, 1, 128)
        if ou_id is not None:
            self._check_unused("OrganizationalUnitId", ou_id, OU_ID, self._ous)
        org = self._managed_by(caller)
        self._parent_in(org, parent_id, "parent_not_found")
        if len(self._ou_chain(parent_id)) >= MAX_OU_DEPTH:
            raise LimitExceeded("ou_depth_limit_exceeded", parent=parent_id)
        if sum(1 for u in self._ous.values() if u.org_id == org.id) >= MAX_OUS_PER_ORG:
            raise LimitExceeded("ou_number_limit_exceeded", org=org.id)
        self._check_name_free(parent_id, name)
        ou = OrgUnit(
            id=ou_id or self._fresh(lambda: self._ids.ou_id(org.root_id), self._ous),
            org_id=org.id,
            parent_id=parent_id,
            name=name,
        )
        self._ous[ou.id] = ou
        self._new_target(org, ou.id)
        self._changed()
        return ou

    def describe_ou(self, caller: str, ou_id: str) -> OrgUnit:
        check_pattern("OrganizationalUnitId", ou_id, OU_ID)
        return self._ou_in(self._managed_by(caller), ou_id)

    def update_ou(self, caller: str, ou_id: str, name: str | None = None) -> OrgUnit:
        check_pattern("OrganizationalUnitId", ou_id, OU_ID)
        if name is not None:
            check_length("Name", name, 1, 128)
        ou = self._ou_in(self._managed_by(caller), ou_id)
        if name is not None and name != ou.name:
            self._check_name_free(ou.parent_id, name)
            ou.name = name
        return ou

    def delete_ou(self, caller: str, ou_id: str) -> None:
        check_pattern("OrganizationalUnitId", ou_id, OU_ID)
        ou = self._ou_in(self._managed_by(caller), ou_id)
        if self._child_ous(ou.id) or self._child_accounts(ou.id):
            raise Conflict("ou_not_empty", id=ou_id)
        self._attachments.drop_target(ou.org_id, ou_id)
        del self._ous[ou_id]
        self._changed()

    def list_ous_for_parent(
        self, caller: str, parent_id: str, next_token: str | None, max_results: int | None
    ) -> Page:
        check_pattern("ParentId", parent_id, PARENT_ID)
        self._parent_in(self._managed_by(caller), parent_id, "parent_not_found")
        scope = f"ListOrganizationalUnitsForParent/{parent_id}"
        return paginate(self._child_ous(parent_id), scope, next_token, max_results)

    def list_children(
        self,
        caller: str,
        parent_id: str,
        child_type: str,
        next_token: str | None,
        max_results: int | None,
    ) -> Page:
        """Ids of the parent's children of ``child_type``."""
        check_pattern("ParentId", parent_id, PARENT_ID)
        check_enum("ChildType", child_type, CHILD_TYPES)
        self._parent_in(self._managed_by(caller), parent_id, "parent_not_found")
        if child_type == "ACCOUNT":
            ids = [a.id for a in self._child_accounts(parent_id)]
        else:
            ids = [u.id for u in self._child_ous(parent_id)]
        return paginate(ids, f"ListChildren/{parent_id}/{child_type}", next_token, max_results)

    def list_parents(
        self, caller: str, child_id: str, next_token: str | None, max_results: int | None
    ) -> Page:
        """``[(parent_id, "ROOT" | "ORGANIZATIONAL_UNIT")]``: always exactly one parent."""
        check_pattern("ChildId", child_id, CHILD_ID)
        org = self._managed_by(caller)
        node = self._ous.get(child_id) or self._accounts.get(child_id)
        if node is None or node.org_id != org.id or node.parent_id is None:
            raise NotFound("child_not_found", id=child_id)
        kind = "ROOT" if node.parent_id == org.root_id else "ORGANIZATIONAL_UNIT"
        return paginate(
            [(node.parent_id, kind)], f"ListParents/{child_id}", next_token, max_results
        )

    def _check_name_free(self, parent_id: str, name: str) -> None:
        if any(u.name == name for u in self._child_ous(parent_id)):
            raise Conflict("duplicate_ou", name=name, parent=parent_id)
