"""EC2 ``Filters``: names AND together, values OR together, ``*`` and ``?`` are wildcards."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

from emulator.core.errors import InvalidValue

T = TypeVar("T")
Field = Callable[[T], Iterable[str]]


@dataclass(frozen=True)
class Filter:
    name: str
    values: tuple[str, ...]


@lru_cache(maxsize=1024)
def _pattern(value: str) -> re.Pattern[str]:
    # A backslash escapes the next character, so "\*" matches a literal star.
    out: list[str] = []
    chars = iter(value)
    for ch in chars:
        if ch == "\\":
            out.append(re.escape(next(chars, "\\")))
        elif ch == "*":
            out.append(".*")
        elif ch == "?":
            out.append(".")
        else:
            out.append(re.escape(ch))
    return re.compile("".join(out), re.DOTALL)


def wildcard_match(pattern: str, value: str) -> bool:
    """True when ``value`` matches the EC2 filter value ``pattern`` as a whole."""
    return _pattern(pattern).fullmatch(value) is not None


def as_text(value: object) -> str:
    """How a field value compares in a filter: booleans as ``true``/``false``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


class FilterSet(Generic[T]):
    """Filters checked against one resource kind's fields; unknown names are rejected."""

    def __init__(
        self,
        filters: Iterable[Filter],
        fields: Mapping[str, Field[T]],
        tags: Callable[[T], Mapping[str, str]] | None = None,
    ) -> None:
        self._checks: list[tuple[Field[T], tuple[str, ...]]] = []
        for f in filters:
            self._checks.append((self._field(f.name, fields, tags), f.values))

    @staticmethod
    def _field(
        name: str, fields: Mapping[str, Field[T]], tags: Callable[[T], Mapping[str, str]] | None
    ) -> Field[T]:
        if name in fields:
            return fields[name]
        if tags is not None:
            if name.startswith("tag:") and len(name) > 4:
                key = name[4:]
                return lambda item: [tags(item)[key]] if key in tags(item) else []
            if name == "tag-key":
                return lambda item: list(tags(item))
            if name == "tag-value":
                return lambda item: list(tags(item).values())
        raise InvalidValue("unknown_filter", name=name)

    def __call__(self, item: T) -> bool:
        for field, patterns in self._checks:
            values = list(field(item))
            if not any(wildcard_match(p, v) for p in patterns for v in values):
                return False
        return True
