"""DECLARATIVE_POLICY_EC2: its document schema and what an effective one sets in EC2.

Only the attributes the emulator's EC2 has are given effect: ``image_block_public_access``
and ``allowed_images_settings``; the other EC2 attributes the policy type knows are
accepted and shown in the effective policy, and change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from emulator.core.errors import Malformed
from emulator.core.organizations.policies.inheritance import ASSIGN, check_management_policy

ROOT_KEY = "ec2_attributes"
_ATTRIBUTES = frozenset(
    {
        "exception_message",
        "image_block_public_access",
        "allowed_images_settings",
        "vpc_block_public_access",
        "serial_console_access",
        "instance_metadata_defaults",
        "snapshot_block_public_access",
    }
)
IMAGE_BPA_STATES = ("unblocked", "block_new_sharing")
ALLOWED_IMAGES_STATES = ("enabled", "audit_mode", "disabled")
_CRITERIA = frozenset(
    {
        "allowed_image_providers",
        "image_names",
        "marketplace_product_codes",
        "creation_date_condition",
        "deprecation_time_condition",
    }
)


def check_declarative_ec2(document: Any) -> None:
    """Raise ``malformed_policy`` unless ``document`` is a valid EC2 declarative policy."""
    check_management_policy(document)
    if set(document) != {ROOT_KEY} or not set(document[ROOT_KEY]) <= _ATTRIBUTES:
        raise Malformed("malformed_policy")
    attrs = document[ROOT_KEY]
    _check_assigned(attrs.get("image_block_public_access", {}).get("state"), IMAGE_BPA_STATES)
    allowed = attrs.get("allowed_images_settings", {})
    _check_assigned(allowed.get("state"), ALLOWED_IMAGES_STATES)
    for criterion in allowed.get("image_criteria", {}).values():
        if not set(k for k in criterion if not k.startswith("@@")) <= _CRITERIA:
            raise Malformed("malformed_policy")
    message = attrs.get("exception_message", {}).get(ASSIGN)
    if message is not None and not isinstance(message, str):
        raise Malformed("malformed_policy")


def _check_assigned(node: dict[str, Any] | None, allowed: tuple[str, ...]) -> None:
    if node is not None and ASSIGN in node and node[ASSIGN] not in allowed:
        raise Malformed("malformed_policy")


@dataclass(frozen=True)
class Ec2Declarative:
    """What an account's effective EC2 declarative policy sets (None: not set by it)."""

    image_block_public_access: str | None  # "unblocked" | "block_new_sharing"
    allowed_images_state: str | None  # "enabled" | "audit_mode" | "disabled"
    image_criteria: tuple[dict[str, Any], ...]  # one dict per criteria_N, operators dropped
    exception_message: str | None

    @classmethod
    def of(cls, effective: dict[str, Any] | None) -> Ec2Declarative | None:
        attrs = (effective or {}).get(ROOT_KEY)
        if not attrs:
            return None
        bpa = attrs.get("image_block_public_access", {}).get("state")
        allowed = attrs.get("allowed_images_settings", {})
        criteria = tuple(allowed.get("image_criteria", {}).values())
        message = attrs.get("exception_message")
        if bpa is None and allowed.get("state") is None:
            return None
        return cls(bpa, allowed.get("state"), criteria, message)


# Answers an account id with what its effective EC2 declarative policy sets, or None.
DeclarativeLookup = Callable[[str], "Ec2Declarative | None"]


def no_policy(account: str) -> Ec2Declarative | None:
    """The lookup of a world without organizations (EC2 on its own, in unit tests)."""
    return None
