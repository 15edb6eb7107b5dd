"""EBS encryption with another account's KMS key, over the wire with real boto3.

EC2 makes a volume or snapshot under a key of another account only when that key's policy
allows the caller every action EBS asks KMS for (kms:CreateGrant,
kms:GenerateDataKeyWithoutPlaintext, kms:Decrypt, kms:DescribeKey and kms:ReEncrypt*), and
never under another account's AWS managed ``aws/ebs`` key. The caller's own keys, and the
keys behind a launch of a shared image, keep their rules.

The demo world: 123456789012 (management) owns the keys; 111122223333 (Dev) and
555566667777 (Finance) are members; 999988887777 is in no organization.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import ClientFactory
from tests.e2e.worlds import Client, aws_error
from tests.reference_policies import ORG_STATEMENT

OWNER, DEV, FINANCE = "123456789012", "111122223333", "555566667777"
REGION = "us-east-1"
ZONE = f"{REGION}a"
ORG_ARN = "arn:aws:organizations::123456789012:organization/o-123example"
EBS_ACTIONS = [
    "kms:CreateGrant",
    "kms:GenerateDataKeyWithoutPlaintext",
    "kms:Decrypt",
    "kms:DescribeKey",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
]
NOT_ACCESSIBLE = (
    "The specified KMS key is not accessible. If this is a default EBS CMK, please retry your"
    " request without specifying the key explicitly"
)
OWNER_STATEMENT = {
    "Sid": "Enable IAM User Permissions",
    "Effect": "Allow",
    "Principal": {"AWS": f"arn:aws:iam::{OWNER}:root"},
    "Action": "kms:*",
    "Resource": "*",
}

pytestmark = pytest.mark.ami_scenario("demo")


def for_dev(actions: list[str] | str, sid: str = "Dev uses the key for EBS") -> dict[str, Any]:
    return {
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{DEV}:root"},
        "Action": actions,
        "Resource": "*",
    }


EBS_FOR_DEV = for_dev(
    [
        "kms:CreateGrant",
        "kms:GenerateDataKeyWithoutPlaintext",
        "kms:Decrypt",
        "kms:DescribeKey",
        "kms:ReEncrypt*",
    ]
)


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [OWNER_STATEMENT, *statements]})


def owner_key(aws: ClientFactory, *statements: dict[str, Any]) -> str:
    """A customer managed key of the owner; its ARN."""
    return aws("kms", OWNER).create_key(Policy=policy(*statements))["KeyMetadata"]["Arn"]


def set_policy(aws: ClientFactory, arn: str, *statements: dict[str, Any]) -> None:
    aws("kms", OWNER).put_key_policy(KeyId=arn, PolicyName="default", Policy=policy(*statements))


def volume(ec2: Client, **extra: Any) -> dict[str, Any]:
    return ec2.create_volume(AvailabilityZone=ZONE, Size=8, **extra)


def encrypted_volume(ec2: Client, key: str) -> dict[str, Any]:
    return volume(ec2, Encrypted=True, KmsKeyId=key)


def register(ec2: Client, name: str, ebs: dict[str, Any]) -> str:
    return ec2.register_image(
        Name=name,
        RootDeviceName="/dev/xvda",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": ebs}],
    )["ImageId"]


def root_ebs(ec2: Client, image_id: str) -> dict[str, Any]:
    (image,) = ec2.describe_images(ImageIds=[image_id])["Images"]
    return image["BlockDeviceMappings"][0]["Ebs"]


def launch(ec2: Client, image_id: str, **extra: Any) -> dict[str, Any]:
    """RunInstances (it answers pending, as AWS), then the instance as the next read shows it."""
    (instance,) = ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1, **extra)["Instances"]
    (reservation,) = ec2.describe_instances(InstanceIds=[instance["InstanceId"]])["Reservations"]
    return reservation["Instances"][0]


def not_accessible(key: str, resource: str) -> tuple[str, str]:
    return "InvalidParameterValue", f"The KMS key {key} that encrypts {resource} is not accessible."


def aws_ebs_arn(aws: ClientFactory, account: str) -> str:
    return aws("kms", account).describe_key(KeyId="alias/aws/ebs")["KeyMetadata"]["Arn"]


# ---- CreateVolume with KmsKeyId -----------------------------------------------------------


def test_create_volume_needs_every_ebs_action_on_another_accounts_key(aws: ClientFactory) -> None:
    dev = aws("ec2", DEV)
    # The reference statements grant Decrypt and DescribeKey but not CreateGrant.
    arn = owner_key(aws, ORG_STATEMENT)
    with aws_error("InvalidParameterValue", NOT_ACCESSIBLE):
        encrypted_volume(dev, arn)
    assert dev.describe_volumes()["Volumes"] == []
    set_policy(aws, arn, EBS_FOR_DEV)
    made = encrypted_volume(dev, arn)
    assert (made["Encrypted"], made["KmsKeyId"]) == (True, arn)


@pytest.mark.parametrize("missing", EBS_ACTIONS)
def test_each_ebs_action_is_required(aws: ClientFactory, missing: str) -> None:
    arn = owner_key(aws, for_dev([a for a in EBS_ACTIONS if a != missing]))
    with aws_error("InvalidParameterValue", NOT_ACCESSIBLE):
        encrypted_volume(aws("ec2", DEV), arn)


def test_the_key_policy_is_read_for_the_caller_at_each_call(aws: ClientFactory) -> None:
    arn = owner_key(aws, for_dev(EBS_ACTIONS))
    encrypted_volume(aws("ec2", DEV), arn)
    # Finance is not named by the statement.
    with aws_error("InvalidParameterValue", NOT_ACCESSIBLE):
        encrypted_volume(aws("ec2", FINANCE), arn)
    deny = {**for_dev("kms:CreateGrant", "No grants"), "Effect": "Deny"}
    set_policy(aws, arn, for_dev(EBS_ACTIONS), deny)
    with aws_error("InvalidParameterValue", NOT_ACCESSIBLE):
        encrypted_volume(aws("ec2", DEV), arn)


def test_a_disabled_key_of_another_account_is_not_accessible(aws: ClientFactory) -> None:
    arn = owner_key(aws, EBS_FOR_DEV)
    aws("kms", OWNER).disable_key(KeyId=arn)
    with aws_error("InvalidParameterValue", NOT_ACCESSIBLE):
        encrypted_volume(aws("ec2", DEV), arn)


def test_a_key_that_does_not_exist_is_still_not_found(aws: ClientFactory) -> None:
    missing = f"arn:aws:kms:{REGION}:{OWNER}:key/00000000-0000-4000-8000-000000000000"
    with aws_error(
        "InvalidKMSKey.NotFound", f"The KMS key '{missing}' does not exist in {REGION}."
    ):
        encrypted_volume(aws("ec2", DEV), missing)


def test_another_accounts_aws_managed_key_is_never_usable(aws: ClientFactory) -> None:
    owner_ebs = aws_ebs_arn(aws, OWNER)
    alias_arn = f"arn:aws:kms:{REGION}:{OWNER}:alias/aws/ebs"
    dev = aws("ec2", DEV)
    for ref in (owner_ebs, alias_arn):
        with aws_error("InvalidParameterValue", NOT_ACCESSIBLE):
            encrypted_volume(dev, ref)
        with aws_error("InvalidParameterValue", NOT_ACCESSIBLE):
            register(dev, "on-their-ebs-key", {"VolumeSize": 8, "Encrypted": True, "KmsKeyId": ref})
    assert dev.describe_volumes()["Volumes"] == []
    assert dev.describe_images(Owners=["self"])["Images"] == []


def test_the_owners_own_keys_keep_their_rules(aws: ClientFactory) -> None:
    """The owner's keys are not checked against the EBS actions (as before)."""
    ec2 = aws("ec2", OWNER)
    kms = aws("kms", OWNER)
    # A policy that lets the owner only manage the policy itself.
    manage_only = {**OWNER_STATEMENT, "Action": ["kms:PutKeyPolicy", "kms:DisableKey"]}
    arn = kms.create_key(Policy=json.dumps({"Version": "2012-10-17", "Statement": [manage_only]}))[
        "KeyMetadata"
    ]["Arn"]
    assert encrypted_volume(ec2, arn)["KmsKeyId"] == arn
    kms.disable_key(KeyId=arn)
    assert encrypted_volume(ec2, arn)["KmsKeyId"] == arn
    assert volume(ec2, Encrypted=True)["KmsKeyId"] == aws_ebs_arn(aws, OWNER)


