"""EBS volume and snapshot records."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

AVAILABLE = "available"
IN_USE = "in-use"
COMPLETED = "completed"
# AWS shows this volume id on snapshots that were not taken from a volume (copies).
NO_VOLUME = "vol-ffffffff"


@dataclass
class Snapshot:
    """A snapshot, private to its owner."""

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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

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

    @property
    def state(self) -> str:
        return IN_USE if self.instance_id else AVAILABLE

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Volume:
        return cls(**data)
