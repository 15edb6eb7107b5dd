"""KMS's Limit / Marker over a listing sorted here by its key."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from emulator.core.errors import InvalidValue
from emulator.core.paging import after_key, page_size

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

    def refuse(value: int) -> InvalidValue:
        return InvalidValue("value_out_of_range", name="limit", value=value, low=low, high=high)

    size = page_size(limit, PAGE_BOUNDS, DEFAULT_PAGE, refuse)
    return after_key(sorted(items, key=key), key, size, marker, exact=True)
