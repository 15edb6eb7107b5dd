"""MaxResults / NextToken over a list already in its final order."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import TypeVar

from emulator.core.errors import InvalidValue

T = TypeVar("T")


def _encode(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode()


def _decode(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidValue("next_token_invalid", token=token) from None


def page(
    items: Sequence[T],
    key: Callable[[T], str],
    max_results: int | None,
    next_token: str | None,
    bounds: tuple[int, int] = (5, 1000),
) -> tuple[list[T], str | None]:
    """One page of ``items`` (sorted by ``key``) after ``next_token``, and the next token.

    The token is the key of the last item given, so pages stay right when items are added
    or removed between calls.
    """
    if max_results is not None and not bounds[0] <= max_results <= bounds[1]:
        raise InvalidValue("max_results_invalid", value=max_results, low=bounds[0], high=bounds[1])
    rest = list(items)
    if next_token:
        after = _decode(next_token)
        rest = [i for i in rest if key(i) > after]
    if max_results is None or len(rest) <= max_results:
        return rest, None
    shown = rest[:max_results]
    return shown, _encode(key(shown[-1]))
