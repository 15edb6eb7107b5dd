"""The most common error of each served operation, compared with a real AWS answer on record.

Each test names where the answer was recorded (a public bug report or log quoting AWS's
body). Operations with no record found are listed in docs/semantics.md, "Known differences
from AWS"."""

from __future__ import annotations

import pytest

from tests.e2e.worlds import Client, ClientFactory, aws_error, register_image_from_snapshot

AZ = "us-east-1a"


@pytest.fixture
def ec2(aws: ClientFactory) -> Client:
    return aws("ec2", account="444455556666")


def _snapshot(ec2: Client) -> str:
    volume = ec2.create_volume(AvailabilityZone=AZ, Size=8)["VolumeId"]
    return ec2.create_snapshot(VolumeId=volume)["SnapshotId"]


def test_register_and_create_image_with_a_name_in_use(ec2: Client) -> None:
    """ticketea/forseti#14 records the body: InvalidAMIName.Duplicate, "AMI name
    afrodita-ami-2015-07-17-3 is already in use by AMI ami-c6f4bab1" (hashicorp/packer#880
    the same for RegisterImage)."""
    image = register_image_from_snapshot(ec2, name="afrodita-ami-2015-07-17-3")
    with aws_error(
        "InvalidAMIName.Duplicate",
        f"AMI name afrodita-ami-2015-07-17-3 is already in use by AMI {image}",
    ):
        register_image_from_snapshot(ec2, name="afrodita-ami-2015-07-17-3")


def test_delete_snapshot_in_use_by_an_image(ec2: Client) -> None:
    """sebdah/automated-ebs-snapshots#4 records the body: InvalidSnapshot.InUse, "The
    snapshot snap-913bd876 is currently in use by ami-836f95f4"."""
    snapshot = _snapshot(ec2)
    image = ec2.register_image(
        Name="in-use",
        RootDeviceName="/dev/xvda",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snapshot}}],
    )["ImageId"]
    with aws_error(
        "InvalidSnapshot.InUse", f"The snapshot {snapshot} is currently in use by {image}"
    ):
        ec2.delete_snapshot(SnapshotId=snapshot)


def test_create_volume_from_a_snapshot_that_does_not_exist(ec2: Client) -> None:
    """kvnn/OrdControl#13 and #2 record Terraform's CreateVolume failing with
    "InvalidSnapshot.NotFound: Snapshot does not exist" (no id in the message)."""
    with aws_error("InvalidSnapshot.NotFound", "Snapshot does not exist"):
        ec2.create_volume(AvailabilityZone=AZ, SnapshotId="snap-053e9c0f45613d523")


def test_create_snapshot_and_describe_volumes_of_a_volume_that_does_not_exist(
    ec2: Client,
) -> None:
    """velero-io/velero#746 records CreateSnapshot answering "InvalidVolume.NotFound: The
    volume 'vol-083d4997175cd0a45' does not exist."; velero-io/velero#3122 the same for
    DescribeVolumes."""
    message = "The volume 'vol-083d4997175cd0a45' does not exist."
    with aws_error("InvalidVolume.NotFound", message):
        ec2.create_snapshot(VolumeId="vol-083d4997175cd0a45")
    with aws_error("InvalidVolume.NotFound", message):
        ec2.describe_volumes(VolumeIds=["vol-083d4997175cd0a45"])


@pytest.mark.parametrize("resource", ["107.20.243.249", "2014-10-21T13:34:24.000Z"])
def test_create_tags_on_something_that_is_not_an_id(ec2: Client, resource: str) -> None:
    """pulumi/pulumi-aws#502 and cloudavail/aws-missing-tools#71 record CreateTags
    answering "InvalidID: The ID '107.20.243.249' is not valid" (and for a date)."""
    with aws_error("InvalidID", f"The ID '{resource}' is not valid"):
        ec2.create_tags(Resources=[resource], Tags=[{"Key": "k", "Value": "v"}])
    with aws_error("InvalidID", f"The ID '{resource}' is not valid"):
        ec2.delete_tags(Resources=[resource], Tags=[{"Key": "k"}])


def test_create_tags_on_an_id_with_a_tail_that_is_not_hexadecimal(ec2: Client) -> None:
    """kubernetes/cloud-provider-aws#1387 records CreateTags answering "InvalidID: The ID
    'i-eCHmOTcEW0OZ9KbNe' is not valid", where DescribeInstances looks such an id up."""
    with aws_error("InvalidID", "The ID 'i-eCHmOTcEW0OZ9KbNe' is not valid"):
        ec2.create_tags(Resources=["i-eCHmOTcEW0OZ9KbNe"], Tags=[{"Key": "k", "Value": "v"}])
    with aws_error("InvalidInstanceID.NotFound"):
        ec2.describe_instances(InstanceIds=["i-eCHmOTcEW0OZ9KbNe"])


def test_describe_account_that_does_not_exist(aws: ClientFactory) -> None:
    """aws-ia/terraform-aws-control_tower_account_factory#289 records "An error occurred
    (AccountNotFoundException) when calling the DescribeAccount operation: You specified an
    account that doesn't exist."."""
    org = aws("organizations", account="121212121212")
    org.create_organization(FeatureSet="ALL")
    with aws_error("AccountNotFoundException", "You specified an account that doesn't exist."):
        org.describe_account(AccountId="000011112222")


def test_organizations_calls_outside_an_organization(aws: ClientFactory) -> None:
    """org-formation/org-formation-cli#380 records "Your account is not a member of an
    organization." (AWSOrganizationsNotInUseException)."""
    org = aws("organizations", account="131313131313")
    with aws_error(
        "AWSOrganizationsNotInUseException", "Your account is not a member of an organization."
    ):
        org.describe_organization()


def test_terminate_instances_that_do_not_exist(ec2: Client) -> None:
    """kubernetes/kops#592 records TerminateInstances answering "InvalidInstanceID.NotFound:
    The instance ID 'i-2671723e' does not exist"; getmoto/moto#4903 quotes AWS for several:
    "The instance IDs 'i-0f5d8ccc56c69fae4, i-0eecca434287a1a33, i-05a2b7d81718e0678' do not
    exist"."""
    with aws_error("InvalidInstanceID.NotFound", "The instance ID 'i-2671723e' does not exist"):
        ec2.terminate_instances(InstanceIds=["i-2671723e"])
    ids = ["i-0f5d8ccc56c69fae4", "i-0eecca434287a1a33", "i-05a2b7d81718e0678"]
    with aws_error(
        "InvalidInstanceID.NotFound", f"The instance IDs '{', '.join(ids)}' do not exist"
    ):
        ec2.terminate_instances(InstanceIds=ids)


def test_create_image_with_a_name_in_use(ec2: Client) -> None:
    """mozilla-releng/OpenCloudConfig#77 records "An error occurred (InvalidAMIName.Duplicate)
    when calling the CreateImage operation: AMI name gecko-t-win7-32-cu version ce65a7230147
    is already in use by AMI ami-6a335e0a"."""
    name = "gecko-t-win7-32-cu version ce65a7230147"
    image = register_image_from_snapshot(ec2, name=name)
    instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"][0]
    with aws_error("InvalidAMIName.Duplicate", f"AMI name {name} is already in use by AMI {image}"):
        ec2.create_image(InstanceId=instance["InstanceId"], Name=name)
