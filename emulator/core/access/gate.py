"""The gate every call passes before its handler: SCPs and identity policies, once per call.

It reads the action table (``actions``) for the call's IAM actions, builds the resource
ARNs from the request's parameters and the request's condition keys (the tags it asks
for), and asks the one access decision. The calls whose decision needs the resource's own
attributes (an image's owner, public flag, tags) are decided where the domain finds the
resource: the gate leaves them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from emulator.core.access import actions
from emulator.core.authorization import (
    POLICY_LAYERS,
    SCP_LAYER,
    AccessRequest,
    Decision,
    Step,
    acting,
)
from emulator.core.iam.principals import USER
from emulator.core.organizations.membership import Membership

# Decided by the domain with the resource in hand: the image calls (core.ec2.images.catalog
# asks with the image), AssumeRole (the trust policy and the caller's own, together), and
# GetCallerIdentity, which needs no permission (STS API Reference).
DOMAIN_DECIDED = frozenset(
    {
        ("ec2", "RunInstances"),
        ("ec2", "DescribeImages"),
        ("ec2", "ModifyImageAttribute"),
        ("sts", "GetCallerIdentity"),
    }
)
# The gate asks only the SCPs of these: STS decides AssumeRole's trust policy with the
# caller's identity policy (a trust policy naming the caller needs no identity Allow).
SCPS_ONLY = frozenset({("sts", "AssumeRole")})


def refusal(
    service: str,
    operation: str,
    params: dict[str, Any],
    *,
    account: str,
    region: str,
    partition: str,
    membership: Membership | None,
    scps_bind: bool,
    authorize: Callable[[AccessRequest], Decision],
    resolve: Callable[[str, str], str | None],
) -> Step | None:
    """The policy step refusing the call, or None when the policy layers allow it."""
    if (service, operation) in DOMAIN_DECIDED or (
        (service, operation) in SCPS_ONLY and not scps_bind
    ):
        return None
    item = actions.entry(service, operation)
    if item is None:
        return None
    caller = acting()
    if caller is not None and caller.is_root and not scps_bind:
        return None  # the root user of an account no SCP binds: nothing to ask
    arns = actions.resource_arns(
        item,
        params,
        partition=partition,
        region=region,
        account=account,
        membership=membership,
        resolve=resolve,
        defaults={"user": caller.name} if caller is not None and caller.kind == USER else None,
    )
    context = request_context(params)
    asked: list[tuple[str, tuple[str, ...]]]
    if len(item.actions) > 1 and len(item.actions) == len(arns):
        # ReEncrypt: kms:ReEncryptFrom on the source key, kms:ReEncryptTo on the destination.
        asked = [(action, (arn,)) for action, (_, arn) in zip(item.actions, arns, strict=True)]
    else:
        asked = [(action, tuple(arn for _, arn in arns)) for action in item.actions]
    layers = (SCP_LAYER,) if (service, operation) in SCPS_ONLY else tuple(POLICY_LAYERS)
    for action, resources in asked:
        request = AccessRequest(account, action, region, resources=resources, context=context)
        step = next((s for s in authorize(request).trace if not s.allowed), None)
        if step is not None and step.layer in layers:
            return step
    return None


def request_context(params: dict[str, Any]) -> dict[str, Any]:
    """aws:RequestTag/* and aws:TagKeys from the tags a call asks for: EC2's
    TagSpecifications, IAM's and Organizations' Tags (Key/Value), KMS's (TagKey/TagValue);
    aws:TagKeys alone from the keys an untag call removes."""
    tags: dict[str, str] = {}
    for spec in params.get("TagSpecifications") or ():
        if isinstance(spec, dict):
            for tag in spec.get("Tags") or ():
                tags[str(tag.get("Key", ""))] = str(tag.get("Value", ""))
    for tag in params.get("Tags") or ():
        if isinstance(tag, dict):
            key = tag.get("Key", tag.get("TagKey"))
            if key is not None:
                tags[str(key)] = str(tag.get("Value", tag.get("TagValue", "")))
    removed = [str(k) for k in params.get("TagKeys") or () if isinstance(k, str)]
    if not tags and not removed:
        return {}
    context: dict[str, Any] = {f"aws:RequestTag/{k}": v for k, v in tags.items()}
    context["aws:TagKeys"] = list(tags) or removed  # UntagUser / UntagRole name the keys
    return context
