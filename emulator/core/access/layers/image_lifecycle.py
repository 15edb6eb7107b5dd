"""The image lifecycle layer: what disabling, deprecation and deregistration protection decide.

A disabled image launches for nobody and is seen only by its owner; a deprecated one still
launches (by id) and is seen as before, the listing rule being DescribeImages' own; a
protected one cannot be deregistered.
"""

from __future__ import annotations

from datetime import UTC, datetime

from emulator.core.access.facts import Facts
from emulator.core.authorization import (
    DEREGISTER_IMAGE,
    DESCRIBE_IMAGES,
    RUN_INSTANCES,
    AccessRequest,
    Step,
)
from emulator.core.ec2.images.records import DISABLED, PROTECTION_OFF, Image

LAYER = "image_lifecycle"
ACTIONS = (RUN_INSTANCES, DESCRIBE_IMAGES, DEREGISTER_IMAGE)


def _moment(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def steps(request: AccessRequest, facts: Facts) -> list[Step]:
    """One step when the image's lifecycle bears on the request, else none (an available
    image, not deprecated, for a launch or a read); deregistering always gets one."""
    image: Image | None = request.image
    if image is None or request.action not in ACTIONS or image.region != request.region:
        return []
    now = facts.now if facts.now.tzinfo else facts.now.replace(tzinfo=UTC)
    if request.action == DEREGISTER_IMAGE:
        return [_protection(image, now)]
    owner = image.owner == request.principal
    if image.state == DISABLED:
        if request.action == RUN_INSTANCES:
            reason = (
                f"{image.image_id} is disabled: nobody can launch it, not even its owner, until"
                " EnableImage makes it available again."
            )
            return [_step(False, reason, "disabled")]
        if owner:
            reason = f"{image.image_id} is disabled; its owner still sees it (IncludeDisabled)."
            return [_step(True, reason, "disabled")]
        reason = f"{image.image_id} is disabled: only its owner sees it, and it has no grants."
        return [_step(False, reason, "disabled")]
    deprecated = image.deprecation_time is not None and _moment(image.deprecation_time) <= now
    if deprecated:
        reason = (
            f"{image.image_id} is deprecated since {image.deprecation_time}: it still launches"
            " by id, but DescribeImages leaves it out of the listings of everyone but its owner"
            " unless IncludeDeprecated is asked for."
        )
        return [_step(True, reason, "deprecated", deprecation_time=image.deprecation_time)]
    return []


def _protection(image: Image, now: datetime) -> Step:
    until = image.protection_cooldown_until
    cooling = until is not None and now < _moment(until)
    if image.deregistration_protection != PROTECTION_OFF:
        reason = (
            f"{image.image_id} has deregistration protection "
            f"({image.deregistration_protection}): DisableImageDeregistrationProtection first."
        )
        return _step(False, reason, "protected", protection=image.deregistration_protection)
    if cooling:
        reason = (
            f"{image.image_id}'s deregistration protection was lifted with a 24-hour cooldown:"
            f" it cannot be deregistered until {until} (emulator time)."
        )
        return _step(False, reason, "protected", protection=f"disabled-until {until}")
    return _step(True, f"{image.image_id} has no deregistration protection.", "unprotected")


def _step(allowed: bool, reason: str, state: str, **evidence: str) -> Step:
    return Step(LAYER, allowed, reason, {"state": state, **evidence})
