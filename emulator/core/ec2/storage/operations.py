"""Volumes and snapshots: create, describe, delete, and who sees which.

Volumes are private to their owner; snapshots are visible to the accounts they are shared
with (``createVolumePermission``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from emulator.core.commit import commit
from emulator.core.ec2 import resource_ids
from emulator.core.ec2.filters import Filter, FilterSet, always, as_text, field_table
from emulator.core.ec2.region import Env, RegionState
from emulator.core.ec2.storage.encryption import (
    check_named_key,
    check_stored_keys,
    key_for,
    named_key,
    record_key_grant,
)
from emulator.core.ec2.storage.records import ALL, NO_VOLUME, Snapshot, Volume
from emulator.core.ec2.tags import TagSpecs, check_specs
from emulator.core.errors import Conflict, InvalidValue, NotFound

DEFAULT_VOLUME_SIZE = 8
MAX_VOLUME_SIZE = 16384
VOLUME_TYPES = {"standard", "io1", "io2", "gp2", "gp3", "sc1", "st1"}
# CreateVolume's default type, as the API reference gives it.
DEFAULT_VOLUME_TYPE = "gp2"
# GiB per type (io2 is Block Express everywhere now); docs/semantics.md, "EC2 volumes".
SIZE_RANGES = {
    "gp2": (1, 16384),
    "gp3": (1, 16384),
    "io1": (4, 16384),
    "io2": (4, 65536),
    "st1": (125, 16384),
    "sc1": (125, 16384),
    "standard": (1, 1024),
}
IOPS_RANGES = {"gp3": (3000, 16000), "io1": (100, 64000), "io2": (100, 256000)}
THROUGHPUT_RANGE = (125, 1000)  # MiB/s, gp3 only
MULTI_ATTACH_TYPES = {"io1", "io2"}
_ACCOUNT_RE = re.compile(r"\d{12}")

# Each filter DescribeSnapshots / DescribeVolumes documents, read as the answer shows it.
SNAPSHOT_FILTERS = field_table(
    {
        "snapshot-id": lambda s: [s.snapshot_id],
        "volume-id": lambda s: [s.volume_id],
        "owner-id": lambda s: [s.owner],
        "status": lambda s: [s.state],
        "description": lambda s: [as_text(s.description)],
        "encrypted": lambda s: [as_text(s.encrypted)],
        "volume-size": lambda s: [str(s.volume_size)],
        "kms-key-id": lambda s: [as_text(s.kms_key_id)],
        "start-time": lambda s: [s.start_time],
        # A snapshot is whole when it is shown, and none is archived.
        "progress": always("100%"),
        "storage-tier": always("standard"),
    },
    # Aliases belong to Amazon's own accounts; snapshots here record no transfer type.
    without_data=("owner-alias", "transfer-type"),
)
VOLUME_FILTERS = field_table(
    {
        "volume-id": lambda v: [v.volume_id],
        "size": lambda v: [str(v.size)],
        "snapshot-id": lambda v: [as_text(v.snapshot_id)],
        "status": lambda v: [v.state],
        "availability-zone": lambda v: [v.availability_zone],
        "volume-type": lambda v: [v.volume_type],
        "encrypted": lambda v: [as_text(v.encrypted)],
        "create-time": lambda v: [v.create_time],
        "multi-attach-enabled": lambda v: [as_text(v.multi_attach_enabled)],
        "attachment.instance-id": lambda v: [v.instance_id] if v.instance_id else [],
        "attachment.device": lambda v: [v.device] if v.device else [],
        "attachment.status": lambda v: ["attached"] if v.instance_id else [],
        "attachment.attach-time": lambda v: (
            [v.attach_time] if v.instance_id and v.attach_time else []
        ),
        "attachment.delete-on-termination": lambda v: (
            [as_text(v.delete_on_termination)] if v.instance_id else []
        ),
        # No snapshot here has fast snapshot restore, and no volume is managed by a service.
        "fast-restored": always("false"),
        "operator.managed": always("false"),
    },
    without_data=("availability-zone-id", "operator.principal"),
)


def own_snapshot(region: RegionState, account: str, snapshot_id: str) -> Snapshot:
    return resource_ids.find(
        "snapshot", region.snapshots, snapshot_id, resource_ids.owned_by(account)
    )


def own_volume(region: RegionState, account: str, volume_id: str) -> Volume:
    return resource_ids.find("volume", region.volumes, volume_id, resource_ids.owned_by(account))


def new_snapshot(
    env: Env,
    region: RegionState,
    owner: str,
    *,
    size: int,
    volume_id: str = NO_VOLUME,
    description: str | None = None,
    encrypted: bool = False,
    kms_key_id: str | None = None,
) -> Snapshot:
    snap = Snapshot(
        snapshot_id=env.ids.resource_id("snap"),
        owner=owner,
        region=region.name,
        volume_id=volume_id,
        volume_size=size,
        start_time=env.now(),
        description=description,
        encrypted=encrypted,
        kms_key_id=kms_key_id if encrypted else None,
    )
    region.snapshots[snap.snapshot_id] = snap
    record_key_grant(env, snap.kms_key_id, owner, snap.snapshot_id)
    return snap


def snapshot_without_volume(
    env: Env,
    region: RegionState,
    owner: str,
    *,
    size: int,
    encrypted: bool = False,
    kms_key_id: str | None = None,
) -> Snapshot:
    """A completed snapshot with no source volume (scenario loading); ``kms_key_id`` is
    resolved in the owner's account and Region, ``aws/ebs`` when encrypted without one."""
    key = named_key(env, owner, region.name, encrypted, kms_key_id)
    return new_snapshot(
        env,
        region,
        owner,
        size=size,
        encrypted=encrypted,
        kms_key_id=key_for(env, owner, region.name, encrypted, key),
    )


