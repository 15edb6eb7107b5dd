"""CreateTags, DeleteTags, DescribeTags over images, snapshots, volumes and instances."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from emulator.core.commit import commit
from emulator.core.ec2 import resource_ids
from emulator.core.ec2.filters import Filter, FilterSet
from emulator.core.ec2.images.catalog import READ, find_image
from emulator.core.ec2.images.records import DEREGISTERED
from emulator.core.ec2.region import Env, RegionState
from emulator.core.ec2.tags import validate


@dataclass(frozen=True)
class TagRow:
    resource_id: str
    resource_type: str
    key: str
    value: str


TAG_FILTERS = {
    "resource-id": lambda r: [r.resource_id],
    "resource-type": lambda r: [r.resource_type],
    "key": lambda r: [r.key],
    "value": lambda r: [r.value],
}


def _resolve(env: Env, region: RegionState, account: str, resource_id: str) -> None:
    """Raise unless the caller may tag ``resource_id``: any image it can see, or its own."""
    kind = resource_ids.kind_of(resource_id)
    resource_ids.check(kind, resource_id)
    if kind == "image":
        find_image(env, region, account, resource_id, READ)
        return
    table = {
        "snapshot": region.snapshots,
        "volume": region.volumes,
        "instance": region.instances,
        "launch-template": region.launch_templates,
    }
    resource_ids.find(kind, table[kind], resource_id, resource_ids.owned_by(account))


def create_tags(
    env: Env, region: RegionState, account: str, resource_ids_: list[str], tags: Mapping[str, str]
) -> None:
    validate(tags)
    for resource_id in resource_ids_:
        _resolve(env, region, account, resource_id)
        region.tags.check_room(resource_id, account, tags)
    commit()
    for resource_id in resource_ids_:
        region.tags.put(resource_id, account, tags)


def delete_tags(
    env: Env,
    region: RegionState,
    account: str,
    resource_ids_: list[str],
    keys: list[tuple[str, str | None]] | None,
) -> None:
    """Delete the caller's tags: the given keys (value must match when given), or all."""
    validate({key: value or "" for key, value in keys or []})
    for resource_id in resource_ids_:
        _resolve(env, region, account, resource_id)
    commit()
    for resource_id in resource_ids_:
        region.tags.delete(resource_id, account, keys)


def _exists(region: RegionState, resource_id: str) -> bool:
    image = region.images.get(resource_id)
    if image is not None:
        return image.state != DEREGISTERED
    return any(
        resource_id in table
        for table in (region.snapshots, region.volumes, region.instances, region.launch_templates)
    )


def describe_tags(region: RegionState, account: str, filters: list[Filter]) -> list[TagRow]:
    """The caller's own tags in this Region, by resource id then key."""
    matches = FilterSet(filters, TAG_FILTERS, lambda r: region.tags.get(r.resource_id, account))
    rows = [
        TagRow(rid, resource_ids.kind_of(rid), key, value)
        for rid, key, value in region.tags.of_account(account)
        if _exists(region, rid)
    ]
    return sorted((r for r in rows if matches(r)), key=lambda r: (r.resource_id, r.key))
