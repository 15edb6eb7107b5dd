"""VPCs, subnets, internet gateways and route tables: create, delete, describe, attach."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from emulator.core.commit import commit
from emulator.core.ec2 import resource_ids
from emulator.core.ec2.filters import Filter, FilterSet, as_text
from emulator.core.ec2.network.cidr import MAX_PREFIX, MIN_PREFIX, Block, parse_block
from emulator.core.ec2.network.defaults import default_group, main_route_table
from emulator.core.ec2.network.records import (
    AVAILABLE,
    AccountNetwork,
    Association,
    InternetGateway,
    Route,
    RouteTable,
    Subnet,
    Vpc,
)
from emulator.core.ec2.region import Env, RegionState
from emulator.core.ec2.tags import TagSpecs, check_specs
from emulator.core.ec2.zones import Zone, zone_named, zone_with_id, zones_of
from emulator.core.errors import Conflict, InvalidValue

T = TypeVar("T")


def find(kind: str, table: Mapping[str, T], resource_id: str) -> T:
    """A resource of the caller's own network by id (``table`` holds only its own)."""
    return resource_ids.find(kind, table, resource_id, lambda _: True)


def find_all(kind: str, table: Mapping[str, T], ids: list[str]) -> list[T]:
    return resource_ids.find_all(kind, table, ids, lambda _: True)


def _listed(kind: str, table: Mapping[str, T], ids: list[str], filters: FilterSet[T]) -> list[T]:
    found = find_all(kind, table, ids) if ids else list(table.values())
    return [item for item in found if filters(item)]


def _tagged(region: RegionState, account: str, resource_id: str, specs: TagSpecs, kind: str):
    region.tags.put(resource_id, account, specs.get(kind, {}))


def drop(region: RegionState, resource_id: str) -> None:
    region.tags.drop(resource_id)


# --- VPCs -------------------------------------------------------------------------------


VPC_FILTERS = {
    "cidr": lambda v: [v.cidr_block],
    "cidr-block-association.cidr-block": lambda v: [v.cidr_block],
    "cidr-block-association.association-id": lambda v: [v.cidr_association_id],
    "cidr-block-association.state": lambda v: ["associated"],
    "dhcp-options-id": lambda v: [v.dhcp_options_id],
    "ipv6-cidr-block-association.ipv6-cidr-block": lambda v: [],
    "ipv6-cidr-block-association.ipv6-pool": lambda v: [],
    "ipv6-cidr-block-association.association-id": lambda v: [],
    "ipv6-cidr-block-association.state": lambda v: [],
    "is-default": lambda v: [as_text(v.is_default)],
    # The older spelling, undocumented now and still answered by AWS: Ansible's
    # amazon.aws.ec2_instance finds the default VPC with it.
    "isDefault": lambda v: [as_text(v.is_default)],
    "owner-id": lambda v: [v.owner],
    "state": lambda v: [AVAILABLE],
    "vpc-id": lambda v: [v.vpc_id],
}


def _check_block(text: str, reason: str) -> Block:
    block = parse_block(text)
    if not MIN_PREFIX <= block.prefix <= MAX_PREFIX:
        raise InvalidValue(reason, cidr=text)
    return block


def create_vpc(
    env: Env,
    region: RegionState,
    account: str,
    cidr_block: str,
    tenancy: str | None,
    tags: TagSpecs,
) -> Vpc:
    """A VPC with its main route table and its ``default`` security group."""
    check_specs(tags, {"vpc"})
    block = _check_block(cidr_block, "vpc_range_invalid")
    if tenancy not in (None, "default", "dedicated"):
        raise InvalidValue("parameter_value_invalid", name="instanceTenancy", value=tenancy)
    net = region.network.view(account)
    commit()
    ids = env.ids
    dopt = next((v.dhcp_options_id for v in net.vpcs.values()), ids.resource_id("dopt"))
    vpc = Vpc(
        ids.resource_id("vpc"),
        account,
        str(block),
        ids.resource_id("vpc-cidr-assoc"),
        dopt,
        instance_tenancy=tenancy or "default",
    )
    net.vpcs[vpc.vpc_id] = vpc
    table = main_route_table(ids.resource_id("rtb"), account, vpc, ids.resource_id("rtbassoc"))
    net.route_tables[table.route_table_id] = table
    group_id = ids.resource_id("sg")
    group = default_group(
        group_id, account, vpc.vpc_id, [ids.resource_id("sgr"), ids.resource_id("sgr")]
    )
    net.security_groups[group_id] = group
    region.network.keep(account, net)
    _tagged(region, account, vpc.vpc_id, tags, "vpc")
    return vpc


