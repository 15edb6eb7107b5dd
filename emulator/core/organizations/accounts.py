"""Organizations operations on accounts: create, describe, list, move, remove, leave."""

from __future__ import annotations

from emulator.core.errors import Conflict, InvalidValue, NotFound
from emulator.core.organizations.paging import paginate
from emulator.core.organizations.records import (
    ACCOUNT_ID,
    ACCOUNT_NAME,
    BILLING_ACCESS,
    CREATE_ACCOUNT_REQUEST_ID,
    CREATE_ACCOUNT_STATES,
    EMAIL,
    PARENT_ID,
    ROLE_NAME,
    Account,
    CreateAccountRequest,
    check_enum,
    check_length,
    check_pattern,
)
from emulator.core.organizations.store import OrgStore, Page


class AccountOperations(OrgStore):
    """The account half of the Organizations API (the caller comes first everywhere)."""

    # ------------------------------------------------------------ accounts

    def create_account(
        self,
        caller: str,
        email: str,
        account_name: str,
        role_name: str | None = None,
        iam_user_access_to_billing: str | None = None,
    ) -> CreateAccountRequest:
        """CreateAccount, finished at once: SUCCEEDED, or FAILED when the email is taken."""
        check_length("Email", email, 6, 64)
        check_pattern("Email", email, EMAIL)
        check_length("AccountName", account_name, 1, 50)
        check_pattern("AccountName", account_name, ACCOUNT_NAME)
        if role_name is not None:
            check_pattern("RoleName", role_name, ROLE_NAME)
        if iam_user_access_to_billing is not None:
            check_enum("IamUserAccessToBilling", iam_user_access_to_billing, BILLING_ACCESS)
        org = self._managed_by(caller)
        now = self._clock()
        req = CreateAccountRequest(
            id=self._fresh(self._ids.create_account_request_id, self._requests),
            org_id=org.id,
            account_name=account_name,
            state="SUCCEEDED",
            requested=now,
            completed=now,
        )
        if self._email_owner(email) is not None:
            req.state, req.failure_reason = "FAILED", "EMAIL_ALREADY_EXISTS"
        else:
            acct = self._new_account(
                self._fresh(self._ids.account_id, self._accounts), account_name, email
            )
            self._join(acct, org, org.root_id, "CREATED")
            req.account_id = acct.id
        self._requests[req.id] = req
        return req

    def describe_create_account_status(self, caller: str, request_id: str) -> CreateAccountRequest:
        check_pattern("CreateAccountRequestId", request_id, CREATE_ACCOUNT_REQUEST_ID)
        org = self._managed_by(caller)
        return self._in_org(org, self._requests, request_id, "create_account_status_not_found")

    def list_create_account_status(
        self,
        caller: str,
        states: list[str] | None,
        next_token: str | None,
        max_results: int | None,
    ) -> Page:
        for state in states or ():
            check_enum("States", state, CREATE_ACCOUNT_STATES)
        org = self._managed_by(caller)
        wanted = set(states or CREATE_ACCOUNT_STATES)
        reqs = [r for r in self._requests.values() if r.org_id == org.id and r.state in wanted]
        scope = "ListCreateAccountStatus/" + ",".join(sorted(wanted))
        return paginate(reqs, scope, next_token, max_results)

    def describe_account(self, caller: str, account_id: str) -> Account:
        check_pattern("AccountId", account_id, ACCOUNT_ID)
        return self._member_of(self._managed_by(caller), account_id)

    def list_accounts(self, caller: str, next_token: str | None, max_results: int | None) -> Page:
        org = self._managed_by(caller)
        return paginate(list(self._members(org)), "ListAccounts", next_token, max_results)

    def list_accounts_for_parent(
        self, caller: str, parent_id: str, next_token: str | None, max_results: int | None
    ) -> Page:
        check_pattern("ParentId", parent_id, PARENT_ID)
        self._parent_in(self._managed_by(caller), parent_id, "parent_not_found")
        scope = f"ListAccountsForParent/{parent_id}"
        return paginate(self._child_accounts(parent_id), scope, next_token, max_results)

    def move_account(
        self, caller: str, account_id: str, source_parent_id: str, destination_parent_id: str
    ) -> None:
        check_pattern("AccountId", account_id, ACCOUNT_ID)
        check_pattern("SourceParentId", source_parent_id, PARENT_ID)
        check_pattern("DestinationParentId", destination_parent_id, PARENT_ID)
        org = self._managed_by(caller)
        acct = self._member_of(org, account_id)
        self._parent_in(org, source_parent_id, "source_parent_not_found")
        if acct.parent_id != source_parent_id:
            raise NotFound("source_parent_not_found", id=source_parent_id)
        self._parent_in(org, destination_parent_id, "destination_parent_not_found")
        if destination_parent_id == acct.parent_id:
            raise Conflict("duplicate_account", id=account_id, parent=destination_parent_id)
        acct.parent_id = destination_parent_id
        self._changed()

    def remove_account(self, caller: str, account_id: str) -> None:
        """RemoveAccountFromOrganization: the account becomes standalone."""
        check_pattern("AccountId", account_id, ACCOUNT_ID)
        org = self._managed_by(caller)
        acct = self._member_of(org, account_id)
        if account_id == org.management_account:
            raise InvalidValue("management_cannot_be_removed", id=account_id)
        self._leave(acct)

    def leave_organization(self, caller: str) -> None:
        org = self._org_of(caller)
        if caller == org.management_account:
            raise InvalidValue("management_cannot_leave", id=caller)
        self._leave(self._accounts[caller])

    def add_account(
        self,
        org_id: str,
        account_id: str,
        parent_id: str,
        name: str | None = None,
        email: str | None = None,
        joined_method: str = "INVITED",
    ) -> Account:
        """Put an existing account straight into an organization, under ``parent_id``.

        For scenario files and demo worlds: no caller, no handshake. Name and email are
        invented when not given (or kept from an earlier membership).
        """
        check_pattern("AccountId", account_id, ACCOUNT_ID)
        check_pattern("ParentId", parent_id, PARENT_ID)
        org = self._orgs.get(org_id)
        if org is None:
            raise NotFound("organization_not_found", id=org_id)
        self._parent_in(org, parent_id, "parent_not_found")
        acct = self._accounts.get(account_id)
        if acct is not None and acct.org_id is not None:
            raise Conflict("already_in_organization", account=account_id)
        if email is not None and self._email_owner(email) not in (None, account_id):
            raise Conflict("email_in_use", email=email)
        if acct is None:
            acct = self._new_account(account_id, name or f"Account {account_id}", email)
        else:
            acct.name, acct.email = name or acct.name, email or acct.email
        self._join(acct, org, parent_id, joined_method)
        return acct
