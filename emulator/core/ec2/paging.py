"""EC2's MaxResults / NextToken over a list already in its final order."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from emulator.core.errors import InvalidValue
from emulator.core.paging import after_key, page_size

T = TypeVar("T")


def page(
    items: Sequence[T],
    key: Callable[[T], str],
    max_results: int | None,
    next_token: str | None,
    bounds: tuple[int, int] = (5, 1000),
) -> tuple[list[T], str | None]:
    """One page of ``items`` (sorted by ``key``) after ``next_token``, and the next token;
    no MaxResults gives every item."""
    low, high = bounds

    def refuse(value: int) -> InvalidValue:
        return InvalidValue("max_results_invalid", value=value, low=low, high=high)

    return after_key(items, key, page_size(max_results, bounds, None, refuse), next_token)
