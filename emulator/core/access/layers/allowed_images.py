"""The Allowed AMIs layer: the principal's own criteria decide which images it sees.

They decide which images it may see and launch. Enabled, an image the criteria do not
allow is refused; in audit mode the step allows and its evidence says whether the image
would be allowed. Disabled, the layer says nothing."""

from __future__ import annotations

from emulator.core.access.facts import Facts
from emulator.core.authorization import (
    ALLOWED_IMAGES_LAYER,
    DESCRIBE_IMAGES,
    RUN_INSTANCES,
    AccessRequest,
    Step,
)
from emulator.core.ec2.images.allowed_images import AUDIT_MODE, evaluate

LAYER = ALLOWED_IMAGES_LAYER
IMAGE_ACTIONS = (RUN_INSTANCES, DESCRIBE_IMAGES)


def steps(request: AccessRequest, facts: Facts) -> list[Step]:
    """One step for an image action while the principal's settings are enabled or in
    audit mode; none otherwise."""
    if request.image is None or request.action not in IMAGE_ACTIONS:
        return []
    settings = facts.allowed_images
    verdict = evaluate(settings, request.image, request.principal, facts.now)
    if verdict is None:
        return []
    evidence = {
        "state": settings.state,
        "managed_by": settings.managed_by,
        "image_allowed": verdict.allowed,
        "criterion": verdict.criterion,
    }
    where = f"{request.principal}'s Allowed AMIs criteria"
    if verdict.allowed:
        return [Step(LAYER, True, verdict.reason, evidence)]
    if settings.state == AUDIT_MODE:
        reason = (
            f"Audit mode: nothing is blocked, but {where} would not allow "
            f"{request.image.image_id}: {verdict.reason}."
        )
        return [Step(LAYER, True, reason, evidence)]
    reason = f"not allowed by {where}: {verdict.reason}."
    return [Step(LAYER, False, reason, evidence)]
