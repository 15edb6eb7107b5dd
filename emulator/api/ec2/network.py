"""VPCs, subnets, internet gateways and route tables: each account sees only its own."""

from __future__ import annotations

from typing import Any

from emulator.api.ec2 import network_shapes as shapes
from emulator.api.ec2.params import filters, no_max_results_with_ids, paged, required, tag_specs
from emulator.api.ec2.region import reading, writing
from emulator.api.registry import Call, operation
from emulator.core.ec2.network import operations as network
from emulator.core.errors import InvalidValue


def _tags(call: Call, region: Any, resource_id: str) -> dict[str, str]:
    return region.tags.get(resource_id, call.account)


@operation("ec2", "CreateVpc")
def create_vpc(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """A VPC (/16 to /28) with its main route table and default security group."""
    with writing(call) as (env, region):
        vpc = network.create_vpc(
            env,
            region,
            call.account,
            required(params, "CidrBlock"),
            params.get("InstanceTenancy"),
            tag_specs(params),
        )
        return {"Vpc": shapes.vpc(vpc, _tags(call, region, vpc.vpc_id))}


@operation("ec2", "DeleteVpc")
def delete_vpc(call: Call, params: dict[str, Any]) -> None:
    """Deletes a VPC holding no subnets, gateways, groups or route tables of its own
    (DependencyViolation otherwise), the default VPC included."""
    with writing(call) as (_, region):
        network.delete_vpc(region, call.account, required(params, "VpcId"))


@operation("ec2", "DescribeVpcs")
def describe_vpcs(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """The caller's VPCs (its default VPC until it deletes it), by id or Filters, paged."""
    no_max_results_with_ids(params, "VpcIds", "vpcIds")
    _, region = reading(call)
    found = network.describe_vpcs(region, call.account, params.get("VpcIds") or [], filters(params))
    return paged(
        params,
        "Vpcs",
        found,
        lambda v: v.vpc_id,
        lambda v: shapes.vpc(v, _tags(call, region, v.vpc_id)),
    )


@operation("ec2", "CreateSubnet")
def create_subnet(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """A subnet inside its VPC's block, /16 to /28, overlapping none of the VPC's others."""
    with writing(call) as (env, region):
        subnet = network.create_subnet(
            env,
            region,
            call.account,
            required(params, "VpcId"),
            required(params, "CidrBlock"),
            params.get("AvailabilityZone"),
            params.get("AvailabilityZoneId"),
            tag_specs(params),
        )
        return {
            "Subnet": shapes.subnet(
                subnet, _tags(call, region, subnet.subnet_id), call.partition, call.region
            )
        }


@operation("ec2", "DeleteSubnet")
def delete_subnet(call: Call, params: dict[str, Any]) -> None:
    """Deletes a subnet no instance is in (DependencyViolation otherwise)."""
    with writing(call) as (_, region):
        network.delete_subnet(region, call.account, required(params, "SubnetId"))


@operation("ec2", "DescribeSubnets")
def describe_subnets(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """The caller's subnets (a default one per zone to begin with), by id or Filters, paged."""
    no_max_results_with_ids(params, "SubnetIds", "subnetIds")
    _, region = reading(call)
    found = network.describe_subnets(
        region, call.account, call.partition, params.get("SubnetIds") or [], filters(params)
    )
    return paged(
        params,
        "Subnets",
        found,
        lambda s: s.subnet_id,
        lambda s: shapes.subnet(s, _tags(call, region, s.subnet_id), call.partition, call.region),
    )


@operation("ec2", "CreateInternetGateway")
def create_internet_gateway(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """A detached internet gateway."""
    with writing(call) as (env, region):
        igw = network.create_internet_gateway(env, region, call.account, tag_specs(params))
        return {"InternetGateway": shapes.internet_gateway(igw, _tags(call, region, igw.igw_id))}


@operation("ec2", "AttachInternetGateway")
def attach_internet_gateway(call: Call, params: dict[str, Any]) -> None:
    """Attaches a detached gateway to a VPC that has none."""
    with writing(call) as (_, region):
        network.attach_internet_gateway(
            region, call.account, required(params, "InternetGatewayId"), required(params, "VpcId")
        )


@operation("ec2", "DetachInternetGateway")
def detach_internet_gateway(call: Call, params: dict[str, Any]) -> None:
    """Detaches a gateway from the VPC it is attached to."""
    with writing(call) as (_, region):
        network.detach_internet_gateway(
            region, call.account, required(params, "InternetGatewayId"), required(params, "VpcId")
        )


@operation("ec2", "DeleteInternetGateway")
def delete_internet_gateway(call: Call, params: dict[str, Any]) -> None:
    """Deletes a detached gateway (DependencyViolation while attached)."""
    with writing(call) as (_, region):
        network.delete_internet_gateway(region, call.account, required(params, "InternetGatewayId"))


@operation("ec2", "DescribeInternetGateways")
def describe_internet_gateways(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """The caller's internet gateways, by id or Filters, paged."""
    no_max_results_with_ids(params, "InternetGatewayIds", "internetGatewayIds")
    _, region = reading(call)
    found = network.describe_internet_gateways(
        region, call.account, params.get("InternetGatewayIds") or [], filters(params)
    )
    return paged(
        params,
        "InternetGateways",
        found,
        lambda g: g.igw_id,
        lambda g: shapes.internet_gateway(g, _tags(call, region, g.igw_id)),
    )


@operation("ec2", "DescribeRouteTables")
def describe_route_tables(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """The caller's route tables (each VPC's main one, and those it made), paged."""
    no_max_results_with_ids(params, "RouteTableIds", "routeTableIds")
    _, region = reading(call)
    found = network.describe_route_tables(
        region, call.account, params.get("RouteTableIds") or [], filters(params)
    )
    return paged(
        params,
        "RouteTables",
        found,
        lambda t: t.route_table_id,
        lambda t: shapes.route_table(t, _tags(call, region, t.route_table_id)),
        bounds=(5, 100),
    )


@operation("ec2", "CreateRouteTable")
def create_route_table(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """A route table of a VPC with its local route."""
    with writing(call) as (env, region):
        table = network.create_route_table(
            env, region, call.account, required(params, "VpcId"), tag_specs(params)
        )
        return {"RouteTable": shapes.route_table(table, _tags(call, region, table.route_table_id))}


@operation("ec2", "DeleteRouteTable")
def delete_route_table(call: Call, params: dict[str, Any]) -> None:
    """Deletes a route table with no associations (the main one has one)."""
    with writing(call) as (_, region):
        network.delete_route_table(region, call.account, required(params, "RouteTableId"))


@operation("ec2", "CreateRoute")
def create_route(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """A route to an internet gateway attached to the table's VPC (other targets are not
    modelled)."""
    if params.get("GatewayId") is None:
        raise InvalidValue("route_target_unsupported")
    with writing(call) as (_, region):
        network.create_route(
            region,
            call.account,
            required(params, "RouteTableId"),
            required(params, "DestinationCidrBlock"),
            required(params, "GatewayId"),
        )
    return {"Return": True}


@operation("ec2", "AssociateRouteTable")
def associate_route_table(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Associates a subnet with a route table of its VPC."""
    with writing(call) as (env, region):
        association = network.associate_route_table(
            env,
            region,
            call.account,
            required(params, "RouteTableId"),
            required(params, "SubnetId"),
        )
    return {"AssociationId": association, "AssociationState": {"State": "associated"}}
