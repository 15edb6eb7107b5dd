"""Sharing snapshots: Modify-, Describe- and ResetSnapshotAttribute (createVolumePermission).

ModifySnapshotAttribute takes both forms (structured and flat).
"""

from __future__ import annotations

from typing import Any

from emulator.api.ec2.params import apply_operation_type, attribute_name, required
from emulator.api.ec2.region import reading, writing
from emulator.api.registry import Call, operation
from emulator.core.ec2.storage import snapshot_permissions
from emulator.core.ec2.storage.snapshot_permissions import (
    CREATE_VOLUME_PERMISSION,
    GROUP,
    PRODUCT_CODES,
    USER,
)
from emulator.core.errors import InvalidValue

_KINDS = (USER, GROUP)
ATTRIBUTES = (CREATE_VOLUME_PERMISSION, PRODUCT_CODES)


def _entries(items: list[dict[str, Any]] | None) -> list[tuple[str, str]]:
    return [(kind, item[kind]) for item in items or [] for kind in _KINDS if kind in item]


def _change(params: dict[str, Any]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The entries to add and remove, from the structure form or the flat form."""
    attribute = attribute_name(params, ATTRIBUTES)
    if attribute is not None and attribute != CREATE_VOLUME_PERMISSION:
        raise InvalidValue("attribute_unknown", attribute=attribute)
    structured = params.get("CreateVolumePermission") or {}
    adds, removes = _entries(structured.get("Add")), _entries(structured.get("Remove"))
    flat = [(USER, v) for v in params.get("UserIds") or []]
    flat += [(GROUP, v) for v in params.get("GroupNames") or []]
    apply_operation_type(params, flat, adds, removes)
    return adds, removes


@operation("ec2", "ModifySnapshotAttribute")
def modify_snapshot_attribute(call: Call, params: dict[str, Any]) -> None:
    """Owner only. createVolumePermission add or remove (UserId, Group all); encrypted snapshots
    cannot be public, and snapshots under the aws/ebs key cannot be shared.
    """
    adds, removes = _change(params)
    with writing(call) as (env, region):
        snapshot_permissions.modify(
            env, region, call.account, required(params, "SnapshotId"), adds, removes
        )


@operation("ec2", "DescribeSnapshotAttribute")
def describe_snapshot_attribute(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Owner only. createVolumePermission (the accounts and the group all it is shared with) or
    productCodes (none).
    """
    attribute = attribute_name(params, ATTRIBUTES, needed=True)
    _, region = reading(call)
    snap = snapshot_permissions.permissions(
        region, call.account, required(params, "SnapshotId"), attribute
    )
    if attribute == CREATE_VOLUME_PERMISSION:
        permissions = [
            {GROUP: v} if v == "all" else {USER: v} for v in snap.create_volume_permissions
        ]
        return {"SnapshotId": snap.snapshot_id, "CreateVolumePermissions": permissions}
    return {"SnapshotId": snap.snapshot_id, "ProductCodes": []}


@operation("ec2", "ResetSnapshotAttribute")
def reset_snapshot_attribute(call: Call, params: dict[str, Any]) -> None:
    """Owner only. createVolumePermission: the snapshot is private again."""
    attribute = attribute_name(params, ATTRIBUTES, needed=True)
    with writing(call) as (_, region):
        snapshot_permissions.reset(region, call.account, required(params, "SnapshotId"), attribute)
