"""KMS's Limit / Marker over a listing sorted here by its key, and its range refusals."""

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
    size = page_size(
        limit, PAGE_BOUNDS, DEFAULT_PAGE, lambda v: out_of_range("limit", v, PAGE_BOUNDS)
    )
    return after_key(sorted(items, key=key), key, size, marker, exact=True)


def out_of_range(name: str, value: int, bounds: tuple[int, int]) -> InvalidValue:
    """AWS names the one bound a number breaks ("greater than or equal to 7")."""
    low, high = bounds
    if value < low:
        return InvalidValue("value_below_minimum", name=name, value=value, low=low)
    return InvalidValue("value_above_maximum", name=name, value=value, high=high)