def snapshot_of(
    env: Env, region: RegionState, owner: str, vol: Volume, description: str | None
) -> Snapshot:
    """A snapshot of ``vol``: its size, and its encryption and key."""
    return new_snapshot(
        env,
        region,
        owner,
        size=vol.size,
        volume_id=vol.volume_id,
        description=description,
        encrypted=vol.encrypted,
        kms_key_id=vol.kms_key_id,
    )


def new_volume(
    env: Env,
    region: RegionState,
    owner: str,
    *,
    size: int,
    availability_zone: str,
    snapshot_id: str | None = None,
    volume_type: str | None = None,
    iops: int | None = None,
    throughput: int | None = None,
    encrypted: bool = False,
    kms_key_id: str | None = None,
) -> Volume:
    vol = Volume(
        volume_id=env.ids.resource_id("vol"),
        owner=owner,
        region=region.name,
        size=size,
        availability_zone=availability_zone,
        create_time=env.now(),
        snapshot_id=snapshot_id,
        volume_type=volume_type or "gp3",
        iops=iops,
        throughput=throughput,
        encrypted=encrypted,
        kms_key_id=kms_key_id if encrypted else None,
    )
    region.volumes[vol.volume_id] = vol
    record_key_grant(env, vol.kms_key_id, owner, vol.volume_id)
    return vol


def check_volume_type(volume_type: str | None) -> None:
    if volume_type is not None and volume_type not in VOLUME_TYPES:
        raise InvalidValue("volume_type_invalid", value=volume_type)


def check_size(size: int) -> None:
    if not 1 <= size <= MAX_VOLUME_SIZE:
        raise InvalidValue("volume_size_invalid", value=size)


