"""Scalar conversions shared by the parsers and serializers."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime
from typing import Any

from emulator.protocol.errors import invalid

_TRUE = {"true": True, "false": False}
# Characters XML 1.0 cannot carry; a value holding one could never be answered back.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def check_text(text: str, name: str) -> str:
    if _XML_INVALID.search(text):
        raise invalid(name, text.encode("unicode_escape").decode())
    return text


def text_to_scalar(type_name: str, text: str, name: str) -> Any:
    """A form value (always text) -> the Python value its shape asks for."""
    try:
        if type_name in ("integer", "long"):
            return int(text.strip())
        if type_name in ("float", "double"):
            return float(text)
        if type_name == "boolean":
            return _TRUE[text.strip().lower()]
        if type_name == "timestamp":
            return parse_timestamp(text)
        if type_name == "blob":
            return base64.b64decode(text, validate=True)
        return check_text(text, name)
    except (ValueError, KeyError, binascii.Error, OverflowError):
        raise invalid(name, text) from None


def parse_timestamp(value: str | float) -> datetime:
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, UTC)
    text = value.strip()
    try:
        return datetime.fromtimestamp(float(text), UTC)
    except ValueError:
        pass
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def iso8601(value: datetime) -> str:
    """EC2's timestamp text: ``2024-01-01T00:00:00.000Z``."""
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def scalar_to_text(type_name: str, value: Any) -> str:
    if type_name == "boolean":
        return "true" if value else "false"
    if type_name == "timestamp":
        if isinstance(value, (int, float)):
            value = datetime.fromtimestamp(value, UTC)
        return iso8601(value) if isinstance(value, datetime) else str(value)
    if type_name == "blob":
        raw = value.encode() if isinstance(value, str) else value
        return base64.b64encode(raw).decode()
    return str(value)
