"""Reads never create lasting state, and only real Regions (plus the operator's) exist."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from emulator.core.world import World
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
