"""KMS grants over the wire with real boto3 and the AWS CLI: who a grant lets use a key, its
constraints, who may retire or revoke it, paging, and the grants EC2 makes for itself."""

from __future__ import annotations

import json

import pytest

from tests.e2e.test_encryption import (
    FINANCE,
    ORG_ARN,
    OWNER,
    copy,
    create_key,
    encrypted_image,
    launched,
    share,
)
from tests.e2e.test_kms import owner_statement
from tests.e2e.worlds import ClientFactory, aws_error
from tests.reference_policies import OU_STATEMENT

pytestmark = pytest.mark.ami_scenario("demo")

OTHER, THIRD = "111122223333", "444455556666"  # Dev and Sandbox of the demo world
ROOT = "arn:aws:iam::{}:root"


@pytest.fixture
def kms(aws: ClientFactory):
    return aws("kms", account=OWNER)


@pytest.fixture
def key(kms) -> str:
    """A key only its owner's policy names: anyone else needs a grant."""
    return kms.create_key()["KeyMetadata"]["Arn"]


def denied(account: str, action: str, arn: str) -> str:
    return (
        f"User: arn:aws:iam::{account}:root is not authorized to perform: {action} on resource: "
        f"{arn} because no resource-based policy allows the {action} action"
    )


def test_a_grant_lets_its_grantee_use_the_key(aws: ClientFactory, kms, key: str) -> None:
    other = aws("kms", account=OTHER)
    with aws_error("AccessDeniedException", denied(OTHER, "kms:Encrypt", key)):
        other.encrypt(KeyId=key, Plaintext=b"x")
    made = kms.create_grant(
        KeyId=key, GranteePrincipal=ROOT.format(OTHER), Operations=["Encrypt", "Decrypt"]
    )
    assert len(made["GrantId"]) == 64 and made["GrantToken"]
    blob = other.encrypt(KeyId=key, Plaintext=b"x")["CiphertextBlob"]
    assert other.decrypt(CiphertextBlob=blob)["Plaintext"] == b"x"
    # Only the operations it gives.
    with aws_error("AccessDeniedException", denied(OTHER, "kms:GenerateDataKey", key)):
        other.generate_data_key(KeyId=key, KeySpec="AES_256")
    # Nobody else.
    with aws_error("AccessDeniedException", denied(THIRD, "kms:Encrypt", key)):
        aws("kms", account=THIRD).encrypt(KeyId=key, Plaintext=b"x")
    (listed,) = kms.list_grants(KeyId=key)["Grants"]
    assert listed["GrantId"] == made["GrantId"]
    assert listed["KeyId"] == key
    assert listed["GranteePrincipal"] == ROOT.format(OTHER)
    assert listed["IssuingAccount"] == ROOT.format(OWNER)
    assert listed["Operations"] == ["Encrypt", "Decrypt"]
    # Once revoked, the grant gives nothing.
    kms.revoke_grant(KeyId=key, GrantId=made["GrantId"])
    with aws_error("AccessDeniedException", denied(OTHER, "kms:Decrypt", key)):
        other.decrypt(CiphertextBlob=blob)
    assert kms.list_grants(KeyId=key)["Grants"] == []


@pytest.mark.parametrize("kind", ["EncryptionContextSubset", "EncryptionContextEquals"])
def test_context_constraints(aws: ClientFactory, kms, key: str, kind: str) -> None:
    kms.create_grant(
        KeyId=key,
        GranteePrincipal=ROOT.format(OTHER),
        Operations=["Encrypt"],
        Constraints={kind: {"app": "web"}},
    )
    other = aws("kms", account=OTHER)
    other.encrypt(KeyId=key, Plaintext=b"x", EncryptionContext={"app": "web"})
    wider = {"app": "web", "tier": "1"}
    if kind == "EncryptionContextSubset":
        other.encrypt(KeyId=key, Plaintext=b"x", EncryptionContext=wider)
    else:
        with aws_error("AccessDeniedException"):
            other.encrypt(KeyId=key, Plaintext=b"x", EncryptionContext=wider)
    for context in ({}, {"app": "db"}):
        with aws_error("AccessDeniedException", denied(OTHER, "kms:Encrypt", key)):
            other.encrypt(KeyId=key, Plaintext=b"x", EncryptionContext=context)
    (listed,) = kms.list_grants(KeyId=key)["Grants"]
    assert listed["Constraints"] == {kind: {"app": "web"}}


