"""KMS grants as values: who may use a key for which operations, under which constraints.

A grant gives its grantee principal the listed operations on one key, for requests whose
encryption context meets the grant's constraints. The rules of CreateGrant, RetireGrant and
RevokeGrant are ``Kms``'s (``keys.py``); this module holds the record, the matching and the
store with its indexes (by key, by token, by retiring principal), so every lookup is flat.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# The operations a grant on a symmetric encryption key may give (KMS Developer Guide,
# "Grant operations"); the others of the model's enum need another kind of key.
SYMMETRIC_OPERATIONS = (
    "Decrypt",
    "Encrypt",
    "GenerateDataKey",
    "GenerateDataKeyWithoutPlaintext",
    "ReEncryptFrom",
    "ReEncryptTo",
    "CreateGrant",
    "RetireGrant",
    "DescribeKey",
    "GenerateDataKeyPair",
    "GenerateDataKeyPairWithoutPlaintext",
)
EQUALS, SUBSET = "EncryptionContextEquals", "EncryptionContextSubset"
GRANT_ID = re.compile(r"^[0-9a-f]{64}$")
# What GranteePrincipal and RetiringPrincipal may name: an IAM or STS principal ARN, or an
# AWS service principal.
PRINCIPAL = re.compile(
    r"^(?:arn:aws[a-z-]*:(?:iam|sts)::\d{12}:(?:root|user/\S+|role/\S+|assumed-role/\S+|"
    r"federated-user/\S+)|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)$"
)
SERVICE_PRINCIPAL = re.compile(r"^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")


@dataclass
class Grant:
    grant_id: str
    key_arn: str
    grantee: str
    operations: list[str]
    issuing_account: str
    created: datetime
    token: str
    retiring: str | None = None
    name: str = ""
    equals: dict[str, str] | None = None  # EncryptionContextEquals
    subset: dict[str, str] | None = None  # EncryptionContextSubset
    for_aws_resource: bool = False  # made by an AWS service (EC2) for its own use

    @property
    def key_account(self) -> str:
        return self.key_arn.split(":", 5)[4]

    def allows(self, operation: str, context: Mapping[str, str] | None) -> bool:
        """Whether this grant gives ``operation`` for a request with ``context`` (None for an
        operation that takes none: the context constraints do not apply to it)."""
        if operation not in self.operations:
            return False
        if context is None:
            return True
        if self.equals is not None and dict(context) != self.equals:
            return False
        return self.subset is None or all(context.get(k) == v for k, v in self.subset.items())

    def covers(self, operations: Iterable[str], equals: Any, subset: Any) -> bool:
        """Whether a grant made through this one stays within it: no operation it lacks,
        and at least its constraints."""
        if not set(operations) <= set(self.operations):
            return False
        wanted = {**(self.equals or {}), **(self.subset or {})}
        given = {**(subset or {}), **(equals or {})}
        if self.equals is not None and equals != self.equals:
            return False
        return all(given.get(k) == v for k, v in wanted.items())

    def to_dict(self) -> dict[str, Any]:
        return {**vars(self), "created": self.created.isoformat()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Grant:
        return cls(**{**data, "created": datetime.fromisoformat(data["created"])})


def new_grant_id() -> str:
    return secrets.token_hex(32)


def new_grant_token() -> str:
    """An opaque bearer string, as long as AWS's tokens. It starts with a letter, as AWS's
    do, so a command line never reads it as an option (``--grant-token -x...``)."""
    return "A" + secrets.token_urlsafe(192)


@dataclass
class GrantStore:
    """Every grant, with the indexes the operations need: by key, by (key, grantee), by
    token and by retiring principal."""

    by_id: dict[str, Grant] = field(default_factory=dict)
    by_key: dict[str, dict[str, Grant]] = field(default_factory=dict)  # key ARN -> id -> grant
    by_grantee: dict[tuple[str, str], dict[str, Grant]] = field(default_factory=dict)
    by_token: dict[str, str] = field(default_factory=dict)  # token -> grant id
    by_retiring: dict[str, dict[str, Grant]] = field(default_factory=dict)

    def add(self, grant: Grant) -> None:
        self.by_id[grant.grant_id] = grant
        self.by_key.setdefault(grant.key_arn, {})[grant.grant_id] = grant
        self.by_grantee.setdefault((grant.key_arn, grant.grantee), {})[grant.grant_id] = grant
        self.by_token[grant.token] = grant.grant_id
        if grant.retiring:
            self.by_retiring.setdefault(grant.retiring, {})[grant.grant_id] = grant

    def remove(self, grant: Grant) -> None:
        del self.by_id[grant.grant_id]
        del self.by_token[grant.token]
        _drop(self.by_key, grant.key_arn, grant.grant_id)
        _drop(self.by_grantee, (grant.key_arn, grant.grantee), grant.grant_id)
        if grant.retiring:
            _drop(self.by_retiring, grant.retiring, grant.grant_id)

    def of_key(self, key_arn: str) -> list[Grant]:
        return list(self.by_key.get(key_arn, {}).values())

    def to(self, key_arn: str, grantee: str) -> list[Grant]:
        """The grants on the key whose grantee is ``grantee``."""
        return list(self.by_grantee.get((key_arn, grantee), {}).values())

    def drop_key(self, key_arn: str) -> None:
        for grant in self.of_key(key_arn):
            self.remove(grant)


def _drop(index: dict[Any, dict[str, Grant]], name: Any, grant_id: str) -> None:
    entries = index[name]
    del entries[grant_id]
    if not entries:
        del index[name]
