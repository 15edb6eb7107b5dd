"""What one account can learn about another account's resources, over the wire.

An account that may not see a resource gets the answer it would get for an id that was never
made; the differences that remain are the ones AWS has too (docs/semantics.md, "What another
account can learn"), and the tests here pin each of them.

The demo world: 123456789012 (management) owns the images; 111122223333 (Dev, Engineering OU),
222233334444 (Platform, under Engineering) and 555566667777 (Finance) are members;
999988887777 is in no organization.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from emulator.core.ids import IdSource
from tests.conftest import ClientFactory
from tests.e2e.worlds import Client, aws_error

OWNER, DEV, PLATFORM, FINANCE, OUTSIDER = (
    "123456789012",
    "111122223333",
    "222233334444",
    "555566667777",
    "999988887777",
)
REGION = "us-east-1"
ORG_ARN = "arn:aws:organizations::123456789012:organization/o-123example"
ABSENT = {
    "image": "ami-0123456789abcdef0",
    "snapshot": "snap-0123456789abcdef0",
    "volume": "vol-0123456789abcdef0",
    "instance": "i-0123456789abcdef0",
}

pytestmark = pytest.mark.ami_scenario("demo")


def answer(call: Callable[[], Any]) -> tuple[str, str, int]:
    """The error a call answers: code, message, HTTP status."""
    with pytest.raises(ClientError) as caught:
        call()
    error = caught.value.response["Error"]
    return (
        error["Code"],
        error["Message"],
        caught.value.response["ResponseMetadata"]["HTTPStatusCode"],
    )


def assert_same_answer(existing: str, absent: str, call: Callable[[str], Any]) -> None:
    """``call`` answers an id that exists (but is not the caller's to see) exactly as it
    answers an id that was never made, the id itself aside."""
    code, message, status = answer(lambda: call(existing))
    absent_code, absent_message, absent_status = answer(lambda: call(absent))
    assert (code, message.replace(existing, "<id>"), status) == (
        absent_code,
        absent_message.replace(absent, "<id>"),
        absent_status,
    )


def ids(images: list[dict[str, Any]]) -> set[str]:
    return {i["ImageId"] for i in images}


def register(ec2: Client, name: str) -> str:
    return ec2.register_image(Name=name)["ImageId"]


def share(ec2: Client, image_id: str, *entries: dict[str, str]) -> None:
    ec2.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": list(entries)})


# ---- DescribeImages ExecutableUsers --------------------------------------------------------


def test_executable_users_with_another_accounts_id_scopes_the_callers_own_images(
    aws: ClientFactory,
) -> None:
    owner = aws("ec2", OWNER)
    both = register(owner, "org-and-platform")
    share(owner, both, {"OrganizationArn": ORG_ARN}, {"UserId": PLATFORM})
    only_platform = register(owner, "platform-only")
    share(owner, only_platform, {"UserId": PLATFORM})
    dev = aws("ec2", DEV)
    mine = register(dev, "dev-shares-with-platform")
    share(dev, mine, {"UserId": PLATFORM})
    # Dev may launch `both` through the organization, but who else the owner named is the
    # owner's business: another account's id scopes only the caller's own images.
    assert ids(dev.describe_images(ExecutableUsers=[PLATFORM])["Images"]) == {mine}
    assert ids(dev.describe_images(ExecutableUsers=["self", PLATFORM])["Images"]) == {both, mine}
    assert ids(owner.describe_images(ExecutableUsers=[PLATFORM])["Images"]) == {
        both,
        only_platform,
    }
    # The caller's own id is `self`.
    assert ids(dev.describe_images(ExecutableUsers=[DEV])["Images"]) == {both}


# ---- what DescribeImages shows of another account's image ---------------------------------


def test_only_the_owner_sees_when_an_image_was_last_launched(aws: ClientFactory) -> None:
    owner = aws("ec2", OWNER)
    image_id = register(owner, "launched")
    share(owner, image_id, {"OrganizationArn": ORG_ARN})
    aws("ec2", FINANCE).run_instances(ImageId=image_id, MinCount=1, MaxCount=1)
    (as_owner,) = owner.describe_images(ImageIds=[image_id])["Images"]
    assert "LastLaunchedTime" in as_owner
    (as_dev,) = aws("ec2", DEV).describe_images(ImageIds=[image_id])["Images"]
    assert "LastLaunchedTime" not in as_dev
    with aws_error("AuthFailure", f"Not authorized for image:{image_id}"):
        aws("ec2", DEV).describe_image_attribute(ImageId=image_id, Attribute="lastLaunchedTime")


# ---- a resource the caller may not see answers like one that was never made ---------------


def private_resources(aws: ClientFactory) -> dict[str, str]:
    """An image, snapshot, volume and instance of the owner, none shared with anyone."""
    owner = aws("ec2", OWNER)
    volume = owner.create_volume(AvailabilityZone=f"{REGION}a", Size=8)["VolumeId"]
    snapshot = owner.create_snapshot(VolumeId=volume)["SnapshotId"]
    image = register(owner, "private")
    (instance,) = owner.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"]
    return {
        "image": image,
        "snapshot": snapshot,
        "volume": volume,
        "instance": instance["InstanceId"],
    }


CALLS: dict[str, tuple[str, Callable[[Client, str], Any]]] = {
    "DescribeImages": ("image", lambda ec2, i: ec2.describe_images(ImageIds=[i])),
    "DescribeImageAttribute": (
        "image",
        lambda ec2, i: ec2.describe_image_attribute(ImageId=i, Attribute="launchPermission"),
    ),
    "ModifyImageAttribute": (
        "image",
        lambda ec2, i: ec2.modify_image_attribute(
            ImageId=i, LaunchPermission={"Add": [{"UserId": DEV}]}
        ),
    ),
    "ResetImageAttribute": (
        "image",
        lambda ec2, i: ec2.reset_image_attribute(ImageId=i, Attribute="launchPermission"),
    ),
    "DeregisterImage": ("image", lambda ec2, i: ec2.deregister_image(ImageId=i)),
    "CreateTags": (
        "image",
        lambda ec2, i: ec2.create_tags(Resources=[i], Tags=[{"Key": "k", "Value": "v"}]),
    ),
    "DeleteTags": ("image", lambda ec2, i: ec2.delete_tags(Resources=[i])),
    "CopyImage": (
        "image",
        lambda ec2, i: ec2.copy_image(Name="copy", SourceImageId=i, SourceRegion=REGION),
    ),
    "DescribeSnapshots": ("snapshot", lambda ec2, s: ec2.describe_snapshots(SnapshotIds=[s])),
    "DescribeSnapshotAttribute": (
        "snapshot",
        lambda ec2, s: ec2.describe_snapshot_attribute(
            SnapshotId=s, Attribute="createVolumePermission"
        ),
    ),
    "ModifySnapshotAttribute": (
        "snapshot",
        lambda ec2, s: ec2.modify_snapshot_attribute(
            SnapshotId=s, CreateVolumePermission={"Add": [{"UserId": DEV}]}
        ),
    ),
    "DeleteSnapshot": ("snapshot", lambda ec2, s: ec2.delete_snapshot(SnapshotId=s)),
    "CreateVolume": (
        "snapshot",
        lambda ec2, s: ec2.create_volume(AvailabilityZone=f"{REGION}a", SnapshotId=s),
    ),
    "RegisterImage": (
        "snapshot",
        lambda ec2, s: ec2.register_image(
            Name="over-theirs",
            RootDeviceName="/dev/xvda",
            BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": s}}],
        ),
    ),
    "DescribeVolumes": ("volume", lambda ec2, v: ec2.describe_volumes(VolumeIds=[v])),
    "DeleteVolume": ("volume", lambda ec2, v: ec2.delete_volume(VolumeId=v)),
    "CreateSnapshot": ("volume", lambda ec2, v: ec2.create_snapshot(VolumeId=v)),
    "DescribeInstances": ("instance", lambda ec2, i: ec2.describe_instances(InstanceIds=[i])),
    "TerminateInstances": ("instance", lambda ec2, i: ec2.terminate_instances(InstanceIds=[i])),
    "CreateImage": ("instance", lambda ec2, i: ec2.create_image(InstanceId=i, Name="theirs")),
}


@pytest.mark.parametrize("operation", sorted(CALLS))
def test_another_accounts_private_resource_answers_like_a_missing_one(
    aws: ClientFactory, operation: str
) -> None:
    kind, call = CALLS[operation]
    existing = private_resources(aws)[kind]
    for account in (DEV, OUTSIDER):
        ec2 = aws("ec2", account)
        assert_same_answer(existing, ABSENT[kind], lambda i, ec2=ec2: call(ec2, i))


def test_run_instances_tells_an_existing_image_apart_as_aws_does(aws: ClientFactory) -> None:
    existing = private_resources(aws)["image"]
    dev = aws("ec2", DEV)
    with aws_error("AuthFailure", f"Not authorized for images: [{existing}]"):
        dev.run_instances(ImageId=existing, MinCount=1, MaxCount=1)
    absent = ABSENT["image"]
    with aws_error("InvalidAMIID.NotFound", f"The image id '[{absent}]' does not exist"):
        dev.run_instances(ImageId=absent, MinCount=1, MaxCount=1)


def test_only_accounts_that_see_an_image_learn_they_may_not_change_it(
    aws: ClientFactory,
) -> None:
    owner = aws("ec2", OWNER)
    image_id = register(owner, "shared")
    share(owner, image_id, {"UserId": DEV})
    with aws_error("AuthFailure", f"Not authorized for image:{image_id}"):
        aws("ec2", DEV).reset_image_attribute(ImageId=image_id, Attribute="launchPermission")
    with aws_error("InvalidAMIID.NotFound"):
        aws("ec2", FINANCE).reset_image_attribute(ImageId=image_id, Attribute="launchPermission")


# ---- sharing is no oracle on accounts and organizations -----------------------------------


def test_sharing_accepts_any_well_formed_account_or_organization(aws: ClientFactory) -> None:
    owner = aws("ec2", OWNER)
    image_id = register(owner, "anyone")
    never_seen = "101010101010"
    share(owner, image_id, {"UserId": never_seen}, {"UserId": FINANCE})
    share(
        owner,
        image_id,
        {"OrganizationArn": "arn:aws:organizations::101010101010:organization/o-doesnotexist"},
    )
    volume = owner.create_volume(AvailabilityZone=f"{REGION}a", Size=8)["VolumeId"]
    snapshot = owner.create_snapshot(VolumeId=volume)["SnapshotId"]
    owner.modify_snapshot_attribute(
        SnapshotId=snapshot, CreateVolumePermission={"Add": [{"UserId": never_seen}]}
    )


# ---- STS and Organizations ----------------------------------------------------------------


def second_organization(aws: ClientFactory) -> tuple[str, str]:
    """The outsider makes its own organization with one OU and one account; (ou, account)."""
    org = aws("organizations", OUTSIDER)
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    ou = org.create_organizational_unit(ParentId=root, Name="theirs")["OrganizationalUnit"]["Id"]
    status = org.create_account(Email="theirs@example.org", AccountName="theirs")
    return ou, status["CreateAccountStatus"]["AccountId"]


def test_assume_role_refuses_alike_whatever_the_target_is(aws: ClientFactory) -> None:
    _, theirs = second_organization(aws)
    sts = aws("sts", OWNER)

    def assume(account: str) -> Any:
        return sts.assume_role(
            RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
            RoleSessionName="probe",
        )

    assert_same_answer(theirs, "101010101010", assume)
    assert_same_answer(OUTSIDER, "101010101010", assume)


def test_organizations_answer_another_organizations_ids_as_unknown(aws: ClientFactory) -> None:
    ou, account = second_organization(aws)
    org = aws("organizations", OWNER)
    assert_same_answer(
        ou,
        "ou-zzzz-zzzzzzzz",
        lambda i: org.describe_organizational_unit(OrganizationalUnitId=i),
    )
    assert_same_answer(account, "101010101010", lambda i: org.describe_account(AccountId=i))
    assert_same_answer(
        ou, "ou-zzzz-zzzzzzzz", lambda i: org.list_children(ParentId=i, ChildType="ACCOUNT")
    )
    assert_same_answer(
        account,
        "101010101010",
        lambda i: org.move_account(
            AccountId=i, SourceParentId="r-ab12", DestinationParentId="r-ab12"
        ),
    )


def test_an_email_in_use_anywhere_fails_create_account_as_in_aws(aws: ClientFactory) -> None:
    second_organization(aws)
    status = aws("organizations", OWNER).create_account(
        Email="theirs@example.org", AccountName="mine"
    )["CreateAccountStatus"]
    assert (status["State"], status["FailureReason"]) == ("FAILED", "EMAIL_ALREADY_EXISTS")


# ---- KMS keys -----------------------------------------------------------------------------


def test_kms_tells_a_key_it_refuses_from_a_key_that_is_not_there_as_aws_does(
    aws: ClientFactory,
) -> None:
    arn = aws("kms", OWNER).create_key()["KeyMetadata"]["Arn"]
    absent = arn[: -len("00000000-0000-4000-8000-000000000000")] + (
        "00000000-0000-4000-8000-000000000000"
    )
    kms = aws("kms", DEV)
    code, message, _ = answer(lambda: kms.describe_key(KeyId=arn))
    assert code == "AccessDeniedException" and arn in message
    assert answer(lambda: kms.describe_key(KeyId=absent))[:2] == (
        "NotFoundException",
        f"Key '{absent}' does not exist",
    )
    # Names are resolved in the caller's own account: another account's alias by name is
    # as absent as one that never was.
    aws("kms", OWNER).create_alias(AliasName="alias/golden", TargetKeyId=arn)
    assert_same_answer(
        "alias/golden", "alias/never-made", lambda name: kms.describe_key(KeyId=name)
    )


# ---- public ids come from an unpredictable source -----------------------------------------


def test_ids_are_not_drawn_from_a_predictable_generator(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Mersenne Twister's ids predict the next ones once enough have been seen, so an
    account could tell, from its own ids, what others made: unseeded ids come from the
    operating system's generator (here made to answer zeros, to show it is the source)."""
    monkeypatch.setattr(os, "urandom", lambda n: bytes(n))
    assert IdSource().resource_id("ami") == "ami-" + "0" * 17
    monkeypatch.undo()
    assert IdSource().resource_id("ami") != IdSource().resource_id("ami")
    # A seed still repeats a world.
    assert IdSource(seed=7).resource_id("ami") == IdSource(seed=7).resource_id("ami")
