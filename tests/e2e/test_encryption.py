"""Encrypted AMIs over the wire with real boto3, in the demo world of the AWS guide.

The key policy statements are the reference text's two statements, verbatim: the demo
world has the guide's organization (o-123example, root r-ab12, OUs ou-ab12-22222222 and
ou-ab12-33333333), so not even the ids change.

    o-123example / r-ab12
    ├── 123456789012  management, owns the images and keys here
    ├── 444455556666  Sandbox (under the root)
    ├── ou-1234-5example  Engineering ── 111122223333 Dev
    │   └── ou-1234-6example  Platform ── 222233334444 Platform-Prod
    ├── ou-ab12-22222222  Finance ── 555566667777
    └── ou-ab12-33333333  Security ── 666677778888
    999988887777: in no organization
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest

from tests.e2e.worlds import Client, ClientFactory, aws_error
from tests.reference_policies import ORG_STATEMENT, OU_STATEMENT

OWNER = "123456789012"
SANDBOX, DEV, PLATFORM, FINANCE, SECURITY, OUTSIDER = (
    "444455556666",
    "111122223333",
    "222233334444",
    "555566667777",
    "666677778888",
    "999988887777",
)
ORG_ARN = "arn:aws:organizations::123456789012:organization/o-123example"
FINANCE_OU_ARN = "arn:aws:organizations::123456789012:ou/o-123example/ou-ab12-22222222"
ENGINEERING_OU_ARN = "arn:aws:organizations::123456789012:ou/o-123example/ou-1234-5example"
REGION = "us-east-1"
KMS_REASON = {
    "Code": "Client.InvalidKMSKey.InvalidState",
    "Message": "Client.InvalidKMSKey.InvalidState: The KMS key provided is in an incorrect state",
}
STORAGE_DENIED = "You do not have permission to access the storage of this ami"
AWS_MANAGED_SHARE = (
    "Snapshots encrypted with the AWS Managed CMK can't be shared. Specify another snapshot."
)

OWNER_STATEMENT = {
    "Sid": "Enable IAM User Permissions",
    "Effect": "Allow",
    "Principal": {"AWS": f"arn:aws:iam::{OWNER}:root"},
    "Action": "kms:*",
    "Resource": "*",
}

pytestmark = pytest.mark.ami_scenario("demo")


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [OWNER_STATEMENT, *statements]})


def create_key(aws: ClientFactory, *statements: dict[str, Any], alias: str | None = None) -> str:
    """A customer managed key of the owner; its ARN."""
    kms = aws("kms", OWNER)
    arn = kms.create_key(Policy=policy(*statements))["KeyMetadata"]["Arn"]
    if alias:
        kms.create_alias(AliasName=alias, TargetKeyId=arn)
    return arn


def encrypted_image(
    ec2: Client, name: str, key_ref: str | None = None, encrypted: bool = True
) -> tuple[str, str]:
    """CreateVolume (encrypted) → CreateSnapshot → RegisterImage; (image id, snapshot id)."""
    extra = {"KmsKeyId": key_ref} if key_ref else {}
    volume = ec2.create_volume(AvailabilityZone=f"{REGION}a", Size=8, Encrypted=encrypted, **extra)[
        "VolumeId"
    ]
    snapshot = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    image_id = ec2.register_image(
        Name=name,
        RootDeviceName="/dev/xvda",
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"SnapshotId": snapshot}}],
    )["ImageId"]
    return image_id, snapshot


def share(ec2: Client, image_id: str, *entries: dict[str, str]) -> None:
    ec2.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": list(entries)})


def launched(aws: ClientFactory, account: str, image_id: str) -> dict[str, Any]:
    """RunInstances by ``account`` (it answers 200 either way), then the instance as
    DescribeInstances shows it."""
    ec2 = aws("ec2", account)
    (instance,) = ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1)["Instances"]
    (reservation,) = ec2.describe_instances(InstanceIds=[instance["InstanceId"]])["Reservations"]
    return reservation["Instances"][0]


def state(aws: ClientFactory, account: str, image_id: str) -> str:
    return launched(aws, account, image_id)["State"]["Name"]


def root_ebs(ec2: Client, image_id: str) -> dict[str, Any]:
    (image,) = ec2.describe_images(ImageIds=[image_id])["Images"]
    return image["BlockDeviceMappings"][0]["Ebs"]


def aws_ebs_arn(aws: ClientFactory, account: str = OWNER, region: str = REGION) -> str:
    return aws("kms", account, region).describe_key(KeyId="alias/aws/ebs")["KeyMetadata"]["Arn"]


# ---- volumes, snapshots and images carry the key ------------------------------------------


def test_volume_snapshot_and_image_carry_the_key_arn(aws: ClientFactory) -> None:
    arn = create_key(aws, alias="alias/golden")
    ec2 = aws("ec2", OWNER)
    image_id, snapshot_id = encrypted_image(ec2, "encrypted", "alias/golden")
    (snapshot,) = ec2.describe_snapshots(SnapshotIds=[snapshot_id])["Snapshots"]
    volume_id = snapshot["VolumeId"]
    (volume,) = ec2.describe_volumes(VolumeIds=[volume_id])["Volumes"]
    assert (volume["Encrypted"], volume["KmsKeyId"]) == (True, arn)
    assert (snapshot["Encrypted"], snapshot["KmsKeyId"]) == (True, arn)
    ebs = root_ebs(ec2, image_id)
    assert (ebs["Encrypted"], ebs["KmsKeyId"], ebs["SnapshotId"]) == (True, arn, snapshot_id)
    encrypted = [{"Name": "block-device-mapping.encrypted", "Values": ["true"]}]
    assert [
        i["ImageId"] for i in ec2.describe_images(Owners=["self"], Filters=encrypted)["Images"]
    ] == [image_id]


def test_every_way_of_naming_a_key_stores_its_arn(aws: ClientFactory) -> None:
    arn = create_key(aws, alias="alias/named")
    key_id = arn.split("/")[-1]
    alias_arn = f"arn:aws:kms:{REGION}:{OWNER}:alias/named"
    ec2 = aws("ec2", OWNER)
    for ref in (key_id, arn, "alias/named", alias_arn):
        volume = ec2.create_volume(
            AvailabilityZone="us-east-1a", Size=1, Encrypted=True, KmsKeyId=ref
        )
        assert volume["KmsKeyId"] == arn


def test_encrypted_without_a_key_uses_aws_ebs(aws: ClientFactory) -> None:
    ec2 = aws("ec2", OWNER)
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1, Encrypted=True)
    arn = aws_ebs_arn(aws)
    assert volume["KmsKeyId"] == arn
    metadata = aws("kms", OWNER).describe_key(KeyId=arn)["KeyMetadata"]
    assert metadata["KeyManager"] == "AWS"
    plain = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)
    assert plain["Encrypted"] is False and "KmsKeyId" not in plain


def test_key_errors_on_create_volume(aws: ClientFactory) -> None:
    ec2 = aws("ec2", OWNER)
    with aws_error(
        "InvalidParameterDependency",
        "The parameter KmsKeyId requires the parameter Encrypted to be set.",
    ):
        ec2.create_volume(AvailabilityZone="us-east-1a", Size=1, KmsKeyId="alias/aws/ebs")
    with aws_error(
        "InvalidKMSKey.NotFound", "The KMS key 'alias/nope' does not exist in us-east-1."
    ):
        ec2.create_volume(
            AvailabilityZone="us-east-1a", Size=1, Encrypted=True, KmsKeyId="alias/nope"
        )
    # Keys are Regional: a key of us-east-1 does not exist in eu-west-1.
    arn = create_key(aws)
    with aws_error("InvalidKMSKey.NotFound"):
        aws("ec2", OWNER, "eu-west-1").create_volume(
            AvailabilityZone="eu-west-1a", Size=1, Encrypted=True, KmsKeyId=arn
        )
    assert aws("ec2", OWNER).describe_volumes()["Volumes"] == []


def test_register_image_encrypts_a_new_root_snapshot(aws: ClientFactory) -> None:
    arn = create_key(aws)
    ec2 = aws("ec2", OWNER)
    image_id = ec2.register_image(
        Name="fresh",
        RootDeviceName="/dev/xvda",
        BlockDeviceMappings=[
            {
                "DeviceName": "/dev/xvda",
                "Ebs": {"VolumeSize": 10, "Encrypted": True, "KmsKeyId": arn},
            }
        ],
    )["ImageId"]
    ebs = root_ebs(ec2, image_id)
    assert (ebs["Encrypted"], ebs["KmsKeyId"], ebs["VolumeSize"]) == (True, arn, 10)
    (snapshot,) = ec2.describe_snapshots(SnapshotIds=[ebs["SnapshotId"]])["Snapshots"]
    assert (snapshot["Encrypted"], snapshot["KmsKeyId"]) == (True, arn)


def test_create_image_keeps_the_volume_keys(aws: ClientFactory) -> None:
    arn = create_key(aws)
    ec2 = aws("ec2", OWNER)
    image_id, _ = encrypted_image(ec2, "base", arn)
    instance = launched(aws, OWNER, image_id)
    made = ec2.create_image(InstanceId=instance["InstanceId"], Name="made")["ImageId"]
    ebs = root_ebs(ec2, made)
    assert (ebs["Encrypted"], ebs["KmsKeyId"]) == (True, arn)


# ---- launching: the key policy decides ----------------------------------------------------


def test_reference_org_statement_lets_every_member_launch(aws: ClientFactory) -> None:
    arn = create_key(aws, ORG_STATEMENT)
    ec2 = aws("ec2", OWNER)
    image_id, _ = encrypted_image(ec2, "org-shared", arn)
    share(ec2, image_id, {"OrganizationArn": ORG_ARN}, {"UserId": OUTSIDER})
    for account in (OWNER, SANDBOX, DEV, PLATFORM, FINANCE, SECURITY):
        assert state(aws, account, image_id) == "running", account
    # The outsider may launch the image, but not use the key: the instance is terminated.
    outsider = launched(aws, OUTSIDER, image_id)
    assert outsider["State"] == {"Code": 48, "Name": "terminated"}
    assert outsider["StateReason"] == KMS_REASON
    assert outsider["StateTransitionReason"] == "Client.InternalError"
    assert outsider["BlockDeviceMappings"] == []
    assert aws("ec2", OUTSIDER).describe_volumes()["Volumes"] == []


def test_reference_ou_statement_admits_only_the_two_subtrees(aws: ClientFactory) -> None:
    arn = create_key(aws, OU_STATEMENT)
    ec2 = aws("ec2", OWNER)
    image_id, _ = encrypted_image(ec2, "ou-shared", arn)
    share(ec2, image_id, {"OrganizationArn": ORG_ARN})
    for account in (FINANCE, SECURITY, OWNER):
        assert state(aws, account, image_id) == "running", account
    for account in (SANDBOX, DEV, PLATFORM):
        instance = launched(aws, account, image_id)
        assert instance["State"]["Name"] == "terminated", account
        assert instance["StateReason"] == KMS_REASON


def test_ou_subtree_statement_reaches_nested_ous_and_follows_moves(aws: ClientFactory) -> None:
    engineering = json.loads(json.dumps(OU_STATEMENT))
    engineering["Condition"]["ForAnyValue:StringLike"]["aws:PrincipalOrgPaths"] = [
        "o-123example/r-ab12/ou-1234-5example/*"
    ]
    arn = create_key(aws, engineering)
    ec2 = aws("ec2", OWNER)
    image_id, _ = encrypted_image(ec2, "engineering", arn)
    share(
        ec2,
        image_id,
        {"OrganizationalUnitArn": ENGINEERING_OU_ARN},
        {"OrganizationalUnitArn": FINANCE_OU_ARN},
    )
    assert state(aws, DEV, image_id) == "running"
    assert state(aws, PLATFORM, image_id) == "running"
    assert state(aws, FINANCE, image_id) == "terminated"
    # Membership is read at launch time: Dev moved to Finance loses the key at once.
    aws("organizations", OWNER).move_account(
        AccountId=DEV, SourceParentId="ou-1234-5example", DestinationParentId="ou-ab12-22222222"
    )
    assert state(aws, DEV, image_id) == "terminated"


def test_put_key_policy_takes_effect_for_the_next_launch(aws: ClientFactory) -> None:
    arn = create_key(aws)
    ec2 = aws("ec2", OWNER)
    image_id, _ = encrypted_image(ec2, "policy-change", arn)
    share(ec2, image_id, {"OrganizationArn": ORG_ARN})
    kms = aws("kms", OWNER)
    assert state(aws, DEV, image_id) == "terminated"
    kms.put_key_policy(KeyId=arn, PolicyName="default", Policy=policy(ORG_STATEMENT))
    assert state(aws, DEV, image_id) == "running"
    kms.put_key_policy(KeyId=arn, PolicyName="default", Policy=policy(OU_STATEMENT))
    assert state(aws, DEV, image_id) == "terminated"
    assert state(aws, FINANCE, image_id) == "running"


def test_disabled_or_pending_deletion_keys_fail_the_owner_too(aws: ClientFactory) -> None:
    arn = create_key(aws, ORG_STATEMENT)
    ec2 = aws("ec2", OWNER)
    image_id, _ = encrypted_image(ec2, "states", arn)
    share(ec2, image_id, {"OrganizationArn": ORG_ARN})
    kms = aws("kms", OWNER)
    kms.disable_key(KeyId=arn)
    for account in (OWNER, DEV):
        instance = launched(aws, account, image_id)
        assert instance["State"]["Name"] == "terminated"
        assert instance["StateReason"] == KMS_REASON
    kms.enable_key(KeyId=arn)
    assert state(aws, OWNER, image_id) == "running"
    kms.schedule_key_deletion(KeyId=arn, PendingWindowInDays=7)
    assert state(aws, OWNER, image_id) == "terminated"
    assert state(aws, DEV, image_id) == "terminated"
    kms.cancel_key_deletion(KeyId=arn)  # leaves the key disabled
    assert state(aws, OWNER, image_id) == "terminated"
    kms.enable_key(KeyId=arn)
    assert state(aws, DEV, image_id) == "running"


def test_owner_launches_an_aws_ebs_image(aws: ClientFactory) -> None:
    ec2 = aws("ec2", OWNER)
    image_id, _ = encrypted_image(ec2, "default-key")
    instance = launched(aws, OWNER, image_id)
    assert instance["State"]["Name"] == "running"
    (volume,) = ec2.describe_volumes(
        Filters=[{"Name": "attachment.instance-id", "Values": [instance["InstanceId"]]}]
    )["Volumes"]
    assert (volume["Encrypted"], volume["KmsKeyId"]) == (True, aws_ebs_arn(aws))


def test_launch_overrides_encrypt_with_the_launchers_key(aws: ClientFactory) -> None:
    ec2 = aws("ec2", OWNER)
    share(ec2, "ami-0abcdef1234567890", {"UserId": DEV})
    dev = aws("ec2", DEV)
    (instance,) = dev.run_instances(
        ImageId="ami-0abcdef1234567890",
        MinCount=1,
        MaxCount=1,
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": True}}],
    )["Instances"]
    assert instance["State"]["Name"] == "pending"
    (reservation,) = dev.describe_instances(InstanceIds=[instance["InstanceId"]])["Reservations"]
    assert reservation["Instances"][0]["State"]["Name"] == "running"
    (volume,) = dev.describe_volumes()["Volumes"]
    assert (volume["Encrypted"], volume["KmsKeyId"]) == (True, aws_ebs_arn(aws, DEV))


# ---- sharing rules -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "entry",
    [{"UserId": DEV}, {"OrganizationArn": ORG_ARN}, {"OrganizationalUnitArn": FINANCE_OU_ARN}],
)
def test_images_under_aws_ebs_cannot_be_shared(aws: ClientFactory, entry: dict) -> None:
    ec2 = aws("ec2", OWNER)
    image_id, _ = encrypted_image(ec2, "aws-ebs")
    with aws_error("InvalidParameter", AWS_MANAGED_SHARE):
        share(ec2, image_id, entry)
    attribute = ec2.describe_image_attribute(ImageId=image_id, Attribute="launchPermission")
    assert attribute["LaunchPermissions"] == []


def test_encrypted_images_cannot_be_public(aws: ClientFactory) -> None:
    ec2 = aws("ec2", OWNER)
    for name, key in (("public-ebs", None), ("public-cmk", create_key(aws))):
        image_id, _ = encrypted_image(ec2, name, key)
        with aws_error(
            "UnsupportedOperation",
            "Encrypted snapshots can\u2019t be shared publicly. Specify another snapshot.",
        ):
            share(ec2, image_id, {"Group": "all"})


# ---- CopyImage: encrypt, re-key, never decrypt -------------------------------------------


def copy(ec2: Client, source: str, name: str, region: str = REGION, **extra: Any) -> str:
    return ec2.copy_image(Name=name, SourceImageId=source, SourceRegion=region, **extra)["ImageId"]


def test_copy_encrypts_an_unencrypted_image(aws: ClientFactory) -> None:
    ec2 = aws("ec2", OWNER)
    plain, _ = encrypted_image(ec2, "plain", encrypted=False)
    assert root_ebs(ec2, plain)["Encrypted"] is False
    default = copy(ec2, plain, "with-default", Encrypted=True)
    assert root_ebs(ec2, default)["KmsKeyId"] == aws_ebs_arn(aws)
    arn = create_key(aws, alias="alias/copies")
    keyed = copy(ec2, plain, "with-key", Encrypted=True, KmsKeyId="alias/copies")
    ebs = root_ebs(ec2, keyed)
    assert (ebs["Encrypted"], ebs["KmsKeyId"]) == (True, arn)
    (snapshot,) = ec2.describe_snapshots(SnapshotIds=[ebs["SnapshotId"]])["Snapshots"]
    assert (snapshot["Encrypted"], snapshot["KmsKeyId"]) == (True, arn)
    unchanged = copy(ec2, plain, "still-plain")
    assert root_ebs(ec2, unchanged)["Encrypted"] is False


def test_copy_keeps_or_rekeys_and_never_decrypts(aws: ClientFactory) -> None:
    first, second = create_key(aws), create_key(aws)
    ec2 = aws("ec2", OWNER)
    source, snapshot = encrypted_image(ec2, "source", first)
    kept = copy(ec2, source, "kept")
    assert root_ebs(ec2, kept)["KmsKeyId"] == first
    rekeyed = copy(ec2, source, "rekeyed", Encrypted=True, KmsKeyId=second)
    assert root_ebs(ec2, rekeyed)["KmsKeyId"] == second
    with aws_error(
        "InvalidRequest",
        f"Snapshot {snapshot} is encrypted. Creating unencrypted copy from an encrypted"
        " snapshot is not supported",
    ):
        copy(ec2, source, "decrypted", Encrypted=False)
    with aws_error(
        "InvalidParameterDependency",
        "The parameter KmsKeyId requires the parameter Encrypted to be set.",
    ):
        copy(ec2, source, "key-only", KmsKeyId=second)


def test_copy_to_another_region_needs_a_key_there(aws: ClientFactory) -> None:
    arn = create_key(aws)
    ec2 = aws("ec2", OWNER)
    source, _ = encrypted_image(ec2, "regional", arn)
    west = aws("ec2", OWNER, "us-west-2")
    with aws_error("InvalidKMSKey.NotFound", f"The KMS key '{arn}' does not exist in us-west-2."):
        copy(west, source, "west", Encrypted=True, KmsKeyId=arn)
    # Without a key the copy uses the destination Region's aws/ebs key.
    plain_copy = copy(west, source, "west")
    assert root_ebs(west, plain_copy)["KmsKeyId"] == aws_ebs_arn(aws, region="us-west-2")
    west_key = aws("kms", OWNER, "us-west-2").create_key()["KeyMetadata"]["Arn"]
    keyed = copy(west, source, "west-keyed", Encrypted=True, KmsKeyId=west_key)
    assert root_ebs(west, keyed)["KmsKeyId"] == west_key


# ---- snapshot permissions ----------------------------------------------------------------


def volume_permissions(ec2: Client, snapshot_id: str) -> list[dict[str, str]]:
    reply = ec2.describe_snapshot_attribute(
        SnapshotId=snapshot_id, Attribute="createVolumePermission"
    )
    assert reply["SnapshotId"] == snapshot_id
    return reply["CreateVolumePermissions"]


def snapshot_ids(ec2: Client, **kwargs: Any) -> set[str]:
    return {s["SnapshotId"] for s in ec2.describe_snapshots(**kwargs)["Snapshots"]}


def test_share_a_snapshot_with_an_account(aws: ClientFactory) -> None:
    ec2 = aws("ec2", OWNER)
    _, snapshot = encrypted_image(ec2, "plain", encrypted=False)
    dev = aws("ec2", DEV)
    assert snapshot not in snapshot_ids(dev)
    with aws_error("InvalidSnapshot.NotFound", f"The snapshot '{snapshot}' does not exist."):
        dev.describe_snapshots(SnapshotIds=[snapshot])
    ec2.modify_snapshot_attribute(
        SnapshotId=snapshot, CreateVolumePermission={"Add": [{"UserId": DEV}]}
    )
    assert volume_permissions(ec2, snapshot) == [{"UserId": DEV}]
    assert snapshot in snapshot_ids(dev)
    assert snapshot in snapshot_ids(dev, RestorableByUserIds=["self"])
    assert snapshot not in snapshot_ids(dev, OwnerIds=["self"])
    assert snapshot_ids(dev, SnapshotIds=[snapshot]) == {snapshot}
    assert snapshot_ids(ec2, RestorableByUserIds=[DEV]) == {snapshot}
    assert snapshot not in snapshot_ids(aws("ec2", FINANCE))
    # The flat form removes.
    ec2.modify_snapshot_attribute(
        SnapshotId=snapshot,
        Attribute="createVolumePermission",
        OperationType="remove",
        UserIds=[DEV],
    )
    assert volume_permissions(ec2, snapshot) == []
    assert snapshot not in snapshot_ids(dev)


def test_public_snapshots_and_reset(aws: ClientFactory) -> None:
    ec2 = aws("ec2", OWNER)
    _, snapshot = encrypted_image(ec2, "plain", encrypted=False)
    ec2.modify_snapshot_attribute(
        SnapshotId=snapshot,
        Attribute="createVolumePermission",
        OperationType="add",
        GroupNames=["all"],
        UserIds=[FINANCE],
    )
    assert volume_permissions(ec2, snapshot) == [{"UserId": FINANCE}, {"Group": "all"}]
    assert snapshot in snapshot_ids(aws("ec2", OUTSIDER), RestorableByUserIds=["all"])
    ec2.reset_snapshot_attribute(SnapshotId=snapshot, Attribute="createVolumePermission")
    assert volume_permissions(ec2, snapshot) == []
    assert snapshot not in snapshot_ids(aws("ec2", OUTSIDER))


def test_snapshot_sharing_errors(aws: ClientFactory) -> None:
    ec2 = aws("ec2", OWNER)
    _, default_key = encrypted_image(ec2, "default-key")
    with aws_error(
        "OperationNotPermitted", "Encrypted snapshots with EBS default key cannot be shared"
    ):
        ec2.modify_snapshot_attribute(
            SnapshotId=default_key, CreateVolumePermission={"Add": [{"UserId": DEV}]}
        )
    _, customer_key = encrypted_image(ec2, "customer-key", create_key(aws))
    with aws_error("UnsupportedOperation"):
        ec2.modify_snapshot_attribute(
            SnapshotId=customer_key, CreateVolumePermission={"Add": [{"Group": "all"}]}
        )
    ec2.modify_snapshot_attribute(
        SnapshotId=customer_key, CreateVolumePermission={"Add": [{"UserId": DEV}]}
    )
    # As ModifyImageAttribute answers (docs/semantics.md, "EC2 volumes").
    with aws_error(
        "InvalidAMIAttributeItemValue", 'Invalid attribute item value "12" for userId item type.'
    ):
        ec2.modify_snapshot_attribute(
            SnapshotId=customer_key, CreateVolumePermission={"Add": [{"UserId": "12"}]}
        )
    with aws_error("InvalidParameterCombination"):
        ec2.modify_snapshot_attribute(
            SnapshotId=customer_key,
            CreateVolumePermission={"Add": [{"UserId": FINANCE}], "Remove": [{"UserId": DEV}]},
        )
    # Only the owner manages permissions: an account it is shared with is refused, others
    # do not see the snapshot at all.
    with aws_error("AuthFailure", f"Not authorized for snapshot:{customer_key}"):
        aws("ec2", DEV).describe_snapshot_attribute(
            SnapshotId=customer_key, Attribute="createVolumePermission"
        )
    with aws_error("InvalidSnapshot.NotFound"):
        aws("ec2", FINANCE).reset_snapshot_attribute(
            SnapshotId=customer_key, Attribute="createVolumePermission"
        )
    assert volume_permissions(ec2, customer_key) == [{"UserId": DEV}]


# ---- CopyImage of a shared image needs its storage, and its keys -------------------------


def test_copying_a_shared_image_needs_snapshot_access(aws: ClientFactory) -> None:
    ec2 = aws("ec2", OWNER)
    image_id, snapshot = encrypted_image(ec2, "shared-plain", encrypted=False)
    share(ec2, image_id, {"OrganizationArn": ORG_ARN})
    dev = aws("ec2", DEV)
    with aws_error("InvalidRequest", STORAGE_DENIED):
        copy(dev, image_id, "mine")
    assert state(aws, DEV, image_id) == "running"  # launching needs no snapshot access
    ec2.modify_snapshot_attribute(
        SnapshotId=snapshot, CreateVolumePermission={"Add": [{"UserId": DEV}]}
    )
    mine = copy(dev, image_id, "mine")
    assert dev.describe_images(ImageIds=[mine])["Images"][0]["OwnerId"] == DEV
    # The owner copies its own image with nothing shared.
    copy(ec2, image_id, "own-copy")


def test_copying_a_shared_encrypted_image_needs_the_key(aws: ClientFactory) -> None:
    arn = create_key(aws, OU_STATEMENT)
    ec2 = aws("ec2", OWNER)
    image_id, snapshot = encrypted_image(ec2, "shared-encrypted", arn)
    share(ec2, image_id, {"OrganizationArn": ORG_ARN})
    ec2.modify_snapshot_attribute(
        SnapshotId=snapshot,
        CreateVolumePermission={"Add": [{"UserId": DEV}, {"UserId": FINANCE}]},
    )
    with aws_error(
        "InvalidRequest",
        f"You do not have permission to use the KMS key {arn} that encrypts the storage of"
        " this ami",
    ):
        copy(aws("ec2", DEV), image_id, "dev-copy")
    finance = aws("ec2", FINANCE)
    mine = copy(finance, image_id, "finance-copy")
    # The copy is the consumer's, under the consumer's own default key.
    assert root_ebs(finance, mine)["KmsKeyId"] == aws_ebs_arn(aws, FINANCE)
    own_key = aws("kms", FINANCE).create_key()["KeyMetadata"]["Arn"]
    rekeyed = copy(finance, image_id, "finance-rekeyed", Encrypted=True, KmsKeyId=own_key)
    assert root_ebs(finance, rekeyed)["KmsKeyId"] == own_key


# ---- the explain endpoint tells the KMS side ---------------------------------------------


def explain(server: Any, image_id: str, account: str) -> dict[str, Any]:
    url = f"{server.url}/_emulator/explain?image={image_id}&account={account}"
    with urllib.request.urlopen(url) as answer:
        return json.loads(answer.read())


def test_explain_names_the_refusing_key(aws: ClientFactory, server: Any) -> None:
    arn = create_key(aws, OU_STATEMENT)
    ec2 = aws("ec2", OWNER)
    image_id, _ = encrypted_image(ec2, "explained", arn)
    share(ec2, image_id, {"OrganizationArn": ORG_ARN})
    dev = explain(server, image_id, DEV)
    assert dev["allowed"] is True and dev["via"] == "organization"
    (use,) = dev["kms"]
    assert (use["key"], use["aws_managed"], use["allowed"]) == (arn, False, False)
    assert "terminated" in dev["reason"]
    finance = explain(server, image_id, FINANCE)
    (use,) = finance["kms"]
    assert use["allowed"] is True
    assert use["statement"] == "Allow access for specific OUs and their descendants"
    assert "terminated" not in finance["reason"]
    url = f"{server.url}/_emulator/access?image={image_id}"
    with urllib.request.urlopen(url) as answer:
        rows = {r["account"]: r for r in json.loads(answer.read())["accounts"]}
    assert rows[DEV]["allowed"] is True and rows[DEV]["kms_allowed"] is False
    assert rows[FINANCE]["kms_allowed"] is True and rows[OWNER]["kms_allowed"] is True
