"""STS: GetCallerIdentity and AssumeRole into member accounts, as multi-account pipelines do."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.conftest import CLIENT_CONFIG

MGMT = "123456789012"
ROLE = "arn:aws:iam::{}:role/OrganizationAccountAccessRole"


@pytest.fixture
def member(aws) -> str:
    orgs = aws("organizations", MGMT)
    orgs.create_organization()
    created = orgs.create_account(Email="m@example.com", AccountName="member")
    return created["CreateAccountStatus"]["AccountId"]


def test_caller_identity_is_the_account_root(aws) -> None:
    ident = aws("sts", "111122223333").get_caller_identity()
    assert ident["Account"] == "111122223333"
    assert ident["Arn"] == "arn:aws:iam::111122223333:root"
    assert ident["UserId"] == "111122223333"


def test_management_assumes_role_into_member_and_acts_as_it(aws, server, member: str) -> None:
    creds = aws("sts", MGMT).assume_role(RoleArn=ROLE.format(member), RoleSessionName="pipeline")
    keys = creds["Credentials"]
    assert keys["AccessKeyId"].startswith("ASIA")
    assert creds["AssumedRoleUser"]["Arn"] == (
        f"arn:aws:sts::{member}:assumed-role/OrganizationAccountAccessRole/pipeline"
    )
    session = boto3.Session(
        aws_access_key_id=keys["AccessKeyId"],
        aws_secret_access_key=keys["SecretAccessKey"],
        aws_session_token=keys["SessionToken"],
        region_name="us-east-1",
    )
    sts = session.client("sts", endpoint_url=server.url, config=CLIENT_CONFIG)
    ident = sts.get_caller_identity()
    assert ident["Account"] == member
    assert ident["Arn"].endswith(":assumed-role/OrganizationAccountAccessRole/pipeline")
    ec2 = session.client("ec2", endpoint_url=server.url, config=CLIENT_CONFIG)
    image = ec2.register_image(Name="made-by-assumed-role")["ImageId"]
    assert ec2.describe_images(ImageIds=[image])["Images"][0]["OwnerId"] == member


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_others_may_not_assume_the_role(aws, member: str, who: str) -> None:
    caller = member if who == "member" else "999988887777"
    with pytest.raises(ClientError) as err:
        aws("sts", caller).assume_role(RoleArn=ROLE.format(member), RoleSessionName="s1")
    assert err.value.response["Error"]["Code"] == "AccessDenied"
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert err.value.response["Error"]["Message"] == (
        f"User: arn:aws:iam::{caller}:root is not authorized to perform: sts:AssumeRole on "
        f"resource: {ROLE.format(member)}"
    )


def test_other_roles_and_accounts_outside_the_org_are_denied(aws, member: str) -> None:
    sts = aws("sts", MGMT)
    for arn in (f"arn:aws:iam::{member}:role/SomethingElse", ROLE.format("999988887777")):
        with pytest.raises(ClientError) as err:
            sts.assume_role(RoleArn=arn, RoleSessionName="s1")
        assert err.value.response["Error"]["Code"] == "AccessDenied"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        (
            {"RoleArn": "arn:aws:iam:12345:role/x" + "y" * 10, "RoleSessionName": "ok"},
            "ValidationError",
        ),
        (
            {"RoleArn": ROLE.format("111122223333"), "RoleSessionName": "bad name!"},
            "ValidationError",
        ),
        (
            {
                "RoleArn": ROLE.format("111122223333"),
                "RoleSessionName": "ok",
                "DurationSeconds": 900 * 100,
            },
            "ValidationError",
        ),
    ],
)
def test_bad_assume_role_input(aws, kwargs: dict, code: str) -> None:
    with pytest.raises(ClientError) as err:
        aws("sts", MGMT).assume_role(**kwargs)
    assert err.value.response["Error"]["Code"] == code
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
