"""AWS-shaped errors and the per-service catalogues that produce them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


class AwsError(Exception):
    """An error as the caller will see it: code, message, HTTP status, extra members."""

    def __init__(
        self, code: str, message: str, status: int = 400, extra: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.extra = extra or {}


class Reasoned(Protocol):
    reason: str
    details: dict[str, Any]


@dataclass(frozen=True)
class Entry:
    code: str
    message: str  # str.format template over the error's details
    status: int = 400
    extra: dict[str, str] = field(default_factory=dict)  # member -> template


class Catalogue:
    """Maps reason tokens (from core or protocol errors) to one service's AWS errors."""

    def __init__(self, service: str, entries: dict[str, Entry]) -> None:
        self.service = service
        self.entries = entries

    def to_aws(self, err: Reasoned) -> AwsError:
        entry = self.entries.get(err.reason)
        if entry is None:
            raise KeyError(f"{self.service} catalogue has no entry for reason {err.reason!r}")
        details = {k: _fmt(v) for k, v in err.details.items()}
        return AwsError(
            entry.code,
            entry.message.format(**details),
            entry.status,
            {k: v.format(**details) for k, v in entry.extra.items()},
        )

    def codes(self) -> set[str]:
        return {e.code for e in self.entries.values()}


def _fmt(value: Any) -> Any:
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(str(v) for v in value)
    return value
