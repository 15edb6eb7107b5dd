"""EC2 ``Filters``: names AND together, values OR together, ``*`` and ``?`` are wildcards."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from emulator.core.errors import InvalidValue, LimitExceeded
from emulator.core.wildcard import Wildcard, compile_wildcard

T = TypeVar("T")
# EC2's own limit (FilterLimitExceeded); it also bounds the matching work of one call.
MAX_FILTER_VALUES = 200
Field = Callable[[T], Iterable[str]]


@dataclass(frozen=True)
class Filter:
    name: str
    values: tuple[str, ...]


def wildcard_match(pattern: str, value: str) -> bool:
    """True when ``value`` matches the EC2 filter value ``pattern`` as a whole."""
    return compile_wildcard(pattern, escapes=True).matches(value)


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
        filters = list(filters)
        if sum(len(f.values) for f in filters) > MAX_FILTER_VALUES:
            raise LimitExceeded("filter_limit_exceeded", limit=MAX_FILTER_VALUES)
        # Each value is compiled once per call; nothing outlives the request.
        self._checks: list[tuple[Field[T], tuple[Wildcard, ...]]] = [
            (
                self._field(f.name, fields, tags),
                tuple(compile_wildcard(v, escapes=True) for v in f.values),
            )
            for f in filters
        ]

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
            if not any(p.matches(v) for p in patterns for v in values):
                return False
        return True
