"""The network records of one account in one Region, and their snapshot form."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from emulator.core.ec2.network.cidr import Block, parse_block

AVAILABLE = "available"


@dataclass
class Vpc:
    vpc_id: str
    owner: str
    cidr_block: str
    cidr_association_id: str
    dhcp_options_id: str
    is_default: bool = False
    instance_tenancy: str = "default"

    @property
    def block(self) -> Block:
        return parse_block(self.cidr_block)


@dataclass
class Subnet:
    """A subnet; ``used`` (address -> instance id), ``cursor`` and ``released`` are derived
    from the instances placed in it, never saved."""

    subnet_id: str
    owner: str
    vpc_id: str
    cidr_block: str
    availability_zone: str
    availability_zone_id: str
    default_for_az: bool = False
    map_public_ip_on_launch: bool = False
    used: dict[int, str] = field(default_factory=dict, repr=False, compare=False)
    cursor: int | None = field(default=None, repr=False, compare=False)
    released: set[int] = field(default_factory=set, repr=False, compare=False)

    @cached_property
    def block(self) -> Block:
        """The subnet's block, parsed once (a subnet's block never changes)."""
        return parse_block(self.cidr_block)

    @property
    def available_addresses(self) -> int:
        return len(self.block.usable) - len(self.used)

    def to_dict(self) -> dict[str, Any]:
        return {
            "subnet_id": self.subnet_id,
            "owner": self.owner,
            "vpc_id": self.vpc_id,
            "cidr_block": self.cidr_block,
            "availability_zone": self.availability_zone,
            "availability_zone_id": self.availability_zone_id,
            "default_for_az": self.default_for_az,
            "map_public_ip_on_launch": self.map_public_ip_on_launch,
        }


@dataclass
class Rule:
    """One security group rule: one protocol and port range, one peer."""

    rule_id: str
    egress: bool
    protocol: str  # "-1" (all), "tcp", "udp", "icmp", "icmpv6" or a protocol number
    from_port: int | None
    to_port: int | None
    cidr_ipv4: str | None = None
    cidr_ipv6: str | None = None
    group_id: str | None = None  # a referenced security group
    user_id: str | None = None  # the referenced group's owner
    prefix_list_id: str | None = None
    description: str | None = None

    def key(self) -> tuple[Any, ...]:
        """What makes two rules the same rule (descriptions aside)."""
        return (
            self.egress,
            self.protocol,
            self.from_port,
            self.to_port,
            self.cidr_ipv4,
            self.cidr_ipv6,
            self.group_id,
            self.prefix_list_id,
        )


@dataclass
class SecurityGroup:
    """A security group; ``users`` (the instances using it) is derived, never saved."""

    group_id: str
    owner: str
    vpc_id: str
    name: str
    description: str
    rules: list[Rule] = field(default_factory=list)
    users: set[str] = field(default_factory=set, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "group_id": self.group_id,
            "owner": self.owner,
            "vpc_id": self.vpc_id,
            "name": self.name,
            "description": self.description,
            "rules": [dict(vars(r)) for r in self.rules],
        }


@dataclass
class InternetGateway:
    igw_id: str
    owner: str
    vpc_id: str | None = None  # the VPC it is attached to


@dataclass
class Route:
    destination: str
    gateway_id: str  # "local" for the VPC's own block
    origin: str = "CreateRouteTable"  # or "CreateRoute"


@dataclass
class Association:
    association_id: str
    subnet_id: str | None = None  # None: the main association


@dataclass
class RouteTable:
    route_table_id: str
    owner: str
    vpc_id: str
    routes: list[Route] = field(default_factory=list)
    associations: list[Association] = field(default_factory=list)

    @property
    def is_main(self) -> bool:
        return any(a.subnet_id is None for a in self.associations)

    def to_dict(self) -> dict[str, Any]:
        return {
            "route_table_id": self.route_table_id,
            "owner": self.owner,
            "vpc_id": self.vpc_id,
            "routes": [dict(vars(r)) for r in self.routes],
            "associations": [dict(vars(a)) for a in self.associations],
        }


@dataclass
class AccountNetwork:
    """Everything network one account has in one Region, by id."""

    vpcs: dict[str, Vpc] = field(default_factory=dict)
    subnets: dict[str, Subnet] = field(default_factory=dict)
    security_groups: dict[str, SecurityGroup] = field(default_factory=dict)
    internet_gateways: dict[str, InternetGateway] = field(default_factory=dict)
    route_tables: dict[str, RouteTable] = field(default_factory=dict)

    def default_vpc(self) -> Vpc | None:
        return next((v for v in self.vpcs.values() if v.is_default), None)

    def has(self, resource_id: str) -> bool:
        return any(
            resource_id in table
            for table in (
                self.vpcs,
                self.subnets,
                self.security_groups,
                self.internet_gateways,
                self.route_tables,
            )
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "vpcs": [dict(vars(v)) for v in self.vpcs.values()],
            "subnets": [s.to_dict() for s in self.subnets.values()],
            "security_groups": [g.to_dict() for g in self.security_groups.values()],
            "internet_gateways": [dict(vars(g)) for g in self.internet_gateways.values()],
            "route_tables": [t.to_dict() for t in self.route_tables.values()],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AccountNetwork:
        groups = [
            SecurityGroup(**{**g, "rules": [Rule(**r) for r in g.get("rules", [])]})
            for g in data.get("security_groups", [])
        ]
        tables = [
            RouteTable(
                **{
                    **t,
                    "routes": [Route(**r) for r in t.get("routes", [])],
                    "associations": [Association(**a) for a in t.get("associations", [])],
                }
            )
            for t in data.get("route_tables", [])
        ]
        return cls(
            vpcs={v.vpc_id: v for v in (Vpc(**d) for d in data.get("vpcs", []))},
            subnets={s.subnet_id: s for s in (Subnet(**d) for d in data.get("subnets", []))},
            security_groups={g.group_id: g for g in groups},
            internet_gateways={
                g.igw_id: g
                for g in (InternetGateway(**d) for d in data.get("internet_gateways", []))
            },
            route_tables={t.route_table_id: t for t in tables},
        )
