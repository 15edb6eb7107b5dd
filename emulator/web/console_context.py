"""Who the console acts as (account and Region), and the accounts and Regions it offers.

The choice travels in the query string (``?account=…&region=…``) and is held in the
console's session (a cookie signed by the server, so no other page can set it); there are no
passwords, as with the emulator's access keys.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from emulator.core.ec2.images.launch_permissions import USER
from emulator.core.world import World

ACCOUNT_RE = re.compile(r"\d{12}")
REGION_RE = re.compile(r"[a-z]{2}(-[a-z0-9]+){1,4}")
COMMON_REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-southeast-2",
)


@dataclass
class Acting:
    account: str
    region: str
    problems: list[str] = field(default_factory=list)  # ignored choices, in words
    remember: dict[str, str] = field(default_factory=dict)  # session key -> value chosen now


def acting(world: World, args: Mapping[str, str], session: Mapping[str, object]) -> Acting:
    """The account and Region from the query string, else the session, else the defaults."""
    problems = []
    picks = {}
    remember = {}
    for name, pattern, default, what in (
        (
            "account",
            ACCOUNT_RE,
            world.config.default_account,
            "an account id must be 12 digits",
        ),
        (
            "region",
            REGION_RE,
            world.config.default_region,
            "a Region looks like us-east-1",
        ),
    ):
        asked = args.get(name)
        remembered = session.get(name)
        if asked is not None and pattern.fullmatch(asked.strip()):
            picks[name] = remember[name] = asked.strip()
        elif isinstance(remembered, str) and pattern.fullmatch(remembered):
            picks[name] = remembered
        else:
            picks[name] = default
        if asked is not None and not pattern.fullmatch(asked.strip()):
            problems.append(f"Ignored {name} {asked[:64]!r}: {what}.")
    return Acting(picks["account"], picks["region"], problems, remember)


def known_accounts(world: World) -> list[tuple[str, str]]:
    """(id, name) of every account the world knows of: organization members, image owners
    and accounts named in launch permissions, by id."""
    names: dict[str, str] = {world.config.default_account: ""}
    for org in world.orgs.organizations():
        stack = [org.root_id]
        while stack:
            parent = stack.pop()
            for account in world.orgs.child_accounts(parent):
                names[account.id] = account.name
            stack.extend(ou.id for ou in world.orgs.child_ous(parent))
    for region in world.ec2.regions.values():
        for image in region.images.values():
            names.setdefault(image.owner, "")
            for grant in image.launch_permissions.of_kind(USER):
                names.setdefault(grant.value, "")
    return sorted(names.items())


def known_regions(world: World, current: str) -> list[str]:
    return sorted({current, world.config.default_region, *COMMON_REGIONS, *world.ec2.regions})


def account_name(world: World, account: str) -> str:
    try:
        return world.orgs.account(account).name
    except KeyError:
        return ""