def test_who_may_retire(aws: ClientFactory, kms, key: str) -> None:
    def grant(**extra) -> dict:
        return kms.create_grant(
            KeyId=key, GranteePrincipal=ROOT.format(OTHER), Operations=["Decrypt"], **extra
        )

    # The retiring principal may, by key and grant id; another account may not.
    retirable = grant(RetiringPrincipal=ROOT.format(THIRD))
    with aws_error("AccessDeniedException"):
        aws("kms", account=OTHER).retire_grant(KeyId=key, GrantId=retirable["GrantId"])
    aws("kms", account=THIRD).retire_grant(KeyId=key, GrantId=retirable["GrantId"])
    # The grantee may when the grant gives RetireGrant, here by token.
    own = kms.create_grant(
        KeyId=key, GranteePrincipal=ROOT.format(OTHER), Operations=["Decrypt", "RetireGrant"]
    )
    aws("kms", account=OTHER).retire_grant(GrantToken=own["GrantToken"])
    # The key's account always may.
    kms.retire_grant(GrantToken=grant()["GrantToken"])
    assert kms.list_grants(KeyId=key)["Grants"] == []
    with aws_error("InvalidGrantTokenException", "Invalid grant token."):
        kms.retire_grant(GrantToken=own["GrantToken"])


def test_revoke_needs_the_key_policy(aws: ClientFactory, kms, key: str) -> None:
    made = kms.create_grant(KeyId=key, GranteePrincipal=ROOT.format(OTHER), Operations=["Decrypt"])
    with aws_error("AccessDeniedException", denied(OTHER, "kms:RevokeGrant", key)):
        aws("kms", account=OTHER).revoke_grant(KeyId=key, GrantId=made["GrantId"])
    kms.revoke_grant(KeyId=key, GrantId=made["GrantId"])
    with aws_error("NotFoundException", f"Grant ID {made['GrantId']} not found for {key}"):
        kms.revoke_grant(KeyId=key, GrantId=made["GrantId"])


def test_a_grant_may_give_create_grant_within_itself(aws: ClientFactory, kms, key: str) -> None:
    kms.create_grant(
        KeyId=key,
        GranteePrincipal=ROOT.format(OTHER),
        Operations=["Encrypt", "Decrypt", "CreateGrant"],
    )
    other = aws("kms", account=OTHER)
    other.create_grant(KeyId=key, GranteePrincipal=ROOT.format(THIRD), Operations=["Decrypt"])
    with aws_error("AccessDeniedException", denied(OTHER, "kms:CreateGrant", key)):
        other.create_grant(
            KeyId=key, GranteePrincipal=ROOT.format(THIRD), Operations=["GenerateDataKey"]
        )
    assert len(kms.list_grants(KeyId=key)["Grants"]) == 2


def test_the_same_name_and_terms_is_the_same_grant(kms, key: str) -> None:
    terms = {"KeyId": key, "GranteePrincipal": ROOT.format(OTHER), "Operations": ["Decrypt"]}
    first = kms.create_grant(Name="app", **terms)
    assert kms.create_grant(Name="app", **terms)["GrantId"] == first["GrantId"]
    assert (
        kms.create_grant(Name="app", **{**terms, "Operations": ["Encrypt"]})["GrantId"]
        != (first["GrantId"])
    )
    assert kms.create_grant(**terms)["GrantId"] != first["GrantId"]


