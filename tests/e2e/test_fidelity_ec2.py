"""EC2 answers pinned to AWS's recorded ones: id rules per kind, snapshot sharing items,
CreateVolume defaults and limits. Each test names the record it follows."""

from __future__ import annotations

import pytest

from tests.e2e.worlds import Client, ClientFactory, aws_error, not_found

AZ = "us-east-1a"


@pytest.fixture
def ec2(aws: ClientFactory) -> Client:
    return aws("ec2", account="444455556666")


@pytest.mark.parametrize("image_id", ["ami-fake123", "ami-missing", "ami-unknown-ami"])
def test_any_ami_prefixed_id_is_looked_up(ec2: Client, image_id: str) -> None:
    """github.com/aws/aws-sdk/issues/97 records the body AWS sent for ``ami-fake123``:
    InvalidAMIID.NotFound, "The image id '[ami-fake123]' does not exist"."""
    with aws_error(*not_found(image_id)):
        ec2.describe_images(ImageIds=[image_id])


def test_short_hex_ids_are_padded_to_eight_digits(ec2: Client) -> None:
    """github.com/aws/aws-cli/issues/2945: RunInstances with ``ami-c636c6b`` answered
    "The image id '[ami-0c636c6b]' does not exist"."""
    with aws_error(*not_found("ami-0c636c6b")):
        ec2.run_instances(ImageId="ami-c636c6b", MinCount=1, MaxCount=1)
    with aws_error(*not_found("ami-0c636c6b")):
        ec2.describe_images(ImageIds=["ami-c636c6b"])


def test_several_missing_images_are_listed(ec2: Client) -> None:
    """getmoto/moto#9758 (verified against AWS): "The image ids '[a, b]' do not exist"."""
    with aws_error(
        "InvalidAMIID.NotFound", "The image ids '[ami-abcd1234, ami-1234abcd]' do not exist"
    ):
        ec2.describe_images(ImageIds=["ami-abcd1234", "ami-1234abcd"])


def test_malformed_is_a_missing_prefix_and_names_the_first(ec2: Client) -> None:
    """getmoto/moto#9758 (verified against AWS): ``not_an_ami_id`` is malformed, and with
    several bad ids only the first is named; github.com/hashicorp/terraform/issues/22172
    records 'Invalid id: "{var.ami_id}" (expecting "ami-...")'."""
    message = 'Invalid id: "not_an_ami_id" (expecting "ami-...")'
    with aws_error("InvalidAMIID.Malformed", message):
        ec2.describe_images(ImageIds=["not_an_ami_id", "another_bad_ami_id"])
    with aws_error("InvalidAMIID.Malformed", 'Invalid id: "{var.ami_id}" (expecting "ami-...")'):
        ec2.describe_images(ImageIds=["{var.ami_id}"])


def test_instance_ids(ec2: Client) -> None:
    """github.com/ClusterLabs/cluster-glue/pull/29 records DescribeInstances (and
    StopInstances) answering 'Invalid id: "ma1"' (InvalidInstanceID.Malformed), without an
    "(expecting ...)" tail; an ``i-`` id is looked up like any other kind."""
    with aws_error("InvalidInstanceID.Malformed", 'Invalid id: "ma1"'):
        ec2.describe_instances(InstanceIds=["ma1"])
    with aws_error("InvalidInstanceID.Malformed", 'Invalid id: "ma1"'):
        ec2.terminate_instances(InstanceIds=["ma1"])
    with aws_error("InvalidInstanceID.NotFound", "The instance ID 'i-fake123' does not exist"):
        ec2.describe_instances(InstanceIds=["i-fake123"])
    with aws_error("InvalidInstanceID.NotFound", "The instance ID 'i-0000abcd' does not exist"):
        ec2.describe_instances(InstanceIds=["i-abcd"])


def test_snapshot_and_volume_ids(ec2: Client) -> None:
    """The same rule for ``snap-`` and ``vol-`` (docs/semantics.md, "EC2 ids")."""
    with aws_error("InvalidSnapshot.NotFound", "The snapshot 'snap-fake123' does not exist."):
        ec2.describe_snapshots(SnapshotIds=["snap-fake123"])
    with aws_error("InvalidSnapshotID.Malformed", 'Invalid id: "fake" (expecting "snap-...")'):
        ec2.describe_snapshots(SnapshotIds=["fake"])
    with aws_error("InvalidVolume.NotFound", "The volume 'vol-00000abc' does not exist."):
        ec2.describe_volumes(VolumeIds=["vol-abc"])
    with aws_error("InvalidVolumeID.Malformed", 'Invalid id: "volume-1" (expecting "vol-...")'):
        ec2.describe_volumes(VolumeIds=["volume-1"])


def test_snapshot_sharing_items_answer_as_for_images(ec2: Client) -> None:
    """ModifySnapshotAttribute with a bad user or group answers InvalidAMIAttributeItemValue
    (CloudTrail records of real calls, per issue 15), in the words ModifyImageAttribute uses:
    'Invalid attribute item value "..." for UserGroup item type.'
    (github.com/hashicorp/packer/issues/1068)."""
    vol = ec2.create_volume(AvailabilityZone=AZ, Size=1)["VolumeId"]
    snap = ec2.create_snapshot(VolumeId=vol)["SnapshotId"]
    for item, value, kind in (("UserId", "12", "userId"), ("Group", "everyone", "UserGroup")):
        with aws_error(
            "InvalidAMIAttributeItemValue",
            f'Invalid attribute item value "{value}" for {kind} item type.',
        ):
            ec2.modify_snapshot_attribute(
                SnapshotId=snap,
                Attribute="createVolumePermission",
                OperationType="add",
                **({"UserIds": [value]} if item == "UserId" else {"GroupNames": [value]}),
            )


