"""A policy of an organization, its id and ARN formats, types and per-type limits."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

POLICY_ID = re.compile(r"p-[0-9a-zA-Z_]{8,128}")
TARGET_ID = re.compile(r"r-[0-9a-z]{4,32}|\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}")

SCP = "SERVICE_CONTROL_POLICY"
DECLARATIVE_EC2 = "DECLARATIVE_POLICY_EC2"
# Every type the Organizations model names (PolicyType).
POLICY_TYPES = (
    SCP,
    "RESOURCE_CONTROL_POLICY",
    "TAG_POLICY",
    "BACKUP_POLICY",
    "AISERVICES_OPT_OUT_POLICY",
    "CHATBOT_POLICY",
    DECLARATIVE_EC2,
    "SECURITYHUB_POLICY",
    "INSPECTOR_POLICY",
    "UPGRADE_ROLLOUT_POLICY",
    "BEDROCK_POLICY",
    "S3_POLICY",
    "NETWORK_SECURITY_DIRECTOR_POLICY",
)
# The types served here; the rest answer PolicyTypeNotAvailableForOrganizationException.
# Management policy types (all but SCP) share one syntax and one inheritance algorithm.
SERVED_TYPES = (SCP, DECLARATIVE_EC2, "TAG_POLICY", "BACKUP_POLICY", "AISERVICES_OPT_OUT_POLICY")
# Types DescribeEffectivePolicy answers for (the model's EffectivePolicyType, served part).
EFFECTIVE_TYPES = tuple(t for t in SERVED_TYPES if t != SCP)

# "Quotas for AWS Organizations": maximum document size in characters and the most
# policies of one type attached to one root, OU or account.
MAX_CONTENT = {
    SCP: 5120,
    DECLARATIVE_EC2: 10000,
    "TAG_POLICY": 10000,
    "BACKUP_POLICY": 10000,
    "AISERVICES_OPT_OUT_POLICY": 2500,
}
MAX_ATTACHED = {
    SCP: 5,
    DECLARATIVE_EC2: 10,
    "TAG_POLICY": 10,
    "BACKUP_POLICY": 10,
    "AISERVICES_OPT_OUT_POLICY": 5,
}

FULL_AWS_ACCESS_ID = "p-FullAWSAccess"
FULL_AWS_ACCESS_NAME = "FullAWSAccess"
FULL_AWS_ACCESS_DESCRIPTION = "Allows access to every operation"
FULL_AWS_ACCESS_CONTENT = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    },
    indent=2,
)


@dataclass
class Policy:
    """One policy. ``org_id`` is None for an AWS managed policy (shared by every org)."""

    id: str
    type: str
    name: str
    description: str
    content: str
    org_id: str | None = None
    # The parsed content, kept so a decision never parses JSON per request.
    document: Any = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.document is None:
            self.document = json.loads(self.content)

    @property
    def aws_managed(self) -> bool:
        return self.org_id is None

    def arn(self, partition: str, management_account: str) -> str:
        kind = self.type.lower()
        if self.org_id is None:
            return f"arn:{partition}:organizations::aws:policy/{kind}/{self.id}"
        return (
            f"arn:{partition}:organizations::{management_account}:policy/"
            f"{self.org_id}/{kind}/{self.id}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "org_id": self.org_id,
            "type": self.type,
            "name": self.name,
            "description": self.description,
            "content": self.content,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Policy:
        return cls(d["id"], d["type"], d["name"], d["description"], d["content"], d["org_id"])


FULL_AWS_ACCESS = Policy(
    FULL_AWS_ACCESS_ID,
    SCP,
    FULL_AWS_ACCESS_NAME,
    FULL_AWS_ACCESS_DESCRIPTION,
    FULL_AWS_ACCESS_CONTENT,
)


@dataclass(frozen=True)
class AttachedPolicy:
    """A policy as an access decision reads it: who it is and what it says."""

    policy_id: str
    name: str
    arn: str
    content: str  # the JSON text as stored
    document: Any = field(compare=False, repr=False)  # the same, parsed; do not mutate


@dataclass(frozen=True)
class ScpLevel:
    """The SCPs attached at one level of an account's path: the root, an OU or the account."""

    target_id: str
    target_type: str  # "ROOT" | "ORGANIZATIONAL_UNIT" | "ACCOUNT"
    policies: tuple[AttachedPolicy, ...]
