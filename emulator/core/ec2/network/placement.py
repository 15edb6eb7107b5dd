"""Where RunInstances puts an instance: subnet, security groups, key, address, interface.

``plan`` checks a launch against the caller's network and answers what it will use;
``settle`` (after ``commit()``) takes the addresses and records the network; ``release``
gives an instance's address back when it terminates.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from emulator.core.ec2.network.cidr import address_text, parse_address
from emulator.core.ec2.network.operations import default_subnet, find
from emulator.core.ec2.network.records import AccountNetwork, SecurityGroup, Subnet
from emulator.core.ec2.network.security_groups import by_name, find_group
from emulator.core.ec2.network.store import Placed
from emulator.core.ec2.region import RegionState
from emulator.core.ec2.zones import zone_named
from emulator.core.errors import InvalidValue
from emulator.core.ids import IdSource


@dataclass(frozen=True)
class LaunchPlacement:
    """What a RunInstances request says about placement (all optional)."""

    subnet_id: str | None = None
    group_ids: list[str] = field(default_factory=list)
    group_names: list[str] = field(default_factory=list)
    key_name: str | None = None
    private_ip: str | None = None


@dataclass
class Placement:
    """What a launch uses: its subnet, groups (id -> name) and one address per instance."""

    net: AccountNetwork
    subnet: Subnet
    groups: dict[str, str]
    addresses: list[int]


def plan(
    region: RegionState, account: str, count: int, zone: str | None, asked: LaunchPlacement
) -> Placement:
    """The placement of ``count`` instances: the named subnet, or the default subnet of
    ``zone`` (of the first zone when none); the named groups, which must be in the subnet's
    VPC, or its ``default`` group; free addresses of the subnet (``private_ip`` if given)."""
    subnet_id, group_names = asked.subnet_id, asked.group_names
    net = region.network.view(account)
    if zone is not None and zone_named(region.name, zone) is None:
        raise InvalidValue("zone_invalid", zone=zone)
    if subnet_id is not None:
        if group_names:
            raise InvalidValue("group_name_with_subnet")
        subnet = find("subnet", net.subnets, subnet_id)
        if zone is not None and zone != subnet.availability_zone:
            raise InvalidValue("subnet_zone_mismatch", zone=zone, subnet=subnet.subnet_id)
    else:
        found = default_subnet(net, zone)
        if found is None:
            raise InvalidValue("no_default_subnet" if net.default_vpc() else "no_default_vpc")
        subnet = found
    groups = [find_group(net, g, None) for g in dict.fromkeys(asked.group_ids)]
    groups += [by_name(net, n, subnet.vpc_id) for n in dict.fromkeys(group_names)]
    if not groups:
        groups = [_default_group(net, subnet)]
    for group in groups:
        if group.vpc_id != subnet.vpc_id:
            raise InvalidValue("group_other_network", id=group.group_id, subnet=subnet.subnet_id)
    return Placement(
        net,
        subnet,
        {g.group_id: g.name for g in groups},
        _addresses(subnet, count, asked.private_ip),
    )


def _default_group(net: AccountNetwork, subnet: Subnet) -> SecurityGroup:
    return by_name(net, "default", subnet.vpc_id)


def _addresses(subnet: Subnet, count: int, private_ip: str | None) -> list[int]:
    """``count`` free addresses, without taking them: released ones first, then upwards."""
    if private_ip is not None:
        address = parse_address(private_ip)
        if count > 1:
            raise InvalidValue("private_ip_with_count")
        if address not in subnet.block.usable:
            raise InvalidValue("private_ip_outside_subnet", address=private_ip)
        if address in subnet.used:
            raise InvalidValue("private_ip_in_use", address=private_ip)
        return [address]
    chosen: list[int] = []
    for address in _free(subnet):
        chosen.append(address)
        if len(chosen) == count:
            return chosen
    raise InvalidValue("subnet_full", id=subnet.subnet_id)


def _free(subnet: Subnet) -> Iterator[int]:
    # Every address below the cursor is in use or released; none at or above it is released.
    yield from subnet.released
    at = _start(subnet)
    while at < subnet.block.usable.stop:
        if at not in subnet.used:
            yield at
        at += 1


def settle(
    region: RegionState, account: str, placement: Placement, instance_ids: list[str]
) -> None:
    """Take the planned addresses for ``instance_ids`` and record the network; after
    ``commit()``."""
    subnet = placement.subnet
    for address, instance_id in zip(placement.addresses, instance_ids, strict=True):
        subnet.used[address] = instance_id
        subnet.released.discard(address)
    _advance(subnet)
    for group_id in placement.groups:
        placement.net.security_groups[group_id].users.update(instance_ids)
    region.network.keep(account, placement.net)


def _start(subnet: Subnet) -> int:
    return subnet.block.usable.start if subnet.cursor is None else subnet.cursor


def _advance(subnet: Subnet) -> None:
    """Move the cursor past the addresses in use right above it."""
    at = _start(subnet)
    while at in subnet.used:
        at += 1
    subnet.cursor = at


def attach(instance: Any, address: int) -> None:
    """Give ``instance`` (an ``Instance``) its primary interface and address."""
    instance.private_ip_address = address_text(address)
    instance.network_interface_id = interface_id(instance.instance_id)


def release(region: RegionState, instance: Placed) -> None:
    """Give back what a terminating instance held: its address, its interface, its groups.
    Call when it terminates, after ``commit()``."""
    net = region.network.accounts.get(instance.owner)
    if net is None or not instance.holds_address:
        return
    subnet = net.subnets.get(instance.subnet_id or "")
    at = instance.private_ip
    if subnet is not None and at is not None and subnet.used.get(at) == instance.instance_id:
        del subnet.used[at]
        if at < _start(subnet):
            subnet.released.add(at)
    for group_id in instance.security_groups:
        group = net.security_groups.get(group_id)
        if group is not None:
            group.users.discard(instance.instance_id)
    instance.network_interface_id = None  # type: ignore[misc]
    instance.private_ip_address = None  # type: ignore[attr-defined]


def interface_id(instance_id: str) -> str:
    """The id of an instance's primary network interface (a function of the instance id)."""
    return IdSource.derived_id("eni", "interface", instance_id)


