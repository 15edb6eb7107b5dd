"""The key policy layer: KMS decides for encrypted storage and for direct calls on a key.

Each key EC2 would use for the principal must exist, be Enabled, and have a key policy
allowing the principal what EC2 asks of it. A direct call (Encrypt, Decrypt, CreateGrant,
...) is allowed by the key policy or by a grant to the principal, unless a statement denies.
"""

from __future__ import annotations

from emulator.core.access.facts import Facts
from emulator.core.authorization import CREATE_GRANT, AccessRequest, Step
from emulator.core.kms.keys import DIRECT_ACTIONS, KeyUseDecision, key_account

LAYER = "key_policy"


def steps(request: AccessRequest, facts: Facts) -> list[Step]:
    """One step per key, in the request's order. Making new storage (``kms:CreateGrant``)
    checks only other accounts' keys; reading or launching checks every key."""
    return [_step(request, facts, arn) for arn in request.keys]


def _step(request: AccessRequest, facts: Facts, arn: str) -> Step:
    account, region, keys = request.principal, request.region, facts.keys
    # A statement naming the caller's user, role or session by ARN matches it too.
    arns = request.caller.arns if request.caller is not None else ()
    decision: KeyUseDecision
    if request.direct and request.action in DIRECT_ACTIONS:
        decision = keys.can_call(
            arn, account, facts.membership, request.action, request.parameters, arns
        )
    elif request.action == CREATE_GRANT:
        if key_account(arn) == account:
            decision = KeyUseDecision(True, f"{arn} is {account}'s own key", None)
        else:
            decision = keys.can_use_for_storage(arn, account, region, facts.membership, arns)
    else:
        decision = keys.can_use_for_launch(arn, account, region, facts.membership, arns)
    evidence = {
        "key": arn,
        "aws_managed": keys.is_aws_managed(arn),
        "statement": decision.statement,
    }
    if request.direct:
        # A direct call may be allowed by a grant, and is refused in other words when a
        # statement denies it.
        evidence |= {"grant": decision.grant, "explicit_deny": decision.explicit_deny}
    return Step(LAYER, decision.allowed, decision.reason, evidence)
