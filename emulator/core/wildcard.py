"""Wildcard patterns (``*`` any run of characters, ``?`` exactly one) matched without regexes.

A pattern is split at its stars into star-free *segments*; the first segment must match at
the start of the value, the last at its end, and each middle one is placed at its leftmost
occurrence after the one before it. Greedy leftmost placement is optimal for ``*`` (a later
placement only leaves less room for the rest), so a placed segment is never revisited and
there is no backtracking across stars: ``*a*a*a*a*a*a*a*b`` against 128 ``a`` costs a few
scans, where a backtracking regex tries every way of splitting the value.

Cost, for a value of length n and a pattern of length m: compiling is O(m). A segment
without ``?`` is found with ``str.find`` (CPython falls back to the two-way algorithm on
long inputs, so each search is linear in the text it scans), and the searches scan disjoint
stretches of the value, so such a pattern matches in O(n + m). A segment holding ``?`` is
found by its longest literal run and checked at the other runs' fixed offsets: O(n * L)
character comparisons in the worst case, L being that segment's length. A pattern needing
more characters than the value has is refused before any search, so L <= n. Nothing is
exponential, and nothing is cached per pattern.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    """A star-free stretch of a pattern: ``length`` characters, of which the literal runs
    ``pieces`` (offset, text) are fixed and the rest are ``?``."""

    length: int
    pieces: tuple[tuple[int, str], ...]

    def matches_at(self, value: str, at: int) -> bool:
        return all(value.startswith(text, at + offset) for offset, text in self.pieces)

    def find(self, value: str, start: int, end: int) -> int:
        """The leftmost position p in ``[start, end - length]`` where the segment matches
        ``value[p:p + length]``, or -1."""
        last = end - self.length
        if not self.pieces:
            return start if start <= last else -1
        offset, anchor = max(self.pieces, key=lambda piece: len(piece[1]))
        while start <= last:
            found = value.find(anchor, start + offset, last + offset + len(anchor))
            if found < 0:
                return -1
            at = found - offset
            if len(self.pieces) == 1 or self.matches_at(value, at):
                return at
            start = at + 1
        return -1


@dataclass(frozen=True)
class Wildcard:
    """A compiled pattern: the segments between its stars, and whether it has a star."""

    segments: tuple[Segment, ...]
    starred: bool
    fixed: int  # characters any match needs: every literal and every ?

    @property
    def literal(self) -> str | None:
        """The one value the pattern matches when it has no ``*`` and no ``?``, else None."""
        segment = self.segments[0]
        if self.starred or len(segment.pieces) > 1:
            return None
        text = segment.pieces[0][1] if segment.pieces else ""
        return text if len(text) == segment.length else None

    def matches(self, value: str) -> bool:
        """True when ``value`` as a whole matches the pattern."""
        n = len(value)
        if self.fixed > n or (not self.starred and self.fixed != n):
            return False
        first = self.segments[0]
        if not first.matches_at(value, 0):
            return False
        if not self.starred:
            return True
        last = self.segments[-1]
        end = n - last.length
        if not last.matches_at(value, end):
            return False
        pos = first.length
        for segment in self.segments[1:-1]:
            at = segment.find(value, pos, end)
            if at < 0:
                return False
            pos = at + segment.length
        return True


def compile_wildcard(pattern: str, *, escapes: bool) -> Wildcard:
    """Compile ``pattern``; with ``escapes`` a backslash makes the next character literal
    (``\\*`` is a star, a trailing backslash is itself), as EC2 filters read them."""
    segments: list[Segment] = []
    runs: list[tuple[int, str]] = []
    run: list[str] = []
    length = 0

    def end_run() -> None:
        if run:
            runs.append((length - len(run), "".join(run)))
            run.clear()

    def end_segment() -> None:
        nonlocal length
        end_run()
        segments.append(Segment(length, tuple(runs)))
        runs.clear()
        length = 0

    chars = iter(pattern)
    for ch in chars:
        if ch == "\\" and escapes:
            run.append(next(chars, "\\"))
            length += 1
        elif ch == "*":
            end_segment()
        elif ch == "?":
            end_run()
            length += 1
        else:
            run.append(ch)
            length += 1
    end_segment()
    # Stars next to each other leave empty segments between them; they constrain nothing.
    middle = [s for s in segments[1:-1] if s.length]
    kept = [segments[0], *middle, segments[-1]] if len(segments) > 1 else segments
    return Wildcard(tuple(kept), len(segments) > 1, sum(s.length for s in kept))
