"""Snapshot sharing (``createVolumePermission``), and the storage access CopyImage needs.

The owner shares a snapshot with account ids or makes it public with the group ``all``.
Encrypted snapshots cannot be public, and snapshots under an AWS managed key cannot be
shared at all. Launching a shared AMI never needs its snapshots shared; copying one does.
"""

from __future__ import annotations

import re

from emulator.core.authorization import DECRYPT
from emulator.core.commit import commit
from emulator.core.ec2 import resource_ids
from emulator.core.ec2.images.records import Image
from emulator.core.ec2.region import Env, RegionState
from emulator.core.ec2.storage.encryption import device_keys, key_refusal
from emulator.core.ec2.storage.records import ALL, Snapshot
from emulator.core.errors import InvalidValue, NotAuthorized

CREATE_VOLUME_PERMISSION = "createVolumePermission"
PRODUCT_CODES = "productCodes"
USER = "UserId"
GROUP = "Group"
_ACCOUNT_RE = re.compile(r"\d{12}")


def readable_snapshot(region: RegionState, account: str, snapshot_id: str) -> Snapshot:
    """A snapshot the caller may read; any other id is not found."""
    return resource_ids.find(
        "snapshot", region.snapshots, snapshot_id, lambda s: s.readable_by(account)
    )


def _owned(region: RegionState, account: str, snapshot_id: str) -> Snapshot:
    snap = readable_snapshot(region, account, snapshot_id)
    if snap.owner != account:
        raise NotAuthorized("snapshot_not_owned", id=snapshot_id)
    return snap


def _values(entries: list[tuple[str, str]]) -> list[str]:
    """Entries (``UserId`` or ``Group``, value) as stored values, each one checked."""
    out = []
    for kind, value in entries:
        # AWS answers as ModifyImageAttribute does, with the same item type names.
        if kind == USER and not _ACCOUNT_RE.fullmatch(value):
            raise InvalidValue("invalid_attribute_item", value=value, item_type="userId")
        if kind == GROUP and value != ALL:
            raise InvalidValue("invalid_attribute_item", value=value, item_type="UserGroup")
        out.append(value)
    return out


def modify(
    env: Env,
    region: RegionState,
    account: str,
    snapshot_id: str,
    adds: list[tuple[str, str]],
    removes: list[tuple[str, str]],
) -> None:
    """Owner only; adds or removes (never both in one request, as AWS documents)."""
    snap = _owned(region, account, snapshot_id)
    if adds and removes:
        raise InvalidValue("snapshot_add_and_remove")
    if not adds and not removes:
        raise InvalidValue("missing_parameter", name="CreateVolumePermission")
    added, removed = _values(adds), _values(removes)
    if snap.encrypted and ALL in added:
        raise InvalidValue("encrypted_snapshot_public")
    if added and snap.encrypted and env.keys.is_aws_managed(snap.kms_key_id or ""):
        raise InvalidValue("snapshot_default_key_shared")
    commit()
    gone = set(removed)
    current = [v for v in snap.create_volume_permissions if v not in gone]
    kept = set(current)
    snap.create_volume_permissions = current + [v for v in dict.fromkeys(added) if v not in kept]


def permissions(region: RegionState, account: str, snapshot_id: str, attribute: str) -> Snapshot:
    """The snapshot whose ``attribute`` its owner asks for."""
    if attribute not in (CREATE_VOLUME_PERMISSION, PRODUCT_CODES):
        raise InvalidValue("attribute_unknown", attribute=attribute)
    return _owned(region, account, snapshot_id)


def reset(region: RegionState, account: str, snapshot_id: str, attribute: str) -> None:
    """Only ``createVolumePermission`` resets: the snapshot is private again."""
    if attribute != CREATE_VOLUME_PERMISSION:
        raise InvalidValue("attribute_unknown", attribute=attribute)
    snap = _owned(region, account, snapshot_id)
    commit()
    snap.create_volume_permissions = []


def check_storage_readable(env: Env, region: RegionState, image: Image, account: str) -> None:
    """CopyImage by someone other than the owner: every snapshot of ``image`` must be shared
    with the caller (or public), and the caller must be allowed to use their keys."""
    if image.owner == account:
        return
    for snapshot_id in image.snapshot_ids:
        snap = region.snapshots.get(snapshot_id)
        if snap is None or not snap.readable_by(account):
            raise NotAuthorized("storage_not_readable")
    refusal = key_refusal(env, DECRYPT, device_keys(image.block_devices), account, region.name)
    if refusal is not None:
        raise NotAuthorized(
            "storage_key_not_usable", key=refusal.evidence["key"], why=refusal.reason
        )
