"""DescribeRegions, DescribeAvailabilityZones, DescribeAccountAttributes and instance types."""

from __future__ import annotations

from typing import Any

from emulator.api.ec2.params import filters, paged
from emulator.api.ec2.region import reading
from emulator.api.regions import region_infos
from emulator.api.registry import Call, operation
from emulator.core.ec2 import instance_types, regions
from emulator.core.ec2.regions import OPT_IN_NOT_REQUIRED, RegionInfo


def _here(call: Call) -> RegionInfo:
    known = {r.name: r for r in region_infos(call.partition, call.world.config)}
    return known.get(call.region) or RegionInfo(call.region, f"ec2.{call.region}", call.region)


@operation("ec2", "DescribeRegions")
def describe_regions(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Every Region of the caller's partition from botocore's data, with the operator's extra
    ones; all are enabled (opt-in-not-required)."""
    found = regions.describe_regions(
        region_infos(call.partition, call.world.config),
        params.get("RegionNames") or [],
        filters(params),
    )
    return {
        "Regions": [
            {"RegionName": r.name, "Endpoint": r.endpoint, "OptInStatus": OPT_IN_NOT_REQUIRED}
            for r in found
        ]
    }


@operation("ec2", "DescribeAvailabilityZones")
def describe_availability_zones(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """The caller's Region's three zones (<region>a..c, ids <code>-az1..3), by name, id or
    Filters."""
    found = regions.describe_availability_zones(
        _here(call), params.get("ZoneNames") or [], params.get("ZoneIds") or [], filters(params)
    )
    return {
        "AvailabilityZones": [
            {
                "State": "available",
                "OptInStatus": OPT_IN_NOT_REQUIRED,
                "Messages": [],
                "RegionName": v.zone.region,
                "ZoneName": v.zone.name,
                "ZoneId": v.zone.zone_id,
                "GroupName": f"{v.zone.region}-zg-1",
                "GroupLongName": v.group_long_name,
                "NetworkBorderGroup": v.network_border_group,
                "ZoneType": "availability-zone",
            }
            for v in found
        ]
    }


@operation("ec2", "DescribeAccountAttributes")
def describe_account_attributes(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """default-vpc (the caller's in this Region, or none), supported-platforms (VPC) and the
    quotas of a new account."""
    _, region = reading(call)
    default = region.network.view(call.account).default_vpc()
    found = regions.account_attributes(
        params.get("AttributeNames") or [], default.vpc_id if default else None
    )
    return {
        "AccountAttributes": [
            {
                "AttributeName": name,
                "AttributeValues": [{"AttributeValue": value} for value in values],
            }
            for name, values in found
        ]
    }


@operation("ec2", "DescribeInstanceTypes")
def describe_instance_types(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """The shipped common types (docs/network.md) by name or any documented filter, paged."""
    found = instance_types.describe_instance_types(
        params.get("InstanceTypes") or [], filters(params)
    )
    return paged(
        params, "InstanceTypes", found, lambda t: t["InstanceType"], lambda t: t, bounds=(5, 100)
    )


@operation("ec2", "DescribeInstanceTypeOfferings")
def describe_instance_type_offerings(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Every shipped type in the Region, or in each zone by name or id (LocationType)."""
    found = instance_types.describe_offerings(
        call.region, params.get("LocationType"), filters(params)
    )
    return paged(
        params,
        "InstanceTypeOfferings",
        found,
        lambda o: f"{o.instance_type}/{o.location}",
        lambda o: {
            "InstanceType": o.instance_type,
            "LocationType": o.location_type,
            "Location": o.location,
        },
    )
