"""The identity policy layer: an IAM user's or role session's own policies must allow.

The root user, and a question asked outside a request (explain, the console), are not
subject to identity policies: the layer is silent for them. Explicit deny wins, then an
Allow in any of the principal's policies, else the implicit deny (IAM User Guide, "Policy
evaluation logic").
"""

from __future__ import annotations

from emulator.core.access.facts import Facts
from emulator.core.authorization import (
    CREATE_GRANT,
    DECRYPT,
    DESCRIBE_IMAGES,
    IDENTITY_LAYER,
    MODIFY_IMAGE_ATTRIBUTE,
    POLICY_LAYERS,
    RUN_INSTANCES,
    AccessRequest,
    Step,
)

LAYER = IDENTITY_LAYER


def steps(request: AccessRequest, facts: Facts) -> list[Step]:
    """One step per resource the action names: the image (RunInstances,
    ModifyImageAttribute), the call (DescribeImages, whose resource is "*"), each key."""
    caller = request.caller
    if caller is None or caller.is_root:
        return []
    return [_step(request, facts, action, resource) for action, resource in _asked(request)]


def _asked(request: AccessRequest) -> list[tuple[str, str]]:
    image = request.image
    if request.action in (RUN_INSTANCES, MODIFY_IMAGE_ATTRIBUTE) and image is not None:
        asked = [(request.action, image_arn(request, image.image_id))]
    elif request.action == DESCRIBE_IMAGES and image is None:
        # IAM asks once per call: DescribeImages has no resource-level permissions. Which
        # images the caller sees is the launch permission layer's, per image.
        asked = [(DESCRIBE_IMAGES, "*")]
    else:
        asked = []
    if request.action in (DECRYPT, CREATE_GRANT, RUN_INSTANCES):
        key_action = CREATE_GRANT if request.action == CREATE_GRANT else DECRYPT
        asked += [(key_action, arn) for arn in request.keys]
    return asked


def image_arn(request: AccessRequest, image_id: str) -> str:
    partition = request.caller.arn.split(":", 2)[1]
    return f"arn:{partition}:ec2:{request.region}::image/{image_id}"


def _step(request: AccessRequest, facts: Facts, action: str, resource: str) -> Step:
    caller = request.caller
    context = {
        "aws:PrincipalAccount": caller.account,
        "aws:PrincipalArn": caller.role_arn or caller.arn,
        "aws:RequestedRegion": request.region,
        "ec2:Region": request.region,
    }
    if action.startswith("kms:"):
        context["kms:CallerAccount"] = caller.account
        context["kms:ViaService"] = f"ec2.{request.region}.amazonaws.com"
    if facts.membership is not None:
        context["aws:PrincipalOrgID"] = facts.membership.org_id
        context["aws:PrincipalOrgPaths"] = [facts.membership.principal_org_path]  # type: ignore[assignment]
    decision = facts.iam.identity_decision(caller, action, resource, context)
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
    }
    return Step(LAYER, decision.allowed, reason, evidence)
