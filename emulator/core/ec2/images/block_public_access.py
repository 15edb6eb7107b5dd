"""Block public access for AMIs: one setting per account and Region."""

from __future__ import annotations

from emulator.core.commit import commit
from emulator.core.ec2.region import Env, RegionState
from emulator.core.errors import InvalidValue

BLOCKED = "block-new-sharing"
UNBLOCKED = "unblocked"


def state(env: Env, region: RegionState, account: str) -> str:
    return region.bpa.get(account, env.config.bpa_default)


def enable(region: RegionState, account: str, requested: str) -> str:
    if requested != BLOCKED:
        raise InvalidValue("bpa_state_invalid", value=requested)
    commit()
    region.bpa[account] = BLOCKED
    return BLOCKED


def disable(region: RegionState, account: str) -> str:
    commit()
    region.bpa[account] = UNBLOCKED
    return UNBLOCKED
