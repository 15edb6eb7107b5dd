"""The AMI record and its block device mappings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from emulator.core.ec2.images.launch_permissions import LaunchPermissions
from emulator.core.errors import InvalidValue

AVAILABLE = "available"
DEREGISTERED = "deregistered"
DISABLED = "disabled"  # DisableImage: no launches, no grants; the owner still manages it
# Deregistration protection as EC2 spells it (a lifted protection with a cooldown shows
# "disabled-until <time>" until the cooldown ends: lifecycle.protection_shown).
PROTECTION_OFF = "disabled"
PROTECTION_ON = "enabled-without-cooldown"
PROTECTION_COOLDOWN = "enabled-with-cooldown"
PROTECTIONS = (PROTECTION_OFF, PROTECTION_ON, PROTECTION_COOLDOWN)

_NAME_RE = re.compile(r"[a-zA-Z0-9()\[\] ./\-'@_]{3,128}")


def aws_time(moment: datetime) -> str:
    """EC2's string timestamp form: ``2024-01-01T00:00:00.000Z``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def check_name(name: str) -> str:
    if not _NAME_RE.fullmatch(name or ""):
        raise InvalidValue("image_name_malformed", name=name)
    return name


@dataclass
class BlockDevice:
    """One block device mapping: an EBS volume from a snapshot, ephemeral, or suppressed."""

    device_name: str
    snapshot_id: str | None = None
    volume_size: int | None = None
    volume_type: str | None = "gp3"
    delete_on_termination: bool = True
    encrypted: bool | None = False
    kms_key_id: str | None = None
    iops: int | None = None
    throughput: int | None = None
    virtual_name: str | None = None
    no_device: bool = False

    @property
    def is_ebs(self) -> bool:
        return self.virtual_name is None and not self.no_device


@dataclass
class Image:
    """An AMI in one Region. Launch permissions hold only the explicit entries."""

    image_id: str
    owner: str
    region: str
    name: str
    creation_date: str
    description: str | None = None
    architecture: str = "x86_64"
    root_device_name: str = "/dev/xvda"
    root_device_type: str = "ebs"
    virtualization_type: str = "hvm"
    hypervisor: str = "xen"
    ena_support: bool = True
    sriov_net_support: str | None = "simple"
    imds_support: str | None = None
    boot_mode: str | None = None
    tpm_support: str | None = None
    uefi_data: str | None = None
    kernel_id: str | None = None
    ramdisk_id: str | None = None
    image_type: str = "machine"
    platform_details: str = "Linux/UNIX"
    usage_operation: str = "RunInstances"
    image_location: str | None = None
    state: str = AVAILABLE
    block_devices: list[BlockDevice] = field(default_factory=list)
    source_image_id: str | None = None
    source_image_region: str | None = None
    source_instance_id: str | None = None
    last_launched_time: str | None = None
    deprecation_time: str | None = None  # EnableImageDeprecation, rounded to the minute
    deregistration_protection: str = PROTECTION_OFF
    # When a protection with a cooldown was lifted, the end of its 24 hours.
    protection_cooldown_until: str | None = None
    launch_permissions: LaunchPermissions = field(default_factory=LaunchPermissions)

    @property
    def public(self) -> bool:
        return self.launch_permissions.public

    @property
    def location(self) -> str:
        """The ImageLocation AWS shows: the manifest given at registration, else owner/name."""
        return self.image_location or f"{self.owner}/{self.name}"

    @property
    def snapshot_ids(self) -> list[str]:
        return [bd.snapshot_id for bd in self.block_devices if bd.snapshot_id]

    @property
    def encrypted(self) -> bool:
        return any(bd.encrypted for bd in self.block_devices)

    def to_dict(self) -> dict[str, Any]:
        # Not dataclasses.asdict: it deep-copies field by field, several times slower, and
        # every save of the state file (which each change waits for) copies every image.
        data = dict(vars(self))
        data["block_devices"] = [dict(vars(bd)) for bd in self.block_devices]
        data["launch_permissions"] = self.launch_permissions.to_list()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Image:
        data = dict(data)
        data["block_devices"] = [BlockDevice(**bd) for bd in data.get("block_devices", [])]
        data["launch_permissions"] = LaunchPermissions.from_list(data.get("launch_permissions", []))
        return cls(**data)
