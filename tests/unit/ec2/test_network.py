"""The network core on its own: zone names, the default network, addresses, documented filters."""

from __future__ import annotations

import re

import botocore.session
import pytest

from emulator.core.ec2 import instance_types, regions
from emulator.core.ec2.filters import Filter, FilterSet
from emulator.core.ec2.instances.filters import INSTANCE_FILTERS
from emulator.core.ec2.keypairs.operations import KEY_PAIR_FILTERS
from emulator.core.ec2.network import operations, placement, security_groups
from emulator.core.ec2.network.defaults import default_network
from emulator.core.ec2.network.placement import LaunchPlacement
from emulator.core.ec2.region import RegionState
from emulator.core.ec2.zones import region_code, zones_of
from emulator.core.errors import InvalidValue
from emulator.core.ids import IdSource
from emulator.core.snapshots.schema import DocumentError
from emulator.core.world import World

A = "111111111111"


def ec2_env():
    return World(ids=IdSource(seed=7)).ec2.env


@pytest.mark.parametrize(
    ("region", "code"),
    [
        ("us-east-1", "use1"),
        ("us-west-2", "usw2"),
        ("eu-central-1", "euc1"),
        ("ap-northeast-1", "apne1"),
        ("ap-southeast-2", "apse2"),
        ("ap-south-1", "aps1"),
        ("us-gov-west-1", "usgw1"),
        ("cn-northwest-1", "cnnw1"),
        ("local", "local"),
    ],
)
def test_region_codes_follow_aws(region: str, code: str) -> None:
    assert region_code(region) == code


def test_zones_are_three_named_and_numbered_in_order() -> None:
    assert [(z.name, z.zone_id) for z in zones_of("eu-west-3")] == [
        ("eu-west-3a", "euw3-az1"),
        ("eu-west-3b", "euw3-az2"),
        ("eu-west-3c", "euw3-az3"),
    ]


def test_the_default_network_is_a_function_of_account_and_region() -> None:
    first, again = default_network(A, "us-east-1"), default_network(A, "us-east-1")
    assert first.to_dict() == again.to_dict()
    assert default_network(A, "us-west-2").default_vpc().vpc_id != first.default_vpc().vpc_id
    ids = [
        *first.vpcs,
        *first.subnets,
        *first.security_groups,
        *first.internet_gateways,
        *first.route_tables,
    ]
    assert all(re.fullmatch(r"[a-z]+-[0-9a-f]{17}", i) for i in ids)
    assert len(set(ids)) == len(ids)


def place(region: RegionState, count: int, **asked: object):
    where = placement.plan(region, A, count, None, LaunchPlacement(**asked))
    return [placement.address_text(a) for a in where.addresses], where


def test_addresses_skip_the_reserved_ones_and_come_back_when_released() -> None:
    region = RegionState("us-east-1")
    addresses, where = place(region, 3)
    assert addresses == ["172.31.0.4", "172.31.0.5", "172.31.0.6"]
    placement.settle(region, A, where, ["i-1", "i-2", "i-3"])
    # Nothing is taken before settle: the same plan gives the same addresses.
    again, _ = place(region, 1)
    assert again == ["172.31.0.7"]

    class Gone:
        instance_id, owner, subnet_id = "i-2", A, where.subnet.subnet_id
        private_ip_address, private_ip = "172.31.0.5", where.addresses[1]
        network_interface_id = "eni-1"
        security_groups = dict(where.groups)
        holds_address = True

    placement.release(region, Gone())
    reused, _ = place(region, 2)
    assert reused == ["172.31.0.5", "172.31.0.7"]


def test_a_full_subnet_is_refused() -> None:
    region = RegionState("us-east-1")
    env = ec2_env()
    vpc = operations.create_vpc(env, region, A, "10.0.0.0/16", None, {})
    # 16 addresses, 11 of them usable.
    subnet = operations.create_subnet(env, region, A, vpc.vpc_id, "10.0.0.0/28", None, None, {})
    addresses, _ = place(region, 11, subnet_id=subnet.subnet_id)
    assert len(addresses) == 11
    with pytest.raises(InvalidValue) as refused:
        place(region, 12, subnet_id=subnet.subnet_id)
    assert refused.value.reason == "subnet_full"