def delete_vpc(region: RegionState, account: str, vpc_id: str) -> None:
    """Delete a VPC that holds nothing but its main route table and default group."""
    net = region.network.view(account)
    vpc = find("vpc", net.vpcs, vpc_id)
    busy = (
        any(s.vpc_id == vpc.vpc_id for s in net.subnets.values())
        or any(g.vpc_id == vpc.vpc_id for g in net.internet_gateways.values())
        or any(
            g.vpc_id == vpc.vpc_id and (g.name != "default" or g.users)
            for g in net.security_groups.values()
        )
        or any(t.vpc_id == vpc.vpc_id and not t.is_main for t in net.route_tables.values())
    )
    if busy:
        raise Conflict("vpc_has_dependencies", id=vpc.vpc_id)
    commit()
    for table in (net.security_groups, net.route_tables):
        for rid in [r for r, item in table.items() if item.vpc_id == vpc.vpc_id]:
            del table[rid]
            drop(region, rid)
    del net.vpcs[vpc.vpc_id]
    drop(region, vpc.vpc_id)
    region.network.keep(account, net)


def describe_vpcs(
    region: RegionState, account: str, vpc_ids: list[str], filters: list[Filter]
) -> list[Vpc]:
    net = region.network.view(account)
    matches = FilterSet(filters, VPC_FILTERS, _tags(region, account, "vpc_id"))
    return sorted(_listed("vpc", net.vpcs, vpc_ids, matches), key=lambda v: v.vpc_id)


def _tags(region: RegionState, account: str, attribute: str):
    return lambda item: region.tags.get(getattr(item, attribute), account)


# --- Subnets ----------------------------------------------------------------------------


def subnet_arn(partition: str, region: str, subnet: Subnet) -> str:
    return f"arn:{partition}:ec2:{region}:{subnet.owner}:subnet/{subnet.subnet_id}"


def subnet_filters(partition: str, region_name: str) -> dict:
    return {
        "availability-zone": lambda s: [s.availability_zone],
        "availability-zone-id": lambda s: [s.availability_zone_id],
        "available-ip-address-count": lambda s: [str(s.available_addresses)],
        "cidr-block": lambda s: [s.cidr_block],
        "cidr": lambda s: [s.cidr_block],
        "cidrBlock": lambda s: [s.cidr_block],
        "customer-owned-ipv4-pool": lambda s: [],
        "default-for-az": lambda s: [as_text(s.default_for_az)],
        "defaultForAz": lambda s: [as_text(s.default_for_az)],
        "enable-dns64": lambda s: ["false"],
        "enable-lni-at-device-index": lambda s: [],
        "ipv6-cidr-block-association.ipv6-cidr-block": lambda s: [],
        "ipv6-cidr-block-association.association-id": lambda s: [],
        "ipv6-cidr-block-association.state": lambda s: [],
        "ipv6-native": lambda s: ["false"],
        "map-customer-owned-ip-on-launch": lambda s: ["false"],
        "map-public-ip-on-launch": lambda s: [as_text(s.map_public_ip_on_launch)],
        "outpost-arn": lambda s: [],
        "owner-id": lambda s: [s.owner],
        "private-dns-name-options-on-launch.hostname-type": lambda s: ["ip-name"],
        "private-dns-name-options-on-launch.enable-resource-name-dns-a-record": lambda s: ["false"],
        "private-dns-name-options-on-launch.enable-resource-name-dns-aaaa-record": lambda s: [
            "false"
        ],
        "state": lambda s: [AVAILABLE],
        "subnet-arn": lambda s: [subnet_arn(partition, region_name, s)],
        "subnet-id": lambda s: [s.subnet_id],
        "vpc-id": lambda s: [s.vpc_id],
    }


def _zone(region: str, name: str | None, zone_id: str | None) -> Zone:
    """The zone asked for by name or id; the Region's first zone when neither is given."""
    if name is not None and zone_id is not None:
        raise InvalidValue("zone_name_and_id")
    zones = zones_of(region)
    if name is not None:
        zone = zone_named(region, name)
        if zone is None:
            raise InvalidValue("subnet_zone_invalid", zone=name, zones=[z.name for z in zones])
        return zone
    if zone_id is not None:
        zone = zone_with_id(region, zone_id)
        if zone is None:
            raise InvalidValue(
                "subnet_zone_id_invalid", zone=zone_id, zones=[z.zone_id for z in zones]
            )
        return zone
    return zones[0]


