"""CopySnapshot (across Regions, shared ones too) and CreateSnapshots (an instance's volumes)."""

from __future__ import annotations

from emulator.core.authorization import DECRYPT
from emulator.core.commit import commit
from emulator.core.ec2.instances.lifecycle import own_instance
from emulator.core.ec2.region import Env, RegionState
from emulator.core.ec2.storage.encryption import (
    check_named_key,
    check_stored_keys,
    key_for,
    key_refusal,
    named_key,
    record_key_grant,
)
from emulator.core.ec2.storage.operations import new_snapshot, own_volume, snapshot_of
from emulator.core.ec2.storage.records import Snapshot, Volume
from emulator.core.ec2.storage.snapshot_permissions import readable_snapshot
from emulator.core.ec2.tags import TagSpecs, check_specs
from emulator.core.errors import InvalidValue

COPY_TAGS_FROM = ("volume",)


def copy_snapshot(
    env: Env,
    source_region: RegionState,
    region: RegionState,
    account: str,
    *,
    source_snapshot_id: str,
    description: str | None,
    encrypted: bool | None,
    kms_key_id: str | None,
    tags: TagSpecs,
) -> Snapshot:
    """A new completed snapshot the caller owns in ``region`` (the one called), from one it
    may read in ``source_region``. The copy of an encrypted snapshot stays encrypted: with
    the key named (in the destination Region), else the source key when the owner copies
    within the Region, else the caller's ``aws/ebs`` key there."""
    check_specs(tags, ["snapshot"])
    target_key = named_key(env, account, region.name, encrypted, kms_key_id)
    check_named_key(env, target_key, account, region.name)
    source = readable_snapshot(source_region, account, source_snapshot_id)
    if source.encrypted and source.kms_key_id:
        if source.owner == account:
            check_stored_keys(
                env, [(source.snapshot_id, source.kms_key_id)], account, source_region.name
            )
        elif key_refusal(env, DECRYPT, [source.kms_key_id], account, source_region.name):
            raise InvalidValue(
                "storage_key_not_accessible", key=source.kms_key_id, resource=source.snapshot_id
            )
    commit()
    is_encrypted = bool(encrypted) or source.encrypted
    keeps_key = source.owner == account and source_region.name == region.name
    key = target_key or (source.kms_key_id if source.encrypted and keeps_key else None)
    snap = new_snapshot(
        env,
        region,
        account,
        size=source.volume_size,
        description=(
            description
            if description is not None
            else f"[Copied {source.snapshot_id} from {source_region.name}]"
        ),
        encrypted=is_encrypted,
        kms_key_id=key_for(env, account, region.name, is_encrypted, key),
    )
    if source.encrypted and source.kms_key_id != snap.kms_key_id:
        # The source snapshot's key opens the data the copy re-encrypts (as CopyImage).
        record_key_grant(env, source.kms_key_id, account, snap.snapshot_id)
    region.tags.put(snap.snapshot_id, account, tags.get("snapshot", {}))
    return snap


def create_snapshots(
    env: Env,
    region: RegionState,
    account: str,
    *,
    instance_id: str,
    exclude_boot_volume: bool,
    exclude_volume_ids: list[str],
    description: str | None,
    copy_tags_from: str | None,
    tags: TagSpecs,
) -> list[tuple[Snapshot, Volume]]:
    """One snapshot per volume attached to the caller's instance (less the exclusions),
    each with the volume's key; CopyTagsFromSource=volume copies each volume's tags."""
    check_specs(tags, ["snapshot"])
    if copy_tags_from is not None and copy_tags_from not in COPY_TAGS_FROM:
        raise InvalidValue(
            "parameter_value_invalid", name="CopyTagsFromSource", value=copy_tags_from
        )
    inst = own_instance(env, region, account, instance_id)
    excluded = {own_volume(region, account, v).volume_id for v in exclude_volume_ids}
    attached = [
        vol
        for vol in map(region.volumes.get, inst.volume_ids)
        if vol is not None and vol.instance_id == inst.instance_id
    ]
    if exclude_boot_volume and not [v for v in attached if v.device != inst.root_device_name]:
        raise InvalidValue("no_volumes_to_snapshot", id=inst.instance_id)
    chosen = [
        v
        for v in attached
        if v.volume_id not in excluded
        and not (exclude_boot_volume and v.device == inst.root_device_name)
    ]
    check_stored_keys(env, [(v.volume_id, v.kms_key_id) for v in chosen], account, region.name)
    commit()
    out = []
    for vol in chosen:
        snap = snapshot_of(env, region, account, vol, description)
        copied = region.tags.get(vol.volume_id, account) if copy_tags_from else {}
        region.tags.put(snap.snapshot_id, account, {**copied, **tags.get("snapshot", {})})
        out.append((snap, vol))
    return out
