"""The EC2 state of one Region, and the environment every EC2 operation runs in."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from emulator.core.authorization import Authorize
from emulator.core.ec2.images.allowed_images import AllowedImagesSettings
from emulator.core.ec2.images.grant_index import GrantIndex
from emulator.core.ec2.images.records import DEREGISTERED, Image, aws_time
from emulator.core.ec2.images.usage_report_records import UsageReport
from emulator.core.ec2.instances.records import Instance
from emulator.core.ec2.keypairs.records import KeyPair
from emulator.core.ec2.launch_templates.records import LaunchTemplate
from emulator.core.ec2.network.store import NetworkState
from emulator.core.ec2.storage.records import Snapshot, Volume
from emulator.core.ec2.tags import TagStore
from emulator.core.ids import IdSource
from emulator.core.kms.keys import Kms
from emulator.core.organizations.membership import MembershipLookup
from emulator.core.organizations.policies.declarative_ec2 import DeclarativeLookup, no_policy

# What a Region name looks like (us-east-1, eu-isoe-west-1, a lab's own "local-1").
REGION_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_REGION_NAME = 64


def valid_region_name(name: str) -> bool:
    return len(name) <= MAX_REGION_NAME and REGION_NAME.fullmatch(name) is not None


class Ec2Config(Protocol):
    """The settings EC2 reads (``WorldConfig`` provides them)."""

    bpa_default: str
    max_launch_permissions: int | None
    # Seconds an instance shows pending / stopping / shutting-down (0: only the call that
    # caused it shows it; docs/semantics.md, "Instance states and timing").
    transition_seconds: int


@dataclass
class Env:
    ids: IdSource
    clock: Callable[[], datetime]
    membership: MembershipLookup
    config: Ec2Config
    keys: Kms  # the World's KMS: key lookup, the aws/ebs key
    # The access decision (``emulator.core.access``), wired by the World: EC2 asks, never
    # imports it.
    authorize: Authorize
    # The account's effective EC2 declarative policy, read from the live organization tree
    # at each call (wired by the World; none without one).
    declarative: DeclarativeLookup = no_policy

    def now(self) -> str:
        return aws_time(self.clock())

    def settles_at(self) -> str | None:
        """When a transition begun now settles; None when it settles at once."""
        seconds = self.config.transition_seconds
        return aws_time(self.clock() + timedelta(seconds=seconds)) if seconds > 0 else None


@dataclass
class RegionState:
    """Everything EC2 keeps for one Region; ``grants`` and ``names`` are derived from
    ``images``."""

    name: str
    images: dict[str, Image] = field(default_factory=dict)
    snapshots: dict[str, Snapshot] = field(default_factory=dict)
    volumes: dict[str, Volume] = field(default_factory=dict)
    instances: dict[str, Instance] = field(default_factory=dict)
    tags: TagStore = field(default_factory=TagStore)
    bpa: dict[str, str] = field(default_factory=dict)  # account -> state, when set
    # account -> its Allowed AMIs settings, when they differ from the default
    allowed_images: dict[str, AllowedImagesSettings] = field(default_factory=dict)
    usage_reports: dict[str, UsageReport] = field(default_factory=dict)  # by report id
    grants: GrantIndex = field(default_factory=GrantIndex)
    # (owner, name) -> id of each image not deregistered: names are unique per owner.
    names: dict[tuple[str, str], str] = field(default_factory=dict)
    launch_templates: dict[str, LaunchTemplate] = field(default_factory=dict)
    # Derived: (owner, name) -> launch template id; (owner, ClientToken) -> instance ids.
    template_names: dict[tuple[str, str], str] = field(default_factory=dict)
    client_tokens: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    # Each account's network (its default one until changed) and key pairs.
    network: NetworkState = field(default=None)  # type: ignore[assignment]
    key_pairs: dict[str, KeyPair] = field(default_factory=dict)
    key_names: dict[tuple[str, str], str] = field(default_factory=dict)  # (owner, name) -> id

    def __post_init__(self) -> None:
        if self.network is None:
            self.network = NetworkState(self.name)

    @property
    def is_empty(self) -> bool:
        return not (
            self.images
            or self.snapshots
            or self.volumes
            or self.instances
            or self.launch_templates
            or self.bpa
            or self.allowed_images
            or self.usage_reports
            or not self.tags.is_empty
            or not self.network.is_empty
            or self.key_pairs
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "images": [i.to_dict() for i in self.images.values()],
            "snapshots": [s.to_dict() for s in self.snapshots.values()],
            "volumes": [v.to_dict() for v in self.volumes.values()],
            "instances": [i.to_dict() for i in self.instances.values()],
            "launch_templates": [t.to_dict() for t in self.launch_templates.values()],
            "tags": self.tags.to_dict(),
            "bpa": dict(self.bpa),
            "allowed_images": {a: s.to_dict() for a, s in self.allowed_images.items()},
            "usage_reports": [r.to_dict() for r in self.usage_reports.values()],
            "network": self.network.to_dict(),
            "key_pairs": [k.to_dict() for k in self.key_pairs.values()],
        }

    @classmethod
    def from_dict(cls, name: str, data: dict[str, Any]) -> RegionState:
        images = [Image.from_dict(d) for d in data.get("images", [])]
        key_pairs = [KeyPair(**d) for d in data.get("key_pairs", [])]
        instances = [Instance.from_dict(d) for d in data.get("instances", [])]
        templates = [LaunchTemplate.from_dict(d) for d in data.get("launch_templates", [])]
        tokens: dict[tuple[str, str], list[str]] = {}
        for inst in instances:
            if inst.client_token:
                tokens.setdefault((inst.owner, inst.client_token), []).append(inst.instance_id)
        state = cls(
            name=name,
            images={i.image_id: i for i in images},
            snapshots={
                s.snapshot_id: s for s in map(Snapshot.from_dict, data.get("snapshots", []))
            },
            volumes={v.volume_id: v for v in map(Volume.from_dict, data.get("volumes", []))},
            instances={i.instance_id: i for i in instances},
            launch_templates={t.template_id: t for t in templates},
            template_names={(t.owner, t.name): t.template_id for t in templates},
            client_tokens=tokens,
            tags=TagStore.from_dict(data.get("tags", {})),
            bpa=dict(data.get("bpa", {})),
            allowed_images={
                account: AllowedImagesSettings.from_dict(settings)
                for account, settings in data.get("allowed_images", {}).items()
            },
            usage_reports={
                r.report_id: r for r in map(UsageReport.from_dict, data.get("usage_reports", []))
            },
            grants=GrantIndex.build(images),
            names={(i.owner, i.name): i.image_id for i in images if i.state != DEREGISTERED},
            network=NetworkState.from_dict(name, data.get("network", {})),
            key_pairs={k.key_pair_id: k for k in key_pairs},
            key_names={(k.owner, k.name): k.key_pair_id for k in key_pairs},
        )
        state.network.place(state.instances.values())
        return state