def test_create_volume_defaults_to_gp2(ec2: Client) -> None:
    """API_CreateVolume, VolumeType: "Default: gp2"."""
    vol = ec2.create_volume(AvailabilityZone=AZ, Size=1)
    assert vol["VolumeType"] == "gp2"
    assert vol["MultiAttachEnabled"] is False


def test_create_volume_needs_size_or_snapshot(ec2: Client) -> None:
    """AWS's words (issue 15): "The request must contain the parameter size/snapshot"."""
    with aws_error("MissingParameter", "The request must contain the parameter size/snapshot"):
        ec2.create_volume(AvailabilityZone=AZ)


def test_throughput_only_for_gp3(ec2: Client) -> None:
    """github.com/runs-on/runs-on/issues/426 records "InvalidParameterCombination:
    throughput can only be specified for volumeType gp3."; 125-1000 MiB/s per
    API_CreateVolume."""
    with aws_error(
        "InvalidParameterCombination", "throughput can only be specified for volumeType gp3."
    ):
        ec2.create_volume(AvailabilityZone=AZ, Size=10, VolumeType="gp2", Throughput=200)
    with aws_error("InvalidParameterValue", "Value (2000) for parameter throughput is invalid."):
        ec2.create_volume(AvailabilityZone=AZ, Size=10, VolumeType="gp3", Throughput=2000)
    vol = ec2.create_volume(AvailabilityZone=AZ, Size=10, VolumeType="gp3", Throughput=500)
    assert vol["Throughput"] == 500


@pytest.mark.parametrize(
    ("volume_type", "low", "high"),
    [("gp3", 3000, 16000), ("io1", 100, 64000), ("io2", 100, 256000)],
)
def test_iops_ranges(ec2: Client, volume_type: str, low: int, high: int) -> None:
    """Iops ranges per type from API_CreateVolume (gp3 3000-16000, io1 100-64000, io2
    100-256000)."""
    with aws_error(
        "InvalidParameterValue", f"Volume iops of {low - 1} is too low; minimum is {low}."
    ):
        ec2.create_volume(AvailabilityZone=AZ, Size=100, VolumeType=volume_type, Iops=low - 1)
    with aws_error(
        "InvalidParameterValue", f"Volume iops of {high + 1} is too high; maximum is {high}."
    ):
        ec2.create_volume(AvailabilityZone=AZ, Size=100, VolumeType=volume_type, Iops=high + 1)
    vol = ec2.create_volume(AvailabilityZone=AZ, Size=100, VolumeType=volume_type, Iops=low)
    assert vol["Iops"] == low


def test_iops_only_where_the_type_has_them(ec2: Client) -> None:
    """API_CreateVolume: Iops "is supported for io1, io2, and gp3 volumes only" and is
    required for io1 and io2."""
    with aws_error(
        "InvalidParameterCombination", "The parameter iops is not supported for gp2 volumes."
    ):
        ec2.create_volume(AvailabilityZone=AZ, Size=10, VolumeType="gp2", Iops=3000)
    with aws_error(
        "InvalidParameterCombination", "The parameter iops must be specified for io1 volumes."
    ):
        ec2.create_volume(AvailabilityZone=AZ, Size=10, VolumeType="io1")


def test_multi_attach_only_io1_io2_and_kept(ec2: Client) -> None:
    """API_CreateVolume: MultiAttachEnabled is for io1 and io2 only."""
    with aws_error("InvalidParameterCombination", "Multi-Attach is not supported for gp3 volumes."):
        ec2.create_volume(AvailabilityZone=AZ, Size=10, VolumeType="gp3", MultiAttachEnabled=True)
    vol = ec2.create_volume(
        AvailabilityZone=AZ, Size=10, VolumeType="io2", Iops=1000, MultiAttachEnabled=True
    )
    assert vol["MultiAttachEnabled"] is True
    (described,) = ec2.describe_volumes(VolumeIds=[vol["VolumeId"]])["Volumes"]
    assert described["MultiAttachEnabled"] is True


@pytest.mark.parametrize(
    ("volume_type", "low", "high", "extra"),
    [
        ("gp2", 1, 16384, {}),
        ("gp3", 1, 16384, {}),
        ("io1", 4, 16384, {"Iops": 100}),
        ("io2", 4, 65536, {"Iops": 100}),
        ("st1", 125, 16384, {}),
        ("sc1", 125, 16384, {}),
        ("standard", 1, 1024, {}),
    ],
)
def test_size_ranges(
    ec2: Client, volume_type: str, low: int, high: int, extra: dict[str, int]
) -> None:
    """Size ranges per type from API_CreateVolume (io2 Block Express up to 65536 GiB)."""
    if low > 1:
        with aws_error(
            "InvalidParameterValue", f"Volume of {low - 1}GiB is too small; minimum is {low}GiB."
        ):
            ec2.create_volume(AvailabilityZone=AZ, Size=low - 1, VolumeType=volume_type, **extra)
    with aws_error(
        "InvalidParameterValue", f"Volume of {high + 1}GiB is too large; maximum is {high}GiB."
    ):
        ec2.create_volume(AvailabilityZone=AZ, Size=high + 1, VolumeType=volume_type, **extra)
    assert ec2.create_volume(AvailabilityZone=AZ, Size=low, VolumeType=volume_type, **extra)
