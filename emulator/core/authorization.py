"""The types of an access question and its answer, below every domain that asks.

The request (principal, action, resource), the decision, and the trace of the layers that
made it.

``emulator.core.access`` answers. A domain that must ask (EC2) is handed the answer through
an ``Authorize`` callable the World wires, so it never imports the package deciding over it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from emulator.core.errors import NotAuthorized

# The actions asked about today. An image action names an image; a key action names the KMS
# keys that EC2 uses on the caller's behalf (through ``ec2.<region>.amazonaws.com``).
RUN_INSTANCES = "ec2:RunInstances"  # launch the image (and, with keys, use them to launch)
DESCRIBE_IMAGES = "ec2:DescribeImages"  # see the image at all
DEREGISTER_IMAGE = "ec2:DeregisterImage"  # the owner deregisters it (protection decides)
DECRYPT = "kms:Decrypt"  # read storage under the keys: kms:Decrypt and kms:DescribeKey
CREATE_GRANT = "kms:CreateGrant"  # make new EBS storage under the keys: every action EBS needs
MODIFY_IMAGE_ATTRIBUTE = "ec2:ModifyImageAttribute"  # change an image's attributes or sharing
IDENTITY_LAYER = "identity_policy"  # the layer whose refusal EC2 answers UnauthorizedOperation
SCP_LAYER = "service_control_policy"  # the organization's SCPs, for member accounts
# The layers whose refusal a service answers as "not authorized" (EC2 UnauthorizedOperation,
# the others AccessDenied[Exception]), with the kind of policy the message names.
POLICY_LAYERS = {SCP_LAYER: "service control policy", IDENTITY_LAYER: "identity-based policy"}
ALLOWED_IMAGES_LAYER = "allowed_images"  # the Allowed AMIs layer (a declarative policy may set it)

# Who the request being served acts as (a core.iam Principal), set around each call by the
# World (``World.acting_as``); None outside a request (explain, the console, scenarios), where
# only the account's root is asked about.
_ACTING: ContextVar[Any] = ContextVar("acting_principal", default=None)


@contextmanager
def acting_as(principal: Any) -> Iterator[None]:
    token = _ACTING.set(principal)
    try:
        yield
    finally:
        _ACTING.reset(token)


def acting() -> Any:
    return _ACTING.get()


@dataclass(frozen=True)
class AccessRequest:
    """May ``principal`` do ``action`` on the resource, calling in ``region``?"""

    principal: str  # the caller's account id
    action: str
    region: str
    image: Any = None  # the image an image action is about (``ec2.images.records.Image``)
    keys: tuple[str, ...] = ()  # the key ARNs a key action (or a launch) uses
    # A KMS call the principal makes itself (Encrypt, CreateGrant, ...), not EC2's use of
    # the keys on its behalf; ``parameters`` holds what it asks, for its condition keys and
    # grant constraints: its ``encryption_context``, or a new grant's terms.
    direct: bool = False
    parameters: dict[str, Any] = field(default_factory=dict)
    # The IAM principal (``core.iam.principals.Principal``) acting in that account: the one
    # the request being served acts as, unless given; None or the root user is not subject
    # to identity policies.
    caller: Any = field(default_factory=acting)
    # The ARNs the action names (the action table's resource types, built from the
    # request's parameters); ("*",) for an action without a resource type. Empty: the
    # image / keys above say what is asked (the image calls, EC2's use of keys).
    resources: tuple[str, ...] = ()
    # The request's own condition keys (aws:RequestTag/*, aws:TagKeys, ec2:... of the
    # parameters); the engine adds those it reads from live state (aws:Principal*,
    # aws:Resource*, ec2:Owner, ...). Only the keys the action table lists for the action,
    # plus the global aws: keys, are seen by the policies.
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """One layer's verdict on one part of the request, with its evidence: for a launch
    permission the grant (``via``, ``grant``); for a key policy the key ARN and the deciding
    statement.

    A policy layer's step (SCP, identity, resource policy) is about one (action, resource)
    and its evidence holds: ``principal`` (ARN), ``action``, ``resource`` (ARN or "*"),
    ``effect`` ("Allow" | "Deny" | "ImplicitDeny"), ``policy`` (the deciding policy's
    name, id or ARN; None for an implicit deny), ``policy_arn`` (its ARN where it has
    one), ``statement`` (the Sid, else "Statement[i]"), ``statement_index`` (i), and
    ``policy_type`` ("service control policy" | "identity-based policy" |
    "resource-based policy"). An SCP step adds ``target`` (the root, OU or account whose
    level decided) and ``level`` (its position from the root, 0-based)."""

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


def because(step: Step) -> str:
    """The clause AWS's denials end with (IAM User Guide, "Access denied error messages")."""
    kind = step.evidence.get("policy_type") or POLICY_LAYERS.get(step.layer, "policy")
    if step.evidence.get("effect") == "Deny":
        article = "an" if kind[0] in "aeiou" else "a"
        return f"with an explicit deny in {article} {kind}"
    return f"because no {kind} allows the {step.evidence['action']} action"


# Seals a denial's decision for DecodeAuthorizationMessage: set by the World around each
# request (``core.access.messages``); outside one a refusal carries no message.
_SEALING: ContextVar[Callable[[Step], str] | None] = ContextVar("sealing", default=None)


@contextmanager
def sealing(seal: Callable[[Step], str]) -> Iterator[None]:
    token = _SEALING.set(seal)
    try:
        yield
    finally:
        _SEALING.reset(token)


def encoded_message(step: Step) -> str:
    seal = _SEALING.get()
    return seal(step) if seal is not None else ""


def unauthorized(step: Step) -> NotAuthorized:
    """EC2's answer to a policy refusal (SCP or identity), in AWS's words ("User: <arn> is
    not authorized to perform: <action> on resource: <arn> because no identity-based policy
    allows the <action> action"), with the encoded authorization failure message."""
    evidence = step.evidence
    return NotAuthorized(
        "unauthorized_operation",
        principal=evidence["principal"],
        action=evidence["action"],
        resource=evidence["resource"],
        because=because(step),
        encoded=encoded_message(step),
    )
