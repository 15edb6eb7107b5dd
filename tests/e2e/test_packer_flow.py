"""Packer's amazon-ebs builder, replayed call for call with boto3 (the parameters its Go code
sends, hashicorp/packer-plugin-amazon builder/common and builder/ebs): build an instance from
a base image, make an image of it, copy it to a second Region encrypted with a key there,
share it with an OU the way Packer shares (flat list and ``LaunchPermission.Add`` together,
no Attribute), clean up; then a member of the OU launches it from a launch template."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.e2e.worlds import ClientFactory, build_org, register_image_from_snapshot
from tests.reference_policies import REFERENCE_ACTIONS

BUILD_REGION = "us-east-1"
COPY_REGION = "us-west-2"
FAST = {"Delay": 1, "MaxAttempts": 30}


def _key_for_the_ou(kms, owner: str, org_id: str, ou_path: str) -> str:
    """A key in the copy Region whose policy is the reference's OU statement."""
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Enable IAM User Permissions",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{owner}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "Allow access for organization OUs",
                "Effect": "Allow",
                "Principal": "*",
                "Action": REFERENCE_ACTIONS,
                "Resource": "*",
                "Condition": {
                    "StringEquals": {"aws:PrincipalOrgID": org_id},
                    "ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": [ou_path]},
                },
            },
        ],
    }
    return kms.create_key(Policy=json.dumps(policy))["KeyMetadata"]["Arn"]


