"""Errors found while reading a request, before any AWS semantics apply."""

from __future__ import annotations

from typing import Any


class ProtocolError(Exception):
    """A request that cannot be read; ``reason`` is looked up in the service's catalogue."""

    def __init__(self, reason: str, **details: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.details = details


def missing(name: str) -> ProtocolError:
    return ProtocolError("missing_parameter", name=name)


def invalid(name: str, value: Any) -> ProtocolError:
    return ProtocolError("invalid_parameter_value", name=name, value=_short(value))


def unknown(name: str) -> ProtocolError:
    return ProtocolError("unknown_parameter", name=name)


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 200 else text[:200] + "..."
