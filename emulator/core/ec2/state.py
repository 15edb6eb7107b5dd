"""All EC2 state Region by Region, and the rule for reaching a Region: reads record nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from emulator.core.authorization import Authorize
from emulator.core.ec2.region import Ec2Config, Env, RegionState
from emulator.core.ids import IdSource
from emulator.core.kms.keys import Kms
from emulator.core.organizations.membership import MembershipLookup
from emulator.core.organizations.policies.declarative_ec2 import DeclarativeLookup, no_policy


class Ec2State:
    """The EC2 Regions by name and the ``Env`` every EC2 operation runs in. It holds no
    operations (handlers call them in ``images``, ``storage``, ``instances``, ``tagging``);
    it holds one rule: the edge decides which Region names are valid, and here a Region's
    state is recorded with the first change made in it, never by a read."""

    def __init__(
        self,
        *,
        ids: IdSource,
        clock: Callable[[], datetime],
        membership: MembershipLookup,
        config: Ec2Config,
        authorize: Authorize,
        keys: Kms | None = None,
        declarative: DeclarativeLookup = no_policy,
    ) -> None:
        # Without the World's KMS (unit tests of EC2 alone), EC2 gets a KMS of its own.
        keys = keys if keys is not None else Kms(ids=ids, clock=clock, membership=membership)
        self.env = Env(
            ids=ids,
            clock=clock,
            membership=membership,
            config=config,
            keys=keys,
            authorize=authorize,
            declarative=declarative,
        )
        self.regions: dict[str, RegionState] = {}

    def read(self, name: str) -> RegionState:
        """Region ``name`` for reading: one nothing was made in reads as empty, unrecorded."""
        state = self.regions.get(name)
        return state if state is not None else RegionState(name)

    @contextmanager
    def write(self, name: str) -> Iterator[RegionState]:
        """Region ``name`` for one state-changing operation; a Region it leaves empty (the
        call failed, was a dry run, or changed nothing) stays unrecorded."""
        state = self.regions.get(name)
        if state is not None:
            yield state
            return
        state = RegionState(name)
        yield state
        if not state.is_empty:
            self.regions[name] = state

    def to_dict(self) -> dict[str, Any]:
        # A Region only touched by reads or failed calls holds nothing worth saving.
        return {
            "regions": {name: r.to_dict() for name, r in self.regions.items() if not r.is_empty}
        }

    @classmethod
    def from_dict(
        cls,
        data: dict[str, Any],
        *,
        ids: IdSource,
        clock: Callable[[], datetime],
        membership: MembershipLookup,
        config: Ec2Config,
        authorize: Authorize,
        keys: Kms | None = None,
        declarative: DeclarativeLookup = no_policy,
    ) -> Ec2State:
        ec2 = cls(
            ids=ids,
            clock=clock,
            membership=membership,
            config=config,
            authorize=authorize,
            keys=keys,
            declarative=declarative,
        )
        for name, region in data.get("regions", {}).items():
            ec2.regions[name] = RegionState.from_dict(name, region)
        return ec2
