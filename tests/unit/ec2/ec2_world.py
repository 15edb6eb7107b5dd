"""A small EC2 core for unit and property tests, with a membership table the test controls."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from emulator.core.access.authorize import authorize
from emulator.core.access.layers.launch_permission import LAYER
from emulator.core.authorization import RUN_INSTANCES, AccessRequest, Decision
from emulator.core.clock import WorldClock
from emulator.core.ec2.images import catalog
from emulator.core.ec2.images.allowed_images import settings_of
from emulator.core.ec2.images.catalog import ImageSpec
from emulator.core.ec2.images.launch_permissions import ORG, OU, USER, Grant
from emulator.core.ec2.images.records import Image
from emulator.core.ec2.region import Env, RegionState
from emulator.core.ec2.state import Ec2State
from emulator.core.iam.directory import Iam
from emulator.core.ids import IdSource
from emulator.core.kms.keys import Kms
from emulator.core.organizations.membership import Membership

REGION = "us-east-1"
OWNER = "111111111111"
ORG_ID = "o-aaaaaaaaaa"
ROOT_ID = "r-aaaa"
MGMT = "999999999999"


def org_arn(org_id: str = ORG_ID) -> str:
    return f"arn:aws:organizations::{MGMT}:organization/{org_id}"


def ou_arn(ou_id: str, org_id: str = ORG_ID) -> str:
    return f"arn:aws:organizations::{MGMT}:ou/{org_id}/{ou_id}"


def ou(n: int) -> str:
    return f"ou-aaaa-{n:08d}"


def recorded(ec2: Ec2State, region: str) -> RegionState:
    """Region ``region`` to change, recorded at once: tests that call the domain operations
    directly do not check when a Region is first recorded (tests/security/test_regions.py
    does, through the handlers)."""
    return ec2.regions.setdefault(region, RegionState(region))


@dataclass
class Config:
    bpa_default: str = "unblocked"
    max_launch_permissions: int | None = None
    transition_seconds: int = 0


class Rule(NamedTuple):
    """The launch permission layer's verdict and grant."""

    allowed: bool
    via: str
    grant: str | None = None


@dataclass
class Harness:
    """An Ec2State plus the membership table it reads (edit ``members`` to move accounts)."""

    members: dict[str, Membership] = field(default_factory=dict)
    config: Config = field(default_factory=Config)

    def advance(self, delta: timedelta) -> None:
        """Move the harness's stopped clock on by ``delta``."""
        self.clock.move_to(self.clock() + delta, frozen=True)

    def __post_init__(self) -> None:
        ids, clock = IdSource(7), WorldClock()
        # Stopped at a known moment; tests move it (``self.clock.move_to``).
        clock.move_to(datetime(2024, 1, 1, tzinfo=UTC), frozen=True)
        self.clock = clock
        self.kms = Kms(ids=ids, clock=clock, membership=self.members.get)
        self.iam = Iam(ids=ids, clock=clock)
        self.ec2 = Ec2State(
            ids=ids,
            clock=clock,
            membership=self.members.get,
            config=self.config,
            authorize=self.authorize,
            keys=self.kms,
        )

    def authorize(self, request: AccessRequest) -> Decision:
        return authorize(
            request,
            membership=self.members.get,
            keys=self.kms,
            allowed=lambda account, region: settings_of(
                self.ec2.read(region).allowed_images, account
            ),
            now=self.clock(),
            iam=self.iam,
        )

    def rule(self, image: Image, account: str, region: str = REGION) -> Rule:
        """The launch permission step of ``account`` launching ``image`` in ``region``."""
        decision = self.authorize(AccessRequest(account, RUN_INSTANCES, region, image))
        (step,) = decision.steps(LAYER)
        return Rule(step.allowed, **step.evidence)

    def decide(self, image_id: str, account: str, region: str = REGION) -> Rule:
        """``rule`` for the image of that id in ``region``; an image not there is denied."""
        image = self.ec2.read(region).images.get(image_id)
        return Rule(False, "none") if image is None else self.rule(image, account, region)

    @property
    def env(self) -> Env:
        return self.ec2.env

    def at(self, region: str = REGION) -> RegionState:
        """Region ``region`` to change (see ``recorded``)."""
        return recorded(self.ec2, region)

    def join(self, account: str, *ou_path: str, org_id: str = ORG_ID) -> None:
        self.members[account] = Membership(org_id, ROOT_ID, tuple(ou_path), MGMT)

    def image(self, owner: str = OWNER, name: str | None = None, region: str = REGION) -> Image:
        name = name or f"img-{len(self.ec2.read(region).images)}"
        return catalog.register_image(
            self.env, self.at(region), owner, ImageSpec(name=name), [], {}
        )

    def share(self, image: Image, *grants: Grant, owner: str = OWNER) -> None:
        catalog.modify_launch_permissions(
            self.env, self.at(image.region), owner, image.image_id, list(grants), []
        )

    def ids_for(self, account: str, **kwargs: object) -> list[str]:
        return [
            i.image_id
            for i in catalog.describe_images(self.env, self.ec2.read(REGION), account, **kwargs)
        ]


def user(account: str) -> Grant:
    return Grant(USER, account)


def org_grant(org_id: str = ORG_ID) -> Grant:
    return Grant(ORG, org_arn(org_id))


def ou_grant(ou_id: str, org_id: str = ORG_ID) -> Grant:
    return Grant(OU, ou_arn(ou_id, org_id))
