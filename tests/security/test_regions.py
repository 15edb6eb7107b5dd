"""Reads never create lasting state, and only real Regions (plus the operator's) exist."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from emulator.api.regions import aws_regions
from emulator.cli import parser, pinned_settings
from emulator.core.scenario import ScenarioError, build, dump, load_into
from emulator.core.world import World
from emulator.server import RunningServer
from emulator.testing import in_process_client
from emulator.testing.pytest_plugin import CLIENT_CONFIG
from tests.conftest import ClientFactory

OWNER = "111111111111"


def test_reads_and_failed_writes_leave_no_region_behind(
    ami_world: World, aws: ClientFactory
) -> None:
    ec2 = aws("ec2", account=OWNER, region="eu-west-3")
    ec2.describe_images(Owners=["self"])
    ec2.describe_volumes()
    ec2.describe_tags()
    ec2.get_image_block_public_access_state()
    with pytest.raises(ClientError):
        ec2.create_tags(Resources=["ami-00000000"], Tags=[{"Key": "k", "Value": "v"}])
    with pytest.raises(ClientError):
        ec2.copy_image(SourceImageId="ami-00000000", SourceRegion="eu-west-2", Name="copy")
    assert list(ami_world.ec2.regions) == []
    ec2.create_volume(AvailabilityZone="eu-west-3a", Size=8)
    assert list(ami_world.ec2.regions) == ["eu-west-3"]


def _client(server: RunningServer, service: str, region: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=server.url,
        region_name=region,
        aws_access_key_id=OWNER,
        aws_secret_access_key="x",
        config=CLIENT_CONFIG,
    )


def _error(call: Callable[[], Any]) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as err:
        call()
    answer = err.value.response
    return (
        answer["Error"]["Code"],
        answer["Error"]["Message"],
        answer["ResponseMetadata"]["HTTPStatusCode"],
    )


SCOPED = "Credential should be scoped to a valid region, not 'mars-north-1'."


def test_an_unknown_region_is_refused_in_each_protocol(
    server: RunningServer, ami_world: World
) -> None:
    ec2 = _client(server, "ec2", "mars-north-1")
    assert _error(lambda: ec2.describe_images(Owners=["self"])) == ("AuthFailure", SCOPED, 401)
    assert _error(lambda: ec2.create_volume(AvailabilityZone="mars-north-1a", Size=8)) == (
        "AuthFailure",
        SCOPED,
        401,
    )
    sts = _client(server, "sts", "mars-north-1")
    assert _error(sts.get_caller_identity) == ("SignatureDoesNotMatch", SCOPED, 403)
    kms = _client(server, "kms", "mars-north-1")
    assert _error(kms.list_keys) == ("InvalidSignatureException", SCOPED, 400)
    assert list(ami_world.ec2.regions) == []


@pytest.mark.parametrize(
    "region",
    [
        "us-east-1",
        "cn-north-1",
        "us-gov-west-1",
        "us-iso-east-1",
        "eu-isoe-west-1",
        "eusc-de-east-1",
    ],
)
def test_every_partition_s_regions_are_real(
    server: RunningServer, aws: ClientFactory, region: str
) -> None:
    assert region in aws_regions()
    ec2 = aws("ec2", account=OWNER, region=region)
    ec2.create_volume(AvailabilityZone=f"{region}a", Size=8)
    assert len(ec2.describe_volumes()["Volumes"]) == 1


def test_the_pseudo_regions_of_global_endpoints_are_not_regions() -> None:
    assert "aws-global" not in aws_regions()
    assert {"us-east-1", "eu-west-1", "us-west-2", "ap-southeast-2"} <= aws_regions()


def test_copy_image_checks_its_source_region(aws: ClientFactory) -> None:
    ec2 = aws("ec2", account=OWNER)
    image_id = ec2.register_image(Name="source")["ImageId"]
    assert _error(
        lambda: ec2.copy_image(SourceImageId=image_id, SourceRegion="mars-north-1", Name="copy")
    ) == (
        "InvalidParameterValue",
        "Value (mars-north-1) for parameter SourceRegion is invalid.",
        400,
    )
    ec2.copy_image(SourceImageId=image_id, SourceRegion="us-east-1", Name="copy")


def test_the_operator_adds_regions_on_the_command_line() -> None:
    args = parser().parse_args(["serve", "--extra-region", "lab-1", "--extra-region", "lab-2"])
    world = World(pinned=pinned_settings(args))
    load_into(world, {"settings": {"extra_regions": ["lab-3"]}})
    assert world.config.extra_regions == ["lab-3", "lab-1", "lab-2"]
    for region in ("lab-1", "lab-3"):
        ec2 = in_process_client(world, "ec2", OWNER, region)
        ec2.create_volume(AvailabilityZone=f"{region}a", Size=8)
    lab = in_process_client(world, "ec2", OWNER, "lab-9")
    assert _error(lab.describe_volumes)[0] == "AuthFailure"
    with pytest.raises(SystemExit):
        parser().parse_args(["serve", "--extra-region", "Not A Region"])


def test_a_scenario_names_its_own_regions() -> None:
    data = {
        "settings": {"extra_regions": ["lab-1"]},
        "images": [{"owner": OWNER, "region": "lab-1", "name": "lab-image"}],
    }
    world = build(data)
    ec2 = in_process_client(world, "ec2", OWNER, "lab-1")
    assert [i["Name"] for i in ec2.describe_images(Owners=["self"])["Images"]] == ["lab-image"]
    assert dump(world)["settings"]["extra_regions"] == ["lab-1"]
    with pytest.raises(ScenarioError, match=r"settings\.extra_regions\[0\]"):
        build({"settings": {"extra_regions": ["Lab One"]}})
