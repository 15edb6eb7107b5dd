"""DryRun costs what the call costs and changes nothing: every EC2 operation that accepts it
stops at its commit point (``emulator/core/commit.py``), no copy of the world is made.

An operation that forgot its commit point would change the world during a dry run; the
table below holds a valid and an invalid request for every registered EC2 operation that
takes DryRun, so a new operation without a row fails ``test_every_dry_run_operation_is_covered``.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
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
    report: str  # an image usage report on the image
    stopped: str  # a stopped instance
    attached: str  # a data volume attached to ``instance`` at /dev/sdf
    template: str  # a launch template with versions 1 and 2
    shared: str = ""  # another account's image shared with the owner by account id
    net: dict[str, str] = field(default_factory=dict)  # the network's, by make_network


def make_things(ec2: Any, other: Any) -> Things:
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
    report = ec2.create_image_usage_report(
        ImageId=image, ResourceTypes=[{"ResourceType": "ec2:Instance"}]
    )["ReportId"]
    shared = other.register_image(Name="theirs")["ImageId"]
    other.modify_image_attribute(ImageId=shared, LaunchPermission={"Add": [{"UserId": OWNER}]})
    return Things(
        image,
        volume,
        spare,
        instance,
        report,
        stopped,
        data,
        template,
        shared,
        make_network(ec2),
    )


def make_network(ec2: Any) -> dict[str, str]:
    """A VPC with a subnet and a route table, an empty VPC, a group with an SSH rule, a
    detached gateway, a key pair, and the default VPC's parts."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    default_vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])
    default = default_vpc["Vpcs"][0]["VpcId"]
    tables = ec2.describe_route_tables()["RouteTables"]
    group = ec2.create_security_group(GroupName="web", Description="web")["GroupId"]
    ssh = [
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
    ]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=ssh)
    ec2.create_key_pair(KeyName="k")
    return {
        "vpc": vpc,
        "empty_vpc": ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"],
        "subnet": ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"],
        "rtb": ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"],
        "main_rtb": next(t["RouteTableId"] for t in tables if t["VpcId"] == vpc),
        "default_vpc": default,
        "default_main_rtb": next(t["RouteTableId"] for t in tables if t["VpcId"] == default),
        "default_rtb2": ec2.create_route_table(VpcId=default)["RouteTable"]["RouteTableId"],
        "default_igw": ec2.describe_internet_gateways()["InternetGateways"][0]["InternetGatewayId"],
        "default_subnet": ec2.describe_subnets(
            SubnetIds=[], Filters=[{"Name": "default-for-az", "Values": ["true"]}]
        )["Subnets"][0]["SubnetId"],
        "igw": ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"],
        "sg": group,
    }


Params = Callable[[Things], dict[str, Any]]
ENCRYPTED_ROOT = [
    {"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": True, "KmsKeyId": "alias/aws/ebs"}}
]

