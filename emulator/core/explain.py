"""Why an account may or may not launch an image, in words, from the access decision's trace.

Laid out for GET /_emulator/explain, /_emulator/access and the console; it reads the whole
World, so it sits above it in the core's order.
"""

from __future__ import annotations

from typing import Any

from emulator.core.access.layers import (
    allowed_images,
    image_lifecycle,
    key_policy,
    launch_permission,
)
from emulator.core.authorization import RUN_INSTANCES, AccessRequest, Decision
from emulator.core.ec2.images.launch_permissions import ORG, OU
from emulator.core.ec2.images.lifecycle import protection_shown
from emulator.core.ec2.images.records import AVAILABLE, DISABLED, Image
from emulator.core.ec2.storage.encryption import device_keys
from emulator.core.world import World


def explain(world: World, image_id: str, account: str, region: str) -> dict[str, Any]:
    """The decision for one (image, account, Region), with the grant and a sentence."""
    membership = world.orgs.membership(account)
    answer: dict[str, Any] = {
        "image": image_id,
        "account": account,
        "region": region,
        "allowed": False,
        "via": "none",
        "grant": None,
        "principal_org_path": membership.principal_org_path if membership else None,
    }
    state = world.ec2.regions.get(region)
    image = state.images.get(image_id) if state else None
    if image is None:
        elsewhere = sorted(name for name, r in world.ec2.regions.items() if image_id in r.images)
        answer["reason"] = f"{image_id} does not exist in {region}." + (
            f" It exists in {', '.join(elsewhere)}: AMIs are Regional; copy it with CopyImage."
            if elsewhere
            else ""
        )
        return answer
    answer["owner"] = image.owner
    answer["shared_with"] = image.launch_permissions.to_list()
    answer["lifecycle"] = lifecycle_of(world, image)
    decision = launch(world, image, account, region)
    (grant,) = decision.steps(launch_permission.LAYER)
    answer["reason"] = grant.reason
    if image.state not in (AVAILABLE, DISABLED):
        return answer
    answer.update(allowed=grant.allowed, **grant.evidence)
    for step in decision.steps(image_lifecycle.LAYER):
        # Disabled: nobody launches; deprecated: launches by id, left out of listings.
        answer["allowed"] = answer["allowed"] and step.allowed
        answer["reason"] += f" {step.reason}"
    _add_allowed_images(answer, decision)
    keys = _key_uses(decision)
    if keys:
        answer["kms"] = keys
        refused = [k for k in keys if not k["allowed"]]
        if answer["allowed"] and refused:
            answer["reason"] += (
                f" But the launch would end terminated (Client.InvalidKMSKey.InvalidState):"
                f" {refused[0]['reason']}."
            )
    return answer


def _add_allowed_images(answer: dict[str, Any], decision: Decision) -> None:
    """The account's Allowed AMIs verdict, when its settings are enabled or in audit mode:
    a refusal joins the reason ("shared with ... but not allowed by ..."), and so does what
    audit mode would refuse."""
    steps = decision.steps(allowed_images.LAYER)
    if not steps:
        return
    (gate,) = steps
    answer["allowed_images"] = {"allowed": gate.allowed, "reason": gate.reason, **gate.evidence}
    if not gate.allowed:
        answer["allowed"] = False
        joint = " But it is " if answer["via"] != "none" else " It is also "
        answer["reason"] += joint + gate.reason
    elif not gate.evidence["image_allowed"]:
        answer["reason"] += " " + gate.reason


def lifecycle_of(world: World, image: Image) -> dict[str, Any]:
    """The image's state, deprecation time and deregistration protection, as of now."""
    return {
        "state": image.state,
        "deprecation_time": image.deprecation_time,
        "deregistration_protection": protection_shown(image, world.clock()),
    }


def launch(world: World, image: Image, account: str, region: str) -> Decision:
    """The decision on ``account`` launching ``image``, with the keys behind its snapshots."""
    keys = tuple(device_keys(image.block_devices))
    return world.authorize(AccessRequest(account, RUN_INSTANCES, region, image, keys))


def _key_uses(decision: Decision) -> list[dict[str, Any]]:
    """For each KMS key behind the image's snapshots: may the account use it at launch?"""
    return [
        {
            "key": step.evidence["key"],
            "aws_managed": step.evidence["aws_managed"],
            "allowed": step.allowed,
            "reason": step.reason,
            "statement": step.evidence["statement"],
        }
        for step in decision.steps(key_policy.LAYER)
    ]


def access(world: World, image_id: str, region: str) -> dict[str, Any]:
    """Every account the world knows of (organization members, accounts named in grants,
    the owner) with its decision for this image. Linear in the accounts listed: each
    decision costs O(depth of the account's path), + its key policy checks."""
    state = world.ec2.regions.get(region)
    image = state.images.get(image_id) if state else None
    if image is None:
        return {"image": image_id, "region": region, "exists": False, "accounts": []}
    accounts = {image.owner, *image.launch_permissions.accounts}
    accounts |= {a.id for a in world.orgs.member_accounts()}
    rows = []
    for account in sorted(accounts):
        membership = world.orgs.membership(account)
        decision = launch(world, image, account, region)
        (grant,) = decision.steps(launch_permission.LAYER)
        gates = decision.steps(allowed_images.LAYER)
        lifecycle = decision.steps(image_lifecycle.LAYER)
        row = {
            "account": account,
            "allowed": grant.allowed
            and all(g.allowed for g in gates)
            and all(step.allowed for step in lifecycle),
            **grant.evidence,
            "principal_org_path": membership.principal_org_path if membership else None,
        }
        if gates:
            # The account's Allowed AMIs verdict (false in audit mode too: it would refuse).
            row["image_allowed"] = gates[0].evidence["image_allowed"]
        keys = decision.steps(key_policy.LAYER)
        if keys:
            # A launch the grants allow still ends terminated when a key refuses.
            row["kms_allowed"] = all(k.allowed for k in keys)
        rows.append(row)
    perms = image.launch_permissions
    return {
        "image": image_id,
        "region": region,
        "exists": True,
        "owner": image.owner,
        "lifecycle": lifecycle_of(world, image),
        "public": perms.public,
        "organizations": [g.value for g in perms.of_kind(ORG)],
        "organizational_units": [g.value for g in perms.of_kind(OU)],
        "accounts": rows,
    }
