"""Bad input to every lifecycle operation answers AWS's error code and message (boto3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.config import Config

from emulator.testing.pytest_plugin import AmiClock
from tests.e2e.worlds import (
    Client,
    ClientFactory,
    OrgWorld,
    aws_error,
    not_authorized_for_image,
    not_found,
    register_image,
    share,
)

OWNER_ONLY = (
    "disable_image",
    "enable_image",
    "disable_image_deprecation",
    "enable_image_deregistration_protection",
    "disable_image_deregistration_protection",
)
EVERY_ONE_ID = (*OWNER_ONLY, "cancel_image_launch_permission", "get_image_ancestry")
MISSING = "ami-00000000"


def unvalidated(server, account: str) -> Client:
    """A client that sends what it is given, so the server's own checks answer."""
    return boto3.client(
        "ec2",
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id=account,
        aws_secret_access_key="x",
        config=Config(parameter_validation=False, retries={"max_attempts": 1}),
    )


@pytest.mark.parametrize("operation", EVERY_ONE_ID)
def test_a_malformed_or_unknown_id(operation: str, owner: Client) -> None:
    call = getattr(owner, operation)
    with aws_error("InvalidAMIID.Malformed", 'Invalid id: "banana" (expecting "ami-...")'):
        call(ImageId="banana")
    with aws_error(*not_found(MISSING)):
        call(ImageId=MISSING)


@pytest.mark.parametrize("operation", OWNER_ONLY)
def test_only_the_owner_may_change_the_lifecycle(
    operation: str, aws: ClientFactory, world: OrgWorld, owner: Client
) -> None:
    image_id = register_image(owner)
    share(owner, image_id, {"OrganizationArn": world.org_arn})
    member = aws("ec2", account=world.shared_account)
    with aws_error(*not_authorized_for_image(image_id)):
        getattr(member, operation)(ImageId=image_id)
    with aws_error(*not_authorized_for_image(image_id)):
        member.enable_image_deprecation(
            ImageId=image_id, DeprecateAt=datetime.now(UTC) + timedelta(days=1)
        )


def test_deprecation_times_out_of_bounds(owner: Client, ami_clock: AmiClock) -> None:
    image_id = register_image(owner)
    now = ami_clock.set("2030-01-01T00:00:00Z", frozen=True)
    with aws_error(
        "InvalidParameterValue",
        "Value (2029-12-31T23:59:00.000Z) for parameter DeprecateAt is invalid. The deprecation"
        " time can't be in the past.",
    ):
        owner.enable_image_deprecation(ImageId=image_id, DeprecateAt=now - timedelta(minutes=1))
    with aws_error(
        "InvalidParameterValue",
        "Value (2040-01-01T00:00:00.000Z) for parameter DeprecateAt is invalid. The deprecation"
        " time can't be later than 2039-12-30T00:00:00.000Z (10 years from now).",
    ):
        owner.enable_image_deprecation(ImageId=image_id, DeprecateAt="2040-01-01T00:00:00Z")
    # The bounds are kept: exactly now, and 10 years ahead.
    owner.enable_image_deprecation(ImageId=image_id, DeprecateAt=now)
    owner.enable_image_deprecation(ImageId=image_id, DeprecateAt="2039-12-30T00:00:00Z")


def test_a_public_image_is_deprecated_within_two_years_of_its_creation(
    owner: Client, ami_clock: AmiClock
) -> None:
    ami_clock.set("2030-01-01T00:00:00Z", frozen=True)
    image_id = register_image(owner)
    share(owner, image_id, {"Group": "all"})
    with aws_error(
        "InvalidParameterValue",
        "Value (2032-06-01T00:00:00.000Z) for parameter DeprecateAt is invalid. The deprecation"
        " time can't be later than 2032-01-01T00:00:00.000Z (2 years after the creation of a"
        " public AMI).",
    ):
        owner.enable_image_deprecation(ImageId=image_id, DeprecateAt="2032-06-01T00:00:00Z")
    owner.enable_image_deprecation(ImageId=image_id, DeprecateAt="2031-06-01T00:00:00Z")


