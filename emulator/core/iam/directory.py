"""IAM as one object: its records, the Organizations role, identity and trust decisions.

Users, roles and policies; the role Organizations makes in the accounts it creates; and
the identity-policy and trust-policy decisions over them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from emulator.core.errors import InvalidValue
from emulator.core.iam.documents import parsed
from emulator.core.iam.identities import IdentityOperations
from emulator.core.iam.managed import ManagedPolicyOperations, aws_policy_arn
from emulator.core.iam.principals import SESSION, USER, Principal
from emulator.core.iam.records import ManagedPolicy, Role, User
from emulator.core.iam.store import page
from emulator.core.iam.tagging import TaggingOperations
from emulator.core.ids import IdSource
from emulator.core.policy.conditions import Context
from emulator.core.policy.evaluation import evaluate
from emulator.core.policy.grammar import IDENTITY, TRUST

# The role AWS Organizations creates in every account it creates, trusted by the management
# account, with AdministratorAccess attached (Organizations User Guide, "Accessing member
# accounts").
ORG_ACCESS_ROLE = "OrganizationAccountAccessRole"
# GetAccountAuthorizationDetails' Filter values; there are no groups, so "Group" finds none.
DETAIL_FILTERS = ("User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy")


def org_access_trust(management: str, partition: str = "aws") -> str:
    """The trust policy of the role CreateAccount makes: the management account's root."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:{partition}:iam::{management}:root"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )


def is_generated_org_role(role: Role, management: str) -> bool:
    """Whether ``role`` is exactly the role CreateAccount made (a scenario makes it again)."""
    return (
        role.name == ORG_ACCESS_ROLE
        and role.path == "/"
        and role.trust_policy == org_access_trust(management, role.partition)
        and role.attached == [aws_policy_arn("AdministratorAccess", role.partition)]
        and not role.inline
        and role.description is None
        and role.max_session == 3600
    )


@dataclass(frozen=True)
class IdentityDecision:
    allowed: bool
    effect: str  # "Allow" | "Deny" | "ImplicitDeny"
    policy: str | None  # the deciding policy: an inline policy's name or a managed one's ARN
    statement: str | None  # its Sid, else Statement[i]
    index: int | None = None  # the statement's position in its policy


class Iam(IdentityOperations, ManagedPolicyOperations, TaggingOperations):
    """Every account's IAM: the IAM handlers call its operations directly (one hop)."""

    @classmethod
    def from_dict(
        cls, data: dict[str, Any], *, ids: IdSource, clock: Callable[[], datetime]
    ) -> Iam:
        iam = cls(ids=ids, clock=clock)
        iam._load(data)
        return iam

    def create_org_access_role(
        self, account: str, management: str, name: str | None, *, partition: str = "aws"
    ) -> Role:
        """The role CreateAccount makes in the new account: trusted by the management
        account's root (so its users and roles may assume it when their own policies let
        them), with AdministratorAccess."""
        trust = org_access_trust(management, partition)
        role = self.create_role(account, name or ORG_ACCESS_ROLE, trust, partition=partition)
        self.attach_policy(
            account, "role", role.name, aws_policy_arn("AdministratorAccess", partition)
        )
        return role

    def authorization_details(
        self,
        account: str,
        filters: list[str] | None,
        marker: str | None,
        max_items: int | None,
        partition: str = "aws",
    ) -> tuple[list[User], list[Role], list[ManagedPolicy], str | None]:
        """GetAccountAuthorizationDetails: the account's users, roles and managed policies
        (its own, and AWS's that are attached in it), each kind by name, paged as one list."""
        for value in filters or ():
            if value not in DETAIL_FILTERS:
                raise InvalidValue(
                    "bad_enum", member="filter", value=value, values=", ".join(DETAIL_FILTERS)
                )
        wanted = set(filters or DETAIL_FILTERS)
        entries: list[tuple[str, Any]] = []
        if "User" in wanted:
            entries += [(f"1{u.name.casefold()}", u) for u in self.users_of(account)]
        if "Role" in wanted:
            entries += [(f"2{r.name.casefold()}", r) for r in self.roles_of(account)]
        kinds = {"LocalManagedPolicy": "Local", "AWSManagedPolicy": "AWS"}
        for name, scope in kinds.items():
            if name in wanted:
                policies = self.list_policies(
                    account, scope, scope == "AWS", None, None, None, 1000, partition
                )[0]
                entries += [(f"3{p.name.casefold()}\0{p.arn}", p) for p in policies]
        chosen, next_marker = page(entries, lambda e: e[0], marker, max_items)
        items = [item for _, item in chosen]
        return (
            [i for i in items if isinstance(i, User)],
            [i for i in items if isinstance(i, Role)],
            [i for i in items if isinstance(i, ManagedPolicy)],
            next_marker,
        )

    # ------------------------------------------------------------ decisions

    def _documents(self, principal: Principal) -> list[tuple[str, str]]:
        """(policy label, document) of every identity policy of a user or a session's role."""
        if principal.kind == USER:
            entity = self.find_user(principal.account, principal.name)
        elif principal.kind == SESSION:
            entity = self.find_role(principal.account, principal.name)
        else:
            return []
        if entity is None:
            return []
        out = list(entity.inline.items())
        for arn in entity.attached:
            policy = self.managed(arn)
            if policy is not None:
                out.append((arn, policy.document))
        return out

    def principal_tags(self, principal: Principal) -> dict[str, str]:
        """``aws:PrincipalTag/*``: a user's tags, a session's role's; the root user has none."""
        if principal.kind == USER:
            entity = self.find_user(principal.account, principal.name)
        elif principal.kind == SESSION:
            entity = self.find_role(principal.account, principal.name)
        else:
            return {}
        return dict(entity.tags) if entity is not None else {}

    def identity_decision(
        self, principal: Principal, action: str, resource: str, context: Context
    ) -> IdentityDecision:
        """What the principal's identity policies say: an explicit Deny in any wins, else
        an Allow in any, else an implicit deny. The root user has none and is not asked."""
        allow: IdentityDecision | None = None
        for label, document in self._documents(principal):
            decision = evaluate(
                parsed(document, IDENTITY),
                principal_account=principal.account,
                action=action,
                resource=resource,
                context=context,
            )
            if decision.effect == "Deny":
                return IdentityDecision(False, "Deny", label, decision.statement, decision.index)
            if decision.allowed and allow is None:
                allow = IdentityDecision(True, "Allow", label, decision.statement, decision.index)
        return allow or IdentityDecision(False, "ImplicitDeny", None, None)

    def may_assume(self, caller: Principal, role: Role, context: Context) -> bool:
        """AssumeRole's decision (IAM User Guide, "Policy evaluation logic", cross-account):
        the role's trust policy must allow the caller and nothing may deny; a user or role
        caller also needs its own identity policy's Allow, unless the trust policy names it
        by ARN in the role's own account."""
        trust = evaluate(
            parsed(role.trust_policy, TRUST),
            principal_account=caller.account,
            action="sts:AssumeRole",
            resource=role.arn,
            context=context,
            principal_arns=caller.arns,
        )
        if not trust.allowed:
            return False
        if caller.is_root:
            return True
        identity = self.identity_decision(caller, "sts:AssumeRole", role.arn, context)
        if identity.effect == "Deny":
            return False
        if identity.allowed:
            return True
        if caller.account != role.account:
            return False
        named = evaluate(
            parsed(role.trust_policy, TRUST),
            principal_account="",  # no account-wide entry may match: only the caller's ARNs
            action="sts:AssumeRole",
            resource=role.arn,
            context=context,
            principal_arns=caller.arns,
        )
        return named.allowed
