"""Reading EC2 request members into core values."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any, TypeVar

from emulator.core.ec2.filters import Filter
from emulator.core.ec2.images.records import BlockDevice
from emulator.core.ec2.paging import page
from emulator.core.ec2.tags import TagSpecs
from emulator.core.errors import InvalidValue

T = TypeVar("T")


def required(params: dict[str, Any], name: str) -> Any:
    value = params.get(name)
    if value is None or value == "":
        raise InvalidValue("missing_parameter", name=name)
    return value


def attribute_name(
    params: dict[str, Any], names: Collection[str], *, needed: bool = False
) -> str | None:
    """The request's ``Attribute`` spelt as the model spells it, for every ``*Attribute``
    operation. EC2 matches attribute names regardless of case: it takes ``LaunchPermission``
    and ``Description`` (as Ansible's ec2_ami sends them) for ``launchPermission`` and
    ``description``. A name that matches none of ``names`` stays as sent, for the
    operation's own refusal; ``needed``: a missing one is refused here."""
    value = required(params, "Attribute") if needed else params.get("Attribute")
    if value is None:
        return None
    return next((name for name in names if name.casefold() == value.casefold()), value)


def filters(params: dict[str, Any]) -> list[Filter]:
    out = []
    for f in params.get("Filters") or []:
        name = f.get("Name")
        if not name:
            raise InvalidValue("missing_parameter", name="Filter.Name")
        out.append(Filter(name, tuple(f.get("Values") or ())))
    return out


def tag_map(tags: list[dict[str, Any]] | None) -> dict[str, str]:
    out = {}
    for tag in tags or []:
        key = tag.get("Key")
        if key is None:
            raise InvalidValue("missing_parameter", name="Tag.Key")
        out[key] = tag.get("Value") or ""
    return out


def tag_specs(params: dict[str, Any]) -> TagSpecs:
    """TagSpecifications as resource type -> tags (several specs of one type merge)."""
    out: dict[str, dict[str, str]] = {}
    for spec in params.get("TagSpecifications") or []:
        resource_type = spec.get("ResourceType")
        if not resource_type:
            raise InvalidValue("missing_parameter", name="TagSpecification.ResourceType")
        out.setdefault(resource_type, {}).update(tag_map(spec.get("Tags")))
    return out


def block_devices(mappings: list[dict[str, Any]] | None) -> list[BlockDevice]:
    out = []
    for m in mappings or []:
        ebs = m.get("Ebs") or {}
        out.append(
            BlockDevice(
                device_name=m.get("DeviceName") or "",
                snapshot_id=ebs.get("SnapshotId"),
                volume_size=ebs.get("VolumeSize"),
                volume_type=ebs.get("VolumeType"),
                delete_on_termination=ebs.get("DeleteOnTermination", True),
                encrypted=ebs.get("Encrypted"),
                kms_key_id=ebs.get("KmsKeyId"),
                iops=ebs.get("Iops"),
                throughput=ebs.get("Throughput"),
                virtual_name=m.get("VirtualName"),
                no_device=m.get("NoDevice") is not None,
            )
        )
    return out


def no_max_results_with_ids(params: dict[str, Any], ids_member: str, wire_name: str) -> None:
    """EC2 refuses MaxResults together with an explicit id list."""
    if params.get(ids_member) and params.get("MaxResults") is not None:
        raise InvalidValue("max_results_with_ids", ids=wire_name)


def apply_operation_type(params: dict[str, Any], flat: list, adds: list, removes: list) -> None:
    """The flat form of Modify*Attribute: ``OperationType=add|remove`` says what the
    ``UserId.N`` / ``UserGroup.N``-style entries in ``flat`` do; they join ``adds`` or
    ``removes``, each entry once. Without ``OperationType`` they are adds when the request
    also adds in the structured form: Packer sends each entry in both forms, and AWS adds it
    once."""
    operation_type = params.get("OperationType")
    if not flat and operation_type is None:
        return
    if operation_type is None and not adds:
        raise InvalidValue("missing_parameter", name="OperationType")
    if operation_type not in (None, "add", "remove"):
        raise InvalidValue("operation_type_invalid", value=operation_type)
    joined = removes if operation_type == "remove" else adds
    present = set(joined)
    for entry in flat:
        if entry not in present:
            present.add(entry)
            joined.append(entry)


def paged(
    params: dict[str, Any],
    member: str,
    items: Sequence[T],
    key: Callable[[T], str],
    render: Callable[[T], Any],
    bounds: tuple[int, int] = (5, 1000),
) -> dict[str, Any]:
    """One page of ``items`` in ``key`` order (MaxResults / NextToken from ``params``) as the
    output member ``member``, each item rendered, with the NextToken of the next page when
    there is one. The token is the last key shown, so the items are sorted by it here."""
    shown, token = page(
        sorted(items, key=key), key, params.get("MaxResults"), params.get("NextToken"), bounds
    )
    out: dict[str, Any] = {member: [render(item) for item in shown]}
    if token:
        out["NextToken"] = token
    return out
