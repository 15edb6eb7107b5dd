"""Volumes and snapshots: create, describe, delete, copy, CreateSnapshots, attach and detach."""

from __future__ import annotations

from typing import Any

from emulator.api.ec2 import shapes
from emulator.api.ec2.params import filters, no_max_results_with_ids, paged, required, tag_specs
from emulator.api.ec2.region import reading, writing
from emulator.api.regions import is_known
from emulator.api.registry import Call, operation
from emulator.core.ec2.instances import attachments
from emulator.core.ec2.storage import copies
from emulator.core.ec2.storage import operations as storage
from emulator.core.errors import InvalidValue


@operation("ec2", "CreateVolume")
def create_volume(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Creates a volume from a size or from one of the caller's snapshots; Encrypted without
    KmsKeyId uses the account's aws/ebs key; the key (id, ARN, alias) is stored as its ARN;
    another account's key only when its policy allows the caller what EBS needs.
    """
    with writing(call) as (env, region):
        vol = storage.create_volume(
            env,
            region,
            call.account,
            size=params.get("Size"),
            snapshot_id=params.get("SnapshotId"),
            availability_zone=params.get("AvailabilityZone"),
            volume_type=params.get("VolumeType"),
            iops=params.get("Iops"),
            throughput=params.get("Throughput"),
            encrypted=params.get("Encrypted"),
            kms_key_id=params.get("KmsKeyId"),
            tags=tag_specs(params),
            multi_attach=bool(params.get("MultiAttachEnabled")),
        )
        return shapes.volume(vol, region.tags.get(vol.volume_id, call.account))


@operation("ec2", "DescribeVolumes")
def describe_volumes(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """The caller's volumes, by id or Filters (wildcards, the caller's own tags), with paging."""
    no_max_results_with_ids(params, "VolumeIds", "volumeIds")
    _, region = reading(call)
    volumes = storage.describe_volumes(
        region, call.account, params.get("VolumeIds") or [], filters(params)
    )
    return paged(
        params,
        "Volumes",
        volumes,
        lambda v: v.volume_id,
        lambda v: shapes.volume(v, region.tags.get(v.volume_id, call.account)),
    )


@operation("ec2", "DeleteVolume")
def delete_volume(call: Call, params: dict[str, Any]) -> None:
    """Deletes one of the caller's volumes unless it is attached."""
    with writing(call) as (_, region):
        storage.delete_volume(region, call.account, required(params, "VolumeId"))


