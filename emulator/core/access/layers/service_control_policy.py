"""The service control policy layer: the organization's SCPs bound every member account.

AWS's rule (Organizations User Guide, "SCP evaluation"): at every level from the root down
to the account, at least one attached SCP must allow the action, and an explicit Deny in
any SCP at any level denies. It binds every principal of a member account, its root user
included; the management account is not bound (``facts.scps`` is None for it, outside an
organization, and while the SCP policy type is not enabled).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from emulator.core.access.asked import context, pairs
from emulator.core.access.facts import Facts
from emulator.core.authorization import POLICY_LAYERS, SCP_LAYER, AccessRequest, Step
from emulator.core.errors import Malformed
from emulator.core.policy.evaluation import PolicyDecision, evaluate
from emulator.core.policy.grammar import IDENTITY, Policy, parse_policy

LAYER = SCP_LAYER


@lru_cache(maxsize=4096)  # bounded: the organization's SCP documents, parsed once each
def _parsed(content: str) -> Policy | None:
    try:
        return parse_policy(content, IDENTITY)
    except Malformed:
        return None  # Organizations refuses such a document; one stored earlier allows nothing


def steps(request: AccessRequest, facts: Facts) -> list[Step]:
    """One step per (action, resource) the request asks, when SCPs bind the account."""
    if facts.scps is None:
        return []
    return [_step(request, facts, action, resource) for action, resource in pairs(request)]


def _step(request: AccessRequest, facts: Facts, action: str, resource: str) -> Step:
    caller = request.caller
    principal = caller.arn if caller is not None else f"arn:aws:iam::{request.principal}:root"
    keys = context(request, facts, action, resource)
    evidence: dict[str, Any] = {
        "principal": principal,
        "action": action,
        "resource": resource,
        "policy_type": POLICY_LAYERS[LAYER],
        "context": keys,
    }
    first_allow: dict[str, Any] | None = None
    missing: tuple[int, Any] | None = None
    for index, level in enumerate(facts.scps or ()):
        allowed_here: dict[str, Any] | None = None
        for policy in level.policies:
            parsed = _parsed(policy.content)
            if parsed is None:
                continue
            decision = evaluate(
                parsed,
                principal_account=request.principal,
                action=action,
                resource=resource,
                context=keys,
            )
            if decision.effect == "Deny":
                evidence |= _named(policy, decision, index, level, "Deny")
                reason = (
                    f"SCP {policy.name} ({policy.policy_id}) attached to {level.target_id}"
                    f" explicitly denies {action} on {resource} (statement {decision.statement})"
                )
                return Step(LAYER, False, reason, evidence)
            if decision.allowed and allowed_here is None:
                allowed_here = _named(policy, decision, index, level, "Allow")
        if allowed_here is None and missing is None:
            missing = (index, level)
        first_allow = first_allow or allowed_here
    if missing is not None:
        index, level = missing
        evidence |= {
            "effect": "ImplicitDeny",
            "policy": None,
            "policy_arn": None,
            "statement": None,
            "statement_index": None,
            "target": level.target_id,
            "level": index,
        }
        reason = (
            f"no SCP attached to {level.target_id} allows {action} on {resource}: every level"
            " from the root down to the account must allow it"
        )
        return Step(LAYER, False, reason, evidence)
    evidence |= first_allow or {"effect": "Allow"}
    reason = f"the SCPs at every level from the root down to {request.principal} allow {action}"
    return Step(LAYER, True, reason, evidence)


def _named(policy: Any, decision: PolicyDecision, index: int, level: Any, effect: str) -> dict:
    return {
        "effect": effect,
        "policy": policy.policy_id,
        "policy_name": policy.name,
        "policy_arn": policy.arn,
        "statement": decision.statement,
        "statement_index": decision.index,
        "target": level.target_id,
        "level": index,
    }
