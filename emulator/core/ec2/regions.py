"""DescribeRegions, DescribeAvailabilityZones and DescribeAccountAttributes over known Regions."""

from __future__ import annotations

from dataclasses import dataclass

from emulator.core.ec2.filters import Filter, FilterSet
from emulator.core.ec2.zones import Zone, zones_of
from emulator.core.errors import InvalidValue

# Every Region the emulator knows is enabled for every account (docs/network.md).
OPT_IN_NOT_REQUIRED = "opt-in-not-required"


@dataclass(frozen=True)
class RegionInfo:
    """A Region as the edge knows it: its name, EC2 endpoint host and long name."""

    name: str
    endpoint: str
    description: str


REGION_FILTERS = {
    "endpoint": lambda r: [r.endpoint],
    "opt-in-status": lambda r: [OPT_IN_NOT_REQUIRED],
    "region-name": lambda r: [r.name],
}


def describe_regions(
    regions: list[RegionInfo], names: list[str], filters: list[Filter]
) -> list[RegionInfo]:
    """The Regions of the caller's partition, by name and Filters, sorted by name; an
    unknown name is ``region_unknown``. ``AllRegions`` changes nothing: none is opted out."""
    matches = FilterSet(filters, REGION_FILTERS)
    by_name = {r.name: r for r in regions}
    for name in names:
        if name not in by_name:
            raise InvalidValue("region_unknown", name=name)
    chosen = [by_name[n] for n in dict.fromkeys(names)] if names else list(by_name.values())
    return sorted((r for r in chosen if matches(r)), key=lambda r: r.name)


def _group_name(zone: Zone) -> str:
    return f"{zone.region}-zg-1"


ZONE_FILTERS = {
    "group-long-name": lambda z: [z.group_long_name],
    "group-name": lambda z: [_group_name(z.zone)],
    "message": lambda z: [],
    "opt-in-status": lambda z: [OPT_IN_NOT_REQUIRED],
    "parent-zone-id": lambda z: [],
    "parent-zone-name": lambda z: [],
    "region-name": lambda z: [z.zone.region],
    "state": lambda z: ["available"],
    "zone-id": lambda z: [z.zone.zone_id],
    "zone-name": lambda z: [z.zone.name],
    "zone-type": lambda z: ["availability-zone"],
    # Older names AWS still accepts, and the CLI's own examples use.
    "availability-zone": lambda z: [z.zone.name],
    "availability-zone-id": lambda z: [z.zone.zone_id],
}


@dataclass(frozen=True)
class ZoneView:
    """A zone with the words DescribeAvailabilityZones shows beside it."""

    zone: Zone
    group_long_name: str
    network_border_group: str


def describe_availability_zones(
    region: RegionInfo, names: list[str], zone_ids: list[str], filters: list[Filter]
) -> list[ZoneView]:
    """The zones of the caller's Region by name, id and Filters; an unknown name or id is
    ``zone_unknown`` / ``zone_id_unknown``."""
    matches = FilterSet(filters, ZONE_FILTERS)
    zones = zones_of(region.name)
    known_names = {z.name for z in zones}
    known_ids = {z.zone_id for z in zones}
    for name in names:
        if name not in known_names:
            raise InvalidValue("zone_unknown", name=name)
    for zone_id in zone_ids:
        if zone_id not in known_ids:
            raise InvalidValue("zone_id_unknown", zone_id=zone_id)
    if names or zone_ids:
        zones = [z for z in zones if z.name in names or z.zone_id in zone_ids]
    views = [ZoneView(z, f"{region.description} 1", region.name) for z in zones]
    return [v for v in views if matches(v)]


# The account's EC2 quotas as a new account has them (EC2 User Guide, "Amazon EC2 service
# quotas"), and what DescribeAccountAttributes names them.
ACCOUNT_QUOTAS = {
    "supported-platforms": ["VPC"],
    "max-instances": ["20"],
    "vpc-max-security-groups-per-interface": ["5"],
    "max-elastic-ips": ["5"],
    "vpc-max-elastic-ips": ["5"],
}


def account_attributes(names: list[str], default_vpc: str | None) -> list[tuple[str, list[str]]]:
    """(name, values) for the asked attributes (all when none asked), in AWS's order."""
    every = {**ACCOUNT_QUOTAS, "default-vpc": [default_vpc or "none"]}
    for name in names:
        if name not in every:
            raise InvalidValue("attribute_name_invalid", name=name)
    order = [
        "supported-platforms",
        "vpc-max-security-groups-per-interface",
        "max-elastic-ips",
        "max-instances",
        "vpc-max-elastic-ips",
        "default-vpc",
    ]
    wanted = set(names) if names else set(every)
    return [(name, every[name]) for name in order if name in wanted]
