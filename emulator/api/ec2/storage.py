"""Volumes and snapshots: Create-, Describe- and DeleteVolume, and the same for snapshots."""

from __future__ import annotations

from typing import Any

from emulator.api.ec2 import shapes
from emulator.api.ec2.params import filters, no_max_results_with_ids, paged, required, tag_specs
from emulator.api.ec2.region import reading, writing
from emulator.api.registry import Call, operation
from emulator.core.ec2.storage import operations as storage


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
