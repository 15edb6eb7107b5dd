"""Build organizations and images through the public APIs, the way a user would.

Everything here goes over the wire (boto3 against the running emulator), so the e2e tests
depend on nothing but AWS behaviour.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError

Client = Any  # a boto3 client; botocore generates the classes, so there is no static type
ClientFactory = Callable[..., Client]

MANAGEMENT = "123456789012"  # the reference text's management account number
OUTSIDER = "999988887777"  # a standalone account that never joins an organization
INSTANCE_TYPE = "t3.micro"


@dataclass(frozen=True)
class Ou:
    id: str
    arn: str


@dataclass(frozen=True)
class OrgWorld:
    """One organization laid out like the reference text's diagram.

    root
    ├── management, owner, root_account          (directly under the root)
    ├── shared OU ── shared_account
    │   └── nested OU ── nested_account
    └── sibling OU ── sibling_account
    outsider: a standalone account in no organization
    """

    management: str
    org_id: str
    org_arn: str
    root_id: str
    shared_ou: Ou
    nested_ou: Ou
    sibling_ou: Ou
    owner: str
    root_account: str
    shared_account: str
    nested_account: str
    sibling_account: str
    outsider: str = OUTSIDER

    @property
    def members(self) -> tuple[str, ...]:
        """Every account in the organization, the image owner excluded."""
        return (
            self.management,
            self.root_account,
            self.shared_account,
            self.nested_account,
            self.sibling_account,
        )


def create_account(org: Client, name: str, email: str) -> str:
    """CreateAccount, following the status to the new account id."""
    status = org.create_account(Email=email, AccountName=name)
    status = status["CreateAccountStatus"]
    if "AccountId" not in status:
        status = org.describe_create_account_status(CreateAccountRequestId=status["Id"])
        status = status["CreateAccountStatus"]
    assert status["State"] == "SUCCEEDED", status
    return status["AccountId"]


def create_ou(org: Client, parent_id: str, name: str) -> Ou:
    ou = org.create_organizational_unit(ParentId=parent_id, Name=name)["OrganizationalUnit"]
    return Ou(id=ou["Id"], arn=ou["Arn"])


def build_org(aws: ClientFactory, management: str = MANAGEMENT) -> OrgWorld:
    """Create the organization, its OUs and accounts, and move each account into place."""
    org = aws("organizations", account=management)
    created = org.create_organization(FeatureSet="ALL")["Organization"]
    root_id = org.list_roots()["Roots"][0]["Id"]
    shared = create_ou(org, root_id, "shared")
    nested = create_ou(org, shared.id, "nested")
    sibling = create_ou(org, root_id, "sibling")
    accounts = {
        # Emails are unique across organizations, so they carry the management account.
        name: create_account(org, name, f"{name}+{management}@example.com")
        for name in ("owner", "root-account", "shared-account", "nested-account", "sibling")
    }
    for name, ou in (("shared-account", shared), ("nested-account", nested), ("sibling", sibling)):
        org.move_account(
            AccountId=accounts[name], SourceParentId=root_id, DestinationParentId=ou.id
        )
    return OrgWorld(
        management=management,
        org_id=created["Id"],
        org_arn=created["Arn"],
        root_id=root_id,
        shared_ou=shared,
        nested_ou=nested,
        sibling_ou=sibling,
        owner=accounts["owner"],
        root_account=accounts["root-account"],
        shared_account=accounts["shared-account"],
        nested_account=accounts["nested-account"],
        sibling_account=accounts["sibling"],
    )


def register_image(ec2: Client, name: str = "web-server", **extra: Any) -> str:
    """RegisterImage in its shortest form: a name only."""
    return ec2.register_image(Name=name, **extra)["ImageId"]


def register_image_from_snapshot(ec2: Client, name: str = "from-snapshot", **extra: Any) -> str:
    """CreateVolume → CreateSnapshot → RegisterImage with a root block device mapping."""
    region = ec2.meta.region_name
    volume = ec2.create_volume(AvailabilityZone=f"{region}a", Size=8)["VolumeId"]
    snapshot = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    return ec2.register_image(
        Name=name,
        Architecture="x86_64",
        RootDeviceName="/dev/xvda",
        VirtualizationType="hvm",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snapshot}}],
        **extra,
    )["ImageId"]


def share(ec2: Client, image_id: str, *entries: dict[str, str]) -> None:
    """ModifyImageAttribute LaunchPermission.Add with the given entries."""
    ec2.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": list(entries)})


def unshare(ec2: Client, image_id: str, *entries: dict[str, str]) -> None:
    ec2.modify_image_attribute(ImageId=image_id, LaunchPermission={"Remove": list(entries)})


def launch(ec2: Client, image_id: str, count: int = 1) -> list[str]:
    """RunInstances; returns the new instance ids."""
    reply = ec2.run_instances(
        ImageId=image_id, MinCount=count, MaxCount=count, InstanceType=INSTANCE_TYPE
    )
    return [i["InstanceId"] for i in reply["Instances"]]


def executable_ids(ec2: Client) -> set[str]:
    """Image ids DescribeImages(ExecutableUsers=['self']) answers."""
    images = ec2.describe_images(ExecutableUsers=["self"])["Images"]
    return {i["ImageId"] for i in images}


def launch_permissions(ec2: Client, image_id: str) -> list[dict[str, str]]:
    reply = ec2.describe_image_attribute(ImageId=image_id, Attribute="launchPermission")
    return reply["LaunchPermissions"]


def image(ec2: Client, image_id: str) -> dict[str, Any]:
    """The one image DescribeImages answers for an id."""
    (found,) = ec2.describe_images(ImageIds=[image_id])["Images"]
    return found


@contextmanager
def aws_error(code: str, message: str | None = None, status: int = 400) -> Iterator[None]:
    """Expect the block to fail with this AWS error code (and exact message, when given)."""
    with pytest.raises(ClientError) as caught:
        yield
    error = caught.value.response["Error"]
    assert error["Code"] == code, error
    if message is not None:
        assert error["Message"] == message, error
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == status


def not_found(image_id: str) -> tuple[str, str]:
    return "InvalidAMIID.NotFound", f"The image id '[{image_id}]' does not exist"


def not_authorized_to_launch(image_id: str) -> tuple[str, str]:
    return "AuthFailure", f"Not authorized for images: [{image_id}]"


def not_authorized_for_image(image_id: str) -> tuple[str, str]:
    return "AuthFailure", f"Not authorized for image:{image_id}"


def assert_cannot_use(ec2: Client, image_id: str) -> None:
    """The account neither sees nor launches the image, as a non-shared account."""
    assert image_id not in executable_ids(ec2)
    with aws_error(*not_found(image_id)):
        ec2.describe_images(ImageIds=[image_id])
    with aws_error(*not_authorized_to_launch(image_id)):
        launch(ec2, image_id)


def assert_can_use(ec2: Client, image_id: str) -> None:
    """The account finds the image as shared with it and launches it."""
    assert image_id in executable_ids(ec2)
    assert image(ec2, image_id)["ImageId"] == image_id
    assert len(launch(ec2, image_id)) == 1
