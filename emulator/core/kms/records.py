"""KMS keys and aliases as values, their ARNs, and the key policies AWS writes itself."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

ENABLED, DISABLED, PENDING_DELETION = "Enabled", "Disabled", "PendingDeletion"
CUSTOMER, AWS = "CUSTOMER", "AWS"
# A key id is a UUID, or a multi-Region key's "mrk-" and 32 hex digits.
KEY_ID = re.compile(
    r"^(?:mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
)
# The characters botocore's model allows in an alias name; KMS itself refuses ":".
ALIAS_CHARACTERS = re.compile(r"^[a-zA-Z0-9:/_-]+$")
ALIAS_NAME = re.compile(r"^alias/[a-zA-Z0-9/_-]+$")
RESERVED_ALIAS_PREFIX = "alias/aws/"
AWS_EBS_ALIAS = "alias/aws/ebs"
AWS_EBS_DESCRIPTION = "Default key that protects my EBS volumes when no other key is defined"


def aws_partition(region: str) -> str:
    """The Region -> partition map of a KMS (or World) given none: every Region in ``aws``."""
    return "aws"


def key_arn(partition: str, account: str, region: str, key_id: str) -> str:
    return f"arn:{partition}:kms:{region}:{account}:key/{key_id}"


def alias_arn(partition: str, account: str, region: str, name: str) -> str:
    return f"arn:{partition}:kms:{region}:{account}:{name}"


@dataclass
class Key:
    key_id: str
    account: str
    region: str
    created: datetime
    policy: str  # the document as the owner wrote it; GetKeyPolicy returns it unchanged
    description: str = ""
    state: str = ENABLED
    manager: str = CUSTOMER
    key_usage: str = "ENCRYPT_DECRYPT"
    key_spec: str = "SYMMETRIC_DEFAULT"
    origin: str = "AWS_KMS"
    deletion_date: datetime | None = None
    pending_window_days: int | None = None
    partition: str = "aws"  # of ``region``, by the World's Region -> partition map
    # The key's secret AES-256 material, as hex (``ciphertext.new_material``); "" until the
    # KMS that holds the key gives it one.
    material: str = ""

    @property
    def arn(self) -> str:
        return key_arn(self.partition, self.account, self.region, self.key_id)

    @property
    def enabled(self) -> bool:
        return self.state == ENABLED

    @property
    def key_material_id(self) -> str:
        """64 hex digits, as AWS's ``CurrentKeyMaterialId``; one material for the key's
        life, since keys are not rotated here."""
        return hashlib.sha256(f"{self.account}:{self.region}:{self.key_id}".encode()).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        return {
            **{k: v for k, v in vars(self).items() if k not in ("created", "deletion_date")},
            "created": self.created.isoformat(),
            "deletion_date": self.deletion_date.isoformat() if self.deletion_date else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Key:
        deletion = data.get("deletion_date")
        return cls(
            **{k: v for k, v in data.items() if k not in ("created", "deletion_date")},
            created=datetime.fromisoformat(data["created"]),
            deletion_date=datetime.fromisoformat(deletion) if deletion else None,
        )


@dataclass
class Alias:
    name: str  # "alias/..."
    account: str
    region: str
    target_key_id: str
    created: datetime
    updated: datetime
    partition: str = "aws"  # as a key's

    @property
    def arn(self) -> str:
        return alias_arn(self.partition, self.account, self.region, self.name)

    def to_dict(self) -> dict[str, Any]:
        return {
            **vars(self),
            "created": self.created.isoformat(),
            "updated": self.updated.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Alias:
        return cls(
            **{
                **data,
                "created": datetime.fromisoformat(data["created"]),
                "updated": datetime.fromisoformat(data["updated"]),
            }
        )


def default_key_policy(partition: str, account: str) -> str:
    """The policy CreateKey gives a key when the caller sends none."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Id": "key-default-1",
            "Statement": [
                {
                    "Sid": "Enable IAM User Permissions",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ],
        },
        indent=2,
    )


def aws_ebs_key_policy(partition: str, account: str, region: str) -> str:
    """The policy AWS gives ``aws/ebs``: use only through EC2 by the owning account, and
    read access to the metadata; nothing lets the customer manage or delete it."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Id": "auto-ebs-2",
            "Statement": [
                {
                    "Sid": "Allow access through EBS for all principals in the account that "
                    "are authorized to use EBS",
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": [
                        "kms:Encrypt",
                        "kms:Decrypt",
                        "kms:ReEncrypt*",
                        "kms:GenerateDataKey*",
                        "kms:CreateGrant",
                        "kms:DescribeKey",
                    ],
                    "Resource": "*",
                    "Condition": {
                        "StringEquals": {
                            "kms:CallerAccount": account,
                            "kms:ViaService": f"ec2.{region}.amazonaws.com",
                        }
                    },
                },
                {
                    "Sid": "Allow direct access to key metadata to the account",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
                    "Action": ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"],
                    "Resource": "*",
                },
            ],
        },
        indent=2,
    )
