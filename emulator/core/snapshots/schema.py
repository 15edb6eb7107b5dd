"""Declarative checks of plain data, reporting the first error at its key path.

Plain data is what JSON or YAML parse to; a key path reads like
``ec2.regions.us-east-1.images[3].owner``.

A schema is built from a few node types (``Text``, ``Integer``, ``Boolean``, ``Time``,
``Nullable``, ``ListOf``, ``MapOf``, ``Record``); ``node.check(value, path)`` raises
``DocumentError`` or returns. ``check_bounds`` limits any document's nesting depth and
number of values first, so no later walk can recurse too deep or run long (a YAML alias can
make a small text stand for a huge or even cyclic document).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

MAX_DEPTH = 32  # containers inside containers; the deepest real document needs about 15
MAX_ITEMS = 2_000_000  # values of every kind, counting what aliases repeat
MAX_TEXT = 65_536  # characters in one string, unless a field says otherwise


class DocumentError(Exception):
    """A document that cannot be accepted; ``path`` names the offending key."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path or '(top)'}: {message}")
        self.path = path
        self.message = message


def at(path: str, key: str | int) -> str:
    """The path of ``key`` under ``path``: ``a.b``, ``a[2]``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def check_bounds(data: Any, max_depth: int = MAX_DEPTH, max_items: int = MAX_ITEMS) -> None:
    """Refuse a document nested deeper than ``max_depth`` containers or holding more than
    ``max_items`` values. Walks without recursion and stops at the first excess."""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    items = 0
    while stack:
        value, path, depth = stack.pop()
        items += 1
        if items > max_items:
            raise DocumentError(path, f"the document holds more than {max_items} values")
        if isinstance(value, dict):
            children: Any = ((at(path, str(k)), v) for k, v in value.items())
        elif isinstance(value, list):
            children = ((at(path, i), v) for i, v in enumerate(value))
        else:
            continue
        if depth >= max_depth:
            raise DocumentError(path, f"nested deeper than {max_depth} levels")
        stack.extend((child, where, depth + 1) for where, child in children)


def kind(value: Any) -> str:
    """How an error names a value's type."""
    return {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), "null" if value is None else type(value).__name__
    )


class Node(Protocol):
    def check(self, value: Any, path: str) -> None: ...


@dataclass(frozen=True)
class Text:
    """A string, optionally matching ``pattern`` in full or being one of ``choices``."""

    what: str = "a string"
    pattern: re.Pattern[str] | None = None
    choices: tuple[str, ...] = ()
    min_length: int = 0
    max_length: int = MAX_TEXT

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, str):
            raise DocumentError(path, f"expected {self.what}, got {kind(value)}")
        if not self.min_length <= len(value) <= self.max_length:
            raise DocumentError(path, f"expected {self.min_length} to {self.max_length} characters")
        if self.choices and value not in self.choices:
            raise DocumentError(
                path, f"expected one of {', '.join(self.choices)}, got {value[:80]!r}"
            )
        if self.pattern is not None and not self.pattern.fullmatch(value):
            raise DocumentError(path, f"expected {self.what}, got {value[:80]!r}")


@dataclass(frozen=True)
class Integer:
    low: int = 0
    high: int | None = None

    def check(self, value: Any, path: str) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            raise DocumentError(path, f"expected a whole number, got {kind(value)}")
        if value < self.low or (self.high is not None and value > self.high):
            top = "" if self.high is None else f" and at most {self.high}"
            raise DocumentError(path, f"expected at least {self.low}{top}, got {value}")


@dataclass(frozen=True)
class Boolean:
    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, bool):
            raise DocumentError(path, f"expected true or false, got {kind(value)}")


@dataclass(frozen=True)
class Time:
    """An ISO 8601 date and time with its offset (what ``datetime.isoformat`` writes)."""

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, str):
            raise DocumentError(path, f"expected an ISO 8601 time, got {kind(value)}")
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise DocumentError(path, f"expected an ISO 8601 time, got {value[:80]!r}") from None
        if moment.tzinfo is None:
            raise DocumentError(path, f"expected a time with its UTC offset, got {value!r}")


@dataclass(frozen=True)
class Nullable:
    inner: Node

    def check(self, value: Any, path: str) -> None:
        if value is not None:
            self.inner.check(value, path)


@dataclass(frozen=True)
class ListOf:
    item: Node

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, list):
            raise DocumentError(path, f"expected a list, got {kind(value)}")
        for i, item in enumerate(value):
            self.item.check(item, at(path, i))


@dataclass(frozen=True)
class MapOf:
    """A mapping whose keys are all ``key`` strings and whose values are all ``value``."""

    key: Text
    value: Node

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            raise DocumentError(path, f"expected a mapping, got {kind(value)}")
        for k, v in value.items():
            where = at(path, str(k))
            self.key.check(k, where)
            self.value.check(v, where)


@dataclass(frozen=True)
class Record:
    """A mapping with exactly these keys; those in ``optional`` may be left out."""

    fields: dict[str, Node]
    optional: frozenset[str] = field(default_factory=frozenset)

    def check(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            raise DocumentError(path, f"expected a mapping, got {kind(value)}")
        for key in value:
            if key not in self.fields:
                expected = ", ".join(sorted(self.fields))
                raise DocumentError(
                    at(path, str(key)), f"unknown key (expected one of: {expected})"
                )
        for key, node in self.fields.items():
            if key in value:
                node.check(value[key], at(path, key))
            elif key not in self.optional:
                raise DocumentError(at(path, key), "required key is missing")


@dataclass(frozen=True)
class Json:
    """Any JSON value (what a request's free-form data, such as a launch template's, holds);
    its depth and size are bounded by ``check_bounds``."""

    def check(self, value: Any, path: str) -> None:
        if value is None or isinstance(value, (str, bool, int, float)):
            return
        if isinstance(value, list):
            for i, item in enumerate(value):
                self.check(item, at(path, i))
            return
        if isinstance(value, dict):
            for k, v in value.items():
                if not isinstance(k, str):
                    raise DocumentError(path, f"expected string keys, got {kind(k)}")
                self.check(v, at(path, k))
            return
        raise DocumentError(path, f"expected a JSON value, got {kind(value)}")
