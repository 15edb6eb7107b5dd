"""Security groups and their rules: create, delete, authorize, revoke, describe."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from emulator.core.commit import commit
from emulator.core.ec2 import resource_ids
from emulator.core.ec2.filters import Filter, FilterSet
from emulator.core.ec2.network.cidr import Block, parse_block
from emulator.core.ec2.network.defaults import DEFAULT_GROUP_NAME
from emulator.core.ec2.network.operations import find, find_all
from emulator.core.ec2.network.records import AccountNetwork, Rule, SecurityGroup, Vpc
from emulator.core.ec2.region import Env, RegionState
from emulator.core.ec2.tags import TagSpecs, check_specs
from emulator.core.errors import Conflict, InvalidValue, NotFound

MAX_NAME = 255
MAX_DESCRIPTION = 255
# What EC2 writes for a protocol given by number; "-1" (or "all") is every protocol.
PROTOCOL_NUMBERS = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "all": "-1"}
_PORTED = {"tcp", "udp"}
_TYPED = {"icmp", "icmpv6"}


@dataclass(frozen=True)
class Permission:
    """One rule as a request names it, before it gets an id."""

    protocol: str
    from_port: int | None
    to_port: int | None
    cidr_ipv4: str | None = None
    cidr_ipv6: str | None = None
    group_id: str | None = None
    group_name: str | None = None
    user_id: str | None = None
    prefix_list_id: str | None = None
    description: str | None = None


def _protocol(value: str | None) -> str:
    if value is None:
        raise InvalidValue("missing_parameter", name="IpPermissions.IpProtocol")
    text = value.lower()
    text = PROTOCOL_NUMBERS.get(text, text)
    if text in ("-1", *_PORTED, *_TYPED) or (text.isdigit() and 0 <= int(text) <= 255):
        return text
    raise InvalidValue("protocol_invalid", protocol=value)


def _ports(protocol: str, low: int | None, high: int | None) -> tuple[int | None, int | None]:
    """The port range (or ICMP type and code) as EC2 keeps it."""
    if protocol in _PORTED:
        if low is None or high is None:
            raise InvalidValue("port_range_missing")
        if not (0 <= low <= 65535 and 0 <= high <= 65535) or low > high:
            raise InvalidValue("port_range_invalid", low=low, high=high)
        return low, high
    if protocol in _TYPED:
        return (-1 if low is None else low), (-1 if high is None else high)
    if protocol == "-1":
        return None, None
    return low, high


def _peer_text(rule: Rule) -> str:
    return rule.cidr_ipv4 or rule.cidr_ipv6 or rule.group_id or rule.prefix_list_id or ""


def rule_text(rule: Rule) -> str:
    """How AWS names a rule in InvalidPermission.Duplicate."""
    protocol = "ALL" if rule.protocol == "-1" else rule.protocol.upper()
    low = -1 if rule.from_port is None else rule.from_port
    high = -1 if rule.to_port is None else rule.to_port
    return f"peer: {_peer_text(rule)}, {protocol}, from port: {low}, to port: {high}, ALLOW"


def _rules(
    net: AccountNetwork,
    group: SecurityGroup,
    egress: bool,
    permissions: Iterable[Permission],
) -> list[Rule]:
    """The rules ``permissions`` name, checked; ids are drawn after the commit point."""
    out = []
    for p in permissions:
        protocol = _protocol(p.protocol)
        low, high = _ports(protocol, p.from_port, p.to_port)
        peers = [p.cidr_ipv4, p.cidr_ipv6, p.group_id or p.group_name, p.prefix_list_id]
        if sum(x is not None for x in peers) != 1:
            raise InvalidValue("permission_peer_missing")
        cidr4 = str(_cidr(p.cidr_ipv4)) if p.cidr_ipv4 is not None else None
        group_id = None
        if p.group_id is not None or p.group_name is not None:
            group_id = _referenced(net, group.vpc_id, p.group_id, p.group_name).group_id
        out.append(
            Rule(
                "",
                egress,
                protocol,
                low,
                high,
                cidr_ipv4=cidr4,
                cidr_ipv6=p.cidr_ipv6,
                group_id=group_id,
                user_id=group.owner if group_id else None,
                prefix_list_id=p.prefix_list_id,
                description=p.description,
            )
        )
    return out


def _cidr(text: str) -> Block:
    try:
        return parse_block(text)
    except InvalidValue:
        raise InvalidValue("permission_cidr_malformed", cidr=text) from None


def _referenced(
    net: AccountNetwork, vpc_id: str, group_id: str | None, name: str | None
) -> SecurityGroup:
    if group_id is not None:
        return find("security-group", net.security_groups, group_id)
    return by_name(net, name or "", vpc_id)


def by_name(net: AccountNetwork, name: str, vpc_id: str | None = None) -> SecurityGroup:
    """A group by name in ``vpc_id`` (the default VPC when none): the name-only lookups."""
    in_default = vpc_id is None
    if vpc_id is None:
        vpc_id = default_vpc(net).vpc_id
    found = next(
        (g for g in net.security_groups.values() if g.vpc_id == vpc_id and g.name == name), None
    )
    if found is None:
        reason = "group_name_not_in_default_vpc" if in_default else "group_name_not_found"
        raise NotFound(reason, name=name, vpc_id=vpc_id)
    return found


def default_vpc(net: AccountNetwork) -> Vpc:
    vpc = net.default_vpc()
    if vpc is None:
        raise InvalidValue("no_default_vpc")
    return vpc


def create_security_group(
    env: Env,
    region: RegionState,
    account: str,
    name: str,
    description: str,
    vpc_id: str | None,
    tags: TagSpecs,
) -> SecurityGroup:
    """A group in a VPC (the default VPC when none is named) with its allow-all egress rule;
    names are unique in a VPC and ``default`` is reserved."""
    check_specs(tags, {"security-group"})
    net = region.network.view(account)
    vpc = find("vpc", net.vpcs, vpc_id) if vpc_id is not None else default_vpc(net)
    if name == DEFAULT_GROUP_NAME:
        raise InvalidValue("group_name_reserved", name=name)
    if name.lower().startswith("sg-"):
        raise InvalidValue("group_name_sg_prefix", name=name)
    if len(name) > MAX_NAME:
        raise InvalidValue("group_name_too_long", name=name)
    if len(description) > MAX_DESCRIPTION:
        raise InvalidValue("group_description_too_long")
    if any(g.vpc_id == vpc.vpc_id and g.name == name for g in net.security_groups.values()):
        raise Conflict("group_duplicate", name=name, vpc_id=vpc.vpc_id)
    commit()
    group = SecurityGroup(env.ids.resource_id("sg"), account, vpc.vpc_id, name, description)
    group.rules.append(
        Rule(env.ids.resource_id("sgr"), True, "-1", None, None, cidr_ipv4="0.0.0.0/0")
    )
    net.security_groups[group.group_id] = group
    region.network.keep(account, net)
    region.tags.put(group.group_id, account, tags.get("security-group", {}))
    return group


def find_group(net: AccountNetwork, group_id: str | None, group_name: str | None) -> SecurityGroup:
    """A group by id, or by name in the default VPC (EC2's name-only form)."""
    if group_id:
        return find("security-group", net.security_groups, group_id)
    if group_name:
        return by_name(net, group_name)
    raise InvalidValue("missing_parameter", name="GroupId")


def delete_security_group(
    region: RegionState, account: str, group_id: str | None, group_name: str | None
) -> SecurityGroup:
    net = region.network.view(account)
    group = find_group(net, group_id, group_name)
    if group.name == DEFAULT_GROUP_NAME:
        raise InvalidValue("group_default_undeletable", id=group.group_id)
    referenced = any(
        r.group_id == group.group_id
        for g in net.security_groups.values()
        if g is not group
        for r in g.rules
    )
    if group.users or referenced:
        raise Conflict("group_in_use", id=group.group_id)
    commit()
    del net.security_groups[group.group_id]
    region.tags.drop(group.group_id)
    for rule in group.rules:
        region.tags.drop(rule.rule_id)
    region.network.keep(account, net)
    return group


def authorize(
    env: Env,
    region: RegionState,
    account: str,
    group_id: str | None,
    group_name: str | None,
    egress: bool,
    permissions: list[Permission],
    tags: TagSpecs,
) -> list[Rule]:
    """Add rules; one already in the group (or twice in the request) is
    ``permission_duplicate`` and nothing is added."""
    check_specs(tags, {"security-group-rule"})
    net = region.network.view(account)
    group = find_group(net, group_id, group_name)
    if not permissions:
        raise InvalidValue("missing_parameter", name="IpPermissions")
    new = _rules(net, group, egress, permissions)
    seen = {r.key() for r in group.rules}
    for rule in new:
        if rule.key() in seen:
            raise Conflict("permission_duplicate", rule=rule_text(rule))
        seen.add(rule.key())
    commit()
    added = [replace(r, rule_id=env.ids.resource_id("sgr")) for r in new]
    group.rules.extend(added)
    for rule in added:
        region.tags.put(rule.rule_id, account, tags.get("security-group-rule", {}))
    region.network.keep(account, net)
    return added


def revoke(
    region: RegionState,
    account: str,
    group_id: str | None,
    group_name: str | None,
    egress: bool,
    permissions: list[Permission],
    rule_ids: list[str],
) -> list[Rule]:
    """Remove rules named by their permissions or by their ids; every one must exist."""
    net = region.network.view(account)
    group = find_group(net, group_id, group_name)
    mine = {r.key(): r for r in group.rules if r.egress == egress}
    gone: list[Rule] = []
    for rule in _rules(net, group, egress, permissions):
        if rule.key() not in mine:
            raise NotFound("permission_not_found")
        gone.append(mine[rule.key()])
    by_id = {r.rule_id: r for r in mine.values()}
    for rule_id in resource_ids.check_all("security-group-rule", rule_ids):
        if rule_id not in by_id:
            raise NotFound("permission_not_found")
        gone.append(by_id[rule_id])
    if not gone:
        raise InvalidValue("missing_parameter", name="IpPermissions")
    commit()
    ids = {r.rule_id for r in gone}
    group.rules = [r for r in group.rules if r.rule_id not in ids]
    for rule_id in ids:
        region.tags.drop(rule_id)
    region.network.keep(account, net)
    return gone


def _perm_values(egress: bool, pick):
    return lambda g: [v for r in g.rules if r.egress == egress for v in pick(g, r) if v is not None]


def _port(value: int | None) -> str:
    return str(-1 if value is None else value)


def group_filters(net: AccountNetwork) -> dict:
    def names(_, r: Rule) -> list[str | None]:
        ref = net.security_groups.get(r.group_id or "")
        return [ref.name if ref else None]

    fields = {
        "description": lambda g: [g.description],
        "group-id": lambda g: [g.group_id],
        "group-name": lambda g: [g.name],
        "owner-id": lambda g: [g.owner],
        "vpc-id": lambda g: [g.vpc_id],
    }
    for prefix, egress in (("ip-permission.", False), ("egress.ip-permission.", True)):
        fields |= {
            prefix + "cidr": _perm_values(egress, lambda g, r: [r.cidr_ipv4]),
            prefix + "from-port": _perm_values(egress, lambda g, r: [_port(r.from_port)]),
            prefix + "group-id": _perm_values(egress, lambda g, r: [r.group_id]),
            prefix + "group-name": _perm_values(egress, names),
            prefix + "ipv6-cidr": _perm_values(egress, lambda g, r: [r.cidr_ipv6]),
            prefix + "prefix-list-id": _perm_values(egress, lambda g, r: [r.prefix_list_id]),
            prefix + "protocol": _perm_values(egress, lambda g, r: [r.protocol]),
            prefix + "to-port": _perm_values(egress, lambda g, r: [_port(r.to_port)]),
            prefix + "user-id": _perm_values(egress, lambda g, r: [r.user_id]),
        }
    return fields


def describe_security_groups(
    region: RegionState,
    account: str,
    group_ids: list[str],
    group_names: list[str],
    filters: list[Filter],
) -> list[SecurityGroup]:
    net = region.network.view(account)
    matches = FilterSet(filters, group_filters(net), lambda g: region.tags.get(g.group_id, account))
    found: dict[str, SecurityGroup] = {}
    if group_ids:
        found |= {g.group_id: g for g in find_all("security-group", net.security_groups, group_ids)}
    for name in group_names:
        group = by_name(net, name)
        found[group.group_id] = group
    chosen = found.values() if group_ids or group_names else net.security_groups.values()
    return sorted((g for g in chosen if matches(g)), key=lambda g: g.group_id)


@dataclass(frozen=True)
class RuleRow:
    """A rule with the group it belongs to, as DescribeSecurityGroupRules lists it."""

    group: SecurityGroup
    rule: Rule


RULE_FILTERS = {
    "group-id": lambda row: [row.group.group_id],
    "security-group-rule-id": lambda row: [row.rule.rule_id],
}


def describe_security_group_rules(
    region: RegionState, account: str, rule_ids: list[str], filters: list[Filter]
) -> list[RuleRow]:
    net = region.network.view(account)
    matches = FilterSet(
        filters, RULE_FILTERS, lambda row: region.tags.get(row.rule.rule_id, account)
    )
    rows = [RuleRow(g, r) for g in net.security_groups.values() for r in g.rules]
    if rule_ids:
        wanted = resource_ids.check_all("security-group-rule", rule_ids)
        by_id = {row.rule.rule_id: row for row in rows}
        missing = [i for i in wanted if i not in by_id]
        if missing:
            raise resource_ids.not_found("security-group-rule", missing)
        rows = [by_id[i] for i in wanted]
    return sorted((r for r in rows if matches(r)), key=lambda row: row.rule.rule_id)
