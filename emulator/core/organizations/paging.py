"""Organizations' NextToken / MaxResults: offset tokens scoped to one listing.

A token is opaque to callers: base64 of the listing it belongs to and the offset to resume
at. A token from another listing (other operation or other parent) is refused, as AWS does
with tokens it did not issue for that request.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TypeVar

from emulator.core.errors import Malformed
from emulator.core.paging import make_token, page_size, read_token, window

T = TypeVar("T")

MAX_PAGE = 20  # MaxResults range in the model is 1..20


def paginate(
    items: Sequence[T], scope: str, next_token: str | None, max_results: int | None
) -> tuple[list[T], str | None]:
    """One page of ``items`` and the token for the next page (None on the last page)."""
    size = page_size(max_results, (1, MAX_PAGE), MAX_PAGE, _out_of_range)
    start = _offset(next_token, scope) if next_token is not None else 0
    shown, end = window(items, start, size)
    if end is None:
        return shown, None
    return shown, make_token(json.dumps({"s": scope, "o": end}, separators=(",", ":")))


def _out_of_range(value: int) -> Malformed:
    reason = "min_value_exceeded" if value < 1 else "max_value_exceeded"
    return Malformed(reason, name="MaxResults", value=value)


def _offset(token: str, scope: str) -> int:
    text = read_token(token)
    try:
        data = json.loads(text) if text is not None else None
    except ValueError:
        data = None
    offset = data.get("o") if isinstance(data, dict) and data.get("s") == scope else None
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise Malformed("invalid_next_token", value=token)
    return offset
