"""One gate for every call: an IAM user's policies decide EC2, KMS, Organizations, IAM and
STS calls, each refused in its service's own form, with the condition keys from live state;
DryRun and DecodeAuthorizationMessage answer from the same decision."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.conftest import CLIENT_CONFIG, ISOLATED_ENV
from tests.e2e.test_iam_callers import client, new_user
from tests.e2e.worlds import ClientFactory, aws_error

ACCOUNT = "111122223333"
OTHER = "444455556666"
USER = f"arn:aws:iam::{ACCOUNT}:user/dev"
EC2_PREFIX = "You are not authorized to perform this operation. "


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: str = "*", resource: str = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def grant(
    aws: ClientFactory,
    *statements: dict[str, Any],
    name: str = "p",
    user: str = "dev",
    account: str = ACCOUNT,
) -> None:
    aws("iam", account=account).put_user_policy(
        UserName=user, PolicyName=name, PolicyDocument=document(*statements)
    )


def refused(call, code: str, status: int) -> str:
    with pytest.raises(ClientError) as caught:
        call()
    error = caught.value.response
    assert error["Error"]["Code"] == code, error
    assert error["ResponseMetadata"]["HTTPStatusCode"] == status
    return error["Error"]["Message"]


def decoded(aws: ClientFactory, message: str, account: str = ACCOUNT) -> dict[str, Any]:
    encoded = message.rsplit("Encoded authorization failure message: ", 1)[1]
    sts = aws("sts", account=account)
    return json.loads(sts.decode_authorization_message(EncodedMessage=encoded)["DecodedMessage"])


@pytest.fixture
def dev(aws: ClientFactory, server) -> dict[str, str]:
    return new_user(aws, ACCOUNT, "dev")


def test_a_user_without_policies_is_refused_by_every_service_in_its_own_form(
    aws: ClientFactory, server, dev
) -> None:
    ec2, kms, orgs, iam, sts = (
        client(server, s, dev) for s in ("ec2", "kms", "organizations", "iam", "sts")
    )
    message = refused(ec2.describe_vpcs, "UnauthorizedOperation", 403)
    assert message.startswith(
        f"{EC2_PREFIX}User: {USER} is not authorized to perform: ec2:DescribeVpcs on resource: *"
        " because no identity-based policy allows the ec2:DescribeVpcs action. Encoded"
        " authorization failure message: "
    )
    assert refused(kms.create_key, "AccessDeniedException", 400) == (
        f"User: {USER} is not authorized to perform: kms:CreateKey on resource: * because no"
        " identity-based policy allows the kms:CreateKey action"
    )
    assert refused(orgs.describe_organization, "AccessDeniedException", 400) == (
        "You don't have permissions to access this resource."
    )
    assert refused(iam.list_users, "AccessDenied", 403) == (
        f"User: {USER} is not authorized to perform: iam:ListUsers on resource: * because no"
        " identity-based policy allows the iam:ListUsers action"
    )
    assert refused(
        lambda: sts.decode_authorization_message(EncodedMessage="abc"), "AccessDenied", 403
    ).endswith("because no identity-based policy allows the sts:DecodeAuthorizationMessage action")
    # GetCallerIdentity needs no permission.
    assert sts.get_caller_identity()["Arn"] == USER
    grant(aws, allow())
    assert ec2.describe_vpcs()["Vpcs"] is not None
    assert kms.create_key()["KeyMetadata"]["KeyId"]
    assert any(u["UserName"] == "dev" for u in iam.list_users()["Users"])
    with aws_error("AWSOrganizationsNotInUseException"):
        orgs.describe_organization()  # past the gate: the account is in no organization


def test_an_explicit_deny_wins_and_decodes_with_its_statement(
    aws: ClientFactory, server, dev
) -> None:
    grant(
        aws,
        allow(),
        {"Sid": "NoVpcs", "Effect": "Deny", "Action": "ec2:CreateVpc", "Resource": "*"},
    )
    ec2 = client(server, "ec2", dev)
    message = refused(lambda: ec2.create_vpc(CidrBlock="10.0.0.0/16"), "UnauthorizedOperation", 403)
    assert (
        "ec2:CreateVpc on resource: arn:aws:ec2:us-east-1:111122223333:vpc/* with an explicit"
        " deny in an identity-based policy." in message
    )
    answer = decoded(aws, message)
    assert answer["allowed"] is False and answer["explicitDeny"] is True
    assert answer["matchedStatements"]["items"][0]["statementId"] == "NoVpcs"
    assert answer["context"]["action"] == "ec2:CreateVpc"
    assert answer["context"]["principal"]["arn"] == USER
    keys = {c["key"] for c in answer["context"]["conditions"]["items"]}
    assert {"aws:PrincipalAccount", "aws:RequestedRegion", "ec2:Region"} <= keys
    # The user itself may decode once its policies allow it (they allow "*").
    own = client(server, "sts", dev).decode_authorization_message(
        EncodedMessage=message.rsplit(": ", 1)[1]
    )
    assert json.loads(own["DecodedMessage"]) == answer


def test_a_changed_message_does_not_decode(aws: ClientFactory, server, dev) -> None:
    ec2 = client(server, "ec2", dev)
    encoded = refused(ec2.describe_vpcs, "UnauthorizedOperation", 403).rsplit(": ", 1)[1]
    changed = encoded[:-2] + ("AA" if encoded[-2:] != "AA" else "BB")
    sts = aws("sts", account=ACCOUNT)
    for bad in (changed, "not-a-message", "x" * 10240):
        with aws_error(
            "InvalidAuthorizationMessageException", "The error message provided is invalid."
        ):
            sts.decode_authorization_message(EncodedMessage=bad)


def test_dry_run_answers_from_the_same_decision(aws: ClientFactory, server, dev) -> None:
    ec2 = client(server, "ec2", dev)
    refused(
        lambda: ec2.create_vpc(CidrBlock="10.0.0.0/16", DryRun=True), "UnauthorizedOperation", 403
    )
    grant(aws, allow("ec2:CreateVpc"))
    with aws_error("DryRunOperation", status=412):
        ec2.create_vpc(CidrBlock="10.0.0.0/16", DryRun=True)
    assert (
        aws("ec2", account=ACCOUNT).describe_vpcs(
            Filters=[{"Name": "cidr", "Values": ["10.0.0.0/16"]}]
        )["Vpcs"]
        == []
    )


def test_request_tags_and_tag_keys(aws: ClientFactory, server, dev) -> None:
    grant(
        aws,
        allow(
            "ec2:CreateVpc",
            Condition={
                "StringEquals": {"aws:RequestTag/team": "blue"},
                "ForAllValues:StringEquals": {"aws:TagKeys": ["team"]},
            },
        ),
    )
    ec2 = client(server, "ec2", dev)

    def create(tags: list[dict[str, str]]):
        specs = [{"ResourceType": "vpc", "Tags": tags}] if tags else []
        return lambda: ec2.create_vpc(CidrBlock="10.1.0.0/16", TagSpecifications=specs)

    assert create([{"Key": "team", "Value": "blue"}])()["Vpc"]["VpcId"]
    for tags in (
        [{"Key": "team", "Value": "red"}],
        [],
        [{"Key": "team", "Value": "blue"}, {"Key": "x", "Value": "y"}],
    ):
        refused(create(tags), "UnauthorizedOperation", 403)


def test_requested_region_principal_arn_and_account(aws: ClientFactory, server, dev) -> None:
    grant(
        aws,
        allow(
            "ec2:DescribeVpcs",
            Condition={
                "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/dev"},
                "StringEquals": {"aws:PrincipalAccount": ACCOUNT},
            },
        ),
        {
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": "us-east-1"}},
        },
    )
    assert client(server, "ec2", dev).describe_vpcs()["Vpcs"] is not None
    eu = boto3.client(
        "ec2",
        endpoint_url=server.url,
        region_name="eu-west-1",
        aws_access_key_id=dev["AccessKeyId"],
        aws_secret_access_key=dev["SecretAccessKey"],
        config=CLIENT_CONFIG,
    )
    assert "with an explicit deny in an identity-based policy" in refused(
        eu.describe_vpcs, "UnauthorizedOperation", 403
    )
    other = new_user(aws, ACCOUNT, "ops")
    grant(
        aws,
        allow(
            "ec2:DescribeVpcs",
            Condition={"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/dev"}},
        ),
        user="ops",
    )
    refused(client(server, "ec2", other).describe_vpcs, "UnauthorizedOperation", 403)


def test_resource_account_and_kms_caller_account(aws: ClientFactory, server, dev) -> None:
    key = aws("kms", account=ACCOUNT).create_key()["KeyMetadata"]["Arn"]
    grant(
        aws,
        allow(
            "kms:DescribeKey",
            Condition={
                "StringEquals": {"aws:ResourceAccount": ACCOUNT, "kms:CallerAccount": ACCOUNT}
            },
        ),
    )
    kms = client(server, "kms", dev)
    assert kms.describe_key(KeyId=key)["KeyMetadata"]["Arn"] == key
    grant(aws, allow("kms:DescribeKey", Condition={"StringEquals": {"aws:ResourceAccount": OTHER}}))
    message = refused(lambda: kms.describe_key(KeyId=key), "AccessDeniedException", 400)
    assert message == (
        f"User: {USER} is not authorized to perform: kms:DescribeKey on resource: {key} because"
        " no identity-based policy allows the kms:DescribeKey action"
    )


def test_image_condition_keys_owner_public_type_and_tags(aws: ClientFactory, server, dev) -> None:
    admin = aws("ec2", account=ACCOUNT)
    own = admin.register_image(Name="own")["ImageId"]
    admin.create_tags(Resources=[own], Tags=[{"Key": "stage", "Value": "golden"}])
    theirs = aws("ec2", account=OTHER).register_image(Name="theirs")["ImageId"]
    aws("ec2", account=OTHER).modify_image_attribute(
        ImageId=theirs, LaunchPermission={"Add": [{"UserId": ACCOUNT}]}
    )
    grant(
        aws,
        allow(
            "ec2:RunInstances",
            "arn:aws:ec2:*::image/*",
            Condition={
                "StringEquals": {
                    "ec2:Owner": ACCOUNT,
                    "ec2:ImageType": "machine",
                    "ec2:ResourceTag/stage": "golden",
                },
                "Bool": {"ec2:Public": "false"},
            },
        ),
    )
    ec2 = client(server, "ec2", dev)
    assert ec2.run_instances(ImageId=own, MinCount=1, MaxCount=1)["Instances"]
    message = refused(
        lambda: ec2.run_instances(ImageId=theirs, MinCount=1, MaxCount=1),
        "UnauthorizedOperation",
        403,
    )
    assert (
        f"on resource: arn:aws:ec2:us-east-1::image/{theirs} because no identity-based policy"
        in message
    )
    assert decoded(aws, message)["context"]["resource"] == f"arn:aws:ec2:us-east-1::image/{theirs}"
    admin.delete_tags(Resources=[own], Tags=[{"Key": "stage"}])
    refused(
        lambda: ec2.run_instances(ImageId=own, MinCount=1, MaxCount=1), "UnauthorizedOperation", 403
    )


def test_principal_org_id_and_paths(aws: ClientFactory, server) -> None:
    mgmt = aws("organizations", account="123456789012")
    org_id = mgmt.create_organization()["Organization"]["Id"]
    member = mgmt.create_account(Email="m@example.com", AccountName="m")["CreateAccountStatus"][
        "AccountId"
    ]
    keys = {}
    for account in (member, OTHER):
        keys[account] = new_user(aws, account, "dev")
        grant(
            aws,
            allow(
                "ec2:DescribeVpcs",
                Condition={
                    "StringEquals": {"aws:PrincipalOrgID": org_id},
                    "ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": [f"{org_id}/r-*"]},
                },
            ),
            account=account,
        )
    assert client(server, "ec2", keys[member]).describe_vpcs()["Vpcs"] is not None
    refused(client(server, "ec2", keys[OTHER]).describe_vpcs, "UnauthorizedOperation", 403)


def test_the_aws_cli_is_refused_and_then_allowed(aws: ClientFactory, server, dev) -> None:
    env = {
        **os.environ,
        **ISOLATED_ENV,
        "AWS_ACCESS_KEY_ID": dev["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": dev["SecretAccessKey"],
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    env.pop("AWS_SESSION_TOKEN", None)

    def run(*args: str) -> subprocess.CompletedProcess:
        cmd = [
            sys.executable,
            "-m",
            "awscli",
            "--endpoint-url",
            server.url,
            "--output",
            "json",
            *args,
        ]
        return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)

    done = run("iam", "list-users")
    assert (
        done.returncode != 0 and "(AccessDenied)" in done.stderr and "iam:ListUsers" in done.stderr
    )
    done = run("ec2", "describe-vpcs")
    assert "(UnauthorizedOperation)" in done.stderr
    grant(aws, allow("iam:ListUsers"))
    done = run("iam", "list-users")
    assert done.returncode == 0 and "dev" in done.stdout


def test_an_iam_user_is_asked_about_by_its_arn_with_its_path(aws: ClientFactory, server) -> None:
    """IAM's resource ARN for a user holds its path (user/${UserNameWithPath}): a policy on
    ``user/build/*`` reaches a user made under the path /build/."""
    iam = aws("iam", account=ACCOUNT)
    iam.create_user(UserName="ci", Path="/build/")
    iam.create_user(UserName="dev")
    keys = iam.create_access_key(UserName="dev")["AccessKey"]
    grant(aws, allow("iam:GetUser", f"arn:aws:iam::{ACCOUNT}:user/build/*"))
    caller = client(server, "iam", keys)
    assert caller.get_user(UserName="ci")["User"]["Arn"] == (
        f"arn:aws:iam::{ACCOUNT}:user/build/ci"
    )
    message = refused(lambda: caller.get_user(UserName="dev"), "AccessDenied", 403)
    assert f"on resource: arn:aws:iam::{ACCOUNT}:user/dev " in message
