"""The world's one clock: moving it, stopping it, keeping it, and the rule against moving it
before what the world recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.core.clock import WorldClock, iso, parse_time
from emulator.core.ec2.images import catalog
from emulator.core.ec2.images.catalog import ImageSpec
from emulator.core.world import World
from tests.unit.ec2.ec2_world import recorded

REAL = datetime(2026, 1, 1, tzinfo=UTC)


class Source:
    """Real time, as a test moves it."""

    def __init__(self) -> None:
        self.now = REAL

    def __call__(self) -> datetime:
        return self.now


def test_a_running_clock_keeps_its_offset_as_real_time_passes() -> None:
    real = Source()
    clock = WorldClock(real)
    assert clock() == REAL
    clock.move_to(REAL + timedelta(days=3))
    real.now += timedelta(hours=1)
    assert clock() == REAL + timedelta(days=3, hours=1)
    assert clock.state()["offset_seconds"] == 3 * 86400


def test_a_frozen_clock_moves_only_when_moved() -> None:
    real = Source()
    clock = WorldClock(real)
    clock.move_to(REAL + timedelta(days=1), frozen=True)
    real.now += timedelta(hours=5)
    assert clock() == REAL + timedelta(days=1)
    clock.move_to(clock.target(advance=60))
    assert clock() == REAL + timedelta(days=1, minutes=1)
    assert clock.frozen_at is not None
    clock.move_to(clock(), frozen=False)
    real.now += timedelta(seconds=10)
    assert clock() == REAL + timedelta(days=1, minutes=1, seconds=10)


@given(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.booleans(),
)
def test_the_clock_survives_its_snapshot(offset_ms: int, frozen: bool) -> None:
    real = Source()
    clock = WorldClock(real)
    clock.move_to(REAL + timedelta(milliseconds=offset_ms), frozen=frozen)
    copy = WorldClock(real)
    copy.load(clock.to_dict())
    assert copy() == clock()
    assert (copy.frozen_at is None) == (not frozen)


@pytest.mark.parametrize("advance", [float("nan"), float("inf"), True, 1e10])
def test_moves_out_of_bounds_are_refused(advance: float) -> None:
    with pytest.raises(ValueError):
        WorldClock(Source()).target(advance=advance)
    with pytest.raises(ValueError):
        WorldClock(Source()).target(now=REAL + timedelta(days=366 * 101))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2030-01-01T00:00:00Z", datetime(2030, 1, 1, tzinfo=UTC)),
        ("2030-01-01T02:00:00+02:00", datetime(2030, 1, 1, tzinfo=UTC)),
        ("2030-01-01T00:00:00", datetime(2030, 1, 1, tzinfo=UTC)),
        ("2030-01-01", datetime(2030, 1, 1, tzinfo=UTC)),
    ],
)
def test_times_are_read_as_utc(text: str, expected: datetime) -> None:
    assert parse_time(text) == expected
    assert iso(expected) == "2030-01-01T00:00:00.000Z"


@pytest.mark.parametrize("text", ["", "soon", "2030-13-01T00:00:00Z"])
def test_what_is_not_a_time(text: str) -> None:
    with pytest.raises(ValueError):
        parse_time(text)


def test_the_world_refuses_to_move_before_its_latest_event() -> None:
    real = Source()
    world = World(clock=real)
    assert world.latest_event() is None
    assert world.move_clock(REAL - timedelta(days=1)) is None  # nothing recorded yet
    world.move_clock(REAL, frozen=True)
    image = catalog.register_image(
        world.ec2.env, recorded(world.ec2, "us-east-1"), "111122223333", ImageSpec("abc"), [], {}
    )
    event = world.move_clock(REAL - timedelta(seconds=1))
    assert event is not None
    assert event.what.startswith("the creation of snap-") or image.image_id in event.what
    assert event.at == REAL
    assert world.clock() == REAL
    assert world.move_clock(REAL - timedelta(seconds=1), force=True) is None
    assert world.clock() == REAL - timedelta(seconds=1)
    # Forward is always allowed; a reset goes back to real time.
    assert world.move_clock(REAL + timedelta(days=1)) is None
    world.reset()
    assert world.clock() == real()