def test_dry_run_answers_the_same_refusal(aws: ClientFactory) -> None:
    arn = owner_key(aws, ORG_STATEMENT)
    with aws_error("InvalidParameterValue", NOT_ACCESSIBLE):
        volume(aws("ec2", DEV), Encrypted=True, KmsKeyId=arn, DryRun=True)


# ---- storage already under another account's key ------------------------------------------


def test_storage_under_a_revoked_key_cannot_be_copied_into_new_storage(aws: ClientFactory) -> None:
    arn = owner_key(aws, EBS_FOR_DEV)
    dev = aws("ec2", DEV)
    made = encrypted_volume(dev, arn)
    snapshot = dev.create_snapshot(VolumeId=made["VolumeId"])["SnapshotId"]
    set_policy(aws, arn, ORG_STATEMENT)  # no CreateGrant any more
    with aws_error(*not_accessible(arn, made["VolumeId"])):
        dev.create_snapshot(VolumeId=made["VolumeId"])
    with aws_error(*not_accessible(arn, snapshot)):
        volume(dev, SnapshotId=snapshot)
    with aws_error(*not_accessible(arn, snapshot)):
        register(dev, "over-revoked-key", {"SnapshotId": snapshot})
    assert [s["SnapshotId"] for s in dev.describe_snapshots(OwnerIds=["self"])["Snapshots"]] == [
        snapshot
    ]
    assert len(dev.describe_volumes()["Volumes"]) == 1
    set_policy(aws, arn, EBS_FOR_DEV)
    image_id = register(dev, "over-key", {"SnapshotId": snapshot})
    assert root_ebs(dev, image_id)["KmsKeyId"] == arn
    assert volume(dev, SnapshotId=snapshot)["KmsKeyId"] == arn


