"""Why a principal may or may not act, in words, from the access decision's trace.

The launch question (may this account launch this image, ``explain``), and the whole trace
for any principal, action and resource (``explain_access``).

Laid out for GET /_emulator/explain, /_emulator/access and the console; it reads the whole
World, so it sits above it in the core's order.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from emulator.core.access import actions
from emulator.core.access.layers import (
    allowed_images,
    image_lifecycle,
    key_policy,
    launch_permission,
)
from emulator.core.authorization import (
    CREATE_GRANT,
    DECRYPT,
    DEREGISTER_IMAGE,
    DESCRIBE_IMAGES,
    MODIFY_IMAGE_ATTRIBUTE,
    RUN_INSTANCES,
    AccessRequest,
    Decision,
)
from emulator.core.ec2.images.launch_permissions import ORG, OU
from emulator.core.ec2.images.lifecycle import protection_shown
from emulator.core.ec2.images.records import AVAILABLE, DISABLED, Image
from emulator.core.ec2.storage.encryption import device_keys
from emulator.core.errors import InvalidValue
from emulator.core.iam.principals import SESSION, USER, Principal, root
from emulator.core.iam.records import Role
from emulator.core.kms.keys import DIRECT_ACTIONS
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


# ---------------------------------------------------------------- any principal, any action

IMAGE_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):ec2:(?P<region>[a-z0-9-]*)::image/(?P<id>.+)"
)
IAM_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):(?P<service>iam|sts)::(?P<account>\d{12}):"
    r"(?P<kind>root|user|role|assumed-role)(?P<rest>(?:/.*)?)"
)
IMAGE_ACTIONS = (RUN_INSTANCES, DESCRIBE_IMAGES, DEREGISTER_IMAGE, MODIFY_IMAGE_ATTRIBUTE)
KEY_ACTIONS = DIRECT_ACTIONS | {CREATE_GRANT, DECRYPT}
EXPLAIN_SESSION = "explain"  # the session name a role is explained as


def _refuse(message: str) -> InvalidValue:
    return InvalidValue("explain", message=message)


def principal_of(world: World, text: str) -> Principal:
    """The principal an account id, root ARN, IAM user ARN, role ARN (as a session of the
    role) or assumed-role session ARN names; ``InvalidValue("explain")`` when it names
    nothing that exists."""
    if len(text) == 12 and text.isdigit():
        return root(text, "aws")
    match = IAM_ARN.fullmatch(text)
    if match is None:
        raise _refuse(
            f"principal {text} is not an account id, a root, user or role ARN, or an"
            " assumed-role session ARN"
        )
    account, kind, rest = match["account"], match["kind"], match["rest"]
    partition = match["partition"]
    if kind == "root" and not rest:
        return root(account, partition)
    name = rest.rsplit("/", 1)[-1]
    if kind == "user" and match["service"] == "iam":
        user = world.iam.find_user(account, name)
        if user is None or user.arn != text:
            raise _refuse(f"principal {text}: no such IAM user in account {account}")
        return Principal(account, USER, user.arn, user.id, user.name)
    if kind == "role" and match["service"] == "iam":
        role = world.iam.find_role(account, name)
        if role is None or role.arn != text:
            raise _refuse(f"principal {text}: no such IAM role in account {account}")
        return _session(role, EXPLAIN_SESSION)
    if kind == "assumed-role" and match["service"] == "sts" and rest.count("/") == 2:
        role_name, session = rest[1:].split("/")
        role = world.iam.find_role(account, role_name)
        if role is None:
            raise _refuse(f"principal {text}: no such IAM role {role_name} in account {account}")
        return _session(role, session)
    raise _refuse(f"principal {text} is not a root, user, role or assumed-role session ARN")


def _session(role: Role, session: str) -> Principal:
    arn = f"arn:{role.partition}:sts::{role.account}:assumed-role/{role.name}/{session}"
    return Principal(role.account, SESSION, arn, f"{role.id}:{session}", role.name, role.arn)


def explain_access(
    world: World, principal: str, action: str, resource: str | None, region: str
) -> dict[str, Any]:
    """The whole decision on ``principal`` doing ``action`` on ``resource`` in ``region``:
    every step of ``world.authorize``'s trace in the order the layers ran, and the first
    that refused. Reads the world, changes nothing."""
    caller = principal_of(world, principal)
    request, image = _request(world, caller, action, resource, region)
    decision = world.authorize(request)
    layers = [
        {"layer": s.layer, "allowed": s.allowed, "reason": s.reason, **s.evidence}
        for s in decision.trace
    ]
    refusal = decision.refusal
    # The root user of an account outside any organization's SCPs meets no policy layer
    # for a call that is not an image's or a key's: nothing refuses it, as in AWS.
    allowed = decision.allowed or (caller.is_root and not decision.trace)
    answer: dict[str, Any] = {
        "principal": caller.arn,
        "principal_type": caller.kind,
        "account": caller.account,
        "action": action,
        "resource": request_resource(request, image, resource),
        "region": request.region,
        "allowed": allowed,
        "denied_by": refusal.layer if refusal else None,
        "reason": refusal.reason if refusal else _allowed_reason(caller, action, layers),
        "layers": layers,
    }
    if image is not None:
        membership = world.orgs.membership(caller.account)
        answer |= {
            "image": image.image_id,
            "owner": image.owner,
            "shared_with": image.launch_permissions.to_list(),
            "principal_org_path": membership.principal_org_path if membership else None,
        }
    return answer


def _allowed_reason(caller: Principal, action: str, layers: list[dict[str, Any]]) -> str:
    if not layers:
        return f"{caller.arn} is its account's root user: no policy of the account limits {action}."
    return f"every layer allows {caller.arn} {action}."


def request_resource(request: AccessRequest, image: Image | None, asked: str | None) -> str:
    if image is not None:
        return f"arn:aws:ec2:{request.region}::image/{image.image_id}"
    return asked or "*"


def _request(
    world: World, caller: Principal, action: str, resource: str | None, region: str
) -> tuple[AccessRequest, Image | None]:
    """The access question the real call would ask, from the action and resource named."""
    account = caller.account
    if action in IMAGE_ACTIONS:
        if resource in (None, "*"):
            if action != DESCRIBE_IMAGES:
                raise _refuse(f"{action} needs resource: an image ARN (or image=ami-...)")
            return AccessRequest(account, action, region, caller=caller), None
        match = IMAGE_ARN.fullmatch(resource)
        if match is None:
            raise _refuse(
                f"resource {resource} is not an image ARN (arn:aws:ec2:REGION::image/ami-...)"
            )
        region = match["region"] or region
        state = world.ec2.regions.get(region)
        image = state.images.get(match["id"]) if state else None
        if image is None:
            raise _refuse(f"resource {resource}: no image {match['id']} in {region}")
        keys = tuple(device_keys(image.block_devices)) if action == RUN_INSTANCES else ()
        # DeregisterImage is asked at the gate, with the image's ARN, and by its lifecycle.
        asked = (resource,) if action == DEREGISTER_IMAGE else ()
        request = AccessRequest(
            account, action, region, image, keys, caller=caller, resources=asked
        )
        return request, image
    if action in KEY_ACTIONS or (action.startswith("kms:") and action in table_actions()):
        if resource is None or not resource.startswith("arn:") or ":kms:" not in resource:
            raise _refuse(f"{action} needs resource: a KMS key ARN")
        key_region = resource.split(":")[3] or region
        # A call on the key itself: the gate's policy layers, then the key policy.
        direct = action in KEY_ACTIONS
        request = AccessRequest(
            account,
            action,
            key_region,
            keys=(resource,) if direct else (),
            direct=direct,
            caller=caller,
            resources=(resource,),
        )
        return request, None
    if action not in table_actions():
        raise _refuse(
            f"action {action} is not one explain answers for; it answers the actions of"
            " the emulator's action table (the Service Authorization Reference's, for the"
            " operations it serves)"
        )
    if resource is not None and resource != "*" and not resource.startswith("arn:"):
        raise _refuse(f"resource {resource} is not an ARN (or *)")
    return AccessRequest(account, action, region, resources=(resource or "*",), caller=caller), None


@cache
def table_actions() -> frozenset[str]:
    """Every IAM action of the action table, as the table spells them."""
    return frozenset(action for item in actions.entries() for action in item.actions)
