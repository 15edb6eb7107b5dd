"""Core records as EC2 output-shape dicts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from emulator.core.ec2.images.records import BlockDevice, Image
from emulator.core.ec2.instances.records import PENDING, STATE_CODES, Instance
from emulator.core.ec2.storage.records import Snapshot, Volume


def timestamp(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def _drop_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v is not None}


def block_device(bd: BlockDevice) -> dict[str, Any]:
    if bd.no_device:
        return {"DeviceName": bd.device_name, "NoDevice": ""}
    if bd.virtual_name is not None:
        return {"DeviceName": bd.device_name, "VirtualName": bd.virtual_name}
    ebs = _drop_none(
        {
            "SnapshotId": bd.snapshot_id,
            "VolumeSize": bd.volume_size,
            "DeleteOnTermination": bd.delete_on_termination,
            "VolumeType": bd.volume_type,
            "Encrypted": bool(bd.encrypted),
            "KmsKeyId": bd.kms_key_id,
            "Iops": bd.iops,
            "Throughput": bd.throughput,
        }
    )
    return {"DeviceName": bd.device_name, "Ebs": ebs}


def image(
    img: Image,
    tags: dict[str, str],
    allowed: bool | None = None,
    protection: str | None = None,
) -> dict[str, Any]:
    """``allowed``: the caller's Allowed AMIs verdict (ImageAllowed), None to leave it out;
    ``protection``: DeregistrationProtection as it reads now (a cooldown shows its end), the
    record's own value by default."""
    out = _drop_none(
        {
            "ImageId": img.image_id,
            "ImageLocation": img.location,
            "State": img.state,
            "OwnerId": img.owner,
            "CreationDate": img.creation_date,
            "Public": img.public,
            "Architecture": img.architecture,
            "ImageType": img.image_type,
            "PlatformDetails": img.platform_details,
            "UsageOperation": img.usage_operation,
            "Name": img.name,
            "Description": img.description,
            "RootDeviceType": img.root_device_type,
            "RootDeviceName": img.root_device_name,
            "BlockDeviceMappings": [block_device(bd) for bd in img.block_devices],
            "VirtualizationType": img.virtualization_type,
            "Hypervisor": img.hypervisor,
            "EnaSupport": img.ena_support,
            "SriovNetSupport": img.sriov_net_support,
            "ImdsSupport": img.imds_support,
            "BootMode": img.boot_mode,
            "TpmSupport": img.tpm_support,
            "KernelId": img.kernel_id,
            "RamdiskId": img.ramdisk_id,
            "SourceImageId": img.source_image_id,
            "SourceImageRegion": img.source_image_region,
            "SourceInstanceId": img.source_instance_id,
            "LastLaunchedTime": img.last_launched_time,
            "DeprecationTime": img.deprecation_time,
            "DeregistrationProtection": protection or img.deregistration_protection,
            "ProductCodes": [],
            "ImageAllowed": allowed,
        }
    )
    if tags:
        out["Tags"] = tag_list(tags)
    return out


def snapshot(snap: Snapshot, tags: dict[str, str]) -> dict[str, Any]:
    out = _drop_none(
        {
            "SnapshotId": snap.snapshot_id,
            "VolumeId": snap.volume_id,
            "State": snap.state,
            "StartTime": timestamp(snap.start_time),
            "Progress": "100%",
            "OwnerId": snap.owner,
            "Description": snap.description if snap.description is not None else "",
            "VolumeSize": snap.volume_size,
            "Encrypted": snap.encrypted,
            "KmsKeyId": snap.kms_key_id,
            "StorageTier": "standard",
        }
    )
    if tags:
        out["Tags"] = tag_list(tags)
    return out


def volume(vol: Volume, tags: dict[str, str]) -> dict[str, Any]:
    attachments = []
    if vol.instance_id:
        attachments.append(
            {
                "VolumeId": vol.volume_id,
                "InstanceId": vol.instance_id,
                "Device": vol.device,
                "State": "attached",
                "AttachTime": timestamp(vol.attach_time),
                "DeleteOnTermination": vol.delete_on_termination,
            }
        )
    out = _drop_none(
        {
            "VolumeId": vol.volume_id,
            "Size": vol.size,
            "SnapshotId": vol.snapshot_id or "",
            "AvailabilityZone": vol.availability_zone,
            "State": vol.state,
            "CreateTime": timestamp(vol.create_time),
            "Attachments": attachments,
            "Encrypted": vol.encrypted,
            "KmsKeyId": vol.kms_key_id,
            "VolumeType": vol.volume_type,
            "Iops": vol.iops,
            "Throughput": vol.throughput,
            "MultiAttachEnabled": vol.multi_attach_enabled,
        }
    )
    if tags:
        out["Tags"] = tag_list(tags)
    return out


def state(instance_state: str) -> dict[str, Any]:
    return {"Code": STATE_CODES[instance_state], "Name": instance_state}


def instance(
    inst: Instance, shown_state: str, volumes: list[Volume], tags: dict[str, str]
) -> dict[str, Any]:
    """``inst`` as DescribeInstances shows it in ``shown_state`` (the state a read sees now,
    or the transition the call that made it answers)."""
    reason = inst.state_reason
    if shown_state == PENDING:
        reason = {"Code": "pending", "Message": "pending"}
    out = _drop_none(
        {
            "InstanceId": inst.instance_id,
            "ImageId": inst.image_id,
            "State": state(shown_state),
            "InstanceType": inst.instance_type,
            "LaunchTime": timestamp(inst.launch_time),
            "Placement": {"AvailabilityZone": inst.availability_zone, "Tenancy": "default"},
            "AmiLaunchIndex": inst.ami_launch_index,
            "Architecture": inst.architecture,
            "RootDeviceName": inst.root_device_name,
            "RootDeviceType": inst.root_device_type,
            "VirtualizationType": inst.virtualization_type,
            "Hypervisor": inst.hypervisor,
            "PlatformDetails": inst.platform_details,
            "UsageOperation": inst.usage_operation,
            "KernelId": inst.kernel_id,
            "RamdiskId": inst.ramdisk_id,
            "ClientToken": inst.client_token or "",
            "StateTransitionReason": inst.state_transition_reason,
            "StateReason": (
                {"Code": reason["Code"], "Message": reason["Message"]} if reason else None
            ),
            "BlockDeviceMappings": [
                {
                    "DeviceName": v.device,
                    "Ebs": {
                        "VolumeId": v.volume_id,
                        "Status": "attached",
                        "AttachTime": timestamp(v.attach_time),
                        "DeleteOnTermination": v.delete_on_termination,
                    },
                }
                for v in volumes
            ],
            "Monitoring": {"State": "disabled"},
            "EbsOptimized": inst.ebs_optimized,
            "EnaSupport": inst.ena_support,
            "SriovNetSupport": inst.sriov_net_support,
            "SourceDestCheck": inst.source_dest_check,
            "HibernationOptions": {"Configured": inst.hibernation_configured},
            "SecurityGroups": [],
            "ProductCodes": [],
        }
    )
    if tags:
        out["Tags"] = tag_list(tags)
    return out


def state_change(inst: Instance, previous: str, current: str) -> dict[str, Any]:
    return {
        "InstanceId": inst.instance_id,
        "CurrentState": state(current),
        "PreviousState": state(previous),
    }