def test_list_grants_pages_and_filters(kms, key: str) -> None:
    made = [
        kms.create_grant(
            KeyId=key,
            GranteePrincipal=ROOT.format(OTHER if i % 2 else THIRD),
            Operations=["Decrypt"],
        )["GrantId"]
        for i in range(5)
    ]
    seen, marker = [], None
    while True:
        page = kms.list_grants(KeyId=key, Limit=2, **({"Marker": marker} if marker else {}))
        assert len(page["Grants"]) <= 2
        seen += [g["GrantId"] for g in page["Grants"]]
        if not page["Truncated"]:
            assert "NextMarker" not in page
            break
        marker = page["NextMarker"]
    assert seen == made
    assert [g["GrantId"] for g in kms.list_grants(KeyId=key, GrantId=made[3])["Grants"]] == [
        made[3]
    ]
    others = kms.list_grants(KeyId=key, GranteePrincipal=ROOT.format(OTHER))["Grants"]
    assert [g["GrantId"] for g in others] == [made[1], made[3]]
    assert [
        g["GrantId"]
        for g in kms.get_paginator("list_grants")
        .paginate(KeyId=key, PaginationConfig={"PageSize": 3})
        .build_full_result()["Grants"]
    ] == made
    with aws_error("InvalidMarkerException"):
        kms.list_grants(KeyId=key, Marker="not-a-marker")


def test_list_retirable_grants(aws: ClientFactory, kms, key: str) -> None:
    retiring = ROOT.format(OTHER)
    made = kms.create_grant(
        KeyId=key,
        GranteePrincipal=ROOT.format(THIRD),
        RetiringPrincipal=retiring,
        Operations=["Decrypt"],
    )
    other = aws("kms", account=OTHER)
    (listed,) = other.list_retirable_grants(RetiringPrincipal=retiring)["Grants"]
    assert listed["GrantId"] == made["GrantId"] and listed["RetiringPrincipal"] == retiring
    # In another Region there are none; for another account's principal, no answer.
    assert (
        aws("kms", account=OTHER, region="eu-west-1").list_retirable_grants(
            RetiringPrincipal=retiring
        )["Grants"]
        == []
    )
    with aws_error("AccessDeniedException"):
        kms.list_retirable_grants(RetiringPrincipal=retiring)


@pytest.mark.parametrize(
    ("extra", "code", "message"),
    [
        (
            {"GranteePrincipal": "not-a-principal"},
            "InvalidArnException",
            "granteePrincipal not-a-principal is not a valid ARN.",
        ),
        (
            {"Operations": []},
            "ValidationException",
            "1 validation error detected: Value '[]' at 'operations' failed to satisfy "
            "constraint: Member must have length greater than or equal to 1",
        ),
        (
            {"Operations": ["Sign", "Decrypt"]},
            "ValidationException",
            "Grant operations Sign are not valid for a KMS key with KeySpec SYMMETRIC_DEFAULT.",
        ),
        (
            {
                "Constraints": {
                    "EncryptionContextSubset": {"a": "1"},
                    "EncryptionContextEquals": {"a": "1"},
                }
            },
            "ValidationException",
            "A grant can have EncryptionContextEquals or EncryptionContextSubset, not both.",
        ),
        ({"GrantTokens": ["made-up"]}, "InvalidGrantTokenException", "Invalid grant token."),
    ],
)
def test_create_grant_refusals(kms, key: str, extra: dict, code: str, message: str) -> None:
    terms = {"KeyId": key, "GranteePrincipal": ROOT.format(OTHER), "Operations": ["Decrypt"]}
    with aws_error(code, message):
        kms.create_grant(**{**terms, **extra})


def test_retire_and_revoke_refusals(kms, key: str) -> None:
    with aws_error(
        "ValidationException", "Either GrantToken, or both KeyId and GrantId, must be specified."
    ):
        kms.retire_grant(KeyId=key)
    with aws_error("InvalidGrantIdException", "Invalid grant ID: short"):
        kms.revoke_grant(KeyId=key, GrantId="short")
    kms.schedule_key_deletion(KeyId=key, PendingWindowInDays=7)
    with aws_error("KMSInvalidStateException", f"{key} is pending deletion."):
        kms.create_grant(KeyId=key, GranteePrincipal=ROOT.format(OTHER), Operations=["Decrypt"])


