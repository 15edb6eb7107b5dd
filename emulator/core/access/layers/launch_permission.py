"""The launch permission layer: who may launch (and see) an image.

An image is launched by its owner, by anyone when public, and by the accounts its launch
permission entries reach."""

from __future__ import annotations

from emulator.core.access.facts import Facts
from emulator.core.authorization import DESCRIBE_IMAGES, RUN_INSTANCES, AccessRequest, Step
from emulator.core.ec2.images.launch_permissions import VIA_ACCOUNT, VIA_ORGANIZATION, VIA_OU
from emulator.core.ec2.images.records import AVAILABLE, DISABLED, Image
from emulator.core.organizations.membership import Membership

LAYER = "launch_permission"
VIA_OWNER = "owner"
VIA_PUBLIC = "public"
VIA_NONE = "none"
IMAGE_ACTIONS = (RUN_INSTANCES, DESCRIBE_IMAGES)


def steps(request: AccessRequest, facts: Facts) -> list[Step]:
    """May the principal, calling in the request's Region, launch the image?

    Reasons are checked in a fixed order: owner, public, account, organization, OU (the
    nearest granted ancestor on the caller's path). Seeing an image follows the same rule.
    """
    image: Image | None = request.image
    if image is None or request.action not in IMAGE_ACTIONS:
        return []
    account, membership = request.principal, facts.membership
    if image.region != request.region:
        return [_denied(f"{image.image_id} does not exist in {request.region}.")]
    # A disabled image is the lifecycle layer's concern: it has no grants, its owner keeps it.
    if image.state not in (AVAILABLE, DISABLED):
        return [_denied(f"{image.image_id} is {image.state}; nobody can launch it.")]
    if image.owner == account:
        reason = f"{account} owns {image.image_id}; the owner always launches."
        return [_allowed(VIA_OWNER, account, reason)]
    if image.launch_permissions.public:
        reason = f"{image.image_id} is public (launch permission group 'all')."
        return [_allowed(VIA_PUBLIC, "all", reason)]
    match = image.launch_permissions.match(account, membership)
    if match is None:
        path = membership.principal_org_path if membership else None
        where = f"its path {path}" if path else "no organization"
        return [
            _denied(
                f"{image.image_id} is not shared with {account}: no grant names the account, "
                f"its organization, or an OU on {where}."
            )
        ]
    via, grant = match
    return [_allowed(via, grant, _granted(via, grant, account, membership, image))]


def _granted(
    via: str, grant: str, account: str, membership: Membership | None, image: Image
) -> str:
    if via == VIA_ACCOUNT:
        return f"{image.image_id} is shared with account {account} explicitly."
    if via == VIA_ORGANIZATION:
        return f"{image.image_id} is shared with organization {grant}, and {account} is a member."
    assert via == VIA_OU and membership is not None
    return (
        f"{image.image_id} is shared with OU {grant}, which is on {account}'s path "
        f"{membership.principal_org_path}, so the grant reaches it."
    )


def _allowed(via: str, grant: str, reason: str) -> Step:
    return Step(LAYER, True, reason, {"via": via, "grant": grant})


def _denied(reason: str) -> Step:
    return Step(LAYER, False, reason, {"via": VIA_NONE, "grant": None})
