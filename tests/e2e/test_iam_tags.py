"""IAM user and role tags, and aws:PrincipalTag/* from them in every decision."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.test_access_gate import allow, document, grant, refused
from tests.e2e.test_iam_callers import client, new_user, trust
from tests.e2e.worlds import ClientFactory, aws_error

ACCOUNT = "111122223333"


def test_tags_on_users_and_roles(aws: ClientFactory) -> None:
    iam = aws("iam", account=ACCOUNT)
    made = iam.create_user(UserName="tagged", Tags=[{"Key": "team", "Value": "blue"}])["User"]
    assert made["Tags"] == [{"Key": "team", "Value": "blue"}]
    iam.tag_user(
        UserName="tagged", Tags=[{"Key": "TEAM", "Value": "red"}, {"Key": "cc", "Value": "7"}]
    )
    assert iam.list_user_tags(UserName="tagged")["Tags"] == [
        {"Key": "TEAM", "Value": "red"},
        {"Key": "cc", "Value": "7"},
    ]
    iam.untag_user(UserName="tagged", TagKeys=["cc", "absent"])
    assert iam.get_user(UserName="tagged")["User"]["Tags"] == [{"Key": "TEAM", "Value": "red"}]
    iam.create_role(RoleName="r", AssumeRolePolicyDocument=trust(f"arn:aws:iam::{ACCOUNT}:root"))
    iam.tag_role(RoleName="r", Tags=[{"Key": "env", "Value": "prod"}])
    assert iam.get_role(RoleName="r")["Role"]["Tags"] == [{"Key": "env", "Value": "prod"}]
    iam.untag_role(RoleName="r", TagKeys=["env"])
    assert iam.list_role_tags(RoleName="r")["Tags"] == []
    with aws_error("LimitExceeded", "Cannot exceed quota for TagsPerUser: 50", 409):
        iam.tag_user(UserName="tagged", Tags=[{"Key": f"k{i}", "Value": ""} for i in range(50)])
    with aws_error("NoSuchEntity", status=404):
        iam.tag_user(UserName="nobody", Tags=[{"Key": "a", "Value": "b"}])
    with pytest.raises(ClientError):
        iam.create_user(UserName="bad", Tags=[{"Key": "x" * 129, "Value": ""}])
    assert "bad" not in [u["UserName"] for u in iam.list_users()["Users"]]


def test_principal_tags_decide_for_users_and_role_sessions(aws: ClientFactory, server) -> None:
    iam = aws("iam", account=ACCOUNT)
    by_team = allow(
        "ec2:DescribeVpcs", Condition={"StringEquals": {"aws:PrincipalTag/team": "blue"}}
    )
    keys = new_user(aws, ACCOUNT, "dev")
    grant(aws, by_team)
    ec2 = client(server, "ec2", keys)
    refused(ec2.describe_vpcs, "UnauthorizedOperation", 403)
    iam.tag_user(UserName="dev", Tags=[{"Key": "team", "Value": "blue"}])
    assert ec2.describe_vpcs()["Vpcs"] is not None
    # A role session answers to its role's tags.
    iam.create_role(RoleName="ops", AssumeRolePolicyDocument=trust(f"arn:aws:iam::{ACCOUNT}:root"))
    iam.put_role_policy(RoleName="ops", PolicyName="p", PolicyDocument=document(by_team))
    creds = aws("sts", account=ACCOUNT).assume_role(
        RoleArn=f"arn:aws:iam::{ACCOUNT}:role/ops", RoleSessionName="s1"
    )["Credentials"]
    session = client(server, "ec2", creds)
    refused(session.describe_vpcs, "UnauthorizedOperation", 403)
    iam.tag_role(RoleName="ops", Tags=[{"Key": "team", "Value": "blue"}])
    assert session.describe_vpcs()["Vpcs"] is not None


def test_tag_keys_decide_untagging(aws: ClientFactory, server) -> None:
    keys = new_user(aws, ACCOUNT, "dev")
    grant(
        aws,
        allow("iam:UntagUser", Condition={"ForAllValues:StringEquals": {"aws:TagKeys": ["temp"]}}),
    )
    aws("iam", account=ACCOUNT).tag_user(
        UserName="dev", Tags=[{"Key": "temp", "Value": "1"}, {"Key": "team", "Value": "a"}]
    )
    iam = client(server, "iam", keys)
    iam.untag_user(UserName="dev", TagKeys=["temp"])
    refused(lambda: iam.untag_user(UserName="dev", TagKeys=["team"]), "AccessDenied", 403)
