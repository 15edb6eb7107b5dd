"""The world's one clock: real time moved by an offset, or stopped at a moment.

Every domain reads the time through it (creation dates, deprecation, cooldowns, KMS deletion
windows, session expiry). Signature timestamps are the exception: they are checked against
real time at the edge, since a signer signs with the machine's clock.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

# How far the clock may be moved from real time either way (so every time stays a datetime).
MAX_SHIFT = timedelta(days=366 * 100)


def utcnow() -> datetime:
    return datetime.now(UTC)


def parse_time(text: str) -> datetime:
    """An ISO 8601 time (``Z`` or an offset; none means UTC), as an aware UTC datetime;
    ValueError when it is not one."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError("expected an ISO 8601 time like 2030-01-01T00:00:00Z")
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class WorldClock:
    """Callable like ``datetime.now(UTC)``: ``source()`` (real time) plus ``offset``, or the
    moment it is frozen at. Moving it is the admin endpoint's business; the rule against
    moving it before recorded events lives with the World, which knows the events."""

    def __init__(self, source: Callable[[], datetime] = utcnow) -> None:
        self._source = source
        self.offset = timedelta()
        self.frozen_at: datetime | None = None

    def __call__(self) -> datetime:
        if self.frozen_at is not None:
            return self.frozen_at
        return self._source() + self.offset

    def real(self) -> datetime:
        return self._source()

    @property
    def source(self) -> Callable[[], datetime]:
        """The real time this clock runs on (a new world's clock may share it)."""
        return self._source

    def target(self, *, now: datetime | None = None, advance: float | None = None) -> datetime:
        """The time a move would set, checked to stay within ``MAX_SHIFT`` of real time."""
        if now is None:
            if advance is None or isinstance(advance, bool) or not math.isfinite(advance):
                raise ValueError("advance_seconds must be a finite number")
            if abs(advance) > MAX_SHIFT.total_seconds():
                raise ValueError("advance_seconds moves the clock more than 100 years")
            now = self() + timedelta(seconds=advance)
        if abs(now - self.real()) > MAX_SHIFT:
            raise ValueError("the clock may not be set more than 100 years from real time")
        return now

    def move_to(self, moment: datetime, frozen: bool | None = None) -> None:
        """Set the time to ``moment``; ``frozen`` stops it there (True) or lets it run from
        there (False); None keeps how it runs now."""
        stop = self.frozen_at is not None if frozen is None else frozen
        if stop:
            self.frozen_at = moment
            self.offset = timedelta()
        else:
            self.frozen_at = None
            self.offset = moment - self._source()

    def to_dict(self) -> dict[str, Any]:
        return {
            "offset_ms": round(self.offset.total_seconds() * 1000),
            "frozen_at": self.frozen_at.isoformat() if self.frozen_at else None,
        }

    def load(self, data: dict[str, Any]) -> None:
        """Back to what ``to_dict`` wrote; ``{}`` is real time, running."""
        self.offset = timedelta(milliseconds=data.get("offset_ms") or 0)
        frozen = data.get("frozen_at")
        self.frozen_at = parse_time(frozen) if frozen else None

    def state(self) -> dict[str, Any]:
        """What ``GET /_emulator/clock`` answers."""
        return {
            "now": iso(self()),
            "real_time": iso(self.real()),
            "offset_seconds": round((self() - self.real()).total_seconds(), 3),
            "frozen": self.frozen_at is not None,
        }


def iso(moment: datetime) -> str:
    """``2030-01-01T00:00:00.000Z``: EC2's form, which every answer of the clock uses."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