@operation("ec2", "CreateSnapshot")
def create_snapshot(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Snapshots one of the caller's volumes with its encryption and key; private until shared."""
    with writing(call) as (env, region):
        snap = storage.create_snapshot(
            env,
            region,
            call.account,
            volume_id=required(params, "VolumeId"),
            description=params.get("Description"),
            tags=tag_specs(params),
        )
        return shapes.snapshot(snap, region.tags.get(snap.snapshot_id, call.account))


@operation("ec2", "DescribeSnapshots")
def describe_snapshots(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Snapshots the caller owns, is given createVolumePermission for, or public ones; by id,
    OwnerIds, RestorableByUserIds or Filters, with paging.
    """
    no_max_results_with_ids(params, "SnapshotIds", "snapshotIds")
    _, region = reading(call)
    snapshots = storage.describe_snapshots(
        region,
        call.account,
        params.get("SnapshotIds") or [],
        params.get("OwnerIds") or [],
        params.get("RestorableByUserIds") or [],
        filters(params),
    )
    return paged(
        params,
        "Snapshots",
        snapshots,
        lambda s: s.snapshot_id,
        lambda s: shapes.snapshot(s, region.tags.get(s.snapshot_id, call.account)),
    )


@operation("ec2", "DeleteSnapshot")
def delete_snapshot(call: Call, params: dict[str, Any]) -> None:
    """Deletes one of the caller's snapshots unless an AMI uses it."""
    with writing(call) as (_, region):
        storage.delete_snapshot(region, call.account, required(params, "SnapshotId"))


@operation("ec2", "CopySnapshot")
def copy_snapshot(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Copies a snapshot the caller may read (its own, shared with it, public) from SourceRegion
    into the calling Region; an encrypted source stays encrypted; Encrypted/KmsKeyId (in the
    destination Region) encrypt or re-key; PresignedUrl is not needed and ignored."""
    source_region = required(params, "SourceRegion")
    if not is_known(source_region, call.world.config):
        raise InvalidValue("parameter_value_invalid", name="SourceRegion", value=source_region)
    with writing(call) as (env, region):
        snap = copies.copy_snapshot(
            env,
            call.world.ec2.read(source_region),
            region,
            call.account,
            source_snapshot_id=required(params, "SourceSnapshotId"),
            description=params.get("Description"),
            encrypted=params.get("Encrypted"),
            kms_key_id=params.get("KmsKeyId"),
            tags=tag_specs(params),
        )
        tags = region.tags.get(snap.snapshot_id, call.account)
    out: dict[str, Any] = {"SnapshotId": snap.snapshot_id}
    if tags:
        out["Tags"] = shapes.tag_list(tags)
    return out


@operation("ec2", "CreateSnapshots")
def create_snapshots(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Snapshots every volume attached to the caller's instance at once (ExcludeBootVolume,
    ExcludeDataVolumeIds); CopyTagsFromSource=volume copies each volume's tags."""
    spec = required(params, "InstanceSpecification")
    with writing(call) as (env, region):
        made = copies.create_snapshots(
            env,
            region,
            call.account,
            instance_id=required(spec, "InstanceId"),
            exclude_boot_volume=bool(spec.get("ExcludeBootVolume")),
            exclude_volume_ids=spec.get("ExcludeDataVolumeIds") or [],
            description=params.get("Description"),
            copy_tags_from=params.get("CopyTagsFromSource"),
            tags=tag_specs(params),
        )
        return {
            "Snapshots": [
                {
                    "SnapshotId": snap.snapshot_id,
                    "VolumeId": vol.volume_id,
                    "State": snap.state,
                    "VolumeSize": snap.volume_size,
                    "StartTime": shapes.timestamp(snap.start_time),
                    "Progress": "100%",
                    "OwnerId": snap.owner,
                    "Encrypted": snap.encrypted,
                    "Description": snap.description or "",
                    "Tags": shapes.tag_list(region.tags.get(snap.snapshot_id, call.account)),
                }
                for snap, vol in made
            ]
        }


def _attachment(vol_id: str, instance_id: str, device: str, when: str, state: str) -> dict:
    return {
        "VolumeId": vol_id,
        "InstanceId": instance_id,
        "Device": device,
        "State": state,
        "AttachTime": shapes.timestamp(when),
        "DeleteOnTermination": False,
    }


@operation("ec2", "AttachVolume")
def attach_volume(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Attaches the caller's available volume to its running or stopped instance in the same
    zone (attaching, then attached); a taken device is InvalidParameterValue."""
    with writing(call) as (env, region):
        vol, inst = attachments.attach_volume(
            env,
            region,
            call.account,
            required(params, "VolumeId"),
            required(params, "InstanceId"),
            required(params, "Device"),
        )
        return _attachment(
            vol.volume_id, inst.instance_id, vol.device or "", vol.attach_time or "", "attaching"
        )


@operation("ec2", "DetachVolume")
def detach_volume(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Detaches the caller's volume (detaching, then available); not the root volume of an
    instance that is not stopped."""
    with writing(call) as (env, region):
        vol, instance_id, device, when = attachments.detach_volume(
            env,
            region,
            call.account,
            required(params, "VolumeId"),
            params.get("InstanceId"),
            params.get("Device"),
        )
    return _attachment(vol.volume_id, instance_id, device, when, "detaching")
