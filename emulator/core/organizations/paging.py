"""NextToken / MaxResults paging for the Organizations list operations.

A token is opaque to callers: base64 of the listing it belongs to and the offset to resume
at. A token from another listing (other operation or other parent) is refused, as AWS does
with tokens it did not issue for that request.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import TypeVar

from emulator.core.errors import Malformed

T = TypeVar("T")

MAX_PAGE = 20  # MaxResults range in the model is 1..20


def paginate(
    items: Sequence[T], scope: str, next_token: str | None, max_results: int | None
) -> tuple[list[T], str | None]:
    """One page of ``items`` and the token for the next page (None on the last page)."""
    size = _page_size(max_results)
    start = _decode(next_token, scope) if next_token is not None else 0
    end = start + size
    token = _encode(scope, end) if end < len(items) else None
    return list(items[start:end]), token


def _page_size(max_results: int | None) -> int:
    if max_results is None:
        return MAX_PAGE
    if max_results < 1:
        raise Malformed("min_value_exceeded", name="MaxResults", value=max_results)
    if max_results > MAX_PAGE:
        raise Malformed("max_value_exceeded", name="MaxResults", value=max_results)
    return max_results


def _encode(scope: str, offset: int) -> str:
    raw = json.dumps({"s": scope, "o": offset}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _decode(token: str, scope: str) -> int:
    try:
        data = json.loads(base64.urlsafe_b64decode(token.encode()))
    except (binascii.Error, ValueError, UnicodeError):
        raise Malformed("invalid_next_token", value=token) from None
    if not isinstance(data, dict) or data.get("s") != scope:
        raise Malformed("invalid_next_token", value=token)
    offset = data.get("o")
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise Malformed("invalid_next_token", value=token)
    return offset