def documented_filters(operation: str) -> list[str]:
    model = botocore.session.get_session().get_service_model("ec2")
    shape = model.operation_model(operation).input_shape.members["Filters"]
    names = re.findall(r"<li>\s*<p>\s*<code>([^<]+)</code>", shape.documentation)
    return [n for n in names if n not in ("tag", "tag:&lt;key&gt;")]


NET = default_network(A, "us-east-1")
TABLES = {
    "DescribeRegions": regions.REGION_FILTERS,
    "DescribeAvailabilityZones": regions.ZONE_FILTERS,
    "DescribeVpcs": operations.VPC_FILTERS,
    "DescribeSubnets": operations.subnet_filters("aws", "us-east-1"),
    "DescribeSecurityGroups": security_groups.group_filters(NET),
    "DescribeSecurityGroupRules": security_groups.RULE_FILTERS,
    "DescribeInternetGateways": operations.IGW_FILTERS,
    "DescribeRouteTables": operations.ROUTE_TABLE_FILTERS,
    "DescribeKeyPairs": KEY_PAIR_FILTERS,
    "DescribeInstanceTypes": instance_types.TYPE_FILTERS,
    "DescribeInstanceTypeOfferings": instance_types.OFFERING_FILTERS,
}


@pytest.mark.parametrize("operation", sorted(TABLES))
def test_every_documented_filter_is_evaluated(operation: str) -> None:
    names = documented_filters(operation)
    assert names
    tagged = "tag-key" in names

    def accepted(name: str) -> bool:
        tags = (lambda item: {}) if tagged else None
        try:
            FilterSet([Filter(name, ("x",))], TABLES[operation], tags)
        except InvalidValue:
            return False
        return True

    assert [n for n in names if not accepted(n)] == []


def test_the_placement_filters_ansible_and_packer_use() -> None:
    for name in (
        "subnet-id",
        "vpc-id",
        "instance.group-id",
        "key-name",
        "availability-zone",
        "private-ip-address",
    ):
        assert name in INSTANCE_FILTERS


def test_a_subnet_filter_matches_by_its_fields() -> None:
    subnets = list(NET.subnets.values())
    matches = FilterSet(
        [Filter("availability-zone", ("us-east-1b",)), Filter("default-for-az", ("true",))],
        operations.subnet_filters("aws", "us-east-1"),
    )
    assert [s.cidr_block for s in subnets if matches(s)] == ["172.31.16.0/20"]


def test_shipped_types_hold_what_the_filters_read() -> None:
    table = instance_types.instance_types()
    assert {"t2.micro", "t3.micro", "t4g.micro", "m5.large", "m7g.2xlarge", "r5.large"} <= set(
        table
    )
    for name, row in table.items():
        assert row["InstanceType"] == name
        assert row["VCpuInfo"]["DefaultVCpus"] >= 1 and row["MemoryInfo"]["SizeInMiB"] >= 512


def test_a_snapshot_with_a_broken_network_is_refused() -> None:
    world = World()
    region = RegionState("us-east-1")
    operations.create_vpc(world.ec2.env, region, A, "10.0.0.0/16", None, {})
    world.ec2.regions["us-east-1"] = region
    good = world.to_dict()
    World().load(good)
    net = good["ec2"]["regions"]["us-east-1"]["network"][A]
    net["subnets"][0]["vpc_id"] = "vpc-00000000"
    with pytest.raises(DocumentError) as caught:
        World().load(good)
    assert caught.value.path == f"ec2.regions.us-east-1.network.{A}.subnets[0].vpc_id"
    net["subnets"][0]["vpc_id"] = net["vpcs"][0]["vpc_id"]
    net["subnets"][0]["cidr_block"] = "999.0.0.0/16"
    with pytest.raises(DocumentError):
        World().load(good)
