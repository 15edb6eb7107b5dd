"""Security groups and their rules, in both the IpPermissions and the flat request form."""

from __future__ import annotations

from typing import Any

from emulator.api.ec2 import network_shapes as shapes
from emulator.api.ec2.params import filters, no_max_results_with_ids, paged, required, tag_specs
from emulator.api.ec2.region import reading, writing
from emulator.api.registry import Call, operation
from emulator.core.ec2.network import security_groups as groups
from emulator.core.ec2.network.security_groups import Permission
from emulator.core.errors import InvalidValue


def _permissions(params: dict[str, Any]) -> list[Permission]:
    """IpPermissions, one Permission per peer, and the flat form (IpProtocol, CidrIp,
    SourceSecurityGroupName) as one more."""
    out = []
    for p in params.get("IpPermissions") or []:
        base = {
            "protocol": p.get("IpProtocol"),
            "from_port": p.get("FromPort"),
            "to_port": p.get("ToPort"),
        }
        for r in p.get("IpRanges") or []:
            out.append(
                Permission(**base, cidr_ipv4=r.get("CidrIp"), description=r.get("Description"))
            )
        for r in p.get("Ipv6Ranges") or []:
            out.append(
                Permission(**base, cidr_ipv6=r.get("CidrIpv6"), description=r.get("Description"))
            )
        for r in p.get("PrefixListIds") or []:
            out.append(
                Permission(
                    **base, prefix_list_id=r.get("PrefixListId"), description=r.get("Description")
                )
            )
        for r in p.get("UserIdGroupPairs") or []:
            out.append(
                Permission(
                    **base,
                    group_id=r.get("GroupId"),
                    group_name=None if r.get("GroupId") else r.get("GroupName"),
                    user_id=r.get("UserId"),
                    description=r.get("Description"),
                )
            )
        if not any(
            p.get(k) for k in ("IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs")
        ):
            out.append(Permission(**base))
    flat = ("IpProtocol", "CidrIp", "SourceSecurityGroupName", "FromPort", "ToPort")
    if any(params.get(k) is not None for k in flat):
        protocol = params.get("IpProtocol")
        source = params.get("SourceSecurityGroupName")
        cidr = params.get("CidrIp")
        # A flat source group without protocol or ports opens everything from it.
        out.append(
            Permission(
                protocol if protocol is not None else "-1",
                params.get("FromPort"),
                params.get("ToPort"),
                cidr_ipv4=cidr,
                group_name=source,
                user_id=params.get("SourceSecurityGroupOwnerId"),
            )
        )
    return out


def _rules_out(
    call: Call, region: Any, group_id: str | None, group_name: str | None, rules: list
) -> list:
    net = region.network.view(call.account)
    group = groups.find_group(net, group_id, group_name)
    return [
        shapes.rule(group, r, region.tags.get(r.rule_id, call.account), call.partition, call.region)
        for r in rules
    ]


def _description(params: dict[str, Any]) -> str:
    """The Description member, which EC2's own words call GroupDescription."""
    if not params.get("Description"):
        raise InvalidValue("missing_parameter", name="GroupDescription")
    return params["Description"]


