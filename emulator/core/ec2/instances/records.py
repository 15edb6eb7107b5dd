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
    # Placement (core/ec2/network/placement.py): the interface and its address are held
    # until the instance terminates.
    subnet_id: str | None = None
    vpc_id: str | None = None
    private_ip_address: str | None = None
    network_interface_id: str | None = None
    security_groups: dict[str, str] = field(default_factory=dict)  # group id -> name
    key_name: str | None = None

    @property
    def holds_address(self) -> bool:
        return self.network_interface_id is not None

    @property
    def private_ip(self) -> int | None:
        if self.private_ip_address is None:
            return None
        a, b, c, d = (int(x) for x in self.private_ip_address.split("."))
        return (a << 24) | (b << 16) | (c << 8) | d

    @property
    def state_code(self) -> int:
        return STATE_CODES[self.state]

    def to_dict(self) -> dict[str, Any]:
        # Copies of the containers, not dataclasses.asdict: several times faster (see Image).
        data = dict(vars(self))
        data["volume_ids"] = list(self.volume_ids)
        data["state_reason"] = dict(self.state_reason) if self.state_reason else None
        data["security_groups"] = dict(self.security_groups)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Instance:
        return cls(**data)
