"""Where each statement of a policy document sits in its text, as line and column.

IAM's simulator names a matched statement by its ``StartPosition`` / ``EndPosition``: the
1-based line and column of the statement object's opening ``{`` and of its closing ``}``.
One linear pass over the text, no recursion (a deeply nested document costs no stack).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based


@dataclass(frozen=True)
class Span:
    start: Position
    end: Position


def statement_spans(text: str) -> list[Span]:
    """The span of each statement, in document order, of a document that parsed as a
    policy (``Statement`` is one object or a list of objects)."""
    offsets = _statement_offsets(text)
    starts = _line_starts(text)
    return [Span(_position(starts, a), _position(starts, b)) for a, b in offsets]


def _statement_offsets(text: str) -> list[tuple[int, int]]:
    """(offset of ``{``, offset of ``}``) of each statement object."""
    out: list[tuple[int, int]] = []
    stack: list[str] = []  # the open containers: "{" or "["
    key: str | None = None  # the last key read directly inside the top-level object
    statement_depth: int | None = None  # the depth at which statement objects open
    opened: int | None = None
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == '"':
            end = _string_end(text, i)
            if len(stack) == 1 and _is_key(text, end):
                key = text[i + 1 : end]
            i = end + 1
            continue
        if char in "{[":
            if len(stack) == 1 and key == "Statement" and statement_depth in (None, -1):
                # The Statement value: a single object is the statement itself. A key given
                # twice counts as JSON parsers read it: the last one.
                out.clear()
                statement_depth = 1 if char == "{" else 2
            if statement_depth is not None and char == "{" and len(stack) == statement_depth:
                opened = i
            stack.append(char)
        elif char in "}]":
            stack.pop()
            if char == "}" and opened is not None and len(stack) == statement_depth:
                out.append((opened, i))
                opened = None
            if statement_depth is not None and len(stack) < statement_depth:
                statement_depth = -1  # the Statement value is closed: no more statements
        i += 1
    return out


def _string_end(text: str, start: int) -> int:
    """The offset of the quote closing the JSON string opened at ``start``."""
    i = start + 1
    while text[i] != '"':
        i += 2 if text[i] == "\\" else 1
    return i


def _is_key(text: str, end: int) -> bool:
    """Whether the string ending at ``end`` is an object key (a ``:`` follows it)."""
    i = end + 1
    while i < len(text) and text[i] in " \t\r\n":
        i += 1
    return i < len(text) and text[i] == ":"


def _line_starts(text: str) -> list[int]:
    starts = [0]
    starts += [i + 1 for i, char in enumerate(text) if char == "\n"]
    return starts


def _position(starts: list[int], offset: int) -> Position:
    # Binary search: the last line starting at or before the offset.
    low, high = 0, len(starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if starts[middle] <= offset:
            low = middle
        else:
            high = middle - 1
    return Position(low + 1, offset - starts[low] + 1)
