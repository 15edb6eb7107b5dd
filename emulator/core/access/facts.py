"""What the layers may read beyond the request: membership, keys, settings, the clock, IAM.

The principal's membership, the keys, the principal's Allowed AMIs settings in the request's
Region, the world's clock and the accounts' IAM users, roles and policies."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from emulator.core.ec2.images.allowed_images import AllowedImagesSettings
from emulator.core.iam.directory import Iam
from emulator.core.kms.keys import Kms
from emulator.core.organizations.membership import Membership, MembershipLookup

# (account, Region) -> that account's Allowed AMIs settings there
AllowedImagesLookup = Callable[[str, str], AllowedImagesSettings]


@dataclass(frozen=True)
class Facts:
    membership: Membership | None  # the principal's place in its organization, right now
    keys: Kms
    allowed_images: AllowedImagesSettings  # the principal's, in the request's Region
    now: datetime  # the world's clock when the question is asked
    iam: Iam
    # The SCP levels over the principal's account, root first (each with its attached
    # policies), or None when SCPs do not apply (no organization, the management account,
    # the policy type not enabled): ``OrgTree.service_control_policies``.
    scps: tuple[Any, ...] | None = None
    membership_of: MembershipLookup = lambda _account: None  # any account's place
    principal_tags: Callable[[Any], Mapping[str, str]] = lambda _principal: {}
    # (Region, resource id, owning account) -> the tags its owner put on it
    resource_tags: Callable[[str, str, str], Mapping[str, str]] = lambda _r, _i, _a: {}
