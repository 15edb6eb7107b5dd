"""The default network AWS gives every account in every Region, with ids derived from both.

172.31.0.0/16, a /20 per zone in zone order (172.31.0.0/20, 172.31.16.0/20, ...), the
default security group, an attached internet gateway and the main route table sending
0.0.0.0/0 to it. Its ids are a function of (account, Region), so a read shows the same
network the first change records.
"""

from __future__ import annotations

from emulator.core.ec2.network.cidr import parse_block, subblock
from emulator.core.ec2.network.records import (
    AccountNetwork,
    Association,
    InternetGateway,
    Route,
    RouteTable,
    Rule,
    SecurityGroup,
    Subnet,
    Vpc,
)
from emulator.core.ec2.zones import zones_of
from emulator.core.ids import IdSource

DEFAULT_VPC_CIDR = "172.31.0.0/16"
DEFAULT_SUBNET_PREFIX = 20
DEFAULT_GROUP_NAME = "default"
DEFAULT_GROUP_DESCRIPTION = "default VPC security group"
ANYWHERE = "0.0.0.0/0"


def default_group(group_id: str, owner: str, vpc_id: str, rule_ids: list[str]) -> SecurityGroup:
    """A VPC's ``default`` group: all traffic from its own members in, all traffic out."""
    return SecurityGroup(
        group_id,
        owner,
        vpc_id,
        DEFAULT_GROUP_NAME,
        DEFAULT_GROUP_DESCRIPTION,
        [
            Rule(rule_ids[0], False, "-1", None, None, group_id=group_id, user_id=owner),
            Rule(rule_ids[1], True, "-1", None, None, cidr_ipv4=ANYWHERE),
        ],
    )


def main_route_table(table_id: str, owner: str, vpc: Vpc, association_id: str) -> RouteTable:
    return RouteTable(
        table_id, owner, vpc.vpc_id, [Route(vpc.cidr_block, "local")], [Association(association_id)]
    )


def default_network(account: str, region: str) -> AccountNetwork:
    """The network ``account`` has in ``region`` before it changes anything there."""

    def derived(prefix: str, *parts: str) -> str:
        return IdSource.derived_id(prefix, "default-network", account, region, *parts)

    vpc = Vpc(
        derived("vpc"),
        account,
        DEFAULT_VPC_CIDR,
        derived("vpc-cidr-assoc"),
        derived("dopt"),
        is_default=True,
    )
    block = parse_block(DEFAULT_VPC_CIDR)
    subnets = [
        Subnet(
            derived("subnet", str(zone.index)),
            account,
            vpc.vpc_id,
            str(subblock(block, DEFAULT_SUBNET_PREFIX, zone.index)),
            zone.name,
            zone.zone_id,
            default_for_az=True,
            map_public_ip_on_launch=True,
        )
        for zone in zones_of(region)
    ]
    group = default_group(
        derived("sg"), account, vpc.vpc_id, [derived("sgr", "0"), derived("sgr", "1")]
    )
    igw = InternetGateway(derived("igw"), account, vpc.vpc_id)
    table = main_route_table(derived("rtb"), account, vpc, derived("rtbassoc"))
    table.routes.append(Route(ANYWHERE, igw.igw_id, "CreateRoute"))
    return AccountNetwork(
        vpcs={vpc.vpc_id: vpc},
        subnets={s.subnet_id: s for s in subnets},
        security_groups={group.group_id: group},
        internet_gateways={igw.igw_id: igw},
        route_tables={table.route_table_id: table},
    )