def _check_performance(
    volume_type: str, iops: int | None, throughput: int | None, multi_attach: bool
) -> None:
    """Iops, Throughput and MultiAttachEnabled only where the type has them, in range."""
    if iops is not None:
        if volume_type not in IOPS_RANGES:
            raise InvalidValue("volume_iops_unsupported", volume_type=volume_type)
        low, high = IOPS_RANGES[volume_type]
        if iops < low:
            raise InvalidValue("volume_iops_too_low", iops=iops, limit=low)
        if iops > high:
            raise InvalidValue("volume_iops_too_high", iops=iops, limit=high)
    elif volume_type in ("io1", "io2"):
        raise InvalidValue("volume_iops_required", volume_type=volume_type)
    if throughput is not None:
        if volume_type != "gp3":
            raise InvalidValue("volume_throughput_unsupported")
        if not THROUGHPUT_RANGE[0] <= throughput <= THROUGHPUT_RANGE[1]:
            raise InvalidValue("parameter_value_invalid", name="throughput", value=throughput)
    if multi_attach and volume_type not in MULTI_ATTACH_TYPES:
        raise InvalidValue("volume_multi_attach_unsupported", volume_type=volume_type)


def _check_type_size(volume_type: str, size: int) -> None:
    low, high = SIZE_RANGES[volume_type]
    if size < low:
        raise InvalidValue("volume_smaller_than_snapshot", size=size, snapshot_size=low)
    if size > high:
        raise InvalidValue("volume_too_large", size=size, limit=high)


def _volume_source(region: RegionState, account: str, snapshot_id: str) -> Snapshot:
    """CreateVolume's snapshot; AWS words its not-found without the id (docs/semantics.md,
    "EC2 volumes")."""
    try:
        return own_snapshot(region, account, snapshot_id)
    except NotFound as exc:
        raise NotFound("volume_snapshot_not_found") from exc


def create_volume(
    env: Env,
    region: RegionState,
    account: str,
    *,
    size: int | None,
    snapshot_id: str | None,
    availability_zone: str | None,
    volume_type: str | None,
    iops: int | None,
    throughput: int | None,
    encrypted: bool | None,
    kms_key_id: str | None,
    tags: TagSpecs,
    multi_attach: bool = False,
) -> Volume:
    check_specs(tags, ["volume"])
    check_volume_type(volume_type)
    volume_type = volume_type or DEFAULT_VOLUME_TYPE
    if size is None and snapshot_id is None:
        raise InvalidValue("volume_size_or_snapshot_missing")
    _check_performance(volume_type, iops, throughput, multi_attach)
    snap = _volume_source(region, account, snapshot_id) if snapshot_id else None
    size = size if size is not None else snap.volume_size  # type: ignore[union-attr]
    _check_type_size(volume_type, size)
    if snap is not None and size < snap.volume_size:
        raise InvalidValue(
            "volume_smaller_than_snapshot", size=size, snapshot_size=snap.volume_size
        )
    if snap is not None and snap.encrypted and encrypted is False:
        raise InvalidValue("volume_unencrypted_from_encrypted")
    is_encrypted = bool(encrypted) or bool(snap and snap.encrypted)
    key = named_key(env, account, region.name, is_encrypted, kms_key_id)
    check_named_key(env, key, account, region.name)
    if snap is not None and snap.encrypted:
        # The snapshot's key opens the data even when the volume gets another key, and it
        # stays the volume's key unless another is named.
        check_stored_keys(env, [(snap.snapshot_id, snap.kms_key_id)], account, region.name)
        key = key or snap.kms_key_id
    commit()
    vol = new_volume(
        env,
        region,
        account,
        size=size,
        availability_zone=availability_zone or f"{region.name}a",
        snapshot_id=snapshot_id,
        volume_type=volume_type,
        iops=iops,
        throughput=throughput,
        encrypted=is_encrypted,
        kms_key_id=key_for(env, account, region.name, is_encrypted, key),
    )
    if snap is not None and snap.encrypted and snap.kms_key_id != vol.kms_key_id:
        record_key_grant(env, snap.kms_key_id, account, vol.volume_id)
    vol.multi_attach_enabled = multi_attach
    region.tags.put(vol.volume_id, account, tags.get("volume", {}))
    return vol