@operation("ec2", "CreateSecurityGroup")
def create_security_group(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """A group in a VPC (the default VPC unless VpcId) with the allow-all egress rule; names are
    unique per VPC, ``default`` is reserved."""
    with writing(call) as (env, region):
        group = groups.create_security_group(
            env,
            region,
            call.account,
            required(params, "GroupName"),
            _description(params),
            params.get("VpcId"),
            tag_specs(params),
        )
        out: dict[str, Any] = {
            "GroupId": group.group_id,
            "SecurityGroupArn": shapes.group_arn(group, call.partition, call.region),
        }
        tags = region.tags.get(group.group_id, call.account)
        if tags:
            out["Tags"] = shapes.tag_list(tags)
        return out


@operation("ec2", "DeleteSecurityGroup")
def delete_security_group(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Deletes a group by id (or by name in the default VPC); not ``default``, not one an
    instance or another group's rule uses (DependencyViolation)."""
    with writing(call) as (_, region):
        group = groups.delete_security_group(
            region, call.account, params.get("GroupId"), params.get("GroupName")
        )
    return {"Return": True, "GroupId": group.group_id}


def _authorize(call: Call, params: dict[str, Any], egress: bool) -> dict[str, Any]:
    with writing(call) as (env, region):
        added = groups.authorize(
            env,
            region,
            call.account,
            params.get("GroupId"),
            None if egress else params.get("GroupName"),
            egress,
            _permissions(params),
            tag_specs(params),
        )
        rules = _rules_out(call, region, params.get("GroupId"), params.get("GroupName"), added)
    return {"Return": True, "SecurityGroupRules": rules}


def _revoke(call: Call, params: dict[str, Any], egress: bool) -> dict[str, Any]:
    with writing(call) as (_, region):
        gone = groups.revoke(
            region,
            call.account,
            params.get("GroupId"),
            None if egress else params.get("GroupName"),
            egress,
            _permissions(params),
            params.get("SecurityGroupRuleIds") or [],
        )
        group = groups.find_group(
            region.network.view(call.account), params.get("GroupId"), params.get("GroupName")
        )
    return {
        "Return": True,
        "RevokedSecurityGroupRules": [
            {
                "SecurityGroupRuleId": r.rule_id,
                "GroupId": group.group_id,
                "IsEgress": r.egress,
                "IpProtocol": r.protocol,
                "FromPort": -1 if r.from_port is None else r.from_port,
                "ToPort": -1 if r.to_port is None else r.to_port,
                **({"CidrIpv4": r.cidr_ipv4} if r.cidr_ipv4 else {}),
                **({"ReferencedGroupId": r.group_id} if r.group_id else {}),
            }
            for r in gone
        ],
    }


@operation("ec2", "AuthorizeSecurityGroupIngress")
def authorize_ingress(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Adds inbound rules (sgr- ids); a rule already there is InvalidPermission.Duplicate."""
    return _authorize(call, params, egress=False)


@operation("ec2", "AuthorizeSecurityGroupEgress")
def authorize_egress(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Adds outbound rules (sgr- ids); a rule already there is InvalidPermission.Duplicate."""
    return _authorize(call, params, egress=True)


@operation("ec2", "RevokeSecurityGroupIngress")
def revoke_ingress(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Removes inbound rules by permission or id; one not there is InvalidPermission.NotFound."""
    return _revoke(call, params, egress=False)


@operation("ec2", "RevokeSecurityGroupEgress")
def revoke_egress(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """Removes outbound rules by permission or id; one not there is InvalidPermission.NotFound."""
    return _revoke(call, params, egress=True)


@operation("ec2", "DescribeSecurityGroups")
def describe_security_groups(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """The caller's groups by id, by name (default VPC) or Filters, paged."""
    no_max_results_with_ids(params, "GroupIds", "groupIds")
    _, region = reading(call)
    found = groups.describe_security_groups(
        region,
        call.account,
        params.get("GroupIds") or [],
        params.get("GroupNames") or [],
        filters(params),
    )
    return paged(
        params,
        "SecurityGroups",
        found,
        lambda g: g.group_id,
        lambda g: shapes.security_group(
            g, region.tags.get(g.group_id, call.account), call.partition, call.region
        ),
    )


@operation("ec2", "DescribeSecurityGroupRules")
def describe_security_group_rules(call: Call, params: dict[str, Any]) -> dict[str, Any]:
    """The rules of the caller's groups, by rule id or Filters, paged."""
    no_max_results_with_ids(params, "SecurityGroupRuleIds", "SecurityGroupRuleId")
    _, region = reading(call)
    rows = groups.describe_security_group_rules(
        region, call.account, params.get("SecurityGroupRuleIds") or [], filters(params)
    )
    return paged(
        params,
        "SecurityGroupRules",
        rows,
        lambda row: row.rule.rule_id,
        lambda row: shapes.rule(
            row.group,
            row.rule,
            region.tags.get(row.rule.rule_id, call.account),
            call.partition,
            call.region,
        ),
    )
