"""The condition keys a policy sees, from the request and live state (``access.asked``)."""

from __future__ import annotations

from datetime import UTC, datetime

from emulator.core.access.asked import context, pairs
from emulator.core.access.facts import Facts
from emulator.core.authorization import CREATE_GRANT, DECRYPT, AccessRequest
from emulator.core.iam.principals import USER, Principal
from emulator.core.organizations.membership import Membership

ACCOUNT, OWNER = "111122223333", "444455556666"
REGION = "eu-west-1"
KEY = f"arn:aws:kms:{REGION}:{OWNER}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
DEV = Principal(ACCOUNT, USER, f"arn:aws:iam::{ACCOUNT}:user/dev", "AIDAEXAMPLE", "dev")
MINE = Membership("o-abcdefghij", "r-ab12", ("ou-ab12-11111111",), "123456789012")
THEIRS = Membership("o-abcdefghij", "r-ab12", ("ou-ab12-22222222",), "123456789012")


def facts() -> Facts:
    return Facts(
        MINE,
        None,  # type: ignore[arg-type]
        None,  # type: ignore[arg-type]
        datetime(2026, 12, 1, tzinfo=UTC),
        None,  # type: ignore[arg-type]
        None,
        membership_of=lambda account: THEIRS if account == OWNER else None,
        principal_tags=lambda p: {"team": "blue"} if p == DEV else {},
    )


def test_principal_resource_and_region_keys() -> None:
    request = AccessRequest(ACCOUNT, "kms:DescribeKey", REGION, caller=DEV, resources=(KEY,))
    assert pairs(request) == [("kms:DescribeKey", KEY)]
    keys = context(request, facts(), "kms:DescribeKey", KEY)
    assert keys == {
        "aws:PrincipalAccount": ACCOUNT,
        "aws:PrincipalArn": DEV.arn,
        "aws:PrincipalTag/team": "blue",
        "aws:PrincipalOrgID": "o-abcdefghij",
        "aws:PrincipalOrgPaths": ["o-abcdefghij/r-ab12/ou-ab12-11111111/"],
        "aws:RequestedRegion": REGION,
        "aws:ResourceAccount": OWNER,
        "aws:ResourceOrgID": "o-abcdefghij",
        "aws:ResourceOrgPaths": ["o-abcdefghij/r-ab12/ou-ab12-22222222/"],
        "kms:CallerAccount": ACCOUNT,
    }


def test_ec2s_use_of_keys_is_via_ec2_and_its_grants_are_for_an_aws_resource() -> None:
    grant = AccessRequest(ACCOUNT, CREATE_GRANT, REGION, keys=(KEY,), caller=DEV)
    keys = context(grant, facts(), CREATE_GRANT, KEY)
    assert keys["kms:ViaService"] == f"ec2.{REGION}.amazonaws.com"
    assert keys["kms:GrantIsForAWSResource"] == "true"
    direct = AccessRequest(ACCOUNT, CREATE_GRANT, REGION, caller=DEV, resources=(KEY,))
    keys = context(direct, facts(), CREATE_GRANT, KEY)
    assert "kms:ViaService" not in keys and keys["kms:GrantIsForAWSResource"] == "false"
    # Decrypt has no grant key: the table does not list it for the action.
    read = AccessRequest(ACCOUNT, DECRYPT, REGION, keys=(KEY,), caller=DEV)
    assert "kms:GrantIsForAWSResource" not in context(read, facts(), DECRYPT, KEY)


def test_request_keys_pass_only_where_the_table_lists_them() -> None:
    tags = {"aws:RequestTag/team": "blue", "aws:TagKeys": ["team"]}
    vpc = f"arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/*"
    create = AccessRequest(
        ACCOUNT, "ec2:CreateVpc", REGION, caller=DEV, resources=(vpc,), context=tags
    )
    assert context(create, facts(), "ec2:CreateVpc", vpc).items() >= tags.items()
    describe = AccessRequest(
        ACCOUNT, "ec2:DescribeVpcs", REGION, caller=DEV, resources=("*",), context=tags
    )
    assert "aws:TagKeys" not in context(describe, facts(), "ec2:DescribeVpcs", "*")
