"""Block public access for AMIs: one setting per account and Region.

Unless the account's effective declarative policy sets it: then in every Region, read-only
in the account.
"""

from __future__ import annotations

from emulator.core.commit import commit
from emulator.core.ec2.region import Env, RegionState
from emulator.core.errors import InvalidValue

BLOCKED = "block-new-sharing"
UNBLOCKED = "unblocked"
MANAGED_BY_ACCOUNT = "account"
MANAGED_BY_POLICY = "declarative-policy"
# The policy's spelling of the states -> EC2's.
_POLICY_STATES = {"block_new_sharing": BLOCKED, "unblocked": UNBLOCKED}


def state(env: Env, region: RegionState, account: str) -> str:
    policy = env.declarative(account)
    if policy is not None and policy.image_block_public_access is not None:
        return _POLICY_STATES[policy.image_block_public_access]
    return region.bpa.get(account, env.config.bpa_default)


def managed_by(env: Env, account: str) -> str:
    policy = env.declarative(account)
    if policy is not None and policy.image_block_public_access is not None:
        return MANAGED_BY_POLICY
    return MANAGED_BY_ACCOUNT


def exception_message(env: Env, account: str) -> str | None:
    """The custom message of the policy that blocks the account's public sharing, if any."""
    policy = env.declarative(account)
    if policy is None or policy.image_block_public_access is None:
        return None
    return policy.exception_message


def enable(env: Env, region: RegionState, account: str, requested: str) -> str:
    if requested != BLOCKED:
        raise InvalidValue("bpa_state_invalid", value=requested)
    _check_managed(env, account)
    commit()
    region.bpa[account] = BLOCKED
    return BLOCKED


def disable(env: Env, region: RegionState, account: str) -> str:
    _check_managed(env, account)
    commit()
    region.bpa[account] = UNBLOCKED
    return UNBLOCKED


def _check_managed(env: Env, account: str) -> None:
    if managed_by(env, account) != MANAGED_BY_ACCOUNT:
        raise InvalidValue("bpa_managed_by_policy")
