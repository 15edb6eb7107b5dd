"""IAM over the wire with boto3: users, roles, access keys, inline and managed policies."""

from __future__ import annotations

import json
import re

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.conftest import CLIENT_CONFIG
from tests.e2e.worlds import ClientFactory, aws_error

ACCOUNT = "111122223333"
OTHER = "444455556666"
ALLOW_ALL = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)
EC2_READ = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Read", "Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}
        ],
    }
)


def trust(principal: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
            ],
        }
    )


@pytest.fixture
def iam(aws: ClientFactory):
    return aws("iam", account=ACCOUNT)


def test_a_user_has_aws_ids_and_arn(iam) -> None:
    user = iam.create_user(UserName="alice", Path="/team/")["User"]
    assert re.fullmatch(r"AIDA[A-Z0-9]{17}", user["UserId"])
    assert user["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/team/alice"
    assert user["Path"] == "/team/"
    got = iam.get_user(UserName="ALICE")["User"]  # names ignore case
    assert got["UserId"] == user["UserId"] and got["UserName"] == "alice"
    assert [u["UserName"] for u in iam.list_users()["Users"]] == ["alice"]
    assert iam.list_users(PathPrefix="/other/")["Users"] == []


def test_users_are_per_account(aws: ClientFactory, iam) -> None:
    iam.create_user(UserName="alice")
    with aws_error("NoSuchEntity", "The user with name alice cannot be found.", 404):
        aws("iam", account=OTHER).get_user(UserName="alice")
    assert aws("iam", account=OTHER).list_users()["Users"] == []


def test_duplicate_and_missing_users(iam) -> None:
    iam.create_user(UserName="alice")
    with aws_error("EntityAlreadyExists", "User with name Alice already exists.", 409):
        iam.create_user(UserName="Alice")
    with aws_error("NoSuchEntity", "The user with name bob cannot be found.", 404):
        iam.delete_user(UserName="bob")


def test_a_bad_name_answers_validation_error(iam) -> None:
    with aws_error(
        "ValidationError",
        "1 validation error detected: Value 'no spaces' at 'userName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+",
    ):
        iam.create_user(UserName="no spaces")
    with aws_error("ValidationError"):
        iam.create_user(UserName="ok", Path="no-slashes")


def test_listing_pages_with_marker(iam) -> None:
    for i in range(5):
        iam.create_user(UserName=f"user{i}")
    first = iam.list_users(MaxItems=2)
    assert first["IsTruncated"] and [u["UserName"] for u in first["Users"]] == ["user0", "user1"]
    second = iam.list_users(MaxItems=2, Marker=first["Marker"])
    assert [u["UserName"] for u in second["Users"]] == ["user2", "user3"]
    third = iam.list_users(MaxItems=2, Marker=second["Marker"])
    assert [u["UserName"] for u in third["Users"]] == ["user4"] and not third["IsTruncated"]
    assert "Marker" not in third
    paged = iam.get_paginator("list_users").paginate(PaginationConfig={"PageSize": 2})
    assert [u["UserName"] for page in paged for u in page["Users"]] == [
        f"user{i}" for i in range(5)
    ]


def test_access_keys_two_per_user_secret_once(iam) -> None:
    iam.create_user(UserName="alice")
    key = iam.create_access_key(UserName="alice")["AccessKey"]
    assert re.fullmatch(r"AKIA[A-Z0-9]{16}", key["AccessKeyId"])
    assert len(key["SecretAccessKey"]) == 40 and key["Status"] == "Active"
    iam.create_access_key(UserName="alice")
    with aws_error("LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2", 409):
        iam.create_access_key(UserName="alice")
    listed = iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]
    assert len(listed) == 2 and all("SecretAccessKey" not in k for k in listed)
    with aws_error("DeleteConflict", "Cannot delete entity, must delete access keys first.", 409):
        iam.delete_user(UserName="alice")
    for k in listed:
        iam.delete_access_key(UserName="alice", AccessKeyId=k["AccessKeyId"])
    with aws_error(
        "NoSuchEntity", f"The Access Key with id {key['AccessKeyId']} cannot be found.", 404
    ):
        iam.delete_access_key(UserName="alice", AccessKeyId=key["AccessKeyId"])
    iam.delete_user(UserName="alice")


