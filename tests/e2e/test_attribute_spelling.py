"""Attribute names as AWS matches them, and launch permissions sent in both forms at once, with
the exact parameters Ansible's ec2_ami and Packer's amazon-ebs builder send."""

from __future__ import annotations

import pytest

from tests.e2e.worlds import ClientFactory, aws_error

OWNER, USER = "111111111111", "222222222222"
UNKNOWN = "Value ({}) for parameter attribute is invalid. Unknown attribute."


@pytest.fixture
def ec2(aws: ClientFactory):
    return aws("ec2", account=OWNER)


@pytest.fixture
def image(ec2) -> str:
    return ec2.register_image(Name="spelling")["ImageId"]


@pytest.fixture
def snapshot(ec2) -> str:
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8)["VolumeId"]
    return ec2.create_snapshot(VolumeId=volume)["SnapshotId"]


def launch_permissions(ec2, image: str) -> list[dict]:
    return ec2.describe_image_attribute(ImageId=image, Attribute="launchPermission")[
        "LaunchPermissions"
    ]


def volume_permissions(ec2, snapshot: str) -> list[dict]:
    return ec2.describe_snapshot_attribute(SnapshotId=snapshot, Attribute="createVolumePermission")[
        "CreateVolumePermissions"
    ]


def test_ansible_ec2_ami_spellings(ec2, image: str) -> None:
    """ec2_ami: Attribute='Description' with a Description value, and 'LaunchPermission'."""
    ec2.modify_image_attribute(
        Attribute="Description", ImageId=image, Description={"Value": "built by ansible"}
    )
    described = ec2.describe_image_attribute(ImageId=image, Attribute="Description")
    assert described["Description"] == {"Value": "built by ansible"}
    ec2.modify_image_attribute(
        ImageId=image, Attribute="LaunchPermission", LaunchPermission={"Add": [{"UserId": USER}]}
    )
    described = ec2.describe_image_attribute(ImageId=image, Attribute="LaunchPermission")
    assert described["LaunchPermissions"] == [{"UserId": USER}]
    ec2.reset_image_attribute(ImageId=image, Attribute="LaunchPermission")
    assert launch_permissions(ec2, image) == []


@pytest.mark.parametrize("spelling", ["launchpermission", "LAUNCHPERMISSION", "lAuNcHpErMiSsIoN"])
def test_any_case_of_a_model_name_is_that_name(ec2, image: str, spelling: str) -> None:
    ec2.modify_image_attribute(
        ImageId=image, Attribute=spelling, OperationType="add", UserIds=[USER]
    )
    assert ec2.describe_image_attribute(ImageId=image, Attribute=spelling)["LaunchPermissions"] == [
        {"UserId": USER}
    ]


def test_snapshot_attribute_spellings(ec2, snapshot: str) -> None:
    ec2.modify_snapshot_attribute(
        SnapshotId=snapshot,
        Attribute="CreateVolumePermission",
        OperationType="add",
        UserIds=[USER],
    )
    described = ec2.describe_snapshot_attribute(
        SnapshotId=snapshot, Attribute="CreateVolumePermission"
    )
    assert described["CreateVolumePermissions"] == [{"UserId": USER}]
    assert (
        ec2.describe_snapshot_attribute(SnapshotId=snapshot, Attribute="ProductCodes")[
            "ProductCodes"
        ]
        == []
    )
    ec2.reset_snapshot_attribute(SnapshotId=snapshot, Attribute="CreateVolumePermission")
    assert volume_permissions(ec2, snapshot) == []


def test_names_of_no_attribute_are_refused_as_sent(ec2, image: str, snapshot: str) -> None:
    for call in (
        lambda: ec2.describe_image_attribute(ImageId=image, Attribute="LaunchPermissions"),
        lambda: ec2.reset_image_attribute(ImageId=image, Attribute="LaunchPermissions"),
        lambda: ec2.modify_image_attribute(
            ImageId=image, Attribute="LaunchPermissions", OperationType="add", UserIds=[USER]
        ),
    ):
        with aws_error("InvalidParameterValue", UNKNOWN.format("LaunchPermissions")):
            call()
    with aws_error("InvalidParameterValue", UNKNOWN.format("Create_Volume_Permission")):
        ec2.describe_snapshot_attribute(SnapshotId=snapshot, Attribute="Create_Volume_Permission")


