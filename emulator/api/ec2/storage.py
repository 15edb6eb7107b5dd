"""Volumes and snapshots: Create-, Describe- and DeleteVolume, and the same for snapshots."""

from __future__ import annotations

from typing import Any

from emulator.api.ec2 import shapes
from emulator.api.ec2.params import filters, no_max_results_with_ids, paged, required, tag_specs
from emulator.api.registry import Call, operation


@operation("ec2", "CreateVolume")
def create_volume(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Creates a volume from a size or from one of the caller's snapshots; Encrypted without
    KmsKeyId uses the account's aws/ebs key; the key (id, ARN, alias) is stored as its ARN;
    another account's key only when its policy allows the caller what EBS needs.
    """
    vol = call.world.ec2.create_volume(
        call.account,
        call.region,
        size=params.get("Size"),
        snapshot_id=params.get("SnapshotId"),
        availability_zone=params.get("AvailabilityZone"),
        volume_type=params.get("VolumeType"),
        iops=params.get("Iops"),
        throughput=params.get("Throughput"),
        encrypted=params.get("Encrypted"),
        kms_key_id=params.get("KmsKeyId"),
        tags=tag_specs(params),
    )
    return shapes.volume(vol, call.world.ec2.tags_of(call.account, call.region, vol.volume_id))


@operation("ec2", "DescribeVolumes")
def describe_volumes(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """The caller's volumes, by id or Filters (wildcards, the caller's own tags), with paging."""
    no_max_results_with_ids(params, "VolumeIds", "volumeIds")
    ec2 = call.world.ec2
    volumes = ec2.describe_volumes(
        call.account, call.region, params.get("VolumeIds") or [], filters(params)
    )
    return paged(
        params,
        "Volumes",
        volumes,
        lambda v: v.volume_id,
        lambda v: shapes.volume(v, ec2.tags_of(call.account, call.region, v.volume_id)),
    )


@operation("ec2", "DeleteVolume")
def delete_volume(call: Call, params: dict[str, Any]) -> None:
    """Deletes one of the caller's volumes unless it is attached."""
    call.world.ec2.delete_volume(call.account, call.region, required(params, "VolumeId"))


@operation("ec2", "CreateSnapshot")
def create_snapshot(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Snapshots one of the caller's volumes with its encryption and key; private until shared."""
    snap = call.world.ec2.create_snapshot(
        call.account,
        call.region,
        volume_id=required(params, "VolumeId"),
        description=params.get("Description"),
        tags=tag_specs(params),
    )
    tags = call.world.ec2.tags_of(call.account, call.region, snap.snapshot_id)
    return shapes.snapshot(snap, tags)


@operation("ec2", "DescribeSnapshots")
def describe_snapshots(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Snapshots the caller owns, is given createVolumePermission for, or public ones; by id,
    OwnerIds, RestorableByUserIds or Filters, with paging.
    """
    no_max_results_with_ids(params, "SnapshotIds", "snapshotIds")
    ec2 = call.world.ec2
    snapshots = ec2.describe_snapshots(
        call.account,
        call.region,
        params.get("SnapshotIds") or [],
        params.get("OwnerIds") or [],
        filters(params),
        params.get("RestorableByUserIds") or [],
    )
    return paged(
        params,
        "Snapshots",
        snapshots,
        lambda s: s.snapshot_id,
        lambda s: shapes.snapshot(s, ec2.tags_of(call.account, call.region, s.snapshot_id)),
    )


@operation("ec2", "DeleteSnapshot")
def delete_snapshot(call: Call, params: dict[str, Any]) -> None:
    """Deletes one of the caller's snapshots unless an AMI uses it."""
    call.world.ec2.delete_snapshot(call.account, call.region, required(params, "SnapshotId"))