def test_packer_builds_copies_encrypted_and_shares_with_an_ou(aws: ClientFactory) -> None:
    world = build_org(aws)
    builder = world.owner
    ec2 = aws("ec2", account=builder, region=BUILD_REGION)
    base = register_image_from_snapshot(ec2, name="base-al2023-x86_64")

    # Prevalidation and source image lookup.
    regions = ec2.describe_regions(RegionNames=[BUILD_REGION, COPY_REGION])["Regions"]
    assert {r["RegionName"] for r in regions} == {BUILD_REGION, COPY_REGION}
    found = ec2.describe_images(
        Owners=[builder],
        Filters=[{"Name": "name", "Values": ["base-al2023-*"]}],
        IncludeDeprecated=False,
    )["Images"]
    assert [i["ImageId"] for i in found] == [base]

    # Network and instance type for the build.
    (vpc,) = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
    subnets = ec2.describe_subnets(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc["VpcId"]]},
            {"Name": "default-for-az", "Values": ["true"]},
        ]
    )["Subnets"]
    subnet = sorted(subnets, key=lambda s: s["AvailabilityZone"])[0]
    offerings = ec2.describe_instance_type_offerings(
        LocationType="availability-zone",
        Filters=[
            {"Name": "instance-type", "Values": ["t3.micro"]},
            {"Name": "location", "Values": [subnet["AvailabilityZone"]]},
        ],
    )["InstanceTypeOfferings"]
    assert [o["InstanceType"] for o in offerings] == ["t3.micro"]

    # Temporary key pair and security group.
    key = ec2.create_key_pair(KeyName="packer_65f0a1b2", KeyType="rsa", KeyFormat="pem")
    assert key["KeyMaterial"].startswith("-----BEGIN RSA PRIVATE KEY-----")
    group = ec2.create_security_group(
        GroupName="packer_65f0a1b3",
        Description="Temporary group for Packer",
        VpcId=vpc["VpcId"],
    )["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )

    # The build instance.
    run = ec2.run_instances(
        ImageId=base,
        InstanceType="t3.micro",
        KeyName="packer_65f0a1b2",
        SecurityGroupIds=[group],
        SubnetId=subnet["SubnetId"],
        MinCount=1,
        MaxCount=1,
        BlockDeviceMappings=[
            {
                "DeviceName": "/dev/xvda",
                "Ebs": {"VolumeSize": 8, "VolumeType": "gp3", "DeleteOnTermination": True},
            }
        ],
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "Packer Builder"}]},
            {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "Packer Builder"}]},
        ],
    )
    instance_id = run["Instances"][0]["InstanceId"]
    ec2.get_waiter("instance_running").wait(InstanceIds=[instance_id], WaiterConfig=FAST)
    (instance,) = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"][0]["Instances"]
    assert instance["SubnetId"] == subnet["SubnetId"]
    assert [g["GroupId"] for g in instance["SecurityGroups"]] == [group]
    assert instance["KeyName"] == "packer_65f0a1b2"
    ec2.create_tags(Resources=[instance_id], Tags=[{"Key": "Name", "Value": "Packer Builder"}])
    ec2.stop_instances(InstanceIds=[instance_id])
    ec2.get_waiter("instance_stopped").wait(InstanceIds=[instance_id], WaiterConfig=FAST)

    # The image, with tags on it and on its snapshot.
    image = ec2.create_image(
        InstanceId=instance_id,
        Name="app-1.0.0",
        BlockDeviceMappings=[
            {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8, "VolumeType": "gp3"}}
        ],
        TagSpecifications=[
            {"ResourceType": "image", "Tags": [{"Key": "app", "Value": "1.0.0"}]},
            {"ResourceType": "snapshot", "Tags": [{"Key": "app", "Value": "1.0.0"}]},
        ],
    )["ImageId"]
    ec2.get_waiter("image_available").wait(ImageIds=[image], WaiterConfig=FAST)

    # The copy to the second Region, encrypted with a key that the OU may use.
    west = aws("ec2", account=builder, region=COPY_REGION)
    ou_path = f"{world.org_id}/{world.root_id}/{world.shared_ou.id}/*"
    key_arn = _key_for_the_ou(
        aws("kms", account=builder, region=COPY_REGION), builder, world.org_id, ou_path
    )
    copy = west.copy_image(
        SourceRegion=BUILD_REGION,
        SourceImageId=image,
        Name="app-1.0.0",
        Encrypted=True,
        KmsKeyId=key_arn,
        CopyImageTags=True,
    )["ImageId"]
    west.get_waiter("image_available").wait(ImageIds=[copy], WaiterConfig=FAST)
    (copied,) = west.describe_images(ImageIds=[copy])["Images"]
    assert copied["BlockDeviceMappings"][0]["Ebs"]["Encrypted"] is True
    assert {"Key": "app", "Value": "1.0.0"} in copied.get("Tags", [])

    # Sharing as Packer sends it: one call per kind, flat list and Add together.
    for target in (ec2, west):
        image_id = image if target is ec2 else copy
        target.modify_image_attribute(
            ImageId=image_id,
            OrganizationalUnitArns=[world.shared_ou.arn],
            LaunchPermission={"Add": [{"OrganizationalUnitArn": world.shared_ou.arn}]},
        )
        permissions = target.describe_image_attribute(
            ImageId=image_id, Attribute="launchPermission"
        )
        assert permissions["LaunchPermissions"] == [{"OrganizationalUnitArn": world.shared_ou.arn}]
    snapshot = copied["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
    west.modify_snapshot_attribute(
        SnapshotId=snapshot,
        UserIds=[world.shared_account],
        CreateVolumePermission={"Add": [{"UserId": world.shared_account}]},
    )
    shared_with = west.describe_snapshot_attribute(
        SnapshotId=snapshot, Attribute="createVolumePermission"
    )
    assert shared_with["CreateVolumePermissions"] == [{"UserId": world.shared_account}]

    # Cleanup, in Packer's order.
    ec2.terminate_instances(InstanceIds=[instance_id])
    ec2.get_waiter("instance_terminated").wait(InstanceIds=[instance_id], WaiterConfig=FAST)
    ec2.delete_security_group(GroupId=group)
    ec2.delete_key_pair(KeyName="packer_65f0a1b2")
    assert (
        ec2.describe_key_pairs(Filters=[{"Name": "key-name", "Values": ["packer_*"]}])["KeyPairs"]
        == []
    )

    # A member of the OU launches the encrypted copy from a launch template; a sibling cannot.
    member = aws("ec2", account=world.nested_account, region=COPY_REGION)
    template = member.create_launch_template(
        LaunchTemplateName="app",
        LaunchTemplateData={"ImageId": copy, "InstanceType": "t3.micro"},
    )["LaunchTemplate"]["LaunchTemplateId"]
    launched = member.run_instances(
        LaunchTemplate={"LaunchTemplateId": template, "Version": "$Latest"}, MinCount=1, MaxCount=1
    )["Instances"][0]
    assert launched["ImageId"] == copy
    member.get_waiter("instance_running").wait(
        InstanceIds=[launched["InstanceId"]], WaiterConfig=FAST
    )
    sibling = aws("ec2", account=world.sibling_account, region=COPY_REGION)
    with pytest.raises(ClientError) as refused:
        sibling.run_instances(ImageId=copy, MinCount=1, MaxCount=1)
    assert refused.value.response["Error"] == {
        "Code": "AuthFailure",
        "Message": f"Not authorized for images: [{copy}]",
    }