def test_deprecate_at_is_required(server, owner: Client) -> None:
    image_id = register_image(owner)
    raw = unvalidated(server, _account_of(owner))
    with aws_error("MissingParameter", "The request must contain the parameter DeprecateAt"):
        raw.enable_image_deprecation(ImageId=image_id)
    with aws_error("MissingParameter", "The request must contain the parameter ImageId"):
        raw.disable_image()


def _account_of(client: Client) -> str:
    return client._request_signer._credentials.access_key


def test_cancelling_a_share_that_is_not_by_account(
    aws: ClientFactory, world: OrgWorld, owner: Client
) -> None:
    image_id = register_image(owner)
    with aws_error(
        "OperationNotPermitted",
        f"You own the image '{image_id}': remove its launch permissions with"
        " ModifyImageAttribute instead.",
    ):
        owner.cancel_image_launch_permission(ImageId=image_id)
    share(owner, image_id, {"OrganizationalUnitArn": world.shared_ou.arn})
    nested = aws("ec2", account=world.nested_account)
    with aws_error(
        "OperationNotPermitted",
        f"The image '{image_id}' is not shared with your account directly (it reaches it"
        " through: ou); only its owner can remove that launch permission.",
    ):
        nested.cancel_image_launch_permission(ImageId=image_id)
    share(owner, image_id, {"OrganizationArn": world.org_arn})
    with aws_error("OperationNotPermitted", None):
        aws("ec2", account=world.root_account).cancel_image_launch_permission(ImageId=image_id)
    share(owner, image_id, {"Group": "all"})
    with aws_error(
        "OperationNotPermitted",
        f"The image '{image_id}' is not shared with your account directly (it reaches it"
        " through: public); only its owner can remove that launch permission.",
    ):
        aws("ec2", account=world.outsider).cancel_image_launch_permission(ImageId=image_id)


def test_image_references_need_types_and_valid_options(owner: Client, server) -> None:
    image_id = register_image(owner)
    with aws_error(
        "MissingParameter", "Either IncludeAllResourceTypes or ResourceTypes must be specified."
    ):
        owner.describe_image_references(ImageIds=[image_id])
    bad = [
        (
            {"ResourceType": "ec2:Volume"},
            "Value (ec2:Volume) for parameter ResourceType is invalid.",
        ),
        (
            {
                "ResourceType": "ec2:Instance",
                "ResourceTypeOptions": [{"OptionName": "state-name", "OptionValues": ["asleep"]}],
            },
            "Value (asleep) for parameter state-name is invalid.",
        ),
        (
            {
                "ResourceType": "ec2:Instance",
                "ResourceTypeOptions": [{"OptionName": "version-depth", "OptionValues": ["3"]}],
            },
            "Value (version-depth) for parameter OptionName is invalid.",
        ),
        (
            {
                "ResourceType": "ec2:LaunchTemplate",
                "ResourceTypeOptions": [{"OptionName": "version-depth", "OptionValues": ["0"]}],
            },
            "Value (0) for parameter version-depth is invalid.",
        ),
    ]
    for entry, message in bad:
        with aws_error("InvalidParameterValue", message):
            owner.describe_image_references(ImageIds=[image_id], ResourceTypes=[entry])
    with aws_error("InvalidAMIID.Malformed"):
        owner.describe_image_references(ImageIds=["nope"], IncludeAllResourceTypes=True)
    with aws_error("MissingParameter", "The request must contain the parameter ImageId"):
        unvalidated(server, _account_of(owner)).describe_image_references(
            IncludeAllResourceTypes=True
        )


def test_no_deprecation_filter_and_a_disabled_image_keeps_its_snapshots(owner: Client) -> None:
    volume = owner.create_volume(AvailabilityZone="us-east-1a", Size=8)["VolumeId"]
    snapshot = owner.create_snapshot(VolumeId=volume)["SnapshotId"]
    image_id = owner.register_image(
        Name="held",
        RootDeviceName="/dev/xvda",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snapshot}}],
    )["ImageId"]
    owner.disable_image(ImageId=image_id)
    with aws_error(
        "InvalidSnapshot.InUse", f"The snapshot {snapshot} is currently in use by {image_id}"
    ):
        owner.delete_snapshot(SnapshotId=snapshot)
    with aws_error("InvalidParameterValue", "The filter 'deprecation-time' is invalid"):
        owner.describe_images(Filters=[{"Name": "deprecation-time", "Values": ["*"]}])