# ---- RegisterImage with a KmsKeyId ----------------------------------------------------------


def test_register_image_with_another_accounts_key(aws: ClientFactory) -> None:
    arn = owner_key(aws, ORG_STATEMENT)
    dev = aws("ec2", DEV)
    ebs = {"VolumeSize": 8, "Encrypted": True, "KmsKeyId": arn}
    with aws_error("InvalidParameterValue", NOT_ACCESSIBLE):
        register(dev, "foreign-key", ebs)
    assert dev.describe_snapshots(OwnerIds=["self"])["Snapshots"] == []
    set_policy(aws, arn, EBS_FOR_DEV)
    assert root_ebs(dev, register(dev, "foreign-key", ebs))["KmsKeyId"] == arn


# ---- CopyImage with a KmsKeyId --------------------------------------------------------------


def test_copy_image_into_another_accounts_key(aws: ClientFactory) -> None:
    arn = owner_key(aws, ORG_STATEMENT)
    dev = aws("ec2", DEV)
    own = register(dev, "plain", {"VolumeSize": 8})
    copy = {"SourceImageId": own, "SourceRegion": REGION, "Encrypted": True, "KmsKeyId": arn}
    with aws_error("InvalidParameterValue", NOT_ACCESSIBLE):
        dev.copy_image(Name="into-their-key", **copy)
    with aws_error("InvalidParameterValue", NOT_ACCESSIBLE):
        dev.copy_image(Name="into-their-ebs-key", **{**copy, "KmsKeyId": aws_ebs_arn(aws, OWNER)})
    assert {i["ImageId"] for i in dev.describe_images(Owners=["self"])["Images"]} == {own}
    set_policy(aws, arn, EBS_FOR_DEV)
    copied = dev.copy_image(Name="into-their-key", **copy)["ImageId"]
    assert root_ebs(dev, copied)["KmsKeyId"] == arn