# operation -> (valid requests, an invalid request or None when the call takes no input).
CASES: dict[str, tuple[list[Params], Params | None]] = {
    # The AMI lifecycle.
    "CancelImageLaunchPermission": (
        [lambda t: {"ImageId": t.shared}],
        lambda t: {"ImageId": t.image},
    ),
    "DescribeImageReferences": (
        [lambda t: {"ImageIds": [t.image], "IncludeAllResourceTypes": True}],
        lambda t: {"ImageIds": [t.image]},
    ),
    "DisableImage": ([lambda t: {"ImageId": t.image}], lambda t: {"ImageId": MISSING["ami"]}),
    "DisableImageDeprecation": (
        [lambda t: {"ImageId": t.image}],
        lambda t: {"ImageId": MISSING["ami"]},
    ),
    "DisableImageDeregistrationProtection": (
        [lambda t: {"ImageId": t.image}],
        lambda t: {"ImageId": MISSING["ami"]},
    ),
    "EnableImage": ([lambda t: {"ImageId": t.image}], lambda t: {"ImageId": MISSING["ami"]}),
    "EnableImageDeprecation": (
        [lambda t: {"ImageId": t.image, "DeprecateAt": datetime.now(UTC) + timedelta(days=30)}],
        lambda t: {"ImageId": t.image, "DeprecateAt": "2001-01-01T00:00:00Z"},
    ),
    "EnableImageDeregistrationProtection": (
        [lambda t: {"ImageId": t.image, "WithCooldown": True}],
        lambda t: {"ImageId": MISSING["ami"]},
    ),
    "GetImageAncestry": ([lambda t: {"ImageId": t.image}], lambda t: {"ImageId": "bad"}),
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
    # Allowed AMIs and image usage reports.
    "EnableAllowedImagesSettings": (
        [lambda t: {"AllowedImagesSettingsState": "audit-mode"}],
        lambda t: {"AllowedImagesSettingsState": "on"},
    ),
    "DisableAllowedImagesSettings": ([lambda t: {}], None),
    "GetAllowedImagesSettings": ([lambda t: {}], None),
    "ReplaceImageCriteriaInAllowedImagesSettings": (
        [lambda t: {"ImageCriteria": [{"ImageProviders": [OTHER], "ImageNames": ["golden*"]}]}],
        lambda t: {"ImageCriteria": [{"ImageProviders": ["none", OTHER]}]},
    ),
    "CreateImageUsageReport": (
        [
            lambda t: {
                "ImageId": t.image,
                "ResourceTypes": [{"ResourceType": "ec2:Instance"}],
                "TagSpecifications": [
                    {"ResourceType": "image-usage-report", "Tags": [{"Key": "k", "Value": "v"}]}
                ],
            }
        ],
        lambda t: {"ImageId": MISSING["ami"], "ResourceTypes": [{"ResourceType": "ec2:Instance"}]},
    ),
    "DescribeImageUsageReports": (
        [lambda t: {"ReportIds": [t.report]}],
        lambda t: {"ReportIds": ["amiur-00000000"]},
    ),
    "DescribeImageUsageReportEntries": (
        [lambda t: {"ImageIds": [t.image]}],
        lambda t: {"ReportIds": ["amiur-00000000"]},
    ),
    "DeleteImageUsageReport": (
        [lambda t: {"ReportId": t.report}],
        lambda t: {"ReportId": "amiur-00000000"},
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


# The network, key pairs, Regions and instance types (docs/network.md).
_SSH = [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
_HTTPS = [
    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
]
_ALL_OUT = [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
_TELNET = [
    {"IpProtocol": "tcp", "FromPort": 23, "ToPort": 23, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
]
_PUBLIC_KEY = (
    b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO87tJvkXTTf2HuCuoucPwYvOOU35E2zv/UTzHPyWTKh test"
)
CASES.update(
    {
        "CreateVpc": (
            [lambda t: {"CidrBlock": "10.2.0.0/16"}],
            lambda t: {"CidrBlock": "10.0.0.0/8"},
        ),
        "DeleteVpc": (
            [lambda t: {"VpcId": t.net["empty_vpc"]}],
            lambda t: {"VpcId": t.net["vpc"]},
        ),
        "DescribeVpcs": ([lambda t: {}], lambda t: {"VpcIds": ["vpc-00000000"]}),
        "CreateSubnet": (
            [lambda t: {"VpcId": t.net["vpc"], "CidrBlock": "10.0.1.0/24"}],
            lambda t: {"VpcId": t.net["vpc"], "CidrBlock": "10.0.0.0/25"},
        ),
        "DeleteSubnet": (
            [lambda t: {"SubnetId": t.net["subnet"]}],
            lambda t: {"SubnetId": "subnet-00000000"},
        ),
        "DescribeSubnets": ([lambda t: {}], lambda t: {"SubnetIds": ["subnet-00000000"]}),
        "CreateSecurityGroup": (
            [lambda t: {"GroupName": "new", "Description": "d"}],
            lambda t: {"GroupName": "default", "Description": "d"},
        ),
        "DeleteSecurityGroup": (
            [lambda t: {"GroupId": t.net["sg"]}],
            lambda t: {"GroupName": "default"},
        ),
        "AuthorizeSecurityGroupIngress": (
            [
                lambda t: {"GroupId": t.net["sg"], "IpPermissions": _HTTPS},
                lambda t: {
                    "GroupId": t.net["sg"],
                    "IpProtocol": "udp",
                    "FromPort": 53,
                    "ToPort": 53,
                    "CidrIp": "10.0.0.0/8",
                },
            ],
            lambda t: {"GroupId": t.net["sg"], "IpPermissions": _SSH},
        ),
        "AuthorizeSecurityGroupEgress": (
            [lambda t: {"GroupId": t.net["sg"], "IpPermissions": _HTTPS}],
            lambda t: {"GroupId": t.net["sg"], "IpPermissions": _ALL_OUT},
        ),
        "RevokeSecurityGroupIngress": (
            [lambda t: {"GroupId": t.net["sg"], "IpPermissions": _SSH}],
            lambda t: {"GroupId": t.net["sg"], "IpPermissions": _TELNET},
        ),
        "RevokeSecurityGroupEgress": (
            [lambda t: {"GroupId": t.net["sg"], "IpPermissions": _ALL_OUT}],
            lambda t: {"GroupId": t.net["sg"], "IpPermissions": _TELNET},
        ),
        "DescribeSecurityGroups": ([lambda t: {}], lambda t: {"GroupIds": ["sg-00000000"]}),
        "DescribeSecurityGroupRules": (
            [lambda t: {}],
            lambda t: {"SecurityGroupRuleIds": ["sgr-00000000"]},
        ),
        "CreateInternetGateway": (
            [lambda t: {}],
            lambda t: {"TagSpecifications": [{"ResourceType": "vpc", "Tags": [{"Key": "a"}]}]},
        ),
        "AttachInternetGateway": (
            [lambda t: {"InternetGatewayId": t.net["igw"], "VpcId": t.net["vpc"]}],
            lambda t: {"InternetGatewayId": t.net["igw"], "VpcId": t.net["default_vpc"]},
        ),
        "DetachInternetGateway": (
            [lambda t: {"InternetGatewayId": t.net["default_igw"], "VpcId": t.net["default_vpc"]}],
            lambda t: {"InternetGatewayId": t.net["igw"], "VpcId": t.net["vpc"]},
        ),
        "DeleteInternetGateway": (
            [lambda t: {"InternetGatewayId": t.net["igw"]}],
            lambda t: {"InternetGatewayId": t.net["default_igw"]},
        ),
        "DescribeInternetGateways": (
            [lambda t: {}],
            lambda t: {"InternetGatewayIds": ["igw-00000000"]},
        ),
        "DescribeRouteTables": ([lambda t: {}], lambda t: {"RouteTableIds": ["rtb-00000000"]}),
        "CreateRouteTable": (
            [lambda t: {"VpcId": t.net["vpc"]}],
            lambda t: {"VpcId": "vpc-00000000"},
        ),
        "DeleteRouteTable": (
            [lambda t: {"RouteTableId": t.net["rtb"]}],
            lambda t: {"RouteTableId": t.net["main_rtb"]},
        ),
        "CreateRoute": (
            [
                lambda t: {
                    "RouteTableId": t.net["default_rtb2"],
                    "DestinationCidrBlock": "0.0.0.0/0",
                    "GatewayId": t.net["default_igw"],
                }
            ],
            lambda t: {
                "RouteTableId": t.net["default_main_rtb"],
                "DestinationCidrBlock": "0.0.0.0/0",
                "GatewayId": t.net["default_igw"],
            },
        ),
        "AssociateRouteTable": (
            [lambda t: {"RouteTableId": t.net["rtb"], "SubnetId": t.net["subnet"]}],
            lambda t: {"RouteTableId": t.net["rtb"], "SubnetId": t.net["default_subnet"]},
        ),
        "CreateKeyPair": ([lambda t: {"KeyName": "new"}], lambda t: {"KeyName": "k"}),
        "ImportKeyPair": (
            [lambda t: {"KeyName": "imported", "PublicKeyMaterial": _PUBLIC_KEY}],
            lambda t: {"KeyName": "imported", "PublicKeyMaterial": b"ssh-rsa nonsense"},
        ),
        "DeleteKeyPair": ([lambda t: {"KeyName": "k"}], lambda t: {"KeyPairId": "key-00000000"}),
        "DescribeKeyPairs": ([lambda t: {}], lambda t: {"KeyNames": ["nope"]}),
        "DescribeRegions": ([lambda t: {}], lambda t: {"RegionNames": ["xx-nowhere-1"]}),
        "DescribeAvailabilityZones": ([lambda t: {}], lambda t: {"ZoneNames": [f"{REGION}z"]}),
        "DescribeAccountAttributes": ([lambda t: {}], lambda t: {"AttributeNames": ["colour"]}),
        "DescribeInstanceTypes": ([lambda t: {}], lambda t: {"InstanceTypes": ["x9.huge"]}),
        "DescribeInstanceTypeOfferings": ([lambda t: {}], lambda t: {"LocationType": "planet"}),
    }
)


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
    things = make_things(ec2, aws("ec2", account=OTHER, region=REGION))
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
