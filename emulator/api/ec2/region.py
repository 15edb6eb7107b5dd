"""The EC2 state a handler works in: the Env and the caller's Region, to read or to change."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from emulator.api.registry import Call
from emulator.core.ec2.region import Env, RegionState


def reading(call: Call, region: str | None = None) -> tuple[Env, RegionState]:
    """The Env and Region ``region`` (the caller's by default) to read; reading records no
    Region."""
    ec2 = call.world.ec2
    return ec2.env, ec2.read(region or call.region)


@contextmanager
def writing(call: Call) -> Iterator[tuple[Env, RegionState]]:
    """The Env and the caller's Region for one change; the Region is recorded only if the
    change leaves something in it."""
    ec2 = call.world.ec2
    with ec2.write(call.region) as state:
        yield ec2.env, state