def test_packer_users_both_forms_at_once(ec2, image: str) -> None:
    """amazon-ebs `ami_users`: UserIds and LaunchPermission.Add of the same accounts, with no
    Attribute and no OperationType; each account is added once."""
    others = [USER, "333333333333"]
    ec2.modify_image_attribute(
        ImageId=image,
        UserIds=others,
        LaunchPermission={"Add": [{"UserId": u} for u in others]},
    )
    assert launch_permissions(ec2, image) == [{"UserId": u} for u in others]
    # Terraform's aws_ami_launch_permission reads back by exact match: once, however sent.
    ec2.modify_image_attribute(
        ImageId=image, UserIds=[USER], LaunchPermission={"Add": [{"UserId": USER}]}
    )
    assert launch_permissions(ec2, image) == [{"UserId": u} for u in others]


def test_packer_groups_both_forms_at_once(ec2, image: str) -> None:
    """amazon-ebs `ami_groups = ["all"]`: UserGroups and LaunchPermission.Add Group."""
    ec2.modify_image_attribute(
        ImageId=image, UserGroups=["all"], LaunchPermission={"Add": [{"Group": "all"}]}
    )
    assert launch_permissions(ec2, image) == [{"Group": "all"}]
    (described,) = ec2.describe_images(ImageIds=[image])["Images"]
    assert described["Public"] is True


def test_packer_snapshot_users_both_forms_at_once(ec2, snapshot: str) -> None:
    """amazon-ebs `snapshot_users` and `snapshot_groups`."""
    ec2.modify_snapshot_attribute(
        SnapshotId=snapshot,
        UserIds=[USER],
        CreateVolumePermission={"Add": [{"UserId": USER}]},
    )
    assert volume_permissions(ec2, snapshot) == [{"UserId": USER}]
    ec2.modify_snapshot_attribute(
        SnapshotId=snapshot, GroupNames=["all"], CreateVolumePermission={"Add": [{"Group": "all"}]}
    )
    assert sorted(map(str, volume_permissions(ec2, snapshot))) == sorted(
        map(str, [{"UserId": USER}, {"Group": "all"}])
    )


def test_both_forms_with_an_operation_type_add_once(ec2, image: str) -> None:
    ec2.modify_image_attribute(
        ImageId=image,
        Attribute="launchPermission",
        OperationType="add",
        UserIds=[USER],
        LaunchPermission={"Add": [{"UserId": USER}]},
    )
    assert launch_permissions(ec2, image) == [{"UserId": USER}]


def test_a_flat_list_alone_still_needs_its_operation_type(ec2, image: str) -> None:
    with aws_error("MissingParameter"):
        ec2.modify_image_attribute(ImageId=image, UserIds=[USER])
    with aws_error(
        "InvalidParameterValue",
        "Value (replace) for parameter operationType is invalid. Expected: add, remove.",
    ):
        ec2.modify_image_attribute(ImageId=image, UserIds=[USER], OperationType="replace")


@pytest.mark.cli
def test_the_cli_with_capitalised_names(cli, ec2, image: str) -> None:
    cli(
        "ec2",
        "modify-image-attribute",
        "--image-id",
        image,
        "--attribute",
        "LaunchPermission",
        "--operation-type",
        "add",
        "--user-ids",
        USER,
        account=OWNER,
    )
    out = cli(
        "ec2",
        "describe-image-attribute",
        "--image-id",
        image,
        "--attribute",
        "LaunchPermission",
        account=OWNER,
    )
    assert out["LaunchPermissions"] == [{"UserId": USER}]
