"""The records an organization is made of, their id formats, and their snapshot form."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from emulator.core.errors import Malformed

# Id formats from the Organizations model, anchored as a whole (the model's own ParentId
# and ChildId patterns anchor each alternative separately).
ORG_ID = re.compile(r"o-[a-z0-9]{10,32}")
ROOT_ID = re.compile(r"r-[0-9a-z]{4,32}")
OU_ID = re.compile(r"ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}")
ACCOUNT_ID = re.compile(r"\d{12}")
PARENT_ID = re.compile(rf"{ROOT_ID.pattern}|{OU_ID.pattern}")
CHILD_ID = re.compile(rf"{ACCOUNT_ID.pattern}|{OU_ID.pattern}")
CREATE_ACCOUNT_REQUEST_ID = re.compile(r"car-[a-z0-9]{8,32}")
EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
ACCOUNT_NAME = re.compile(r"[\u0020-\u007e]+")
ROLE_NAME = re.compile(r"[\w+=,.@-]{1,64}")

FEATURE_SETS = ("ALL", "CONSOLIDATED_BILLING")
CHILD_TYPES = ("ACCOUNT", "ORGANIZATIONAL_UNIT")
CREATE_ACCOUNT_STATES = ("IN_PROGRESS", "SUCCEEDED", "FAILED")
BILLING_ACCESS = ("ALLOW", "DENY")
# A partition's name as ARNs spell it: aws, aws-cn, aws-us-gov, aws-iso-b, ...
PARTITION = re.compile(r"aws(?:-[a-z]+)*")


def check_pattern(name: str, value: str, pattern: re.Pattern[str]) -> str:
    """``value`` unchanged when it matches ``pattern`` in full; else ``invalid_pattern``."""
    if not pattern.fullmatch(value):
        raise Malformed("invalid_pattern", name=name, value=value)
    return value


def check_length(name: str, value: str, low: int, high: int) -> str:
    if len(value) < low:
        raise Malformed("min_length_exceeded", name=name, value=value)
    if len(value) > high:
        raise Malformed("max_length_exceeded", name=name, value=value)
    return value


def check_enum(name: str, value: str, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise Malformed("invalid_enum", name=name, value=value, allowed=allowed)
    return value


@dataclass
class Organization:
    id: str
    root_id: str
    management_account: str
    feature_set: str
    # The partition of the Region CreateOrganization was signed for: an organization lives
    # in one partition (docs/semantics.md, "Organizations and partitions").
    partition: str = "aws"
    # Policy types enabled in the root, in the order they were enabled.
    policy_types: list[str] = field(default_factory=list)

    def _arn(self, resource: str) -> str:
        return f"arn:{self.partition}:organizations::{self.management_account}:{resource}"

    @property
    def arn(self) -> str:
        return self._arn(f"organization/{self.id}")

    @property
    def available_policy_types(self) -> list[dict[str, str]]:
        """Policy types available to the organization: SCPs come with all features."""
        if self.feature_set == "ALL":
            return [{"Type": "SERVICE_CONTROL_POLICY", "Status": "ENABLED"}]
        return []

    @property
    def root_policy_types(self) -> list[dict[str, str]]:
        """Policy types enabled in the root: none until EnablePolicyType (AWS enables no
        type in a new organization's root)."""
        return [{"Type": t, "Status": "ENABLED"} for t in self.policy_types]

    @property
    def root_arn(self) -> str:
        return self._arn(f"root/{self.id}/{self.root_id}")

    def ou_arn(self, ou_id: str) -> str:
        return self._arn(f"ou/{self.id}/{ou_id}")

    def account_arn(self, account_id: str) -> str:
        return self._arn(f"account/{self.id}/{account_id}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "root_id": self.root_id,
            "management_account": self.management_account,
            "feature_set": self.feature_set,
            "partition": self.partition,
            "policy_types": list(self.policy_types),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Organization:
        return cls(
            d["id"],
            d["root_id"],
            d["management_account"],
            d["feature_set"],
            d.get("partition", "aws"),
            list(d.get("policy_types", [])),
        )


@dataclass
class OrgUnit:
    id: str
    org_id: str
    parent_id: str
    name: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "org_id": self.org_id,
            "parent_id": self.parent_id,
            "name": self.name,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> OrgUnit:
        return cls(d["id"], d["org_id"], d["parent_id"], d["name"])


@dataclass
class Account:
    """An account the tree has seen. It outlives its membership: its email stays taken."""

    id: str
    name: str
    email: str
    org_id: str | None = None
    parent_id: str | None = None
    joined_method: str | None = None  # "CREATED" | "INVITED" while a member
    joined: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "email": self.email,
            "org_id": self.org_id,
            "parent_id": self.parent_id,
            "joined_method": self.joined_method,
            "joined": self.joined.isoformat() if self.joined else None,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Account:
        joined = d.get("joined")
        return cls(
            d["id"],
            d["name"],
            d["email"],
            d.get("org_id"),
            d.get("parent_id"),
            d.get("joined_method"),
            datetime.fromisoformat(joined) if joined else None,
        )


@dataclass
class CreateAccountRequest:
    id: str
    org_id: str
    account_name: str
    state: str
    requested: datetime
    completed: datetime | None = None
    account_id: str | None = None
    failure_reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "org_id": self.org_id,
            "account_name": self.account_name,
            "state": self.state,
            "requested": self.requested.isoformat(),
            "completed": self.completed.isoformat() if self.completed else None,
            "account_id": self.account_id,
            "failure_reason": self.failure_reason,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CreateAccountRequest:
        completed = d.get("completed")
        return cls(
            d["id"],
            d["org_id"],
            d["account_name"],
            d["state"],
            datetime.fromisoformat(d["requested"]),
            datetime.fromisoformat(completed) if completed else None,
            d.get("account_id"),
            d.get("failure_reason"),
        )