def test_inline_policies_of_users_and_roles(iam) -> None:
    iam.create_user(UserName="alice")
    iam.put_user_policy(UserName="alice", PolicyName="read", PolicyDocument=EC2_READ)
    got = iam.get_user_policy(UserName="alice", PolicyName="read")
    assert got["PolicyDocument"] == json.loads(EC2_READ)  # botocore decodes IAM's URL-encoding
    assert iam.list_user_policies(UserName="alice")["PolicyNames"] == ["read"]
    with aws_error("DeleteConflict", "Cannot delete entity, must delete policies first.", 409):
        iam.delete_user(UserName="alice")
    iam.delete_user_policy(UserName="alice", PolicyName="read")
    with aws_error("NoSuchEntity", "The user policy with name read cannot be found.", 404):
        iam.get_user_policy(UserName="alice", PolicyName="read")
    iam.create_role(RoleName="app", AssumeRolePolicyDocument=trust(ACCOUNT))
    iam.put_role_policy(RoleName="app", PolicyName="all", PolicyDocument=ALLOW_ALL)
    assert iam.list_role_policies(RoleName="app")["PolicyNames"] == ["all"]
    assert iam.get_role_policy(RoleName="app", PolicyName="all")["RoleName"] == "app"
    with aws_error("DeleteConflict", "Cannot delete entity, must delete policies first.", 409):
        iam.delete_role(RoleName="app")
    iam.delete_role_policy(RoleName="app", PolicyName="all")
    iam.delete_role(RoleName="app")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", "This policy contains invalid Json"),
        (
            json.dumps(
                {
                    "Statement": {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": "*",
                    }
                }
            ),
            "Policy document should not specify a principal.",
        ),
        (
            json.dumps({"Statement": {"Effect": "Allow", "Action": "s3:*"}}),
            "Policy statement must contain resources.",
        ),
        (
            json.dumps({"Statement": {"Effect": "Maybe", "Action": "s3:*", "Resource": "*"}}),
            "Syntax errors in policy.",
        ),
    ],
)
def test_malformed_identity_policies(iam, document: str, message: str) -> None:
    iam.create_user(UserName="alice")
    with aws_error("MalformedPolicyDocument", message):
        iam.put_user_policy(UserName="alice", PolicyName="p", PolicyDocument=document)
    with aws_error("MalformedPolicyDocument", message):
        iam.create_policy(PolicyName="p", PolicyDocument=document)


def test_a_users_inline_policies_are_held_to_2048_characters(iam) -> None:
    iam.create_user(UserName="alice")
    big = json.dumps(
        {
            "Statement": [
                {"Effect": "Allow", "Action": f"ec2:Describe{'X' * 40}{i}", "Resource": "*"}
                for i in range(40)
            ]
        }
    )
    with aws_error(
        "LimitExceeded", "Maximum policy size of 2048 bytes exceeded for user alice", 409
    ):
        iam.put_user_policy(UserName="alice", PolicyName="big", PolicyDocument=big)


def test_roles_with_trust_policies(iam) -> None:
    created = iam.create_role(
        RoleName="deployer",
        Path="/ci/",
        AssumeRolePolicyDocument=trust(f"arn:aws:iam::{OTHER}:root"),
        Description="CI deploys",
        MaxSessionDuration=7200,
    )["Role"]
    assert re.fullmatch(r"AROA[A-Z0-9]{17}", created["RoleId"])
    assert created["Arn"] == f"arn:aws:iam::{ACCOUNT}:role/ci/deployer"
    role = iam.get_role(RoleName="deployer")["Role"]
    assert role["MaxSessionDuration"] == 7200 and role["Description"] == "CI deploys"
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "AWS": f"arn:aws:iam::{OTHER}:root"
    }
    iam.update_assume_role_policy(RoleName="deployer", PolicyDocument=trust(ACCOUNT))
    updated = iam.get_role(RoleName="deployer")["Role"]["AssumeRolePolicyDocument"]
    assert updated["Statement"][0]["Principal"] == {"AWS": ACCOUNT}
    assert [r["RoleName"] for r in iam.list_roles()["Roles"]] == ["deployer"]
    with aws_error("EntityAlreadyExists", "Role with name deployer already exists.", 409):
        iam.create_role(RoleName="deployer", AssumeRolePolicyDocument=trust(ACCOUNT))
    iam.delete_role(RoleName="deployer")
    with aws_error("NoSuchEntity", "The role with name deployer cannot be found.", 404):
        iam.get_role(RoleName="deployer")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            json.dumps(
                {
                    "Statement": {
                        "Effect": "Allow",
                        "Principal": {"AWS": ACCOUNT},
                        "Action": "s3:GetObject",
                    }
                }
            ),
            "AssumeRole policy may only specify STS AssumeRole actions.",
        ),
        (
            json.dumps(
                {
                    "Statement": {
                        "Effect": "Allow",
                        "Principal": {"AWS": ACCOUNT},
                        "Action": "sts:AssumeRole",
                        "Resource": "*",
                    }
                }
            ),
            "Has prohibited field Resource.",
        ),
        (
            trust(f"arn:aws:iam::{ACCOUNT}:user/nobody"),
            f'Invalid principal in policy: "AWS":"arn:aws:iam::{ACCOUNT}:user/nobody"',
        ),
    ],
)
def test_malformed_trust_policies(iam, document: str, message: str) -> None:
    with aws_error("MalformedPolicyDocument", message):
        iam.create_role(RoleName="r", AssumeRolePolicyDocument=document)


