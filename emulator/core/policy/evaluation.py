"""The policy evaluator: does a policy let a principal act?

Pure: takes a parsed policy, the principal (its account and the ARNs it answers to), the
action, the resource ARN and the request context (built by the caller: KMS from the
principal's membership), and answers with the decision and the statement that made it. An
explicit Deny wins over any Allow; with no matching Allow the answer is an implicit deny.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from emulator.core.policy.conditions import Context, holds, like, normalize_context
from emulator.core.policy.grammar import Policy, Statement, parse_policy


@dataclass(frozen=True)
class PolicyDecision:
    allowed: bool
    effect: str  # "Allow" | "Deny" | "ImplicitDeny"
    statement: str | None  # the deciding statement's Sid, else "Statement[i]"; None if none
    reason: str
    index: int | None = None  # the deciding statement's position in the policy


def root_arn(account: str) -> str:
    return f"arn:aws:iam::{account}:root"


def evaluate(
    policy: Policy | str,
    *,
    principal_account: str,
    action: str,
    resource: str,
    context: Context,
    principal_arns: tuple[str, ...] = (),
) -> PolicyDecision:
    """Decide whether a principal of ``principal_account`` may do ``action`` on
    ``resource``: the account's root, or (``principal_arns``) the user, role or session
    with those ARNs (a session answers to its own ARN and its role's)."""
    parsed = parse_policy(policy) if isinstance(policy, str) else policy
    keys = normalize_context(context)
    allow: Statement | None = None
    for statement in parsed.statements:
        if not applies(statement, principal_account, action, resource, keys, principal_arns):
            continue
        if statement.effect == "Deny":
            return PolicyDecision(
                False,
                "Deny",
                statement.label,
                f"{action} on {resource} is explicitly denied by statement {statement.label}",
                statement.index,
            )
        allow = allow or statement
    if allow is not None:
        reason = f"{action} on {resource} is allowed by statement {allow.label}"
        return PolicyDecision(True, "Allow", allow.label, reason, allow.index)
    return PolicyDecision(
        False,
        "ImplicitDeny",
        None,
        f"no statement allows {root_arn(principal_account)} to perform {action} on {resource}",
    )


def applies(
    statement: Statement,
    account: str,
    action: str,
    resource: str,
    context: dict[str, tuple[str, ...]],
    principal_arns: tuple[str, ...] = (),
) -> bool:
    """Whether every element of ``statement`` matches the request (context normalized)."""

    def principal(_: str, entry: str) -> bool:
        return principal_matches(account, entry) or entry in principal_arns

    return (
        _matches(statement.principals, statement.not_principals, account, principal)
        and _matches(statement.actions, statement.not_actions, action, action_matches)
        and _matches(statement.resources, statement.not_resources, resource, like)
        and all(holds(c, context) for c in statement.conditions)
    )


def _matches(
    positive: tuple[str, ...] | None,
    negative: tuple[str, ...] | None,
    value: str,
    test: Callable[[str, str], bool],
) -> bool:
    if positive is not None:
        return any(test(value, pattern) for pattern in positive)
    return not any(test(value, pattern) for pattern in negative or ())


def action_matches(action: str, pattern: str) -> bool:
    """IAM action names compare case-insensitively, with ``*`` and ``?`` wildcards."""
    return like(action.lower(), pattern.lower())


def principal_matches(account: str, entry: str) -> bool:
    """An account's root principal matches ``*``, its id, or its root ARN in any partition."""
    if entry in ("*", account):
        return True
    prefix, _, rest = entry.partition(":iam::")
    return prefix.startswith("arn:aws") and rest == f"{account}:root"