def create_subnet(
    env: Env,
    region: RegionState,
    account: str,
    vpc_id: str,
    cidr_block: str,
    zone_name: str | None,
    zone_id: str | None,
    tags: TagSpecs,
) -> Subnet:
    """A subnet of a VPC: its block inside the VPC's, /16 to /28, overlapping no other."""
    check_specs(tags, {"subnet"})
    net = region.network.view(account)
    vpc = find("vpc", net.vpcs, vpc_id)
    block = parse_block(cidr_block)
    if not (MIN_PREFIX <= block.prefix <= MAX_PREFIX and vpc.block.contains(block)):
        raise InvalidValue("subnet_range_invalid", cidr=cidr_block)
    if any(s.vpc_id == vpc.vpc_id and s.block.overlaps(block) for s in net.subnets.values()):
        raise Conflict("subnet_conflict", cidr=cidr_block)
    zone = _zone(region.name, zone_name, zone_id)
    commit()
    subnet = Subnet(
        env.ids.resource_id("subnet"),
        account,
        vpc.vpc_id,
        str(block),
        zone.name,
        zone.zone_id,
    )
    net.subnets[subnet.subnet_id] = subnet
    region.network.keep(account, net)
    _tagged(region, account, subnet.subnet_id, tags, "subnet")
    return subnet


def delete_subnet(region: RegionState, account: str, subnet_id: str) -> None:
    net = region.network.view(account)
    subnet = find("subnet", net.subnets, subnet_id)
    if subnet.used:
        raise Conflict("subnet_has_dependencies", id=subnet.subnet_id)
    commit()
    for table in net.route_tables.values():
        table.associations = [a for a in table.associations if a.subnet_id != subnet.subnet_id]
    del net.subnets[subnet.subnet_id]
    drop(region, subnet.subnet_id)
    region.network.keep(account, net)


def describe_subnets(
    region: RegionState,
    account: str,
    partition: str,
    subnet_ids: list[str],
    filters: list[Filter],
) -> list[Subnet]:
    net = region.network.view(account)
    matches = FilterSet(
        filters, subnet_filters(partition, region.name), _tags(region, account, "subnet_id")
    )
    return sorted(_listed("subnet", net.subnets, subnet_ids, matches), key=lambda s: s.subnet_id)


# --- Internet gateways ------------------------------------------------------------------

IGW_FILTERS = {
    "attachment.state": lambda g: ["available"] if g.vpc_id else [],
    "attachment.vpc-id": lambda g: [g.vpc_id] if g.vpc_id else [],
    "internet-gateway-id": lambda g: [g.igw_id],
    "owner-id": lambda g: [g.owner],
}


def create_internet_gateway(
    env: Env, region: RegionState, account: str, tags: TagSpecs
) -> InternetGateway:
    check_specs(tags, {"internet-gateway"})
    net = region.network.view(account)
    commit()
    igw = InternetGateway(env.ids.resource_id("igw"), account)
    net.internet_gateways[igw.igw_id] = igw
    region.network.keep(account, net)
    _tagged(region, account, igw.igw_id, tags, "internet-gateway")
    return igw


def attach_internet_gateway(region: RegionState, account: str, igw_id: str, vpc_id: str) -> None:
    net = region.network.view(account)
    igw = find("internet-gateway", net.internet_gateways, igw_id)
    vpc = find("vpc", net.vpcs, vpc_id)
    if igw.vpc_id is not None:
        raise Conflict("igw_already_attached", id=igw.igw_id, vpc_id=igw.vpc_id)
    other = next((g for g in net.internet_gateways.values() if g.vpc_id == vpc.vpc_id), None)
    if other is not None:
        raise Conflict("vpc_has_igw", id=other.igw_id, vpc_id=vpc.vpc_id)
    commit()
    igw.vpc_id = vpc.vpc_id
    region.network.keep(account, net)


def detach_internet_gateway(region: RegionState, account: str, igw_id: str, vpc_id: str) -> None:
    net = region.network.view(account)
    igw = find("internet-gateway", net.internet_gateways, igw_id)
    vpc = find("vpc", net.vpcs, vpc_id)
    if igw.vpc_id != vpc.vpc_id:
        raise Conflict("igw_not_attached", id=igw.igw_id, vpc_id=vpc.vpc_id)
    commit()
    igw.vpc_id = None
    region.network.keep(account, net)


def delete_internet_gateway(region: RegionState, account: str, igw_id: str) -> None:
    net = region.network.view(account)
    igw = find("internet-gateway", net.internet_gateways, igw_id)
    if igw.vpc_id is not None:
        raise Conflict("igw_has_dependencies", id=igw.igw_id)
    commit()
    del net.internet_gateways[igw.igw_id]
    drop(region, igw.igw_id)
    region.network.keep(account, net)


def describe_internet_gateways(
    region: RegionState, account: str, igw_ids: list[str], filters: list[Filter]
) -> list[InternetGateway]:
    net = region.network.view(account)
    matches = FilterSet(filters, IGW_FILTERS, _tags(region, account, "igw_id"))
    found = _listed("internet-gateway", net.internet_gateways, igw_ids, matches)
    return sorted(found, key=lambda g: g.igw_id)


# --- Route tables -----------------------------------------------------------------------


