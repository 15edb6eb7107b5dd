"""An AMI's lifecycle: deprecation, disabling, protection, a cancelled share, its ancestry.

Every rule reads the time from the world's clock (``env.clock``), so moving the emulator's
clock deprecates images and ends cooldowns.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from emulator.core.commit import commit
from emulator.core.ec2.images.catalog import OWNER, READ, find_image, set_launch_permissions
from emulator.core.ec2.images.launch_permissions import USER, Grant
from emulator.core.ec2.images.records import (
    AVAILABLE,
    DISABLED,
    PROTECTION_COOLDOWN,
    PROTECTION_OFF,
    PROTECTION_ON,
    Image,
    aws_time,
)
from emulator.core.ec2.region import Env, RegionState
from emulator.core.errors import InvalidValue, NotAuthorized

COOLDOWN = timedelta(hours=24)
# EnableImageDeprecation's bounds: at most 10 years ahead; a public image, 2 years from its
# creation (the API reference).
MAX_AHEAD = timedelta(days=365 * 10)
MAX_PUBLIC_AFTER_CREATION = timedelta(days=365 * 2)
MAX_ANCESTRY = 100  # a chain longer than this is cut (a hand-written state could loop)


def moment(stamp: str) -> datetime:
    """An EC2 time string as an aware datetime."""
    return datetime.fromisoformat(stamp.replace("Z", "+00:00"))


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# ---- what an image's state means now ----------------------------------------------------


def is_deprecated(image: Image, now: datetime) -> bool:
    return image.deprecation_time is not None and moment(image.deprecation_time) <= _aware(now)


def in_cooldown(image: Image, now: datetime) -> bool:
    until = image.protection_cooldown_until
    return until is not None and _aware(now) < moment(until)


def is_protected(image: Image, now: datetime) -> bool:
    """Deregistration is refused: protection is on, or was lifted less than 24 hours ago
    from a protection with a cooldown."""
    return image.deregistration_protection != PROTECTION_OFF or in_cooldown(image, now)


def protection_shown(image: Image, now: datetime) -> str:
    """``DeregistrationProtection`` as DescribeImages and DescribeImageAttribute spell it."""
    if image.deregistration_protection == PROTECTION_OFF and in_cooldown(image, now):
        return f"disabled-until {image.protection_cooldown_until}"
    return image.deregistration_protection


# ---- deprecation ------------------------------------------------------------------------


def rounded(value: datetime) -> datetime:
    """To the nearest minute, as EC2 rounds ``DeprecateAt`` (30 seconds and up round up)."""
    value = _aware(value).astimezone(UTC)
    floor = value.replace(second=0, microsecond=0)
    return floor + timedelta(minutes=1) if value - floor >= timedelta(seconds=30) else floor


def enable_image_deprecation(
    env: Env, region: RegionState, account: str, image_id: str, deprecate_at: datetime
) -> Image:
    """Owner only. Not in the past; at most 10 years ahead (2 years after creation for a
    public image); stored rounded to the minute."""
    image = find_image(env, region, account, image_id, OWNER)
    now = _aware(env.clock())
    wanted = _aware(deprecate_at)
    if wanted < now.replace(microsecond=0):
        raise InvalidValue("deprecation_time_past", value=aws_time(wanted))
    limit, why = now + MAX_AHEAD, "10 years from now"
    if image.public:
        public_limit = moment(image.creation_date) + MAX_PUBLIC_AFTER_CREATION
        if public_limit < limit:
            limit, why = public_limit, "2 years after the creation of a public AMI"
    if wanted > limit:
        raise InvalidValue(
            "deprecation_time_too_late", value=aws_time(wanted), limit=aws_time(limit), why=why
        )
    commit()
    image.deprecation_time = aws_time(rounded(wanted))
    return image


def disable_image_deprecation(env: Env, region: RegionState, account: str, image_id: str) -> None:
    """Owner only; an image that was never deprecated answers true as well."""
    image = find_image(env, region, account, image_id, OWNER)
    commit()
    image.deprecation_time = None


# ---- disabling --------------------------------------------------------------------------


def disable_image(env: Env, region: RegionState, account: str, image_id: str) -> None:
    """Owner only: state ``disabled`` and every launch permission removed (public, accounts,
    organizations, OUs). Disabling a disabled image changes nothing."""
    image = find_image(env, region, account, image_id, OWNER)
    commit()
    set_launch_permissions(region, image, [])
    region.grants.remove(image)
    image.state = DISABLED
    region.grants.add(image)


def enable_image(env: Env, region: RegionState, account: str, image_id: str) -> None:
    """Owner only: ``available`` again, private; the grants removed by disabling stay gone."""
    image = find_image(env, region, account, image_id, OWNER)
    commit()
    region.grants.remove(image)
    image.state = AVAILABLE
    region.grants.add(image)


# ---- deregistration protection ----------------------------------------------------------


def enable_protection(
    env: Env, region: RegionState, account: str, image_id: str, with_cooldown: bool
) -> str:
    """Owner only; enabling again replaces the choice of cooldown. Answers the new state."""
    image = find_image(env, region, account, image_id, OWNER)
    commit()
    image.deregistration_protection = PROTECTION_COOLDOWN if with_cooldown else PROTECTION_ON
    image.protection_cooldown_until = None
    return image.deregistration_protection


def disable_protection(env: Env, region: RegionState, account: str, image_id: str) -> str:
    """Owner only. A protection with a cooldown keeps refusing deregistration for 24 hours
    of the emulator's clock; the answer says until when."""
    image = find_image(env, region, account, image_id, OWNER)
    commit()
    now = _aware(env.clock())
    if image.deregistration_protection == PROTECTION_COOLDOWN:
        image.protection_cooldown_until = aws_time(now + COOLDOWN)
    image.deregistration_protection = PROTECTION_OFF
    return protection_shown(image, now)


# ---- a consumer ending a share ----------------------------------------------------------


def cancel_launch_permission(env: Env, region: RegionState, account: str, image_id: str) -> None:
    """The caller removes its own account from the image's launch permissions. Only an entry
    naming the account can be removed: the owner, and an account reached only as a member of
    an organization or OU, or because the image is public, are refused."""
    image = find_image(env, region, account, image_id, READ)
    if image.owner == account:
        raise NotAuthorized("cancel_own_image", id=image.image_id)
    mine = Grant(USER, account)
    perms = image.launch_permissions
    if mine not in perms.entries:
        membership = env.membership(account)
        match = perms.match(account, membership)
        via = match[0] if match else ("public" if perms.public else "none")
        raise InvalidValue("cancel_not_shared_directly", id=image.image_id, via=via)
    commit()
    set_launch_permissions(region, image, [g for g in perms.entries if g != mine])


# ---- ancestry ---------------------------------------------------------------------------


def image_ancestry(
    env: Env,
    region: RegionState,
    regions: Callable[[str], RegionState],
    account: str,
    image_id: str,
) -> list[Image]:
    """The image the caller can see, then its source, and that one's, as CopyImage and
    CreateImage recorded them, until an image with no source or one the emulator no
    longer holds (a source deregistered is still named by its child, and listed)."""
    image = find_image(env, region, account, image_id, READ)
    chain = [image]
    seen = {(image.region, image.image_id)}
    while len(chain) < MAX_ANCESTRY:
        current = chain[-1]
        if not current.source_image_id:
            break
        where = current.source_image_region or current.region
        parent = regions(where).images.get(current.source_image_id)
        if parent is None or (where, parent.image_id) in seen:
            break
        seen.add((where, parent.image_id))
        chain.append(parent)
    return chain
