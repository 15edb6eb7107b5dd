"""AWS-shaped errors and the per-service catalogues that produce them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

# What a request refused by the HTTP layer, before any operation runs, is told; each service's
# catalogue gives these reasons its own code (the HTTP layer sets the status).
EDGE_MESSAGES = {
    "method_not_allowed": "The HTTP method {method} is not supported by this endpoint.",
    "unknown_path": "There is no endpoint at {path}; requests go to /.",
    "malformed_request": "The request is not valid HTTP: {detail}.",
    "body_too_large": "The request body exceeds the limit of {limit} bytes.",
}


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


# The Query services (EC2, STS) answer EDGE_MESSAGES with EC2's common "the request received
# was invalid" code, and a body over the limit with a code of its own.
QUERY_EDGE_ENTRIES = {
    "method_not_allowed": Entry("InvalidRequest", EDGE_MESSAGES["method_not_allowed"]),
    "unknown_path": Entry("InvalidRequest", EDGE_MESSAGES["unknown_path"]),
    "malformed_request": Entry("InvalidRequest", EDGE_MESSAGES["malformed_request"]),
    "body_too_large": Entry("RequestEntityTooLarge", EDGE_MESSAGES["body_too_large"]),
}


def _fmt(value: Any) -> Any:
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(str(v) for v in value)
    return value