def _routes(attr: str):
    return lambda t: [getattr(r, attr) for r in t.routes]


def _gateway_routes(prefix: str):
    return lambda t: [r.gateway_id for r in t.routes if r.gateway_id.startswith(prefix)]


ROUTE_TABLE_FILTERS = {
    "association.gateway-id": lambda t: [],
    "association.route-table-association-id": lambda t: [a.association_id for a in t.associations],
    "association.route-table-id": lambda t: [t.route_table_id] if t.associations else [],
    "association.subnet-id": lambda t: [a.subnet_id for a in t.associations if a.subnet_id],
    "association.main": lambda t: [as_text(t.is_main)],
    "owner-id": lambda t: [t.owner],
    "route-table-id": lambda t: [t.route_table_id],
    "route.destination-cidr-block": _routes("destination"),
    "route.destination-ipv6-cidr-block": lambda t: [],
    "route.destination-prefix-list-id": lambda t: [],
    "route.egress-only-internet-gateway-id": lambda t: [],
    "route.gateway-id": _routes("gateway_id"),
    "route.instance-id": lambda t: [],
    "route.nat-gateway-id": lambda t: [],
    "route.transit-gateway-id": lambda t: [],
    "route.origin": _routes("origin"),
    "route.state": lambda t: ["active"] if t.routes else [],
    "route.vpc-peering-connection-id": lambda t: [],
    "vpc-id": lambda t: [t.vpc_id],
}


def describe_route_tables(
    region: RegionState, account: str, table_ids: list[str], filters: list[Filter]
) -> list[RouteTable]:
    net = region.network.view(account)
    matches = FilterSet(filters, ROUTE_TABLE_FILTERS, _tags(region, account, "route_table_id"))
    found = _listed("route-table", net.route_tables, table_ids, matches)
    return sorted(found, key=lambda t: t.route_table_id)


def create_route_table(
    env: Env, region: RegionState, account: str, vpc_id: str, tags: TagSpecs
) -> RouteTable:
    check_specs(tags, {"route-table"})
    net = region.network.view(account)
    vpc = find("vpc", net.vpcs, vpc_id)
    commit()
    table = RouteTable(
        env.ids.resource_id("rtb"), account, vpc.vpc_id, [Route(vpc.cidr_block, "local")]
    )
    net.route_tables[table.route_table_id] = table
    region.network.keep(account, net)
    _tagged(region, account, table.route_table_id, tags, "route-table")
    return table


def delete_route_table(region: RegionState, account: str, table_id: str) -> None:
    net = region.network.view(account)
    table = find("route-table", net.route_tables, table_id)
    if table.associations:
        raise Conflict("route_table_has_dependencies", id=table.route_table_id)
    commit()
    del net.route_tables[table.route_table_id]
    drop(region, table.route_table_id)
    region.network.keep(account, net)


def create_route(
    region: RegionState, account: str, table_id: str, destination: str, gateway_id: str
) -> None:
    """A route to an internet gateway attached to the table's VPC."""
    net = region.network.view(account)
    table = find("route-table", net.route_tables, table_id)
    block = parse_block(destination)
    igw = find("internet-gateway", net.internet_gateways, gateway_id)
    if igw.vpc_id != table.vpc_id:
        raise InvalidValue("route_gateway_other_network", id=igw.igw_id, table=table_id)
    if any(parse_block(r.destination) == block for r in table.routes):
        raise Conflict("route_exists", destination=str(block))
    commit()
    table.routes.append(Route(str(block), igw.igw_id, "CreateRoute"))
    region.network.keep(account, net)


def associate_route_table(
    env: Env, region: RegionState, account: str, table_id: str, subnet_id: str
) -> str:
    """Associate a subnet with a table of its VPC; returns the association id."""
    net = region.network.view(account)
    table = find("route-table", net.route_tables, table_id)
    subnet = find("subnet", net.subnets, subnet_id)
    if subnet.vpc_id != table.vpc_id:
        raise InvalidValue("route_table_other_network", table=table_id, subnet=subnet_id)
    if any(
        a.subnet_id == subnet.subnet_id for t in net.route_tables.values() for a in t.associations
    ):
        raise Conflict("route_table_association_exists", table=table_id)
    commit()
    association = Association(env.ids.resource_id("rtbassoc"), subnet.subnet_id)
    table.associations.append(association)
    region.network.keep(account, net)
    return association.association_id


def default_subnet(net: AccountNetwork, zone: str | None) -> Subnet | None:
    """The default subnet of ``zone``, or of the first zone that has one."""
    subnets = sorted(
        (s for s in net.subnets.values() if s.default_for_az),
        key=lambda s: s.availability_zone,
    )
    if zone is not None:
        return next((s for s in subnets if s.availability_zone == zone), None)
    return subnets[0] if subnets else None