def test_copying_an_own_image_keeps_a_foreign_key_only_while_usable(aws: ClientFactory) -> None:
    arn = owner_key(aws, EBS_FOR_DEV)
    dev = aws("ec2", DEV)
    made = encrypted_volume(dev, arn)
    snapshot = dev.create_snapshot(VolumeId=made["VolumeId"])["SnapshotId"]
    image_id = register(dev, "source", {"SnapshotId": snapshot})
    kept = dev.copy_image(Name="kept", SourceImageId=image_id, SourceRegion=REGION)["ImageId"]
    assert root_ebs(dev, kept)["KmsKeyId"] == arn
    set_policy(aws, arn, ORG_STATEMENT)
    with aws_error(*not_accessible(arn, snapshot)):
        dev.copy_image(Name="kept-again", SourceImageId=image_id, SourceRegion=REGION)


# ---- CreateImage from an instance on a shared encrypted image -----------------------------


def shared_encrypted_image(aws: ClientFactory, arn: str) -> str:
    owner = aws("ec2", OWNER)
    made = encrypted_volume(owner, arn)
    snapshot = owner.create_snapshot(VolumeId=made["VolumeId"])["SnapshotId"]
    image_id = register(owner, "golden", {"SnapshotId": snapshot})
    owner.modify_image_attribute(
        ImageId=image_id, LaunchPermission={"Add": [{"OrganizationArn": ORG_ARN}]}
    )
    return image_id


def test_create_image_from_a_shared_encrypted_image_needs_the_ebs_actions(
    aws: ClientFactory,
) -> None:
    arn = owner_key(aws, ORG_STATEMENT)
    image_id = shared_encrypted_image(aws, arn)
    dev = aws("ec2", DEV)
    # The launch itself keeps its rule: Decrypt and DescribeKey are enough.
    instance = launch(dev, image_id)
    assert instance["State"]["Name"] == "running"
    (attached,) = dev.describe_volumes()["Volumes"]
    with aws_error(*not_accessible(arn, attached["VolumeId"])):
        dev.create_image(InstanceId=instance["InstanceId"], Name="derived")
    assert dev.describe_snapshots(OwnerIds=["self"])["Snapshots"] == []
    set_policy(aws, arn, ORG_STATEMENT, EBS_FOR_DEV)
    derived = dev.create_image(InstanceId=instance["InstanceId"], Name="derived")["ImageId"]
    assert root_ebs(dev, derived)["KmsKeyId"] == arn


# ---- RunInstances with a KmsKeyId in a mapping ---------------------------------------------


def test_launch_with_another_accounts_key_in_a_mapping(aws: ClientFactory) -> None:
    arn = owner_key(aws, ORG_STATEMENT)
    aws("ec2", OWNER).modify_image_attribute(
        ImageId="ami-0abcdef1234567890", LaunchPermission={"Add": [{"UserId": DEV}]}
    )
    dev = aws("ec2", DEV)
    mapping = [{"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": True, "KmsKeyId": arn}}]
    # Like any launch whose keys refuse: accepted, then terminated at once.
    refused = launch(dev, "ami-0abcdef1234567890", BlockDeviceMappings=mapping)
    assert refused["State"]["Name"] == "terminated"
    assert refused["StateReason"]["Code"] == "Client.InvalidKMSKey.InvalidState"
    assert dev.describe_volumes()["Volumes"] == []
    set_policy(aws, arn, EBS_FOR_DEV)
    running = launch(dev, "ami-0abcdef1234567890", BlockDeviceMappings=mapping)
    assert running["State"]["Name"] == "running"
    (attached,) = dev.describe_volumes()["Volumes"]
    assert attached["KmsKeyId"] == arn
