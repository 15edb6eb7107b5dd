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
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Instance:
        return cls(**data)
