"""The same world, built in each system through boto3: an organization of 1,000 accounts in
200 OUs, a few probe images whose calls are timed, and filler images (one grant each) that
grow the Region to the sizes measured.

Roles are placed so that the filler never reaches the probing accounts: the owner and the
consumer sit under the first two top-level OUs, filler owners and filler grants under the
last fifteen. So every timed call answers the same thing at every size, except
Owners=['self'] (the owner also owns every tenth filler image).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from bench.clients import Clients

MANAGEMENT = "100000000001"
TOP_OUS = 20
CHILD_OUS = 9  # per top-level OU: 20 + 20 * 9 = 200 OUs
ACCOUNTS = 1000
PROBES = 10  # images the owner shares with the consumer's top-level OU
PARTNER_IMAGES = 10  # images another account shares with the owner by account id
FILLER_TOPS = range(5, TOP_OUS)  # where filler owners, and filler grants, live
FILLER_OWNERS = 50
OWNER_SHARE = 10  # the owner registers every tenth filler image
WORKERS = 4


@dataclass
class World:
    """Ids of what was built; the same roles in both systems, with each system's ids."""

    org_arn: str = ""
    root_id: str = ""
    tops: list[dict[str, str]] = field(default_factory=list)  # {"Id", "Arn"}
    children: list[list[dict[str, str]]] = field(default_factory=list)
    accounts: list[str] = field(default_factory=list)
    placement: dict[str, tuple[int, int]] = field(default_factory=dict)  # account -> (top, child)
    probes: list[str] = field(default_factory=list)
    images: int = 0
    grants: int = 0
    filler_owners: list[str] = field(default_factory=list)
    filler_targets: list[dict[str, str]] = field(default_factory=list)

    def first_in(self, top: int) -> str:
        return next(a for a, (t, _) in self.placement.items() if t == top)

    @property
    def owner(self) -> str:
        return self.first_in(0)

    @property
    def consumer(self) -> str:
        return self.first_in(1)

    @property
    def partner(self) -> str:
        return self.first_in(2)

    @property
    def outsider(self) -> str:
        """A member the timed ModifyImageAttribute calls grant and revoke."""
        return self.first_in(3)


def _parallel(work: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(work, items))


def build_org(clients: Clients) -> World:
    world = World()
    org = clients("organizations", MANAGEMENT)
    world.org_arn = org.create_organization(FeatureSet="ALL")["Organization"]["Arn"]
    world.root_id = org.list_roots()["Roots"][0]["Id"]

    def ou(parent_and_name: tuple[str, str]) -> dict[str, str]:
        parent, name = parent_and_name
        made = org.create_organizational_unit(ParentId=parent, Name=name)["OrganizationalUnit"]
        return {"Id": made["Id"], "Arn": made["Arn"]}

    world.tops = _parallel(ou, [(world.root_id, f"top-{t}") for t in range(TOP_OUS)])
    pairs = [
        (top["Id"], f"ou-{t}-{c}") for t, top in enumerate(world.tops) for c in range(CHILD_OUS)
    ]
    made = _parallel(ou, pairs)
    world.children = [made[t * CHILD_OUS : (t + 1) * CHILD_OUS] for t in range(TOP_OUS)]

    def account(i: int) -> str:
        status = org.create_account(AccountName=f"acct-{i}", Email=f"acct-{i}@example.com")
        status = status["CreateAccountStatus"]
        if "AccountId" not in status:
            status = org.describe_create_account_status(CreateAccountRequestId=status["Id"])
            status = status["CreateAccountStatus"]
        account_id = status["AccountId"]
        top, child = i % TOP_OUS, (i // TOP_OUS) % CHILD_OUS
        org.move_account(
            AccountId=account_id,
            SourceParentId=world.root_id,
            DestinationParentId=world.children[top][child]["Id"],
        )
        return account_id

    world.accounts = _parallel(account, range(ACCOUNTS))
    world.placement = {
        a: (i % TOP_OUS, (i // TOP_OUS) % CHILD_OUS) for i, a in enumerate(world.accounts)
    }
    in_filler = [a for a, (t, _) in world.placement.items() if t in FILLER_TOPS]
    world.filler_owners = in_filler[:FILLER_OWNERS]
    world.filler_targets = [{"UserId": a} for a in in_filler[FILLER_OWNERS:]] + [
        {"OrganizationalUnitArn": ou["Arn"]} for t in FILLER_TOPS for ou in world.children[t]
    ]
    return world


def add_probes(clients: Clients, world: World) -> None:
    owner = clients("ec2", world.owner)
    for i in range(PROBES):
        image_id = owner.register_image(Name=f"probe-{i}")["ImageId"]
        owner.modify_image_attribute(
            ImageId=image_id,
            LaunchPermission={"Add": [{"OrganizationalUnitArn": world.tops[1]["Arn"]}]},
        )
        world.probes.append(image_id)
    partner = clients("ec2", world.partner)
    for i in range(PARTNER_IMAGES):
        image_id = partner.register_image(Name=f"partner-{i}")["ImageId"]
        partner.modify_image_attribute(
            ImageId=image_id, LaunchPermission={"Add": [{"UserId": world.owner}]}
        )
    world.images += PROBES + PARTNER_IMAGES
    world.grants += PROBES + PARTNER_IMAGES


def grow(clients: Clients, world: World, size: int) -> None:
    """Register filler images, each with one grant, until the Region holds ``size``."""
    first = world.images
    owners = itertools.cycle(world.filler_owners)
    plan = []
    for n in range(first, size):
        owner = world.owner if n % OWNER_SHARE == 0 else next(owners)
        plan.append((n, owner, world.filler_targets[n % len(world.filler_targets)]))

    def register(step: tuple[int, str, dict[str, str]]) -> None:
        n, owner, target = step
        ec2 = clients("ec2", owner)
        image_id = ec2.register_image(Name=f"filler-{n}")["ImageId"]
        ec2.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": [target]})

    _parallel(register, plan)
    world.images = size
    world.grants += len(plan)
