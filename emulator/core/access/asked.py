"""What a policy layer is asked: the (action, resource ARN) pairs and each pair's context.

The SCP and identity layers ask the same pairs with the same keys, so the trace of one call
reads alike across them. The context is the request's own keys, the principal's (from IAM
and its membership) and the resource's (its account, its organization, an image's
attributes), cut down to what the action table lists for the action.
"""

from __future__ import annotations

from typing import Any

from emulator.core.access.actions import visible
from emulator.core.access.facts import Facts
from emulator.core.authorization import (
    CREATE_GRANT,
    DECRYPT,
    DESCRIBE_IMAGES,
    MODIFY_IMAGE_ATTRIBUTE,
    RUN_INSTANCES,
    AccessRequest,
)


def pairs(request: AccessRequest) -> list[tuple[str, str]]:
    """One pair per resource the action names: the request's ``resources`` (the gate's),
    else the image (RunInstances, ModifyImageAttribute), the call (DescribeImages, whose
    resource is "*"), each key EC2 uses. A direct KMS call was asked at the gate."""
    if request.resources:
        return [(request.action, arn) for arn in request.resources]
    if request.direct:
        return []
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


def partition(request: AccessRequest) -> str:
    caller = request.caller
    return caller.arn.split(":", 2)[1] if caller is not None else "aws"


def image_arn(request: AccessRequest, image_id: str) -> str:
    return f"arn:{partition(request)}:ec2:{request.region}::image/{image_id}"


def context(request: AccessRequest, facts: Facts, action: str, resource: str) -> dict[str, Any]:
    """The condition keys a policy sees for ``action`` on ``resource``."""
    caller = request.caller
    account = caller.account if caller is not None else request.principal
    keys: dict[str, Any] = {
        "aws:PrincipalAccount": account,
        "aws:PrincipalArn": (caller.role_arn or caller.arn)
        if caller is not None
        else f"arn:{partition(request)}:iam::{account}:root",
        "aws:RequestedRegion": request.region,
        "ec2:Region": request.region,
    }
    if caller is not None:
        for name, value in facts.principal_tags(caller).items():
            keys[f"aws:PrincipalTag/{name}"] = value
    if facts.membership is not None:
        keys["aws:PrincipalOrgID"] = facts.membership.org_id
        keys["aws:PrincipalOrgPaths"] = [facts.membership.principal_org_path]
    if action.startswith("kms:"):
        keys["kms:CallerAccount"] = account
        # EC2 asks for the keys on the caller's behalf: through EC2, with grants for the
        # volumes it makes (an AWS resource); a call of the caller's own has neither.
        via_ec2 = not request.direct and not request.resources
        if via_ec2:
            keys["kms:ViaService"] = f"ec2.{request.region}.amazonaws.com"
        if action == "kms:CreateGrant":
            keys["kms:GrantIsForAWSResource"] = "true" if via_ec2 else "false"
    owner = _arn_account(resource)
    image = request.image
    if image is not None and action.startswith("ec2:") and ":image/" in resource:
        owner = image.owner
        keys |= {
            "ec2:Owner": image.owner,
            "ec2:Public": "true" if image.launch_permissions.public else "false",
            "ec2:ImageType": image.image_type,
            "ec2:ImageID": image.image_id,
            "ec2:RootDeviceType": image.root_device_type,
        }
        tags = facts.resource_tags(request.region, image.image_id, image.owner)
        for name, value in tags.items():
            keys[f"ec2:ResourceTag/{name}"] = value
            keys[f"aws:ResourceTag/{name}"] = value
    if owner:
        keys["aws:ResourceAccount"] = owner
        place = facts.membership if owner == request.principal else facts.membership_of(owner)
        if place is not None:
            keys["aws:ResourceOrgID"] = place.org_id
            keys["aws:ResourceOrgPaths"] = [place.principal_org_path]
    keys |= request.context
    return visible(action, keys)


def _arn_account(arn: str) -> str:
    """The account an ARN names (IAM and account-scoped ARNs), "" for none (an AMI's)."""
    parts = arn.split(":", 5)
    return parts[4] if len(parts) == 6 and parts[4].isdigit() else ""
