"""Why an account may or may not launch an image, in words, from the one access rule and,
for encrypted images, from the key policies of their KMS keys."""

from __future__ import annotations

from typing import Any

from emulator.core.access.launch_permission import decide
from emulator.core.ec2.images.launch_permissions import ORG, OU
from emulator.core.ec2.images.records import AVAILABLE, Image
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
    if image.state != AVAILABLE:
        answer["reason"] = f"{image_id} is {image.state}; nobody can launch it."
        return answer
    decision = decide(image, account, region, membership)
    answer.update(allowed=decision.allowed, via=decision.via, grant=decision.grant)
    answer["reason"] = _sentence(decision.via, decision.grant, account, membership, image)
    keys = _key_uses(world, image, account, region)
    if keys:
        answer["kms"] = keys
        refused = [k for k in keys if not k["allowed"]]
        if decision.allowed and refused:
            answer["reason"] += (
                f" But the launch would end terminated (Client.InvalidKMSKey.InvalidState):"
                f" {refused[0]['reason']}."
            )
    return answer


def _key_uses(world: World, image: Image, account: str, region: str) -> list[dict[str, Any]]:
    """For each KMS key behind the image's snapshots: may ``account`` use it at launch?"""
    membership = world.orgs.membership(account)
    uses = []
    for arn in device_keys(image.block_devices):
        use = world.kms.can_use_for_launch(arn, account, region, membership)
        uses.append(
            {
                "key": arn,
                "aws_managed": world.kms.is_aws_managed(arn),
                "allowed": use.allowed,
                "reason": use.reason,
                "statement": use.statement,
            }
        )
    return uses


def _sentence(via: str, grant: str | None, account: str, membership: Any, image: Any) -> str:
    path = membership.principal_org_path if membership else None
    if via == "owner":
        return f"{account} owns {image.image_id}; the owner always launches."
    if via == "public":
        return f"{image.image_id} is public (launch permission group 'all')."
    if via == "account":
        return f"{image.image_id} is shared with account {account} explicitly."
    if via == "organization":
        return f"{image.image_id} is shared with organization {grant}, and {account} is a member."
    if via == "ou":
        return (
            f"{image.image_id} is shared with OU {grant}, which is on {account}'s path "
            f"{path}, so the grant reaches it."
        )
    where = f"its path {path}" if path else "no organization"
    return (
        f"{image.image_id} is not shared with {account}: no grant names the account, "
        f"its organization, or an OU on {where}."
    )


def access(world: World, image_id: str, region: str) -> dict[str, Any]:
    """Every account the world knows of (organization members, accounts named in grants,
    the owner) with its decision for this image. Linear in the accounts listed: each
    decision costs O(depth of the account's path)."""
    state = world.ec2.regions.get(region)
    image = state.images.get(image_id) if state else None
    if image is None:
        return {"image": image_id, "region": region, "exists": False, "accounts": []}
    accounts = {image.owner, *image.launch_permissions.accounts}
    accounts |= {a.id for a in world.orgs.member_accounts()}
    encrypted = bool(device_keys(image.block_devices))
    rows = []
    for account in sorted(accounts):
        membership = world.orgs.membership(account)
        decision = decide(image, account, region, membership)
        row = {
            "account": account,
            "allowed": decision.allowed,
            "via": decision.via,
            "grant": decision.grant,
            "principal_org_path": membership.principal_org_path if membership else None,
        }
        if encrypted:
            # A launch the grants allow still ends terminated when a key refuses.
            row["kms_allowed"] = all(k["allowed"] for k in _key_uses(world, image, account, region))
        rows.append(row)
    perms = image.launch_permissions
    return {
        "image": image_id,
        "region": region,
        "exists": True,
        "owner": image.owner,
        "public": perms.public,
        "organizations": [g.value for g in perms.of_kind(ORG)],
        "organizational_units": [g.value for g in perms.of_kind(OU)],
        "accounts": rows,
    }
