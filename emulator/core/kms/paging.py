"""Limit / Marker paging for the KMS list operations."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import TypeVar

from emulator.core.errors import InvalidValue

T = TypeVar("T")
DEFAULT_PAGE = 100
PAGE_BOUNDS = (1, 1000)


def page_by_marker(
    items: list[T], key: Callable[[T], str], limit: int | None, marker: str | None
) -> tuple[list[T], str | None]:
    """One page of ``items`` in ``key`` order after ``marker``, and the next page's marker.

    A marker is the key of the last item shown, base64-encoded; anything that is not
    exactly such an encoding is refused.
    """
    low, high = PAGE_BOUNDS
    if limit is not None and not low <= limit <= high:
        raise InvalidValue("value_out_of_range", name="limit", value=limit, low=low, high=high)
    size = limit or DEFAULT_PAGE
    rest = sorted(items, key=key)
    if marker is not None:
        after = _unmark(marker)
        rest = [i for i in rest if key(i) > after]
    if len(rest) <= size:
        return rest, None
    return rest[:size], _mark(key(rest[size - 1]))


def _mark(sort_key: str) -> str:
    return base64.urlsafe_b64encode(sort_key.encode()).decode()


def _unmark(marker: str) -> str:
    try:
        sort_key = base64.urlsafe_b64decode(marker.encode()).decode()
    except (binascii.Error, UnicodeError, ValueError):
        raise InvalidValue("next_token_invalid", token=marker) from None
    if _mark(sort_key) != marker:
        raise InvalidValue("next_token_invalid", token=marker)
    return sort_key
