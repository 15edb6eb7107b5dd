"""The image usage report record: what was asked, when, and the entries it counted."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PENDING = "pending"
AVAILABLE = "available"


@dataclass(frozen=True)
class ResourceTypeRequest:
    resource_type: str
    options: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Entry:
    resource_type: str
    account_id: str
    usage_count: int


@dataclass
class UsageReport:
    report_id: str
    owner: str
    region: str
    image_id: str
    resource_types: list[ResourceTypeRequest]
    account_ids: list[str]
    creation_time: str
    expiration_time: str
    entries: list[Entry] = field(default_factory=list)
    client_token: str | None = None

    def state(self, now: str) -> str:
        """``pending`` while the clock still reads the creation time, then ``available``."""
        return PENDING if now <= self.creation_time else AVAILABLE

    def to_dict(self) -> dict[str, Any]:
        data = dict(vars(self))
        data["resource_types"] = [
            {"resource_type": r.resource_type, "options": {n: list(v) for n, v in r.options}}
            for r in self.resource_types
        ]
        data["account_ids"] = list(self.account_ids)
        data["entries"] = [dict(vars(e)) for e in self.entries]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> UsageReport:
        data = dict(data)
        data["resource_types"] = [
            ResourceTypeRequest(
                r["resource_type"],
                tuple((n, tuple(v)) for n, v in r.get("options", {}).items()),
            )
            for r in data.get("resource_types", [])
        ]
        data["account_ids"] = list(data.get("account_ids", []))
        data["entries"] = [Entry(**e) for e in data.get("entries", [])]
        return cls(**data)
