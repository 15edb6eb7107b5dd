"""DryRun costs what the call costs and changes nothing: every EC2 operation that accepts it
stops at its commit point (``emulator/core/commit.py``), no copy of the world is made.

An operation that forgot its commit point would change the world during a dry run; the
table below holds a valid and an invalid request for every registered EC2 operation that
takes DryRun, so a new operation without a row fails ``test_every_dry_run_operation_is_covered``.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from botocore import xform_name
from botocore.exceptions import ClientError

from emulator.api.registry import REGISTRY, load_all
from emulator.core.ec2.images import catalog
from emulator.core.ec2.images.catalog import ImageSpec
from emulator.core.world import World
from emulator.protocol.models import operation_model
from emulator.server import RunningServer
from emulator.testing import in_process_client
from tests.conftest import ClientFactory
from tests.security.work_meter import work
from tests.unit.ec2.ec2_world import recorded

OWNER = "111111111111"
OTHER = "222222222222"
REGION = "us-east-1"
EMPTY_REGION = "ap-southeast-2"  # nothing is ever made there before the dry runs
MISSING = {
    "ami": "ami-00000000",
    "vol": "vol-00000000",
    "snap": "snap-00000000",
    "i": "i-00000000",
    "lt": "lt-00000000000000000",
}


@dataclass(frozen=True)
class Things:
    """What the owner has before each dry run."""

    image: str
    volume: str
    snapshot: str  # backs no image, so it can be deleted
    instance: str
    stopped: str  # a stopped instance
    attached: str  # a data volume attached to ``instance`` at /dev/sdf
    template: str  # a launch template with versions 1 and 2


def make_things(ec2: Any) -> Things:
    volume = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=8)["VolumeId"]
    root = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    image = ec2.register_image(
        Name="golden",
        RootDeviceName="/dev/xvda",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": root}}],
    )["ImageId"]
    ec2.create_tags(Resources=[image], Tags=[{"Key": "Team", "Value": "web"}])
    spare = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    run = ec2.run_instances(ImageId=image, MinCount=2, MaxCount=2)
    instance, stopped = (i["InstanceId"] for i in run["Instances"])
    ec2.stop_instances(InstanceIds=[stopped])
    data = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=8)["VolumeId"]
    ec2.attach_volume(VolumeId=data, InstanceId=instance, Device="/dev/sdf")
    template = ec2.create_launch_template(
        LaunchTemplateName=f"t-{volume}", LaunchTemplateData={"ImageId": image}
    )["LaunchTemplate"]["LaunchTemplateId"]
    ec2.create_launch_template_version(
        LaunchTemplateId=template, LaunchTemplateData={"InstanceType": "t3.micro"}
    )
    return Things(image, volume, spare, instance, stopped, data, template)


Params = Callable[[Things], dict[str, Any]]
ENCRYPTED_ROOT = [
    {"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": True, "KmsKeyId": "alias/aws/ebs"}}
]

# operation -> (valid requests, an invalid request or None when the call takes no input).
CASES: dict[str, tuple[list[Params], Params | None]] = {
    "CopyImage": (
        [lambda t: {"SourceImageId": t.image, "SourceRegion": REGION, "Name": "copy"}],
        lambda t: {"SourceImageId": MISSING["ami"], "SourceRegion": REGION, "Name": "copy"},
    ),
    "CreateImage": (
        [lambda t: {"InstanceId": t.instance, "Name": "from-instance"}],
        lambda t: {"InstanceId": MISSING["i"], "Name": "from-instance"},
    ),
    "CreateSnapshot": ([lambda t: {"VolumeId": t.volume}], lambda t: {"VolumeId": MISSING["vol"]}),
    "CreateTags": (
        [lambda t: {"Resources": [t.image, t.volume], "Tags": [{"Key": "Env", "Value": "x"}]}],
        lambda t: {"Resources": [t.image, MISSING["vol"]], "Tags": [{"Key": "Env", "Value": "x"}]},
    ),
    "CreateVolume": (
        [
            lambda t: {"AvailabilityZone": f"{REGION}a", "Size": 8},
            # The first use of the account's aws/ebs key would create that key.
            lambda t: {
                "AvailabilityZone": f"{REGION}a",
                "Size": 8,
                "Encrypted": True,
                "KmsKeyId": "alias/aws/ebs",
            },
        ],
        lambda t: {"AvailabilityZone": f"{REGION}a", "Size": 0},
    ),
    "DeleteSnapshot": (
        [lambda t: {"SnapshotId": t.snapshot}],
        lambda t: {"SnapshotId": MISSING["snap"]},
    ),
    "DeleteTags": (
        [lambda t: {"Resources": [t.image], "Tags": [{"Key": "Team"}]}],
        lambda t: {"Resources": [MISSING["ami"]], "Tags": [{"Key": "Team"}]},
    ),
    "DeleteVolume": (
        [lambda t: {"VolumeId": t.volume}],
        lambda t: {"VolumeId": MISSING["vol"]},
    ),
    "DeregisterImage": (
        [lambda t: {"ImageId": t.image, "DeleteAssociatedSnapshots": True}],
        lambda t: {"ImageId": MISSING["ami"]},
    ),
    "DescribeImageAttribute": (
        [lambda t: {"ImageId": t.image, "Attribute": "launchPermission"}],
        lambda t: {"ImageId": t.image, "Attribute": "colour"},
    ),
    "DescribeImages": ([lambda t: {"Owners": ["self"]}], lambda t: {"ImageIds": [MISSING["ami"]]}),
    "DescribeInstances": ([lambda t: {}], lambda t: {"InstanceIds": [MISSING["i"]]}),
    "DescribeSnapshotAttribute": (
        [lambda t: {"SnapshotId": t.snapshot, "Attribute": "createVolumePermission"}],
        lambda t: {"SnapshotId": MISSING["snap"], "Attribute": "createVolumePermission"},
    ),
    "DescribeSnapshots": (
        [lambda t: {"OwnerIds": ["self"]}],
        lambda t: {"SnapshotIds": [MISSING["snap"]]},
    ),
    "DescribeTags": ([lambda t: {}], lambda t: {"Filters": [{"Name": "colour", "Values": ["x"]}]}),
    "DescribeVolumes": ([lambda t: {}], lambda t: {"VolumeIds": [MISSING["vol"]]}),
    "DisableImageBlockPublicAccess": ([lambda t: {}], None),
    "EnableImageBlockPublicAccess": (
        [lambda t: {"ImageBlockPublicAccessState": "block-new-sharing"}],
        lambda t: {"ImageBlockPublicAccessState": "unblocked"},
    ),
    "GetImageBlockPublicAccessState": ([lambda t: {}], None),
    "ModifyImageAttribute": (
        [
            lambda t: {"ImageId": t.image, "LaunchPermission": {"Add": [{"UserId": OTHER}]}},
            lambda t: {"ImageId": t.image, "Description": {"Value": "new words"}},
        ],
        lambda t: {"ImageId": t.image, "LaunchPermission": {"Add": [{"UserId": "12345"}]}},
    ),
    "ModifySnapshotAttribute": (
        [
            lambda t: {
                "SnapshotId": t.snapshot,
                "CreateVolumePermission": {"Add": [{"UserId": OTHER}]},
            }
        ],
        lambda t: {
            "SnapshotId": t.snapshot,
            "CreateVolumePermission": {"Add": [{"UserId": "12345"}]},
        },
    ),
    "RegisterImage": (
        [
            lambda t: {"Name": "registered"},
            lambda t: {"Name": "encrypted", "BlockDeviceMappings": ENCRYPTED_ROOT},
        ],
        lambda t: {"Name": "bad name!"},
    ),
    "ResetImageAttribute": (
        [lambda t: {"ImageId": t.image, "Attribute": "launchPermission"}],
        lambda t: {"ImageId": t.image, "Attribute": "description"},
    ),
    "ResetSnapshotAttribute": (
        [lambda t: {"SnapshotId": t.snapshot, "Attribute": "createVolumePermission"}],
        lambda t: {"SnapshotId": t.snapshot, "Attribute": "productCodes"},
    ),
    "RunInstances": (
        [
            lambda t: {"ImageId": t.image, "MinCount": 1, "MaxCount": 2},
            lambda t: {
                "ImageId": t.image,
                "MinCount": 1,
                "MaxCount": 1,
                "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": True}}],
            },
        ],
        lambda t: {"ImageId": MISSING["ami"], "MinCount": 1, "MaxCount": 1},
    ),
    "TerminateInstances": (
        [lambda t: {"InstanceIds": [t.instance]}],
        lambda t: {"InstanceIds": [t.instance, MISSING["i"]]},
    ),
    "StopInstances": (
        [lambda t: {"InstanceIds": [t.instance]}],
        lambda t: {"InstanceIds": [t.instance], "Hibernate": True},
    ),
    "StartInstances": (
        [lambda t: {"InstanceIds": [t.stopped]}],
        lambda t: {"InstanceIds": [t.stopped, MISSING["i"]]},
    ),
    "RebootInstances": (
        [lambda t: {"InstanceIds": [t.instance]}],
        lambda t: {"InstanceIds": [t.stopped]},
    ),
    "DescribeInstanceStatus": (
        [lambda t: {"IncludeAllInstances": True}],
        lambda t: {"InstanceIds": [MISSING["i"]]},
    ),
    "DescribeInstanceAttribute": (
        [lambda t: {"InstanceId": t.instance, "Attribute": "instanceType"}],
        lambda t: {"InstanceId": t.instance, "Attribute": "colour"},
    ),
    "ModifyInstanceAttribute": (
        [
            lambda t: {"InstanceId": t.instance, "DisableApiTermination": {"Value": True}},
            lambda t: {"InstanceId": t.stopped, "InstanceType": {"Value": "t3.large"}},
        ],
        lambda t: {"InstanceId": t.instance, "InstanceType": {"Value": "t3.large"}},
    ),
    "CopySnapshot": (
        [
            lambda t: {"SourceSnapshotId": t.snapshot, "SourceRegion": REGION},
            lambda t: {"SourceSnapshotId": t.snapshot, "SourceRegion": REGION, "Encrypted": True},
        ],
        lambda t: {"SourceSnapshotId": MISSING["snap"], "SourceRegion": REGION},
    ),
    "CreateSnapshots": (
        [lambda t: {"InstanceSpecification": {"InstanceId": t.instance}}],
        lambda t: {"InstanceSpecification": {"InstanceId": MISSING["i"]}},
    ),
    "AttachVolume": (
        [lambda t: {"VolumeId": t.volume, "InstanceId": t.instance, "Device": "/dev/sdg"}],
        lambda t: {"VolumeId": t.volume, "InstanceId": t.instance, "Device": "/dev/sdf"},
    ),
    "DetachVolume": (
        [lambda t: {"VolumeId": t.attached}],
        lambda t: {"VolumeId": t.volume},
    ),
    "CreateLaunchTemplate": (
        [lambda t: {"LaunchTemplateName": "new", "LaunchTemplateData": {"ImageId": t.image}}],
        lambda t: {"LaunchTemplateName": "x", "LaunchTemplateData": {"ImageId": t.image}},
    ),
    "CreateLaunchTemplateVersion": (
        [lambda t: {"LaunchTemplateId": t.template, "LaunchTemplateData": {"EbsOptimized": True}}],
        lambda t: {"LaunchTemplateId": MISSING["lt"], "LaunchTemplateData": {"EbsOptimized": True}},
    ),
    "DescribeLaunchTemplates": (
        [lambda t: {}],
        lambda t: {"LaunchTemplateIds": [MISSING["lt"]]},
    ),
    "DescribeLaunchTemplateVersions": (
        [lambda t: {"LaunchTemplateId": t.template}],
        lambda t: {"LaunchTemplateId": t.template, "Versions": ["9"]},
    ),
    "ModifyLaunchTemplate": (
        [lambda t: {"LaunchTemplateId": t.template, "DefaultVersion": "2"}],
        lambda t: {"LaunchTemplateId": t.template, "DefaultVersion": "9"},
    ),
    "DeleteLaunchTemplate": (
        [lambda t: {"LaunchTemplateId": t.template}],
        lambda t: {"LaunchTemplateId": MISSING["lt"]},
    ),
    "DeleteLaunchTemplateVersions": (
        [lambda t: {"LaunchTemplateId": t.template, "Versions": ["2"]}],
        lambda t: {"LaunchTemplateId": MISSING["lt"], "Versions": ["2"]},
    ),
}


def dry_run_operations() -> set[str]:
    load_all()
    return {
        name
        for service, name in REGISTRY
        if service == "ec2" and "DryRun" in (operation_model("ec2", name).input_shape.members)
    }


def test_every_dry_run_operation_is_covered() -> None:
    assert dry_run_operations() == set(CASES)


def state(server: RunningServer) -> bytes:
    with urllib.request.urlopen(f"{server.url}/_emulator/state", timeout=30) as answer:
        return answer.read()


def call(ec2: Any, operation: str, params: dict[str, Any]) -> dict[str, Any]:
    """The error the call answers, or ``{}`` when it succeeds."""
    try:
        getattr(ec2, xform_name(operation))(**params)
    except ClientError as err:
        return {
            **err.response["Error"],
            "Status": err.response["ResponseMetadata"]["HTTPStatusCode"],
        }
    return {}


DRY_RUN_OPERATION = {
    "Code": "DryRunOperation",
    "Message": "Request would have succeeded, but DryRun flag is set.",
    "Status": 412,
}


@pytest.mark.parametrize("operation", sorted(CASES))
def test_a_dry_run_changes_nothing(
    operation: str, server: RunningServer, aws: ClientFactory
) -> None:
    ec2 = aws("ec2", account=OWNER, region=REGION)
    things = make_things(ec2)
    valid, invalid = CASES[operation]
    before = state(server)
    for params in valid:
        assert call(ec2, operation, {**params(things), "DryRun": True}) == DRY_RUN_OPERATION
        assert state(server) == before
    if invalid is not None:
        refused = call(ec2, operation, invalid(things))
        assert refused and refused["Code"] != "DryRunOperation"
        assert state(server) == before
        assert call(ec2, operation, {**invalid(things), "DryRun": True}) == refused
        assert state(server) == before
    # The valid requests are valid: without DryRun the first one succeeds.
    assert call(ec2, operation, valid[0](things)) == {}


def test_a_dry_run_in_an_unused_region_leaves_no_trace(
    server: RunningServer, aws: ClientFactory
) -> None:
    ec2 = aws("ec2", account=OWNER, region=EMPTY_REGION)
    before = state(server)
    for params in (
        {"AvailabilityZone": f"{EMPTY_REGION}a", "Size": 8, "Encrypted": True},
        {"Name": "nowhere"},
    ):
        operation = "CreateVolume" if "Size" in params else "RegisterImage"
        assert call(ec2, operation, {**params, "DryRun": True}) == DRY_RUN_OPERATION
    assert call(ec2, "EnableImageBlockPublicAccess", {"ImageBlockPublicAccessState": "x"})
    assert state(server) == before
    assert EMPTY_REGION.encode() not in before


def test_a_dry_run_costs_the_same_in_a_big_world() -> None:
    costs = []
    for others in (1, 500):
        world = World()
        for i in range(others):
            catalog.register_image(
                world.ec2.env,
                recorded(world.ec2, REGION),
                OTHER,
                ImageSpec(name=f"other-{i:04d}"),
                [],
                {},
            )
        image = catalog.register_image(
            world.ec2.env, recorded(world.ec2, REGION), OWNER, ImageSpec(name="mine"), [], {}
        )
        ec2 = in_process_client(world, "ec2", OWNER, REGION)
        tags = [{"Key": "Env", "Value": "x"}]
        assert call(ec2, "CreateTags", {"Resources": [image.image_id], "Tags": tags}) == {}
        params = {"Resources": [image.image_id], "Tags": tags, "DryRun": True}
        costs.append(work(call, ec2=ec2, operation="CreateTags", params=params)[1])
    small, big = costs
    # A copy of the world costs lines per image; the commit point costs none.
    assert big <= small * 1.1 + 500, costs
