"""The instance record: a state and the transition it shows, an image, volumes, attributes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PENDING = "pending"
RUNNING = "running"
SHUTTING_DOWN = "shutting-down"
TERMINATED = "terminated"
STOPPING = "stopping"
STOPPED = "stopped"
STATE_CODES = {
    PENDING: 0,
    RUNNING: 16,
    SHUTTING_DOWN: 32,
    TERMINATED: 48,
    STOPPING: 64,
    STOPPED: 80,
}
# The settled state each transition leads to.
SETTLES_TO = {PENDING: RUNNING, STOPPING: STOPPED, SHUTTING_DOWN: TERMINATED}


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
    # The settled state; ``transition`` (pending, stopping, shutting-down) is shown instead
    # until ``settles_at`` (docs/semantics.md, "Instance states and timing").
    state: str = RUNNING
    transition: str | None = None
    settles_at: str | None = None
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

    # When it was terminated: it stays visible for an hour after, as in AWS.
    terminated_at: str | None = None
    kernel_id: str | None = None
    ramdisk_id: str | None = None
    user_data: str | None = None  # base64, as RunInstances carries it
    disable_api_termination: bool = False
    disable_api_stop: bool = False
    shutdown_behavior: str = "stop"
    source_dest_check: bool = True
    ebs_optimized: bool = False
    ena_support: bool = True
    sriov_net_support: str | None = None
    hibernation_configured: bool = False
    client_token: str | None = None
    launch_template_id: str | None = None
    launch_template_version: str | None = None

    def state_at(self, now: str) -> str:
        """The state a read at ``now`` (an EC2 time string) shows."""
        if self.transition is not None and self.settles_at is not None and now < self.settles_at:
            return self.transition
        return self.state

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
