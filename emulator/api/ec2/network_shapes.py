"""Network, key pair and placement records as EC2 output-shape dicts."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from emulator.api.ec2.shapes import tag_list, timestamp
from emulator.core.ec2.instances.records import Instance
from emulator.core.ec2.keypairs.records import KeyPair
from emulator.core.ec2.network import placement
from emulator.core.ec2.network.operations import subnet_arn
from emulator.core.ec2.network.records import (
    InternetGateway,
    RouteTable,
    Rule,
    SecurityGroup,
    Subnet,
    Vpc,
)


def _tagged(out: dict[str, Any], tags: dict[str, str]) -> dict[str, Any]:
    if tags:
        out["Tags"] = tag_list(tags)
    return out


def vpc(v: Vpc, tags: dict[str, str]) -> dict[str, Any]:
    return _tagged(
        {
            "VpcId": v.vpc_id,
            "OwnerId": v.owner,
            "State": "available",
            "CidrBlock": v.cidr_block,
            "CidrBlockAssociationSet": [
                {
                    "AssociationId": v.cidr_association_id,
                    "CidrBlock": v.cidr_block,
                    "CidrBlockState": {"State": "associated"},
                }
            ],
            "DhcpOptionsId": v.dhcp_options_id,
            "InstanceTenancy": v.instance_tenancy,
            "IsDefault": v.is_default,
        },
        tags,
    )


def subnet(s: Subnet, tags: dict[str, str], partition: str, region: str) -> dict[str, Any]:
    return _tagged(
        {
            "SubnetId": s.subnet_id,
            "SubnetArn": subnet_arn(partition, region, s),
            "VpcId": s.vpc_id,
            "OwnerId": s.owner,
            "State": "available",
            "CidrBlock": s.cidr_block,
            "AvailabilityZone": s.availability_zone,
            "AvailabilityZoneId": s.availability_zone_id,
            "AvailableIpAddressCount": s.available_addresses,
            "DefaultForAz": s.default_for_az,
            "MapPublicIpOnLaunch": s.map_public_ip_on_launch,
            "MapCustomerOwnedIpOnLaunch": False,
            "AssignIpv6AddressOnCreation": False,
            "Ipv6CidrBlockAssociationSet": [],
            "Ipv6Native": False,
            "EnableDns64": False,
            "PrivateDnsNameOptionsOnLaunch": {
                "HostnameType": "ip-name",
                "EnableResourceNameDnsARecord": False,
                "EnableResourceNameDnsAAAARecord": False,
            },
        },
        tags,
    )


def _port_range(rule: Rule) -> dict[str, Any]:
    if rule.protocol == "-1":
        return {}
    out = {}
    if rule.from_port is not None:
        out["FromPort"] = rule.from_port
    if rule.to_port is not None:
        out["ToPort"] = rule.to_port
    return out


def _described(entry: dict[str, Any], rule: Rule) -> dict[str, Any]:
    if rule.description is not None:
        entry["Description"] = rule.description
    return entry


def ip_permissions(rules: list[Rule], names: dict[str, str]) -> list[dict[str, Any]]:
    """Rules grouped as IpPermissions: one entry per protocol and port range."""
    out = []

    def key(r: Rule) -> tuple[str, int, int]:
        return (r.protocol, r.from_port or -2, r.to_port or -2)

    for _, group in groupby(sorted(rules, key=key), key=key):
        members = list(group)
        first = members[0]
        perm: dict[str, Any] = {"IpProtocol": first.protocol, **_port_range(first)}
        perm["IpRanges"] = [_described({"CidrIp": r.cidr_ipv4}, r) for r in members if r.cidr_ipv4]
        perm["Ipv6Ranges"] = [
            _described({"CidrIpv6": r.cidr_ipv6}, r) for r in members if r.cidr_ipv6
        ]
        perm["PrefixListIds"] = [
            _described({"PrefixListId": r.prefix_list_id}, r) for r in members if r.prefix_list_id
        ]
        perm["UserIdGroupPairs"] = [
            _described({"GroupId": r.group_id, "UserId": r.user_id}, r)
            for r in members
            if r.group_id
        ]
        out.append(perm)
    return out


def security_group(
    g: SecurityGroup, tags: dict[str, str], partition: str, region: str
) -> dict[str, Any]:
    return _tagged(
        {
            "GroupId": g.group_id,
            "GroupName": g.name,
            "Description": g.description,
            "OwnerId": g.owner,
            "VpcId": g.vpc_id,
            "SecurityGroupArn": group_arn(g, partition, region),
            "IpPermissions": ip_permissions([r for r in g.rules if not r.egress], {}),
            "IpPermissionsEgress": ip_permissions([r for r in g.rules if r.egress], {}),
        },
        tags,
    )


def group_arn(g: SecurityGroup, partition: str, region: str) -> str:
    return f"arn:{partition}:ec2:{region}:{g.owner}:security-group/{g.group_id}"


def rule(
    g: SecurityGroup, r: Rule, tags: dict[str, str], partition: str, region: str
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "SecurityGroupRuleId": r.rule_id,
        "GroupId": g.group_id,
        "GroupOwnerId": g.owner,
        "IsEgress": r.egress,
        "IpProtocol": r.protocol,
        "FromPort": -1 if r.from_port is None else r.from_port,
        "ToPort": -1 if r.to_port is None else r.to_port,
        "SecurityGroupRuleArn": (
            f"arn:{partition}:ec2:{region}:{g.owner}:security-group-rule/{r.rule_id}"
        ),
        "Tags": tag_list(tags),
    }
    if r.cidr_ipv4:
        out["CidrIpv4"] = r.cidr_ipv4
    if r.cidr_ipv6:
        out["CidrIpv6"] = r.cidr_ipv6
    if r.prefix_list_id:
        out["PrefixListId"] = r.prefix_list_id
    if r.group_id:
        out["ReferencedGroupInfo"] = {"GroupId": r.group_id, "UserId": r.user_id}
    if r.description is not None:
        out["Description"] = r.description
    return out


def internet_gateway(g: InternetGateway, tags: dict[str, str]) -> dict[str, Any]:
    attachments = [{"State": "available", "VpcId": g.vpc_id}] if g.vpc_id else []
    return _tagged(
        {"InternetGatewayId": g.igw_id, "OwnerId": g.owner, "Attachments": attachments}, tags
    )


def route_table(t: RouteTable, tags: dict[str, str]) -> dict[str, Any]:
    return _tagged(
        {
            "RouteTableId": t.route_table_id,
            "VpcId": t.vpc_id,
            "OwnerId": t.owner,
            "Routes": [
                {
                    "DestinationCidrBlock": r.destination,
                    "GatewayId": r.gateway_id,
                    "Origin": r.origin,
                    "State": "active",
                }
                for r in t.routes
            ],
            "Associations": [
                {
                    "RouteTableAssociationId": a.association_id,
                    "RouteTableId": t.route_table_id,
                    "Main": a.subnet_id is None,
                    "AssociationState": {"State": "associated"},
                    **({"SubnetId": a.subnet_id} if a.subnet_id else {}),
                }
                for a in t.associations
            ],
            "PropagatingVgws": [],
        },
        tags,
    )


def key_pair(k: KeyPair, tags: dict[str, str], include_public_key: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "KeyPairId": k.key_pair_id,
        "KeyFingerprint": k.fingerprint,
        "KeyName": k.name,
        "KeyType": k.key_type,
        "CreateTime": timestamp(k.create_time),
        "Tags": tag_list(tags),
    }
    if include_public_key:
        out["PublicKey"] = k.public_key
    return out


def instance_network(inst: Instance, launch_time: Any) -> dict[str, Any]:
    """The placement members of an instance in DescribeInstances / RunInstances."""
    groups = [{"GroupId": gid, "GroupName": name} for gid, name in inst.security_groups.items()]
    out: dict[str, Any] = {"SecurityGroups": groups, "NetworkInterfaces": []}
    if inst.key_name:
        out["KeyName"] = inst.key_name
    if inst.subnet_id:
        out["SubnetId"] = inst.subnet_id
        out["VpcId"] = inst.vpc_id
        out["SourceDestCheck"] = True
    if not inst.holds_address or inst.private_ip_address is None:
        return out
    eni = inst.network_interface_id or ""
    dns = placement.private_dns_name(inst.region, inst.private_ip_address)
    out["PrivateIpAddress"] = inst.private_ip_address
    out["PrivateDnsName"] = dns
    out["NetworkInterfaces"] = [
        {
            "NetworkInterfaceId": eni,
            "SubnetId": inst.subnet_id,
            "VpcId": inst.vpc_id,
            "OwnerId": inst.owner,
            "Status": "in-use",
            "MacAddress": placement.mac_address(eni),
            "PrivateIpAddress": inst.private_ip_address,
            "PrivateDnsName": dns,
            "SourceDestCheck": True,
            "InterfaceType": "interface",
            "Description": "",
            "Groups": groups,
            "Attachment": {
                "AttachmentId": placement.attachment_id(eni),
                "AttachTime": launch_time,
                "DeleteOnTermination": True,
                "DeviceIndex": 0,
                "NetworkCardIndex": 0,
                "Status": "attached",
            },
            "PrivateIpAddresses": [
                {
                    "Primary": True,
                    "PrivateIpAddress": inst.private_ip_address,
                    "PrivateDnsName": dns,
                }
            ],
            "Ipv6Addresses": [],
        }
    ]
    return out
