"""CreateTags, DeleteTags, DescribeTags over every taggable EC2 resource kind."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from emulator.core.commit import commit
from emulator.core.ec2 import resource_ids
from emulator.core.ec2.filters import Filter, FilterSet
from emulator.core.ec2.images.catalog import READ, find_image
from emulator.core.ec2.images.records import DEREGISTERED
from emulator.core.ec2.images.usage_report_records import UsageReport
from emulator.core.ec2.region import Env, RegionState
from emulator.core.ec2.tags import validate
from emulator.core.errors import NotFound


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


def _resolve(
    env: Env, region: RegionState, account: str, resource_id: str, network: dict[str, Mapping]
) -> str:
    """The id as AWS reads it, unless the caller may not tag ``resource_id``: any image it
    can see, or its own."""
    kind = resource_ids.tagged_kind_of(resource_id)
    resource_id = resource_ids.check(kind, resource_id)
    if kind == "image":
        find_image(env, region, account, resource_id, READ)
        return resource_id
    if kind == "image-usage-report":
        if _live_report(region, account, resource_id, env.now()) is None:
            raise NotFound("usage_report_not_found", ids=[resource_id])
        return resource_id
    if kind in resource_ids.NETWORK_KINDS or kind == "security-group-rule":
        # The caller's network tables, gathered once per call (``network`` starts empty).
        if not network:
            network.update(_network_tables(region, account))
        resource_ids.find(kind, network[kind], resource_id, lambda _: True)
        return resource_id
    table = {
        "snapshot": region.snapshots,
        "volume": region.volumes,
        "instance": region.instances,
        "key-pair": region.key_pairs,
        "launch-template": region.launch_templates,
    }
    resource_ids.find(kind, table[kind], resource_id, resource_ids.owned_by(account))
    return resource_id


def _live_report(region: RegionState, account: str, report_id: str, now: str) -> UsageReport | None:
    """The caller's usage report of that id, unless it expired."""
    report = region.usage_reports.get(report_id)
    if report is None or report.owner != account or now >= report.expiration_time:
        return None
    return report


def _network_tables(region: RegionState, account: str) -> dict[str, Mapping[str, object]]:
    """The caller's network resources by kind (its default network until it changes it)."""
    net = region.network.view(account)
    return {
        "vpc": net.vpcs,
        "subnet": net.subnets,
        "security-group": net.security_groups,
        "internet-gateway": net.internet_gateways,
        "route-table": net.route_tables,
        "security-group-rule": {
            r.rule_id: r for g in net.security_groups.values() for r in g.rules
        },
    }


def create_tags(
    env: Env, region: RegionState, account: str, resource_ids_: list[str], tags: Mapping[str, str]
) -> None:
    validate(tags)
    network: dict[str, Mapping] = {}
    ids = [_resolve(env, region, account, resource_id, network) for resource_id in resource_ids_]
    for resource_id in ids:
        region.tags.check_room(resource_id, account, tags)
    commit()
    for resource_id in ids:
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
    network: dict[str, Mapping] = {}
    ids = [_resolve(env, region, account, resource_id, network) for resource_id in resource_ids_]
    commit()
    for resource_id in ids:
        region.tags.delete(resource_id, account, keys)


def _exists(region: RegionState, resource_id: str, network: Mapping[str, Mapping]) -> bool:
    image = region.images.get(resource_id)
    if image is not None:
        return image.state != DEREGISTERED
    return any(
        resource_id in table
        for table in (
            region.snapshots,
            region.volumes,
            region.instances,
            region.usage_reports,
            region.key_pairs,
            region.launch_templates,
            *network.values(),
        )
    )


def describe_tags(region: RegionState, account: str, filters: list[Filter]) -> list[TagRow]:
    """The caller's own tags in this Region, by resource id then key."""
    matches = FilterSet(filters, TAG_FILTERS, lambda r: region.tags.get(r.resource_id, account))
    network = _network_tables(region, account)
    rows = [
        TagRow(rid, resource_ids.kind_of(rid), key, value)
        for rid, key, value in region.tags.of_account(account)
        if _exists(region, rid, network)
    ]
    return sorted((r for r in rows if matches(r)), key=lambda r: (r.resource_id, r.key))
