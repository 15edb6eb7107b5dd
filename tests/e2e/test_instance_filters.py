"""Every filter documented for DescribeInstanceStatus and the launch template Describes works.

DescribeInstanceStatus, DescribeLaunchTemplates and DescribeLaunchTemplateVersions accept and
evaluate each filter name botocore's documentation lists for them.
The names come from the model's documentation of each operation's ``Filters`` member, so a
filter AWS documents later and the emulator lacks fails here.
"""

from __future__ import annotations

import re

import botocore.session
import pytest
from botocore.exceptions import ClientError

from tests.e2e.worlds import ClientFactory

OWNER = "111111111111"
OPERATIONS = (
    "DescribeInstanceStatus",
    "DescribeLaunchTemplates",
    "DescribeLaunchTemplateVersions",
)
_NAME = re.compile(r"<code>([a-z0-9][a-z0-9.:\-]*)</code>\s*-")


def documented(operation: str) -> list[str]:
    model = botocore.session.get_session().get_service_model("ec2")
    docs = model.operation_model(operation).input_shape.members["Filters"].documentation
    return [n for n in dict.fromkeys(_NAME.findall(docs)) if not n.startswith("tag:")]


@pytest.fixture
def ec2(aws: ClientFactory):
    client = aws("ec2", account=OWNER)
    volume = client.create_volume(AvailabilityZone="us-east-1a", Size=8)["VolumeId"]
    snapshot = client.create_snapshot(VolumeId=volume)["SnapshotId"]
    image = client.register_image(
        Name="base",
        RootDeviceName="/dev/xvda",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snapshot}}],
    )["ImageId"]
    client.run_instances(ImageId=image, MinCount=1, MaxCount=1)
    client.create_launch_template(
        LaunchTemplateName="documented",
        LaunchTemplateData={"ImageId": image, "InstanceType": "t3.micro", "EbsOptimized": True},
    )
    return client


def call(ec2, operation: str, filters: list[dict]) -> list:
    if operation == "DescribeInstanceStatus":
        reply = ec2.describe_instance_status(IncludeAllInstances=True, Filters=filters)
        return reply["InstanceStatuses"]
    if operation == "DescribeLaunchTemplates":
        return ec2.describe_launch_templates(Filters=filters)["LaunchTemplates"]
    reply = ec2.describe_launch_template_versions(LaunchTemplateName="documented", Filters=filters)
    return reply["LaunchTemplateVersions"]


@pytest.mark.parametrize(
    ("operation", "name"),
    [(op, name) for op in OPERATIONS for name in documented(op)],
)
def test_documented_filter_is_accepted(ec2, operation: str, name: str) -> None:
    everything = call(ec2, operation, [{"Name": name, "Values": ["*"]}])
    nothing = call(ec2, operation, [{"Name": name, "Values": ["no-such-value-anywhere"]}])
    assert nothing == []
    assert isinstance(everything, list)


def test_the_documentation_lists_filters() -> None:
    assert "instance-state-name" in documented("DescribeInstanceStatus")
    assert "launch-template-name" in documented("DescribeLaunchTemplates")
    assert "is-default-version" in documented("DescribeLaunchTemplateVersions")


def test_filters_evaluate(ec2) -> None:
    def names(operation: str, name: str, value: str) -> int:
        return len(call(ec2, operation, [{"Name": name, "Values": [value]}]))

    assert names("DescribeInstanceStatus", "instance-state-name", "running") == 1
    assert names("DescribeInstanceStatus", "instance-state-name", "stopped") == 0
    assert names("DescribeLaunchTemplates", "launch-template-name", "doc*") == 1
    assert names("DescribeLaunchTemplateVersions", "instance-type", "t3.micro") == 1
    assert names("DescribeLaunchTemplateVersions", "ebs-optimized", "true") == 1
    assert names("DescribeLaunchTemplateVersions", "is-default-version", "false") == 0
    with pytest.raises(ClientError) as unknown:
        call(ec2, "DescribeLaunchTemplates", [{"Name": "colour", "Values": ["x"]}])
    assert unknown.value.response["Error"]["Code"] == "InvalidParameterValue"
