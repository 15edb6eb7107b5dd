"""EBS volume and snapshot records."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

AVAILABLE = "available"
IN_USE = "in-use"
COMPLETED = "completed"
# AWS shows this volume id on snapshots that were not taken from a volume (copies).
NO_VOLUME = "vol-ffffffff"
ALL = "all"  # the createVolumePermission group that makes a snapshot public


@dataclass
class Snapshot:
    """A snapshot: its owner, and the accounts (or ``all``) it is shared with."""

    snapshot_id: str
    owner: str
    region: str
    volume_id: str
    volume_size: int
    start_time: str
    description: str | None = None
    state: str = COMPLETED
    encrypted: bool = False
    kms_key_id: str | None = None
    create_volume_permissions: list[str] = field(default_factory=list)

    def __setattr__(self, name: str, value: Any) -> None:
        # The list is replaced, never changed in place; a set beside it answers "is it
        # shared with X" in O(1) however many accounts it is shared with.
        super().__setattr__(name, value)
        if name == "create_volume_permissions":
            super().__setattr__("_shared", frozenset(value))

    @property
    def public(self) -> bool:
        return ALL in self._shared

    def shared_with(self, account: str) -> bool:
        """Whether ``createVolumePermission`` names ``account`` (or ``all``, for ``all``)."""
        return account in self._shared

    def shares_none_of(self, accounts: set[str]) -> bool:
        return self._shared.isdisjoint(accounts)

    def readable_by(self, account: str) -> bool:
        """Owner, an account it is shared with, or anyone when public."""
        return self.owner == account or self.public or account in self._shared

    def to_dict(self) -> dict[str, Any]:
        # A copy of the one list, not dataclasses.asdict: several times faster (see Image).
        # The set beside the list (``_shared``) is derived, so it is left out.
        fields = {k: v for k, v in vars(self).items() if not k.startswith("_")}
        return {**fields, "create_volume_permissions": list(self.create_volume_permissions)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Snapshot:
        return cls(**data)


@dataclass
class Volume:
    """A volume; ``instance_id`` is set while it is attached."""

    volume_id: str
    owner: str
    region: str
    size: int
    availability_zone: str
    create_time: str
    snapshot_id: str | None = None
    volume_type: str = "gp3"
    iops: int | None = None
    throughput: int | None = None
    encrypted: bool = False
    kms_key_id: str | None = None
    instance_id: str | None = None
    device: str | None = None
    attach_time: str | None = None
    delete_on_termination: bool = False
    multi_attach_enabled: bool = False

    @property
    def state(self) -> str:
        return IN_USE if self.instance_id else AVAILABLE

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))  # every field is a scalar

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Volume:
        return cls(**data)