def test_the_grant_for_aws_resource_condition_separates_ec2_from_direct_calls(
    aws: ClientFactory,
) -> None:
    """AWS's "Allow attachment of persistent resources" statement: CreateGrant only when the
    grant is for an AWS resource, which EC2's are and a caller's own are not."""
    statement = {
        "Sid": "Allow attachment of persistent resources",
        "Effect": "Allow",
        "Principal": {"AWS": ROOT.format(OTHER)},
        "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
        "Resource": "*",
        "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}},
    }
    policy = {"Version": "2012-10-17", "Statement": [owner_statement(OWNER), statement]}
    arn = aws("kms", account=OWNER).create_key(Policy=json.dumps(policy))["KeyMetadata"]["Arn"]
    with aws_error("AccessDeniedException", denied(OTHER, "kms:CreateGrant", arn)):
        aws("kms", account=OTHER).create_grant(
            KeyId=arn, GranteePrincipal=ROOT.format(OTHER), Operations=["Decrypt"]
        )


def test_ec2_records_its_grants_on_another_accounts_key(aws: ClientFactory) -> None:
    """A member's launch and copy of a shared encrypted image show up on the owner's key."""
    arn = create_key(aws, OU_STATEMENT)
    ec2 = aws("ec2", OWNER)
    image_id, snapshot = encrypted_image(ec2, "shared-encrypted", arn)
    share(ec2, image_id, {"OrganizationArn": ORG_ARN})
    ec2.modify_snapshot_attribute(
        SnapshotId=snapshot, CreateVolumePermission={"Add": [{"UserId": FINANCE}]}
    )
    kms = aws("kms", account=OWNER)
    assert kms.list_grants(KeyId=arn)["Grants"] == []  # the owner's own use makes none
    instance = launched(aws, FINANCE, image_id)
    assert instance["State"]["Name"] == "running"
    volume = instance["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
    copied = copy(aws("ec2", FINANCE), image_id, "finance-copy")
    (image,) = aws("ec2", FINANCE).describe_images(ImageIds=[copied])["Images"]
    copy_snapshot = image["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
    grants = kms.list_grants(KeyId=arn)["Grants"]
    assert [g["Name"] for g in grants] == [volume, copy_snapshot]
    for grant, resource in zip(grants, (volume, copy_snapshot), strict=True):
        assert grant["GranteePrincipal"] == (
            f"arn:aws:sts::{FINANCE}:assumed-role/aws:ec2-infrastructure/{resource}"
        )
        assert grant["RetiringPrincipal"] == "ec2.us-east-1.amazonaws.com"
        assert grant["IssuingAccount"] == ROOT.format(OWNER)
        assert {
            "Decrypt",
            "GenerateDataKeyWithoutPlaintext",
            "ReEncryptFrom",
            "ReEncryptTo",
            "CreateGrant",
        } <= set(grant["Operations"])
        assert grant["Constraints"] == {"EncryptionContextSubset": {"aws:ebs:id": resource}}
    # CopySnapshot of the shared snapshot, as CopyImage: a grant for the copy on the source key.
    finance = aws("ec2", FINANCE)
    copied_snapshot = finance.copy_snapshot(SourceSnapshotId=snapshot, SourceRegion="us-east-1")
    names = [g["Name"] for g in kms.list_grants(KeyId=arn)["Grants"]]
    assert names == [volume, copy_snapshot, copied_snapshot["SnapshotId"]]


@pytest.mark.cli
def test_the_cli_creates_lists_and_retires_a_grant(cli, aws: ClientFactory) -> None:
    arn = aws("kms", account=OWNER).create_key()["KeyMetadata"]["Arn"]
    made = cli(
        "kms",
        "create-grant",
        "--key-id",
        arn,
        "--grantee-principal",
        ROOT.format(OTHER),
        "--operations",
        "Encrypt",
        "Decrypt",
        "--retiring-principal",
        ROOT.format(OTHER),
        account=OWNER,
    )
    listed = cli("kms", "list-grants", "--key-id", arn, account=OWNER)["Grants"]
    assert [g["GrantId"] for g in listed] == [made["GrantId"]]
    out = cli("kms", "encrypt", "--key-id", arn, "--plaintext", "aGVsbG8=", account=OTHER)
    assert out["KeyId"] == arn
    cli("kms", "retire-grant", "--grant-token", made["GrantToken"], account=OTHER)
    assert cli("kms", "list-grants", "--key-id", arn, account=OWNER)["Grants"] == []
