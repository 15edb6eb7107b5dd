"""The World: every piece of emulated state, one lock, and snapshot/restore."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from emulator.core.access import gate
from emulator.core.access.authorize import authorize
from emulator.core.access.messages import Sealer, payload
from emulator.core.authorization import AccessRequest, Decision, Step, acting_as, sealing
from emulator.core.clock import WorldClock, parse_time
from emulator.core.ec2.images.allowed_images import AllowedImagesSettings, settings_of
from emulator.core.ec2.state import Ec2State
from emulator.core.errors import CoreError
from emulator.core.iam.directory import Iam
from emulator.core.iam.principals import USER, Principal, root
from emulator.core.iam.sessions import Sessions
from emulator.core.ids import IdSource
from emulator.core.kms.keys import Kms
from emulator.core.kms.records import aws_partition
from emulator.core.organizations.tree import OrgTree
from emulator.core.snapshots.form import FORMAT, VERSION, check_snapshot
from emulator.core.snapshots.redaction import restore

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Event:
    """Something the world recorded at a time: what ``POST /_emulator/clock`` names when a
    move would put the clock before it."""

    at: datetime
    what: str


@dataclass
class WorldConfig:
    """Settings that change behaviour, not state."""

    default_account: str = DEFAULT_ACCOUNT
    default_region: str = DEFAULT_REGION
    access_keys: dict[str, str] = field(default_factory=dict)  # access key id -> account id
    # access key id -> secret access key; signatures of these keys can be checked
    secret_keys: dict[str, str] = field(default_factory=dict)
    bpa_default: str = "unblocked"  # "unblocked" | "block-new-sharing"
    max_launch_permissions: int | None = None  # None: no quota (decisions.md)
    # Seconds instances show pending / stopping / shutting-down (docs/semantics.md).
    transition_seconds: int = 0
    # Regions that exist beside botocore's (the edge holds that list; docs/semantics.md).
    extra_regions: list[str] = field(default_factory=list)


class World:
    """Holds organizations and EC2 state; callers take ``lock`` around each request."""

    def __init__(
        self,
        *,
        config: WorldConfig | None = None,
        ids: IdSource | None = None,
        clock: Callable[[], datetime] | None = None,
        pinned: dict[str, Any] | None = None,
        partition_of: Callable[[str], str] = aws_partition,
    ) -> None:
        """``pinned``: config fields set by the operator (the command line); every load of a
        snapshot or scenario keeps them, so a scenario never overrides what was asked for.
        ``partition_of``: the partition of each Region (the edge builds it from botocore's
        data, ``emulator.api.regions``); the ARNs the domains write name it."""
        self.lock = threading.RLock()
        self.partition_of = partition_of
        self.pinned = dict(pinned or {})
        self.config = WorldConfig(**self._with_pinned(asdict(config or WorldConfig())))
        # What reset() returns to: a scenario's state once one is loaded, else this config.
        self.baseline: dict[str, Any] | None = None
        self._empty: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "config": asdict(self.config),
        }
        # Why state-changing requests are refused (a save of the state file failed), if
        # they are; set and cleared by the saver (emulator.persistence).
        self.writes_refused: str | None = None
        self.ids = ids or IdSource()
        # Seals the encoded authorization failure messages; drawn per world, never saved.
        self.messages = Sealer()
        # The one clock: a callable handed in (a test's) becomes the real time it runs on.
        self.clock = clock if isinstance(clock, WorldClock) else WorldClock(clock or utcnow)
        self._build_domains({})

    def _with_pinned(self, config: dict[str, Any]) -> dict[str, Any]:
        """``config`` with the pinned fields over it; maps (access keys, secrets) are merged,
        lists (extra Regions) joined."""
        out = dict(config)
        for name, value in self.pinned.items():
            if isinstance(value, dict):
                out[name] = {**out.get(name, {}), **value}
            elif isinstance(value, list):
                out[name] = list(dict.fromkeys([*out.get(name, []), *value]))
            else:
                out[name] = value
        return out

    def authorize(self, request: AccessRequest) -> Decision:
        """The access decision (``emulator.core.access``) on the world as it is now: EC2 is
        handed this, and the explain endpoint and the console ask it too."""
        return authorize(
            request,
            membership=self.orgs.membership,
            keys=self.kms,
            allowed=self._allowed_images,
            now=self.clock(),
            iam=self.iam,
            scps=self.authorize_scps,
            principal_tags=self.iam.principal_tags,
            resource_tags=self._resource_tags,
        )

    def gate(
        self, service: str, operation: str, params: dict[str, Any], account: str, region: str
    ) -> Step | None:
        """The SCP or identity-policy step refusing a call before its handler, if any."""
        return gate.refusal(
            service,
            operation,
            params,
            account=account,
            region=region,
            partition=self.partition_of(region),
            membership=self.orgs.membership(account),
            scps_bind=self.authorize_scps(account) is not None,
            authorize=self.authorize,
            resolve=lambda kind, value: self._resource_arn(kind, value, account, region),
        )

    def _resource_arn(self, kind: str, value: str, account: str, region: str) -> str | None:
        """The ARN IAM evaluates for a resource the request names: a KMS key by id or
        alias, an IAM user or role by name (its ARN holds its path)."""
        if kind == "key":
            try:
                return self.kms.resolve(value, account, region).arn
            except CoreError:
                return None  # the handler answers NotFound in KMS's words
        if kind in ("user", "role") and not value.startswith("arn:"):
            found = (self.iam.find_user if kind == "user" else self.iam.find_role)(account, value)
            return found.arn if found is not None else None
        return None

    def authorize_scps(self, account: str) -> tuple[Any, ...] | None:
        """The SCP levels over ``account`` (Organizations' policies), None if unbound."""
        return self.orgs.service_control_policies(account)

    def _resource_tags(self, region: str, resource_id: str, account: str) -> dict[str, str]:
        return self.ec2.read(region).tags.get(resource_id, account)

    def _allowed_images(self, account: str, region: str) -> AllowedImagesSettings:
        table = self.ec2.read(region).allowed_images
        return settings_of(table, account, self.orgs.ec2_declarative(account))

    @contextmanager
    def acting_as(self, principal: Principal) -> Iterator[None]:
        """While serving a request: the IAM principal the access decision asks about, and
        the sealing of its denials' encoded messages with this world's key."""

        def seal(step: Step) -> str:
            return self.messages.seal(payload(step, principal, step.evidence.get("context", {})))

        with acting_as(principal), sealing(seal):
            yield

    def account_for_key(self, access_key: str) -> str:
        """Caller identity rule: 12 digits = that account; else an AssumeRole session's
        account; else an IAM user's access key's account; else the configured map; else
        the default account."""
        return self.principal_for_key(access_key).account

    def principal_for_key(self, access_key: str, partition: str = "aws") -> Principal:
        """Who a request signed with ``access_key`` acts as: the root user of the account
        it names (12 digits, the configured map, the default account), an AssumeRole
        session, or the IAM user whose key it is."""
        if len(access_key) == 12 and access_key.isdigit():
            return root(access_key, partition)
        session = self.sessions.get(access_key)
        if session is not None:
            return session.principal
        key = self.iam.key(access_key)
        user = self.iam.find_user(key.account, key.user) if key is not None else None
        if user is not None:
            return Principal(user.account, USER, user.arn, user.id, user.name)
        return root(self.config.access_keys.get(access_key, self.config.default_account), partition)

    def to_dict(self) -> dict[str, Any]:
        """Everything, in the snapshot form (``emulator.core.snapshots.form``)."""
        return {
            "format": FORMAT,
            "version": VERSION,
            "config": asdict(self.config),
            "orgs": self.orgs.to_dict(),
            "sessions": self.sessions.to_dict(),
            "iam": self.iam.to_dict(),
            "kms": self.kms.to_dict(),
            "ec2": self.ec2.to_dict(),
            "clock": self.clock.to_dict(),
        }

    def load(self, data: dict[str, Any]) -> None:
        """Replace all state with a snapshot made by ``to_dict`` (or its redacted form). The
        whole snapshot is checked first; a bad one raises ``DocumentError`` at its path and
        changes nothing."""
        check_snapshot(data)
        data = restore(data, self.config.secret_keys, self.sessions, self.iam, self.kms.materials())
        self.config = WorldConfig(**self._with_pinned(data.get("config", {})))
        self.clock.load(data.get("clock", {}))
        self._build_domains(data)

    def _build_domains(self, data: dict[str, Any]) -> None:
        """Every domain's state from its section of a snapshot (empty ones for ``{}``)."""
        self.orgs = OrgTree.from_dict(data.get("orgs", {}), ids=self.ids, clock=self.clock)
        self.sessions = Sessions.from_dict(data.get("sessions", {}), ids=self.ids, clock=self.clock)
        self.iam = Iam.from_dict(data.get("iam", {}), ids=self.ids, clock=self.clock)
        self.kms = Kms.from_dict(
            data.get("kms", {}),
            ids=self.ids,
            clock=self.clock,
            membership=self.orgs.membership,
            partition_of=self.partition_of,
            authorize=self.authorize,
        )
        self.ec2 = Ec2State.from_dict(
            data.get("ec2", {}),
            ids=self.ids,
            clock=self.clock,
            membership=self.orgs.membership,
            config=self.config,
            authorize=self.authorize,
            keys=self.kms,
            declarative=self.orgs.ec2_declarative,
        )

    def set_baseline(self) -> None:
        """Remember the current state as the one ``reset`` returns to (a scenario's)."""
        self.baseline = self.to_dict()

    def reset(self) -> None:
        """Back to the baseline, or to an empty world with the config it was created with."""
        self.load(self.baseline or self._empty)

    def move_clock(
        self, target: datetime, frozen: bool | None = None, force: bool = False
    ) -> Event | None:
        """Move the world's clock to ``target`` (``frozen``: stop it there, or let it run).
        Backwards past the latest event the world recorded, it refuses and answers that
        event, unless ``force``: a creation date after "now" would read as the future."""
        if target < self.clock() and not force:
            event = self.latest_event()
            if event is not None and target < event.at:
                return event
        self.clock.move_to(target, frozen)
        return None

    def latest_event(self) -> Event | None:
        """The most recent time the world recorded (a creation, a launch, a key, an account
        joining, a protection being lifted); one pass over the world."""
        latest: Event | None = None

        def seen(stamp: Any, what: str) -> None:
            nonlocal latest
            if not stamp:
                return
            moment = stamp if isinstance(stamp, datetime) else parse_time(str(stamp))
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=UTC)
            if latest is None or moment > latest.at:
                latest = Event(moment, what)

        for name, region in self.ec2.regions.items():
            for image in region.images.values():
                seen(image.creation_date, f"the creation of {image.image_id} in {name}")
                seen(image.last_launched_time, f"the last launch of {image.image_id} in {name}")
            for inst in region.instances.values():
                seen(inst.launch_time, f"the launch of {inst.instance_id} in {name}")
            for snap in region.snapshots.values():
                seen(snap.start_time, f"the creation of {snap.snapshot_id} in {name}")
            for vol in region.volumes.values():
                seen(vol.create_time, f"the creation of {vol.volume_id} in {name}")
        for key in self.kms.to_dict()["keys"]:
            seen(key["created"], f"the creation of KMS key {key['key_id']}")
        for acct in self.orgs.to_dict().get("accounts", []):
            seen(acct.get("joined"), f"account {acct['id']} joining its organization")
        return latest
