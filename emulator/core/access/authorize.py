"""The one entry point of the access decision: every layer, in the order of AWS's chart."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from emulator.core.access.facts import AllowedImagesLookup, Facts
from emulator.core.access.layers import (
    allowed_images,
    identity_policy,
    image_lifecycle,
    key_policy,
    launch_permission,
    service_control_policy,
)
from emulator.core.authorization import AccessRequest, Decision
from emulator.core.iam.directory import Iam
from emulator.core.kms.keys import Kms
from emulator.core.organizations.membership import MembershipLookup

# AWS's evaluation chart, top down: explicit deny anywhere, SCPs, identity policies,
# resource policies, the EC2 image rules, then KMS for encrypted snapshots. A new layer is
# one module in ``layers/`` and one entry here; the callers do not change.
LAYERS = (
    service_control_policy.steps,
    identity_policy.steps,
    launch_permission.steps,
    allowed_images.steps,
    image_lifecycle.steps,
    key_policy.steps,
)


def authorize(
    request: AccessRequest,
    *,
    membership: MembershipLookup,
    keys: Kms,
    allowed: AllowedImagesLookup,
    now: datetime,
    iam: Iam,
    scps: Callable[[str], tuple[Any, ...] | None] = lambda _account: None,
    principal_tags: Callable[[Any], Mapping[str, str]] = lambda _principal: {},
    resource_tags: Callable[[str, str, str], Mapping[str, str]] = lambda _r, _i, _a: {},
) -> Decision:
    """The decision on ``request`` and its trace. Every layer runs, so the trace explains
    each part of the answer (a launch the grants allow and a key refuses shows both)."""
    facts = Facts(
        membership(request.principal),
        keys,
        allowed(request.principal, request.region),
        now,
        iam,
        scps(request.principal),
        membership,
        principal_tags,
        resource_tags,
    )
    return Decision(tuple(step for layer in LAYERS for step in layer(request, facts)))
