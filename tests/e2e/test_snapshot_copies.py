"""Copies as pipelines make them, end to end in the demo world: CopySnapshot within and across
Regions (encrypted, re-keyed, of shared snapshots), the encrypted CopyImage per Region,
CreateSnapshots, and AttachVolume / DetachVolume."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.e2e.worlds import Client, ClientFactory, aws_error
from tests.reference_policies import ORG_STATEMENT

OWNER, DEV, FINANCE, OUTSIDER = "123456789012", "111122223333", "555566667777", "999988887777"
EAST, WEST = "us-east-1", "us-west-2"
FAST = {"Delay": 1, "MaxAttempts": 5}
OWNER_STATEMENT = {
    "Sid": "Enable IAM User Permissions",
    "Effect": "Allow",
    "Principal": {"AWS": f"arn:aws:iam::{OWNER}:root"},
    "Action": "kms:*",
    "Resource": "*",
}

pytestmark = pytest.mark.ami_scenario("demo")


def key(aws: ClientFactory, region: str, *statements: dict[str, Any]) -> str:
    policy = {"Version": "2012-10-17", "Statement": [OWNER_STATEMENT, *statements]}
    kms = aws("kms", OWNER, region)
    return kms.create_key(Policy=json.dumps(policy))["KeyMetadata"]["Arn"]


def snapshot(ec2: Client, size: int = 8, **encryption: Any) -> str:
    region = ec2.meta.region_name
    volume = ec2.create_volume(AvailabilityZone=f"{region}a", Size=size, **encryption)["VolumeId"]
    return ec2.create_snapshot(VolumeId=volume)["SnapshotId"]


def one_snapshot(ec2: Client, snapshot_id: str) -> dict[str, Any]:
    (found,) = ec2.describe_snapshots(SnapshotIds=[snapshot_id])["Snapshots"]
    return found


def aws_ebs(aws: ClientFactory, account: str, region: str) -> str:
    return aws("kms", account, region).describe_key(KeyId="alias/aws/ebs")["KeyMetadata"]["Arn"]


def test_copy_within_and_across_regions(aws: ClientFactory) -> None:
    east, west = aws("ec2", OWNER, EAST), aws("ec2", OWNER, WEST)
    source = snapshot(east, size=12)
    here = east.copy_snapshot(
        SourceSnapshotId=source,
        SourceRegion=EAST,
        TagSpecifications=[{"ResourceType": "snapshot", "Tags": [{"Key": "Copy", "Value": "1"}]}],
    )
    assert here["Tags"] == [{"Key": "Copy", "Value": "1"}]
    east.get_waiter("snapshot_completed").wait(SnapshotIds=[here["SnapshotId"]], WaiterConfig=FAST)
    copied = one_snapshot(east, here["SnapshotId"])
    assert copied["Description"] == f"[Copied {source} from {EAST}]"
    assert (copied["VolumeSize"], copied["OwnerId"], copied["Encrypted"]) == (12, OWNER, False)
    assert copied["VolumeId"] == "vol-ffffffff"

    # Across Regions: called in the destination Region, naming the source Region.
    there = west.copy_snapshot(
        SourceSnapshotId=source, SourceRegion=EAST, Description="to the west", PresignedUrl="x"
    )["SnapshotId"]
    copied = one_snapshot(west, there)
    assert copied["Description"] == "to the west"
    with aws_error("InvalidSnapshot.NotFound"):
        east.describe_snapshots(SnapshotIds=[there])
    with aws_error("InvalidSnapshot.NotFound"):
        west.copy_snapshot(SourceSnapshotId=source, SourceRegion=WEST)
    with aws_error("InvalidParameterValue"):
        west.copy_snapshot(SourceSnapshotId=source, SourceRegion="mars-north-1")


def test_encrypted_copies_use_a_key_of_the_destination(aws: ClientFactory) -> None:
    east, west = aws("ec2", OWNER, EAST), aws("ec2", OWNER, WEST)
    east_key, west_key = key(aws, EAST), key(aws, WEST)
    plain = snapshot(east)
    encrypted = snapshot(east, Encrypted=True, KmsKeyId=east_key)

    rekeyed = west.copy_snapshot(
        SourceSnapshotId=plain, SourceRegion=EAST, Encrypted=True, KmsKeyId=west_key
    )["SnapshotId"]
    copied = one_snapshot(west, rekeyed)
    assert (copied["Encrypted"], copied["KmsKeyId"]) == (True, west_key)
    # An encrypted source stays encrypted; across Regions, with aws/ebs there by default.
    default = west.copy_snapshot(SourceSnapshotId=encrypted, SourceRegion=EAST)["SnapshotId"]
    copied = one_snapshot(west, default)
    assert (copied["Encrypted"], copied["KmsKeyId"]) == (True, aws_ebs(aws, OWNER, WEST))
    # Within its Region the owner's copy keeps the source key.
    same = east.copy_snapshot(SourceSnapshotId=encrypted, SourceRegion=EAST)["SnapshotId"]
    assert one_snapshot(east, same)["KmsKeyId"] == east_key

    with aws_error(
        "InvalidParameterDependency",
        "The parameter KmsKeyId requires the parameter Encrypted to be set.",
    ):
        west.copy_snapshot(SourceSnapshotId=plain, SourceRegion=EAST, KmsKeyId=west_key)
    # A key of the source Region does not exist in the destination.
    with aws_error("InvalidKMSKey.NotFound"):
        west.copy_snapshot(
            SourceSnapshotId=plain, SourceRegion=EAST, Encrypted=True, KmsKeyId=east_key
        )


def test_copy_of_a_snapshot_shared_with_the_caller(aws: ClientFactory) -> None:
    owner = aws("ec2", OWNER, EAST)
    org_key = key(aws, EAST, ORG_STATEMENT)
    plain = snapshot(owner)
    encrypted = snapshot(owner, Encrypted=True, KmsKeyId=org_key)
    for snapshot_id in (plain, encrypted):
        owner.modify_snapshot_attribute(
            SnapshotId=snapshot_id,
            Attribute="createVolumePermission",
            OperationType="add",
            UserIds=[DEV, OUTSIDER],
        )
    dev_west = aws("ec2", DEV, WEST)
    mine = dev_west.copy_snapshot(SourceSnapshotId=plain, SourceRegion=EAST)["SnapshotId"]
    assert one_snapshot(dev_west, mine)["OwnerId"] == DEV
    dev_key = aws("kms", DEV, WEST).create_key()["KeyMetadata"]["Arn"]
    copy = dev_west.copy_snapshot(
        SourceSnapshotId=encrypted, SourceRegion=EAST, Encrypted=True, KmsKeyId=dev_key
    )["SnapshotId"]
    copied = one_snapshot(dev_west, copy)
    assert (copied["OwnerId"], copied["KmsKeyId"]) == (DEV, dev_key)
    # Shared, but the key's policy does not let an account outside the organization use it.
    with aws_error("InvalidParameterValue"):
        aws("ec2", OUTSIDER, WEST).copy_snapshot(SourceSnapshotId=encrypted, SourceRegion=EAST)
    # Not shared at all: as if it did not exist.
    with aws_error("InvalidSnapshot.NotFound", f"The snapshot '{plain}' does not exist."):
        aws("ec2", FINANCE, WEST).copy_snapshot(SourceSnapshotId=plain, SourceRegion=EAST)


def test_encrypted_copy_image_per_region(aws: ClientFactory) -> None:
    east, west = aws("ec2", OWNER, EAST), aws("ec2", OWNER, WEST)
    west_key = key(aws, WEST, ORG_STATEMENT)
    root = snapshot(east)
    image_id = east.register_image(
        Name="pipeline-base",
        RootDeviceName="/dev/xvda",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": root}}],
    )["ImageId"]
    east.create_tags(Resources=[image_id], Tags=[{"Key": "Release", "Value": "42"}])
    copied = west.copy_image(
        SourceImageId=image_id,
        SourceRegion=EAST,
        Name="pipeline-base",
        Encrypted=True,
        KmsKeyId=west_key,
        CopyImageTags=True,
        SnapshotCopyCompletionDurationMinutes=15,
    )["ImageId"]
    west.get_waiter("image_available").wait(ImageIds=[copied], WaiterConfig=FAST)
    (image,) = west.describe_images(ImageIds=[copied])["Images"]
    assert image["Tags"] == [{"Key": "Release", "Value": "42"}]
    assert (image["SourceImageId"], image["SourceImageRegion"]) == (image_id, EAST)
    ebs = image["BlockDeviceMappings"][0]["Ebs"]
    assert (ebs["Encrypted"], ebs["KmsKeyId"]) == (True, west_key)
    west.get_waiter("snapshot_completed").wait(SnapshotIds=[ebs["SnapshotId"]], WaiterConfig=FAST)


def test_create_snapshots_of_an_instance(aws: ClientFactory) -> None:
    ec2 = aws("ec2", OWNER, EAST)
    image_id = ec2.register_image(
        Name="multi-volume",
        RootDeviceName="/dev/xvda",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snapshot(ec2)}}],
    )["ImageId"]
    (instance,) = ec2.run_instances(
        ImageId=image_id,
        MinCount=1,
        MaxCount=1,
        BlockDeviceMappings=[{"DeviceName": "/dev/sdf", "Ebs": {"VolumeSize": 3}}],
        TagSpecifications=[{"ResourceType": "volume", "Tags": [{"Key": "Vol", "Value": "x"}]}],
    )["Instances"]
    instance_id = instance["InstanceId"]
    made = ec2.create_snapshots(
        InstanceSpecification={"InstanceId": instance_id},
        Description="both",
        CopyTagsFromSource="volume",
        TagSpecifications=[{"ResourceType": "snapshot", "Tags": [{"Key": "Set", "Value": "1"}]}],
    )["Snapshots"]
    assert sorted(s["VolumeSize"] for s in made) == [3, 8]
    for snap in made:
        assert {t["Key"]: t["Value"] for t in snap["Tags"]} == {"Vol": "x", "Set": "1"}
        assert one_snapshot(ec2, snap["SnapshotId"])["Description"] == "both"
    data_only = ec2.create_snapshots(
        InstanceSpecification={"InstanceId": instance_id, "ExcludeBootVolume": True}
    )["Snapshots"]
    assert [s["VolumeSize"] for s in data_only] == [3]
    with aws_error("InvalidParameterValue"):
        ec2.create_snapshots(
            InstanceSpecification={"InstanceId": instance_id}, CopyTagsFromSource="instance"
        )
    with aws_error("InvalidInstanceID.NotFound"):
        aws("ec2", DEV, EAST).create_snapshots(InstanceSpecification={"InstanceId": instance_id})


def test_attach_and_detach_volumes(aws: ClientFactory) -> None:
    ec2 = aws("ec2", OWNER, EAST)
    image_id = ec2.register_image(
        Name="attach-base",
        RootDeviceName="/dev/xvda",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snapshot(ec2)}}],
    )["ImageId"]
    (instance,) = ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1)["Instances"]
    instance_id = instance["InstanceId"]
    root = instance["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
    volume = ec2.create_volume(AvailabilityZone=f"{EAST}a", Size=4)["VolumeId"]
    elsewhere = ec2.create_volume(AvailabilityZone=f"{EAST}b", Size=4)["VolumeId"]

    attached = ec2.attach_volume(VolumeId=volume, InstanceId=instance_id, Device="/dev/sdf")
    assert (attached["State"], attached["Device"]) == ("attaching", "/dev/sdf")
    ec2.get_waiter("volume_in_use").wait(VolumeIds=[volume], WaiterConfig=FAST)
    (shown,) = ec2.describe_volumes(VolumeIds=[volume])["Volumes"]
    assert shown["Attachments"][0]["State"] == "attached"
    (reservation,) = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"]
    devices = {m["DeviceName"] for m in reservation["Instances"][0]["BlockDeviceMappings"]}
    assert devices == {"/dev/xvda", "/dev/sdf"}

    with aws_error("VolumeInUse", f"{volume} is already attached to an instance"):
        ec2.attach_volume(VolumeId=volume, InstanceId=instance_id, Device="/dev/sdg")
    with aws_error(
        "InvalidVolume.ZoneMismatch",
        f"The volume '{elsewhere}' is not in the same availability zone as instance"
        f" '{instance_id}'",
    ):
        ec2.attach_volume(VolumeId=elsewhere, InstanceId=instance_id, Device="/dev/sdg")
    spare = ec2.create_volume(AvailabilityZone=f"{EAST}a", Size=4)["VolumeId"]
    with aws_error("InvalidParameterValue", "Attachment point /dev/sdf is already in use"):
        ec2.attach_volume(VolumeId=spare, InstanceId=instance_id, Device="/dev/sdf")
    with aws_error(
        "IncorrectState", f"Unable to detach root volume '{root}' from instance '{instance_id}'"
    ):
        ec2.detach_volume(VolumeId=root)
    with aws_error("IncorrectState", f"Volume '{spare}' is in the 'available' state."):
        ec2.detach_volume(VolumeId=spare)

    detached = ec2.detach_volume(VolumeId=volume, InstanceId=instance_id)
    assert (detached["State"], detached["InstanceId"]) == ("detaching", instance_id)
    ec2.get_waiter("volume_available").wait(VolumeIds=[volume], WaiterConfig=FAST)
    # Terminating leaves a volume attached after launch: it was not DeleteOnTermination.
    ec2.attach_volume(VolumeId=volume, InstanceId=instance_id, Device="/dev/sdh")
    ec2.terminate_instances(InstanceIds=[instance_id])
    (left,) = ec2.describe_volumes(VolumeIds=[volume])["Volumes"]
    assert left["State"] == "available"
    with aws_error("IncorrectState", f"Instance '{instance_id}' is not 'running'."):
        ec2.attach_volume(VolumeId=volume, InstanceId=instance_id, Device="/dev/sdf")
    with aws_error("InvalidVolume.NotFound"):
        aws("ec2", DEV, EAST).attach_volume(
            VolumeId=spare, InstanceId=instance_id, Device="/dev/sdf"
        )


@pytest.mark.cli
def test_cli_copies_a_snapshot_across_regions(cli: Any, aws: ClientFactory) -> None:
    source = snapshot(aws("ec2", OWNER, EAST))
    made = cli(
        "ec2",
        "copy-snapshot",
        "--source-region",
        EAST,
        "--source-snapshot-id",
        source,
        "--encrypted",
        account=OWNER,
        region=WEST,
    )
    cli(
        "ec2",
        "wait",
        "snapshot-completed",
        "--snapshot-ids",
        made["SnapshotId"],
        account=OWNER,
        region=WEST,
    )
    shown = cli(
        "ec2",
        "describe-snapshots",
        "--snapshot-ids",
        made["SnapshotId"],
        account=OWNER,
        region=WEST,
    )
    assert shown["Snapshots"][0]["Encrypted"] is True
