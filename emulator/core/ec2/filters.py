"""EC2 ``Filters``: names AND together, values OR together, ``*`` and ``?`` are wildcards.

Each resource kind has a table from every filter name EC2 documents for its Describe call
to the values a resource shows under it (``tests/protocol/test_filter_coverage.py`` checks
the tables against botocore's documentation). A filter reads what the Describe answer
shows: a boolean as ``true``/``false``, a time as its ISO 8601 string (so ``2024-05-*``
matches a month). A documented name over data the emulator does not keep (``no_data``)
is accepted and matches nothing, as an absent value does in EC2.
"""

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


def no_data(item: object) -> list[str]:
    """The field of a filter over data the emulator does not keep: no value, so it matches
    nothing (``affinity`` of an instance not on a Dedicated Host)."""
    return []


def always(value: str) -> Field[object]:
    """A field every resource of the kind shows with the same value (``tenancy``)."""
    values = (value,)
    return lambda item: values


def field_table(known: Mapping[str, Field[T]], without_data: Iterable[str]) -> dict[str, Field[T]]:
    """A kind's filter table: the fields it reads, and the documented names it has no data
    for. A name in both is a mistake (the data would be ignored), refused at import."""
    absent = tuple(without_data)
    overlap = sorted(set(known) & set(absent))
    if overlap:
        raise ValueError(f"filters both read and without data: {overlap}")
    return {**known, **dict.fromkeys(absent, no_data)}


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
        compiled = [
            (f.name, tuple(compile_wildcard(v, escapes=True) for v in f.values)) for f in filters
        ]
        self._checks: list[tuple[Field[T], tuple[Wildcard, ...]]] = [
            (self._field(name, fields, tags), patterns) for name, patterns in compiled
        ]
        self._compiled = compiled

    def exact(self, name: str) -> frozenset[str] | None:
        """The only values ``name`` can have in a match, from the filters on ``name`` that
        list plain values only (no ``*`` or ``?``); None when there is no such filter. An
        operation looks these up in its indexes instead of scanning; every filter is still
        checked on what it finds."""
        found: frozenset[str] | None = None
        for filter_name, patterns in self._compiled:
            if filter_name != name:
                continue
            literals = [p.literal for p in patterns]
            if None in literals:
                continue
            values = frozenset(v for v in literals if v is not None)
            found = values if found is None else found & values
        return found

    @staticmethod
    def _field(
        name: str, fields: Mapping[str, Field[T]], tags: Callable[[T], Mapping[str, str]] | None
    ) -> Field[T]:
        if name in fields:
            return fields[name]
        if tags is not None:
            if name.startswith("tag:") and len(name) > 4:
                key = name[4:]

                def tag_value(item: T) -> list[str]:
                    value = tags(item).get(key)
                    return [] if value is None else [value]

                return tag_value
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
