"""Regions, zones, account attributes and instance types end to end, with boto3 and the CLI."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from botocore.loaders import create_loader

from tests.e2e.worlds import Client, ClientFactory, aws_error


@pytest.fixture
def ec2(aws: ClientFactory) -> Client:
    return aws("ec2")


def botocore_regions(partition: str) -> set[str]:
    """The Regions botocore's partition data names (``aws-global``-style names are not)."""
    data = create_loader().load_data("partitions")["partitions"]
    chosen = next(p for p in data if p["id"] == partition)
    return {r for r in chosen["regions"] if re.match(chosen["regionRegex"], r)}


def test_describe_regions_lists_every_region_of_the_partition(ec2: Client) -> None:
    regions = ec2.describe_regions()["Regions"]
    assert {r["RegionName"] for r in regions} == botocore_regions("aws")
    assert all(r["OptInStatus"] == "opt-in-not-required" for r in regions)
    (east,) = ec2.describe_regions(RegionNames=["us-east-1"], AllRegions=True)["Regions"]
    assert east == {
        "RegionName": "us-east-1",
        "Endpoint": "ec2.us-east-1.amazonaws.com",
        "OptInStatus": "opt-in-not-required",
    }
    by_filter = ec2.describe_regions(Filters=[{"Name": "region-name", "Values": ["eu-*"]}])
    assert {r["RegionName"] for r in by_filter["Regions"]} == {
        r for r in botocore_regions("aws") if r.startswith("eu-")
    }
    with aws_error("InvalidParameterValue", "Invalid region: xx-nowhere-1"):
        ec2.describe_regions(RegionNames=["xx-nowhere-1"])
    with aws_error("InvalidParameterValue", "The filter 'colour' is invalid"):
        ec2.describe_regions(Filters=[{"Name": "colour", "Values": ["x"]}])


def test_china_lists_chinas_regions(aws: ClientFactory) -> None:
    regions = aws("ec2", region="cn-north-1").describe_regions()["Regions"]
    assert {r["RegionName"] for r in regions} == botocore_regions("aws-cn")
    assert {r["Endpoint"] for r in regions} == {
        f"ec2.{r}.amazonaws.com.cn" for r in botocore_regions("aws-cn")
    }


def test_zones_follow_the_naming_rule(aws: ClientFactory) -> None:
    zones = aws("ec2", region="ap-northeast-1").describe_availability_zones()["AvailabilityZones"]
    assert [(z["ZoneName"], z["ZoneId"]) for z in zones] == [
        ("ap-northeast-1a", "apne1-az1"),
        ("ap-northeast-1b", "apne1-az2"),
        ("ap-northeast-1c", "apne1-az3"),
    ]
    assert all(z["State"] == "available" and z["ZoneType"] == "availability-zone" for z in zones)
    ec2 = aws("ec2", region="us-gov-west-1")
    assert (
        ec2.describe_availability_zones(ZoneIds=["usgw1-az2"])["AvailabilityZones"][0]["ZoneName"]
        == "us-gov-west-1b"
    )


def test_zone_lookups_and_filters(ec2: Client) -> None:
    (zone,) = ec2.describe_availability_zones(ZoneNames=["us-east-1b"])["AvailabilityZones"]
    assert zone["ZoneId"] == "use1-az2" and zone["RegionName"] == "us-east-1"
    named = ec2.describe_availability_zones(
        AllAvailabilityZones=True, Filters=[{"Name": "zone-id", "Values": ["use1-az3"]}]
    )["AvailabilityZones"]
    assert [z["ZoneName"] for z in named] == ["us-east-1c"]
    with aws_error("InvalidParameterValue", "The zone 'us-east-1z' does not exist."):
        ec2.describe_availability_zones(ZoneNames=["us-east-1z"])


def test_account_attributes(ec2: Client) -> None:
    attrs = {
        a["AttributeName"]: [v["AttributeValue"] for v in a["AttributeValues"]]
        for a in ec2.describe_account_attributes()["AccountAttributes"]
    }
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    assert attrs == {
        "supported-platforms": ["VPC"],
        "vpc-max-security-groups-per-interface": ["5"],
        "max-elastic-ips": ["5"],
        "max-instances": ["20"],
        "vpc-max-elastic-ips": ["5"],
        "default-vpc": [vpc],
    }
    (only,) = ec2.describe_account_attributes(AttributeNames=["max-instances"])["AccountAttributes"]
    assert only["AttributeName"] == "max-instances"
    with aws_error("InvalidParameterValue"):
        ec2.describe_account_attributes(AttributeNames=["colour"])


def test_instance_types_and_offerings(ec2: Client) -> None:
    (micro,) = ec2.describe_instance_types(InstanceTypes=["t3.micro"])["InstanceTypes"]
    assert micro["VCpuInfo"]["DefaultVCpus"] == 2 and micro["MemoryInfo"]["SizeInMiB"] == 1024
    arm = ec2.describe_instance_types(
        Filters=[{"Name": "processor-info.supported-architecture", "Values": ["arm64"]}]
    )["InstanceTypes"]
    assert arm and all(t["InstanceType"].startswith(("t4g.", "m7g.")) for t in arm)
    big = ec2.describe_instance_types(
        Filters=[{"Name": "memory-info.size-in-mib", "Values": ["65536"]}]
    )
    assert [t["InstanceType"] for t in big["InstanceTypes"]] == ["r5.2xlarge"]
    with aws_error("InvalidParameterValue"):
        ec2.describe_instance_types(InstanceTypes=["x9.huge"])
    offers = ec2.describe_instance_type_offerings(
        LocationType="availability-zone-id",
        Filters=[{"Name": "instance-type", "Values": ["t3.micro"]}],
    )["InstanceTypeOfferings"]
    assert [o["Location"] for o in offers] == ["use1-az1", "use1-az2", "use1-az3"]
    region = ec2.describe_instance_type_offerings(
        Filters=[
            {"Name": "location", "Values": ["us-east-1"]},
            {"Name": "instance-type", "Values": ["m5.*"]},
        ]
    )["InstanceTypeOfferings"]
    assert {o["InstanceType"] for o in region} == {"m5.large", "m5.xlarge", "m5.2xlarge"}
    pages = ec2.get_paginator("describe_instance_types").paginate(PaginationConfig={"PageSize": 5})
    names = [t["InstanceType"] for page in pages for t in page["InstanceTypes"]]
    assert len(names) == len(set(names)) >= 30


Cli = Callable[..., Any]


@pytest.mark.cli
def test_the_cli_describes_regions_and_zones(cli: Cli) -> None:
    regions = cli("ec2", "describe-regions")["Regions"]
    assert "us-east-1" in {r["RegionName"] for r in regions}
    zones = cli("ec2", "describe-availability-zones", region="eu-west-1")["AvailabilityZones"]
    assert [z["ZoneName"] for z in zones] == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]


@pytest.mark.cli
def test_the_cli_sees_the_default_vpc_and_makes_a_key(cli: Cli) -> None:
    vpcs = cli("ec2", "describe-vpcs", "--filters", "Name=is-default,Values=true")["Vpcs"]
    assert vpcs[0]["CidrBlock"] == "172.31.0.0/16"
    made = cli("ec2", "create-key-pair", "--key-name", "cli-key")
    assert made["KeyMaterial"].startswith("-----BEGIN RSA PRIVATE KEY-----")
    subnets = cli("ec2", "describe-subnets", "--filters", "Name=default-for-az,Values=true")
    assert len(subnets["Subnets"]) == 3