def describe_volumes(
    region: RegionState, account: str, volume_ids: list[str], filters: Iterable[Filter]
) -> list[Volume]:
    matches = FilterSet(filters, VOLUME_FILTERS, lambda v: region.tags.get(v.volume_id, account))
    if volume_ids:
        found = resource_ids.find_all(
            "volume", region.volumes, volume_ids, resource_ids.owned_by(account)
        )
    else:
        found = [v for v in region.volumes.values() if v.owner == account]
    return [v for v in found if matches(v)]


def delete_volume(region: RegionState, account: str, volume_id: str) -> None:
    vol = own_volume(region, account, volume_id)
    if vol.instance_id:
        raise Conflict("volume_in_use", id=volume_id, instance_id=vol.instance_id)
    commit()
    del region.volumes[volume_id]
    region.tags.drop(volume_id)


def create_snapshot(
    env: Env,
    region: RegionState,
    account: str,
    *,
    volume_id: str,
    description: str | None,
    tags: TagSpecs,
) -> Snapshot:
    check_specs(tags, ["snapshot"])
    vol = own_volume(region, account, volume_id)
    check_stored_keys(env, [(vol.volume_id, vol.kms_key_id)], account, region.name)
    commit()
    snap = snapshot_of(env, region, account, vol, description)
    region.tags.put(snap.snapshot_id, account, tags.get("snapshot", {}))
    return snap


def describe_snapshots(
    region: RegionState,
    account: str,
    snapshot_ids: list[str],
    owner_ids: list[str],
    restorable_by: list[str],
    filters: Iterable[Filter],
) -> list[Snapshot]:
    """Snapshots the caller may read (own, shared with it, public), narrowed by ids, owners,
    restorable users and filters. An id the caller may not read is not found."""
    for value in restorable_by:
        if value not in ("self", ALL) and not _ACCOUNT_RE.fullmatch(value):
            raise InvalidValue("user_id_malformed", value=value)
    matches = FilterSet(
        filters, SNAPSHOT_FILTERS, lambda s: region.tags.get(s.snapshot_id, account)
    )
    owners = {account if o == "self" else o for o in owner_ids}
    restorable = _restorable(account, restorable_by)
    if snapshot_ids:
        found = resource_ids.find_all(
            "snapshot", region.snapshots, snapshot_ids, lambda s: s.readable_by(account)
        )
    else:
        found = [s for s in region.snapshots.values() if s.readable_by(account)]
    return [
        s
        for s in found
        if (not owners or s.owner in owners) and (not restorable_by or restorable(s)) and matches(s)
    ]


def _restorable(caller: str, users: list[str]) -> Callable[[Snapshot], bool]:
    """RestorableByUserIds: ``self`` (own or shared with the caller), ``all`` (public), or an
    account the caller's own snapshot is shared with. O(1) per snapshot for ``self`` and
    ``all``; the named accounts cost the smaller of their number and the snapshot's shares."""
    wanted = set(users)
    mine = bool(wanted & {"self", caller})
    public = ALL in wanted
    named = wanted - {"self", caller, ALL}

    def check(snap: Snapshot) -> bool:
        if mine and (snap.owner == caller or snap.shared_with(caller)):
            return True
        if public and snap.public:
            return True
        return bool(named) and snap.owner == caller and not snap.shares_none_of(named)

    return check


def delete_snapshot(region: RegionState, account: str, snapshot_id: str) -> None:
    own_snapshot(region, account, snapshot_id)
    for image in region.images.values():
        # A disabled image still holds its snapshots (the User Guide: "currently in use").
        if image.state != "deregistered" and snapshot_id in image.snapshot_ids:
            raise Conflict("snapshot_in_use", id=snapshot_id, image_id=image.image_id)
    commit()
    del region.snapshots[snapshot_id]
    region.tags.drop(snapshot_id)