def test_max_session_duration_bounds(aws: ClientFactory, server) -> None:
    iam = boto3.client(
        "iam",
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id=ACCOUNT,
        aws_secret_access_key="x",
        config=CLIENT_CONFIG.merge(Config(parameter_validation=False)),
    )
    with aws_error(
        "ValidationError",
        "1 validation error detected: Value '60' at 'maxSessionDuration' failed to satisfy "
        "constraint: Member must have value greater than or equal to 3600",
    ):
        iam.create_role(
            RoleName="r", AssumeRolePolicyDocument=trust(ACCOUNT), MaxSessionDuration=60
        )


def test_customer_managed_policies_and_versions(iam) -> None:
    policy = iam.create_policy(PolicyName="ec2-read", PolicyDocument=EC2_READ, Path="/p/")["Policy"]
    arn = f"arn:aws:iam::{ACCOUNT}:policy/p/ec2-read"
    assert policy["Arn"] == arn and re.fullmatch(r"ANPA[A-Z0-9]{17}", policy["PolicyId"])
    assert policy["DefaultVersionId"] == "v1" and policy["AttachmentCount"] == 0
    with aws_error(
        "EntityAlreadyExists",
        "A policy called ec2-read already exists. Duplicate names are not allowed.",
        409,
    ):
        iam.create_policy(PolicyName="ec2-read", PolicyDocument=EC2_READ)
    version = iam.create_policy_version(PolicyArn=arn, PolicyDocument=ALLOW_ALL, SetAsDefault=True)
    assert version["PolicyVersion"]["VersionId"] == "v2"
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v2"
    document = iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]
    assert document["Document"] == json.loads(EC2_READ) and not document["IsDefaultVersion"]
    for _ in range(3):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=EC2_READ)
    with aws_error(
        "LimitExceeded",
        "A managed policy can have up to 5 versions. Before you create a new version, you "
        "must delete an existing version.",
        409,
    ):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=EC2_READ)
    with aws_error("DeleteConflict", status=409):
        iam.delete_policy(PolicyArn=arn)
    for v in ("v1", "v3", "v4", "v5"):
        iam.delete_policy_version(PolicyArn=arn, VersionId=v)
    iam.delete_policy(PolicyArn=arn)
    with aws_error("NoSuchEntity", f"Policy {arn} was not found.", 404):
        iam.get_policy(PolicyArn=arn)


