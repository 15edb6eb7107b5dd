"""The identity policy layer: an IAM user's or role session's own policies must allow.

The root user, and a question asked outside a request (explain, the console), are not
subject to identity policies: the layer is silent for them. Explicit deny wins, then an
Allow in any of the principal's policies, else the implicit deny (IAM User Guide, "Policy
evaluation logic").
"""

from __future__ import annotations

from typing import Any

from emulator.core.access.asked import context, pairs
from emulator.core.access.facts import Facts
from emulator.core.authorization import IDENTITY_LAYER, POLICY_LAYERS, AccessRequest, Step
from emulator.core.kms.keys import key_account

LAYER = IDENTITY_LAYER


def steps(request: AccessRequest, facts: Facts) -> list[Step]:
    """One step per (action, resource) the request asks (``asked.pairs``)."""
    caller = request.caller
    if caller is None or caller.is_root:
        return []
    return [_step(request, facts, action, resource) for action, resource in pairs(request)]


def _step(request: AccessRequest, facts: Facts, action: str, resource: str) -> Step:
    caller = request.caller
    keys = context(request, facts, action, resource)
    decision = facts.iam.identity_decision(caller, action, resource, keys)
    named = _named_by_key_policy(request, facts, action, resource, keys, decision.effect)
    if named is not None:
        return named
    if decision.allowed:
        reason = f"{caller.arn} may {action} on {resource}: {decision.policy} allows it"
    elif decision.effect == "Deny":
        reason = f"{decision.policy} explicitly denies {caller.arn} {action} on {resource}"
    else:
        reason = f"no identity-based policy of {caller.arn} allows {action} on {resource}"
    evidence = {
        "principal": caller.arn,
        "action": action,
        "resource": resource,
        "effect": decision.effect,
        "policy": decision.policy,
        "policy_arn": decision.policy if (decision.policy or "").startswith("arn:") else None,
        "statement": decision.statement,
        "statement_index": decision.index,
        "policy_type": POLICY_LAYERS[LAYER],
        "context": keys,
    }
    return Step(LAYER, decision.allowed, reason, evidence)


def _named_by_key_policy(
    request: AccessRequest,
    facts: Facts,
    action: str,
    resource: str,
    keys: dict[str, Any],
    effect: str,
) -> Step | None:
    """In a KMS key's own account, a key policy naming the caller by ARN (or ``*``, as the
    ``aws/ebs`` key's does) allows without an identity policy; the key policy layer still
    decides the key itself. An identity policy's explicit deny is never waived."""
    caller = request.caller
    if effect != "ImplicitDeny" or not action.startswith("kms:") or ":key/" not in resource:
        return None
    if key_account(resource) != caller.account:
        return None
    allowed = facts.keys.allows_by_name(resource, caller.arns, action, keys)
    if allowed is None:
        return None
    reason = (
        f"{caller.arn} may {action} on {resource}: the key policy names it "
        f"({allowed.statement}), which in the key's own account needs no identity policy"
    )
    evidence = {
        "principal": caller.arn,
        "action": action,
        "resource": resource,
        "effect": "Allow",
        "policy": "key policy",
        "policy_arn": None,
        "statement": allowed.statement,
        "statement_index": allowed.index,
        "policy_type": "key policy",
        "context": keys,
    }
    return Step(LAYER, True, reason, evidence)
