"""The closed set of semantic errors the core raises.

The core never names wire codes. Each error carries a ``reason`` token and its
details; one catalogue per service (``emulator.api.*_errors``) turns the token
into the AWS code, message and HTTP status.
"""

from __future__ import annotations

from typing import Any


class CoreError(Exception):
    """Base of every error the core raises on purpose."""

    def __init__(self, reason: str, **details: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.reason!r}, **{self.details!r})"


class NotFound(CoreError):
    """The thing named does not exist, or is invisible to the caller."""


class Gone(CoreError):
    """The thing existed but was deleted (for example a deregistered image)."""


class Malformed(CoreError):
    """An identifier or value does not have the expected format."""


class InvalidValue(CoreError):
    """A well-formed request asks for something the rules do not allow."""


class NotAuthorized(CoreError):
    """The caller may not do this to that resource."""


class Conflict(CoreError):
    """The request clashes with the current state (duplicate, not empty, ...)."""


class LimitExceeded(CoreError):
    """A quota or structural limit would be passed."""