def test_attaching_managed_policies(iam) -> None:
    iam.create_user(UserName="alice")
    mine = iam.create_policy(PolicyName="mine", PolicyDocument=EC2_READ)["Policy"]["Arn"]
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    iam.attach_user_policy(UserName="alice", PolicyArn=mine)
    iam.attach_user_policy(UserName="alice", PolicyArn=admin)
    attached = iam.list_attached_user_policies(UserName="alice")["AttachedPolicies"]
    assert attached == [
        {"PolicyName": "AdministratorAccess", "PolicyArn": admin},
        {"PolicyName": "mine", "PolicyArn": mine},
    ]
    assert iam.get_policy(PolicyArn=mine)["Policy"]["AttachmentCount"] == 1
    with aws_error("DeleteConflict", "Cannot delete a policy attached to entities.", 409):
        iam.delete_policy(PolicyArn=mine)
    with aws_error("DeleteConflict", "Cannot delete entity, must detach all policies first.", 409):
        iam.delete_user(UserName="alice")
    only = iam.list_policies(Scope="Local", OnlyAttached=True)["Policies"]
    assert [p["PolicyName"] for p in only] == ["mine"]
    iam.detach_user_policy(UserName="alice", PolicyArn=mine)
    with aws_error("NoSuchEntity", f"Policy {mine} was not found.", 404):
        iam.detach_user_policy(UserName="alice", PolicyArn=mine)
    missing = "arn:aws:iam::aws:policy/NoSuchPolicy"
    with aws_error("NoSuchEntity", f"Policy {missing} does not exist or is not attachable.", 404):
        iam.attach_user_policy(UserName="alice", PolicyArn=missing)
    with aws_error("InvalidInput", "ARN not-an-arn-at-all-really is not valid."):
        iam.attach_user_policy(UserName="alice", PolicyArn="not-an-arn-at-all-really")


def test_ten_managed_policies_per_role(iam) -> None:
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust(ACCOUNT))
    for i in range(10):
        arn = iam.create_policy(PolicyName=f"p{i}", PolicyDocument=EC2_READ)["Policy"]["Arn"]
        iam.attach_role_policy(RoleName="r", PolicyArn=arn)
    extra = iam.create_policy(PolicyName="p10", PolicyDocument=EC2_READ)["Policy"]["Arn"]
    with aws_error("LimitExceeded", "Cannot exceed quota for PoliciesPerRole: 10", 409):
        iam.attach_role_policy(RoleName="r", PolicyArn=extra)


def test_aws_managed_policies_are_listed_and_readable(iam) -> None:
    names = {
        p["PolicyName"]
        for page in iam.get_paginator("list_policies").paginate(Scope="AWS")
        for p in page["Policies"]
    }
    assert {
        "AdministratorAccess",
        "ReadOnlyAccess",
        "PowerUserAccess",
        "AmazonEC2FullAccess",
        "AmazonEC2ReadOnlyAccess",
    } <= names
    arn = "arn:aws:iam::aws:policy/AdministratorAccess"
    policy = iam.get_policy(PolicyArn=arn)["Policy"]
    version = iam.get_policy_version(PolicyArn=arn, VersionId=policy["DefaultVersionId"])
    assert version["PolicyVersion"]["Document"]["Statement"] == [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}
    ]
    with aws_error("NoSuchEntity", status=404):
        iam.delete_policy(PolicyArn=arn)


def test_an_unserved_iam_action_answers_invalid_action(iam) -> None:
    with pytest.raises(ClientError) as err:
        iam.list_groups()
    assert err.value.response["Error"]["Code"] == "InvalidAction"


def test_account_authorization_details(iam) -> None:
    iam.create_user(UserName="alice")
    iam.put_user_policy(UserName="alice", PolicyName="read", PolicyDocument=EC2_READ)
    iam.attach_user_policy(UserName="alice", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    iam.create_role(RoleName="app", AssumeRolePolicyDocument=trust(ACCOUNT))
    mine = iam.create_policy(PolicyName="mine", PolicyDocument=EC2_READ)["Policy"]["Arn"]
    details = iam.get_account_authorization_details()
    [user] = details["UserDetailList"]
    assert user["UserName"] == "alice"
    assert user["UserPolicyList"] == [
        {"PolicyName": "read", "PolicyDocument": json.loads(EC2_READ)}
    ]
    assert user["AttachedManagedPolicies"][0]["PolicyName"] == "ReadOnlyAccess"
    [role] = details["RoleDetailList"]
    assert role["AssumeRolePolicyDocument"] == json.loads(trust(ACCOUNT))
    # The account's own policies, and AWS's only where attached in the account.
    assert {p["Arn"] for p in details["Policies"]} == {
        mine,
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
    }
    only_roles = iam.get_account_authorization_details(Filter=["Role"])
    assert only_roles["UserDetailList"] == [] and len(only_roles["RoleDetailList"]) == 1
    first = iam.get_account_authorization_details(MaxItems=2)
    assert first["IsTruncated"]
    rest = iam.get_account_authorization_details(Marker=first["Marker"])
    assert (
        len(first["UserDetailList"] + first["RoleDetailList"] + first["Policies"])
        + len(rest["UserDetailList"] + rest["RoleDetailList"] + rest["Policies"])
        == 4
    )