def attachment_id(eni: str) -> str:
    return IdSource.derived_id("eni-attach", "attachment", eni)


def mac_address(eni: str) -> str:
    digest = IdSource.derived_id("m", "mac", eni)[2:12]
    return "0e:" + ":".join(digest[i : i + 2] for i in range(0, 10, 2))


def private_dns_name(region: str, address: str) -> str:
    host = "ip-" + address.replace(".", "-")
    return f"{host}.ec2.internal" if region == "us-east-1" else f"{host}.{region}.compute.internal"


def _held(value: Any) -> Any:
    return lambda i: [value(i)] if i.holds_address else []


# DescribeInstances filters on placement (merged into the instances' own table).
INSTANCE_NETWORK_FILTERS = {
    "subnet-id": lambda i: [i.subnet_id] if i.subnet_id else [],
    "vpc-id": lambda i: [i.vpc_id] if i.vpc_id else [],
    "instance.group-id": lambda i: list(i.security_groups),
    "instance.group-name": lambda i: list(i.security_groups.values()),
    "group-id": lambda i: list(i.security_groups),
    "group-name": lambda i: list(i.security_groups.values()),
    "key-name": lambda i: [i.key_name] if i.key_name else [],
    "private-ip-address": _held(lambda i: i.private_ip_address),
    "private-dns-name": _held(lambda i: private_dns_name(i.region, i.private_ip_address)),
    "network-interface.network-interface-id": _held(lambda i: i.network_interface_id),
    "network-interface.subnet-id": _held(lambda i: i.subnet_id),
    "network-interface.vpc-id": _held(lambda i: i.vpc_id),
    "network-interface.private-ip-address": _held(lambda i: i.private_ip_address),
    "network-interface.addresses.private-ip-address": _held(lambda i: i.private_ip_address),
    "network-interface.private-dns-name": _held(
        lambda i: private_dns_name(i.region, i.private_ip_address)
    ),
    "network-interface.availability-zone": _held(lambda i: i.availability_zone),
    "network-interface.owner-id": _held(lambda i: i.owner),
    "network-interface.status": _held(lambda i: "in-use"),
    "network-interface.mac-address": _held(lambda i: mac_address(i.network_interface_id)),
    "network-interface.attachment.instance-id": _held(lambda i: i.instance_id),
    "network-interface.attachment.instance-owner-id": _held(lambda i: i.owner),
    "network-interface.attachment.device-index": _held(lambda i: "0"),
    "network-interface.attachment.status": _held(lambda i: "attached"),
    "network-interface.attachment.attachment-id": _held(
        lambda i: attachment_id(i.network_interface_id)
    ),
    "network-interface.attachment.delete-on-termination": _held(lambda i: "true"),
    "network-interface.source-dest-check": _held(lambda i: "true"),
    "network-interface.group-id": lambda i: list(i.security_groups) if i.holds_address else [],
    "network-interface.group-name": lambda i: (
        list(i.security_groups.values()) if i.holds_address else []
    ),
    "source-dest-check": lambda i: ["true"],
    "availability-zone-id": lambda i: _zone_id(i.region, i.availability_zone),
    "network-interface.addresses.primary": _held(lambda i: "true"),
}


def _zone_id(region: str, zone: str) -> list[str]:
    found = zone_named(region, zone)
    return [found.zone_id] if found else []
