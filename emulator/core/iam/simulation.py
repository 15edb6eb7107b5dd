"""IAM's policy simulator: the decision on each (action, resource) from the given policies.

SimulatePrincipalPolicy and SimulateCustomPolicy ask this with the documents they gather;
every statement is matched by the policy evaluator (``core.policy.evaluation.applies``),
the one that decides real calls. The order is the evaluation logic's (IAM User Guide,
"Policy evaluation logic"): an explicit deny in any policy wins; the organization's SCPs
(every level must allow) and the permissions boundary must allow; then an identity-based
policy or, in the resource's own account, the resource-based policy must allow; across
accounts both must.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from emulator.core.policy.conditions import Context, normalize_context
from emulator.core.policy.evaluation import applies
from emulator.core.policy.grammar import Policy, Statement, parse_policy
from emulator.core.policy.positions import Span, statement_spans

ALLOWED, EXPLICIT_DENY, IMPLICIT_DENY = "allowed", "explicitDeny", "implicitDeny"
# PolicySourceType values (IAM API reference, "Statement")
USER, ROLE, AWS_MANAGED, USER_MANAGED, RESOURCE, NONE = (
    "user",
    "role",
    "aws-managed",
    "user-managed",
    "resource",
    "none",
)


@dataclass(frozen=True)
class SimPolicy:
    """One input document: its SourcePolicyId and SourcePolicyType, parsed, with the span
    of each statement in its text."""

    id: str
    type: str
    policy: Policy
    spans: tuple[Span, ...]


def sim_policy(policy_id: str, source_type: str, document: str, kind: str) -> SimPolicy:
    """Parse ``document`` as a policy of ``kind``; ``Malformed`` as the grammar words it."""
    parsed = parse_policy(document, kind)
    return SimPolicy(policy_id, source_type, parsed, tuple(statement_spans(document)))


@dataclass(frozen=True)
class Match:
    policy: SimPolicy
    statement: Statement

    @property
    def span(self) -> Span | None:
        spans = self.policy.spans
        index = self.statement.index
        return spans[index] if index < len(spans) else None


@dataclass(frozen=True)
class Verdict:
    """What one set of policies says about one (action, resource)."""

    decision: str  # ALLOWED | EXPLICIT_DENY | IMPLICIT_DENY
    matched: tuple[Match, ...]  # the deny statements when denied, else the allowing ones


@dataclass(frozen=True)
class Caller:
    """Who a resource policy's Principal element is matched against."""

    account: str
    arns: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    """Everything but the (action, resource) pair: the same for every pair of one call."""

    identity: Sequence[SimPolicy]
    context: Context
    boundary: Sequence[SimPolicy] = ()
    resource_policy: SimPolicy | None = None
    caller: Caller | None = None
    resource_owner: str | None = None  # account id; None: the caller's own account
    # The organization's SCPs for the principal's account, one verdict per (action,
    # resource): None when the account is in no organization with SCPs (or it is the
    # management account), so OrganizationsDecisionDetail is left out.
    organizations: Callable[[str, str], Verdict] | None = None


@dataclass(frozen=True)
class Result:
    action: str
    resource: str
    decision: str
    matched: tuple[Match, ...]
    missing: tuple[str, ...]  # condition keys the matching statements read and lack
    allowed_by_organizations: bool | None
    allowed_by_boundary: bool | None
    details: dict[str, str]  # EvalDecisionDetails: per policy type, across accounts only


def verdict(
    policies: Iterable[SimPolicy],
    action: str,
    resource: str,
    context: dict[str, tuple[str, ...]],
    caller: Caller | None = None,
) -> Verdict:
    """Explicit deny wins (its statements are the only ones reported), else every Allow
    that applies, else the implicit deny. ``caller`` matches a resource policy's
    Principal; identity policies have none."""
    denies: list[Match] = []
    allows: list[Match] = []
    account, arns = (caller.account, caller.arns) if caller else ("", ())
    for policy in policies:
        for statement in policy.policy.statements:
            if applies(statement, account, action, resource, context, arns):
                (denies if statement.effect == "Deny" else allows).append(Match(policy, statement))
    if denies:
        return Verdict(EXPLICIT_DENY, tuple(denies))
    if allows:
        return Verdict(ALLOWED, tuple(allows))
    return Verdict(IMPLICIT_DENY, ())


def missing_keys(
    policies: Iterable[SimPolicy],
    action: str,
    resource: str,
    context: dict[str, tuple[str, ...]],
    caller: Caller | None = None,
) -> list[str]:
    """The condition keys that statements matching the action and resource (and principal)
    test and the context does not hold, as the policies spell them."""
    account, arns = (caller.account, caller.arns) if caller else ("", ())
    out: dict[str, str] = {}
    for policy in policies:
        for statement in policy.policy.statements:
            bare = dataclasses.replace(statement, conditions=())
            if not applies(bare, account, action, resource, context, arns):
                continue
            for condition in statement.conditions:
                if condition.key.lower() not in context:
                    out.setdefault(condition.key.lower(), condition.key)
    return sorted(out.values(), key=str.lower)


def simulate(question: Question, action: str, resource: str) -> Result:
    """The simulator's decision on one (action, resource), layer by layer."""
    context = normalize_context(question.context)
    identity = verdict(question.identity, action, resource, context)
    resource_side = (
        verdict([question.resource_policy], action, resource, context, question.caller)
        if question.resource_policy is not None
        else None
    )
    boundary = verdict(question.boundary, action, resource, context) if question.boundary else None
    orgs = question.organizations(action, resource) if question.organizations else None
    missing = missing_keys(question.identity, action, resource, context)
    missing += missing_keys(question.boundary, action, resource, context)
    if question.resource_policy is not None:
        missing += missing_keys(
            [question.resource_policy], action, resource, context, question.caller
        )
    layers = [v for v in (orgs, boundary, identity, resource_side) if v is not None]
    denies = tuple(m for v in layers if v.decision == EXPLICIT_DENY for m in v.matched)
    cross = (
        question.resource_owner is not None
        and question.caller is not None
        and question.resource_owner != question.caller.account
    )
    details: dict[str, str] = {}
    if cross and resource_side is not None:
        details = {"IAM Policy": identity.decision, "Resource Policy": resource_side.decision}
    if denies or any(v.decision == EXPLICIT_DENY for v in layers):
        # An SCP's Deny is reported by OrganizationsDecisionDetail, not as a statement.
        decision, matched = EXPLICIT_DENY, denies
    elif any(v is not None and v.decision != ALLOWED for v in (orgs, boundary)):
        # An SCP level or the boundary allows nothing here: the implicit deny.
        decision, matched = IMPLICIT_DENY, ()
    else:
        decision, matched = _grants(identity, resource_side, cross)
    return Result(
        action,
        resource,
        decision,
        matched,
        tuple(sorted(set(missing), key=str.lower)),
        None if orgs is None else orgs.decision == ALLOWED,
        None if boundary is None else boundary.decision == ALLOWED,
        details,
    )


def _grants(identity: Verdict, resource: Verdict | None, cross: bool) -> tuple[str, tuple]:
    """With no deny: the identity policy allows, or the resource policy in its own account;
    across accounts both must (their allowing statements are reported together)."""
    if resource is None:
        return identity.decision, identity.matched
    if cross:
        if identity.decision == ALLOWED and resource.decision == ALLOWED:
            return ALLOWED, identity.matched + resource.matched
        return IMPLICIT_DENY, ()
    matched = identity.matched + resource.matched
    return (ALLOWED, matched) if matched else (IMPLICIT_DENY, ())
