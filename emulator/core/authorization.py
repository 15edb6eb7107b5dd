"""The types of an access question and its answer, below every domain that asks.

The request (principal, action, resource), the decision, and the trace of the layers that
made it.

``emulator.core.access`` answers. A domain that must ask (EC2) is handed the answer through
an ``Authorize`` callable the World wires, so it never imports the package deciding over it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# The actions asked about today. An image action names an image; a key action names the KMS
# keys that EC2 uses on the caller's behalf (through ``ec2.<region>.amazonaws.com``).
RUN_INSTANCES = "ec2:RunInstances"  # launch the image (and, with keys, use them to launch)
DESCRIBE_IMAGES = "ec2:DescribeImages"  # see the image at all
DEREGISTER_IMAGE = "ec2:DeregisterImage"  # the owner deregisters it (protection decides)
DECRYPT = "kms:Decrypt"  # read storage under the keys: kms:Decrypt and kms:DescribeKey
CREATE_GRANT = "kms:CreateGrant"  # make new EBS storage under the keys: every action EBS needs


@dataclass(frozen=True)
class AccessRequest:
    """May ``principal`` do ``action`` on the resource, calling in ``region``?"""

    principal: str  # an account id, for its root principal (IAM users and roles come later)
    action: str
    region: str
    image: Any = None  # the image an image action is about (``ec2.images.records.Image``)
    keys: tuple[str, ...] = ()  # the key ARNs a key action (or a launch) uses
    # A KMS call the principal makes itself (Encrypt, CreateGrant, ...), not EC2's use of
    # the keys on its behalf; ``parameters`` holds what it asks, for its condition keys and
    # grant constraints: its ``encryption_context``, or a new grant's terms.
    direct: bool = False
    parameters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """One layer's verdict on one part of the request, with its evidence: for a launch
    permission the grant (``via``, ``grant``); for a key policy the key ARN and the deciding
    statement."""

    layer: str
    allowed: bool
    reason: str
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    """Allowed when every step of the trace allows (and there is one); the trace keeps the
    order the layers ran in."""

    trace: tuple[Step, ...]

    @property
    def allowed(self) -> bool:
        return bool(self.trace) and all(step.allowed for step in self.trace)

    @property
    def refusal(self) -> Step | None:
        """The first step that denies, if any."""
        return next((step for step in self.trace if not step.allowed), None)

    def steps(self, layer: str) -> list[Step]:
        return [step for step in self.trace if step.layer == layer]


Authorize = Callable[[AccessRequest], Decision]
