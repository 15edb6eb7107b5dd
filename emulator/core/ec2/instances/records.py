"""The instance record: nothing runs, it only has a state, an image, an owner and volumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

RUNNING = "running"
TERMINATED = "terminated"
STATE_CODES = {"pending": 0, RUNNING: 16, "shutting-down": 32, TERMINATED: 48, "stopped": 80}


@dataclass
class Instance:
    instance_id: str
    reservation_id: str
    owner: str
    region: str
    image_id: str
    instance_type: str
    launch_time: str
    availability_zone: str
    ami_launch_index: int = 0
    state: str = RUNNING
    root_device_name: str = "/dev/xvda"
    root_device_type: str = "ebs"
    architecture: str = "x86_64"
    virtualization_type: str = "hvm"
    hypervisor: str = "xen"
    platform_details: str = "Linux/UNIX"
    usage_operation: str = "RunInstances"
    volume_ids: list[str] = field(default_factory=list)
    state_transition_reason: str = ""
    state_reason: dict[str, str] | None = None

    @property
    def state_code(self) -> int:
        return STATE_CODES[self.state]

    def to_dict(self) -> dict[str, Any]:
        # Copies of the containers, not dataclasses.asdict: several times faster (see Image).
        data = dict(vars(self))
        data["volume_ids"] = list(self.volume_ids)
        data["state_reason"] = dict(self.state_reason) if self.state_reason else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Instance:
        return cls(**data)
