"""ARNs name the partition of the Region a request was signed for (aws-cn, aws-us-gov, ...).

AWS: "In the Beijing and Ningxia Regions, the Amazon Resource Name (ARN) syntax includes a
cn" (https://docs.amazonaws.cn/en_us/general/latest/gr/ARNs.html); the partition of each
Region is botocore's (``botocore/data/partitions.json``). An organization lives in one
partition: "you will need to create a separate organization for accounts used in China"
(https://docs.aws.amazon.com/organizations/latest/userguide/region-support.html).
"""

from __future__ import annotations

import boto3
import pytest

from emulator.server import RunningServer
from tests.conftest import CLIENT_CONFIG, ClientFactory

MGMT = "123456789012"

PARTITIONS = [
    ("us-east-1", "aws"),
    ("cn-north-1", "aws-cn"),
    ("us-gov-west-1", "aws-us-gov"),
    ("us-isob-east-1", "aws-iso-b"),
]


@pytest.mark.parametrize(("region", "partition"), PARTITIONS)
def test_organization_arns_name_the_partition(
    aws: ClientFactory, region: str, partition: str
) -> None:
    orgs = aws("organizations", account=MGMT, region=region)
    org = orgs.create_organization()["Organization"]
    prefix = f"arn:{partition}:organizations::{MGMT}:"
    assert org["Arn"] == f"{prefix}organization/{org['Id']}"
    assert org["MasterAccountArn"] == f"{prefix}account/{org['Id']}/{MGMT}"
    assert orgs.describe_organization()["Organization"] == org
    (root,) = orgs.list_roots()["Roots"]
    assert root["Arn"] == f"{prefix}root/{org['Id']}/{root['Id']}"
    ou = orgs.create_organizational_unit(ParentId=root["Id"], Name="team")
    ou_id = ou["OrganizationalUnit"]["Id"]
    assert ou["OrganizationalUnit"]["Arn"] == f"{prefix}ou/{org['Id']}/{ou_id}"
    (me,) = orgs.list_accounts()["Accounts"]
    assert me["Arn"] == f"{prefix}account/{org['Id']}/{MGMT}"


@pytest.mark.parametrize(("region", "partition"), PARTITIONS)
def test_kms_key_and_alias_arns_name_the_partition(
    aws: ClientFactory, region: str, partition: str
) -> None:
    kms = aws("kms", account=MGMT, region=region)
    meta = kms.create_key()["KeyMetadata"]
    arn = f"arn:{partition}:kms:{region}:{MGMT}:key/{meta['KeyId']}"
    assert meta["Arn"] == arn
    assert kms.describe_key(KeyId=arn)["KeyMetadata"]["Arn"] == arn
    assert kms.describe_key(KeyId=meta["KeyId"])["KeyMetadata"]["Arn"] == arn
    kms.create_alias(AliasName="alias/app", TargetKeyId=meta["KeyId"])
    (alias,) = [a for a in kms.list_aliases()["Aliases"] if a["AliasName"] == "alias/app"]
    assert alias["AliasArn"] == f"arn:{partition}:kms:{region}:{MGMT}:alias/app"
    policy = kms.get_key_policy(KeyId=arn, PolicyName="default")["Policy"]
    assert f'"arn:{partition}:iam::{MGMT}:root"' in policy


@pytest.mark.parametrize(("region", "partition"), PARTITIONS)
def test_sts_arns_name_the_partition(aws: ClientFactory, region: str, partition: str) -> None:
    orgs = aws("organizations", account=MGMT, region=region)
    orgs.create_organization()
    status = orgs.create_account(Email="member@example.com", AccountName="member")
    member = status["CreateAccountStatus"]["AccountId"]
    sts = aws("sts", account=MGMT, region=region)
    assert sts.get_caller_identity()["Arn"] == f"arn:{partition}:iam::{MGMT}:root"
    role = f"arn:{partition}:iam::{member}:role/OrganizationAccountAccessRole"
    assumed = sts.assume_role(RoleArn=role, RoleSessionName="deploy")
    session_arn = f"arn:{partition}:sts::{member}:assumed-role/OrganizationAccountAccessRole/deploy"
    assert assumed["AssumedRoleUser"]["Arn"] == session_arn


def test_a_session_reports_its_own_arn(aws: ClientFactory, server: RunningServer) -> None:
    """GetCallerIdentity with an assumed-role key answers the session's ARN."""
    orgs = aws("organizations", account=MGMT, region="cn-north-1")
    orgs.create_organization()
    status = orgs.create_account(Email="member@example.com", AccountName="member")
    member = status["CreateAccountStatus"]["AccountId"]
    creds = aws("sts", account=MGMT, region="cn-north-1").assume_role(
        RoleArn=f"arn:aws-cn:iam::{member}:role/OrganizationAccountAccessRole",
        RoleSessionName="deploy",
    )["Credentials"]
    sts = boto3.client(
        "sts",
        region_name="cn-north-1",
        endpoint_url=server.url,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        config=CLIENT_CONFIG,
    )
    assert sts.get_caller_identity()["Arn"] == (
        f"arn:aws-cn:sts::{member}:assumed-role/OrganizationAccountAccessRole/deploy"
    )
