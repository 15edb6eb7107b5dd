"""IAM's records (users, roles, access keys, managed policies), their ARNs and the input rules.

The constraints are the IAM API reference's (and botocore's model: a test compares them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from emulator.core.errors import InvalidValue

NAME = r"[\w+=,.@-]+"
PATH = r"(\u002F)|(\u002F[\u0021-\u007E]+\u002F)"
PATH_PREFIX = r"\u002F[\u0021-\u007F]*"
DOCUMENT = r"[\u0009\u000A\u000D\u0020-\u00FF]+"
VERSION_ID = r"v[1-9][0-9]*(\.[A-Za-z0-9-]*)?"
MAX_USER_NAME = MAX_ROLE_NAME = 64
MAX_POLICY_NAME = 128
MAX_PATH = 512
MAX_DOCUMENT = 131072
SESSION_DURATION = (3600, 43200)
DEFAULT_MAX_SESSION = 3600
MAX_ITEMS = (1, 1000)
DEFAULT_MAX_ITEMS = 100
# IAM and STS quotas (IAM User Guide, "IAM and AWS STS quotas"): the defaults.
ACCESS_KEYS_PER_USER = 2
MANAGED_PER_IDENTITY = 10
VERSIONS_PER_POLICY = 5
USER_INLINE_CHARS = 2048  # the sum of a user's inline policies, whitespace not counted
ROLE_INLINE_CHARS = 10240
MANAGED_POLICY_CHARS = 6144
TRUST_POLICY_CHARS = 2048
AWS_MANAGED = "aws"  # the account part of an AWS managed policy's ARN


@dataclass
class User:
    account: str
    name: str
    id: str  # AIDA...
    path: str
    created: str  # ISO 8601
    partition: str = "aws"
    inline: dict[str, str] = field(default_factory=dict)  # policy name -> document
    attached: list[str] = field(default_factory=list)  # managed policy ARNs, in attach order
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def arn(self) -> str:
        return f"arn:{self.partition}:iam::{self.account}:user{self.path}{self.name}"


@dataclass
class Role:
    account: str
    name: str
    id: str  # AROA...
    path: str
    created: str
    trust_policy: str
    description: str | None = None
    max_session: int = DEFAULT_MAX_SESSION
    partition: str = "aws"
    inline: dict[str, str] = field(default_factory=dict)
    attached: list[str] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def arn(self) -> str:
        return f"arn:{self.partition}:iam::{self.account}:role{self.path}{self.name}"


@dataclass
class AccessKey:
    id: str  # AKIA...
    secret: str
    account: str
    user: str
    created: str
    status: str = "Active"


@dataclass
class PolicyVersion:
    id: str  # v1, v2, ...
    document: str
    created: str


@dataclass
class ManagedPolicy:
    """A customer managed policy (``account`` is its account) or an AWS managed one
    (``account`` is "aws", shipped as data)."""

    account: str
    name: str
    id: str  # ANPA...
    path: str
    created: str
    updated: str
    default_version: str
    versions: list[PolicyVersion]
    description: str | None = None
    partition: str = "aws"
    next_version: int = 2  # IAM never reuses a version number

    @property
    def arn(self) -> str:
        return f"arn:{self.partition}:iam::{self.account}:policy{self.path}{self.name}"

    def version(self, version_id: str) -> PolicyVersion | None:
        return next((v for v in self.versions if v.id == version_id), None)

    @property
    def document(self) -> str:
        found = self.version(self.default_version)
        return found.document if found else "{}"

    def to_dict(self) -> dict[str, Any]:
        out = dict(vars(self))
        out["versions"] = [dict(vars(v)) for v in self.versions]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ManagedPolicy:
        versions = [PolicyVersion(**v) for v in data["versions"]]
        return cls(**{**data, "versions": versions})


class Checks:
    """Every broken input constraint of one request, in AWS's words, raised together as
    ``ValidationError: N validation errors detected: ...``."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def _broke(self, member: str, value: object, constraint: str) -> None:
        self.found.append(
            f"Value '{value}' at '{member}' failed to satisfy constraint: Member must {constraint}"
        )

    def text(
        self,
        member: str,
        value: str | None,
        *,
        longest: int,
        pattern: str | None = None,
        shortest: int = 1,
    ) -> None:
        if value is None:
            return
        if len(value) < shortest:
            self._broke(member, value, f"have length greater than or equal to {shortest}")
        if len(value) > longest:
            self._broke(member, value, f"have length less than or equal to {longest}")
        if pattern is not None and value and not re.fullmatch(pattern, value, re.ASCII):
            self._broke(member, value, f"satisfy regular expression pattern: {pattern}")

    def number(self, member: str, value: int | None, low: int, high: int) -> None:
        if value is None:
            return
        if value < low:
            self._broke(member, value, f"have value greater than or equal to {low}")
        if value > high:
            self._broke(member, value, f"have value less than or equal to {high}")

    def done(self) -> None:
        if self.found:
            raise InvalidValue(
                "validation",
                count=len(self.found),
                errors="error" if len(self.found) == 1 else "errors",
                violations="; ".join(self.found),
            )


def significant_chars(document: str) -> int:
    """How IAM measures a policy against its size quotas: whitespace does not count."""
    return sum(1 for c in document if not c.isspace())
