"""Paging shared by every list operation: the page size, the slice, and opaque tokens.

Each wire style is a small adapter over these: EC2's MaxResults / NextToken
(``core.ec2.paging``), Organizations' scoped NextToken (``core.organizations.paging``) and
KMS's Limit / Marker (``core.kms.paging``). An adapter names its bounds, its token's content
and its error reasons; the logic is here.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from typing import TypeVar

from emulator.core.errors import CoreError, InvalidValue

T = TypeVar("T")


def page_size(
    requested: int | None,
    bounds: tuple[int, int],
    default: int | None,
    refuse: Callable[[int], CoreError],
) -> int | None:
    """``requested`` when it is within ``bounds``, ``default`` when absent; else ``refuse``."""
    if requested is None:
        return default
    if not bounds[0] <= requested <= bounds[1]:
        raise refuse(requested)
    return requested


def window(items: Sequence[T], start: int, size: int | None) -> tuple[list[T], int | None]:
    """``size`` items from ``start`` (all with no size), and where the next page starts
    (None when this page is the last)."""
    if size is None:
        return list(items[start:]), None
    end = start + size
    return list(items[start:end]), end if end < len(items) else None


def make_token(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def read_token(token: str, *, exact: bool = False) -> str | None:
    """The text a token carries, or None when it is no token; with ``exact``, only the very
    encoding ``make_token`` gives counts."""
    try:
        text = base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, UnicodeError, ValueError):
        return None
    if exact and make_token(text) != token:
        return None
    return text


def after_key(
    items: Sequence[T],
    key: Callable[[T], str],
    size: int | None,
    token: str | None,
    *,
    exact: bool = False,
) -> tuple[list[T], str | None]:
    """The page of ``items`` whose key comes after the token's, and the next page's token.

    The token carries the key of the last item given, so pages stay right when items are
    added or removed between calls. A token that is none is ``next_token_invalid``.
    """
    rest: Sequence[T] = items
    if token:
        after = read_token(token, exact=exact)
        if after is None:
            raise InvalidValue("next_token_invalid", token=token)
        rest = [i for i in items if key(i) > after]
    shown, more = window(rest, 0, size)
    return shown, make_token(key(shown[-1])) if more is not None else None
