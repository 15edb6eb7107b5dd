"""The layers of the access decision together, as the issue's scenarios walk them: roles of
member accounts (OrganizationAccountAccessRole, assumed from the management account) using
an OU-shared, encrypted AMI under the reference's key policy."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.e2e.test_encryption import (
    DEV,
    FINANCE,
    ORG_ARN,
    OWNER,
    SECURITY,
    create_key,
    encrypted_image,
    share,
)
from tests.e2e.test_iam_callers import client
from tests.e2e.worlds import ClientFactory
from tests.reference_policies import OU_STATEMENT

pytestmark = pytest.mark.ami_scenario("demo")
ORG_ROLE = "OrganizationAccountAccessRole"


def org_role_session(aws: ClientFactory, account: str, role: str = ORG_ROLE) -> dict[str, str]:
    """The management account's root assumes ``role`` in the member ``account``."""
    credentials = aws("sts", OWNER).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/{role}", RoleSessionName="ops"
    )["Credentials"]
    return {
        "AccessKeyId": credentials["AccessKeyId"],
        "SecretAccessKey": credentials["SecretAccessKey"],
        "SessionToken": credentials["SessionToken"],
    }


def launch_state(ec2: Any, image_id: str) -> str:
    """RunInstances answers pending either way; the next read shows whether the keys let
    the instance start."""
    (instance,) = ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1)["Instances"]
    (reservation,) = ec2.describe_instances(InstanceIds=[instance["InstanceId"]])["Reservations"]
    return reservation["Instances"][0]["State"]["Name"]


def test_the_reference_ou_key_statement_admits_a_role_in_the_ou_and_not_one_outside(
    aws: ClientFactory, server
) -> None:
    key = create_key(aws, OU_STATEMENT)
    image_id, _ = encrypted_image(aws("ec2", OWNER), "ou-keyed", key)
    share(aws("ec2", OWNER), image_id, {"OrganizationArn": ORG_ARN})
    for account in (FINANCE, SECURITY):  # in the two OUs the statement names
        ec2 = client(server, "ec2", org_role_session(aws, account))
        assert launch_state(ec2, image_id) == "running", account
    # Dev's role may launch the image (the org grant) and its AdministratorAccess allows
    # kms:Decrypt, but the key policy's PrincipalOrgPaths does not reach Dev's OU.
    outside = client(server, "ec2", org_role_session(aws, DEV))
    assert launch_state(outside, image_id) == "terminated"


def test_cross_account_a_role_in_the_ou_needs_its_identity_policy_too(
    aws: ClientFactory, server
) -> None:
    key = create_key(aws, OU_STATEMENT)
    image_id, _ = encrypted_image(aws("ec2", OWNER), "ou-keyed-narrow", key)
    share(aws("ec2", OWNER), image_id, {"OrganizationArn": ORG_ARN})
    iam = aws("iam", FINANCE)
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{OWNER}:root"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
    iam.create_role(RoleName="launcher", AssumeRolePolicyDocument=json.dumps(trust))
    launch_only = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}],
    }
    iam.put_role_policy(
        RoleName="launcher", PolicyName="ec2", PolicyDocument=json.dumps(launch_only)
    )
    ec2 = client(server, "ec2", org_role_session(aws, FINANCE, "launcher"))
    # The key policy admits Finance, but no identity policy allows kms:Decrypt on the key.
    assert launch_state(ec2, image_id) == "terminated"
    kms_use = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": key}
        ],
    }
    iam.put_role_policy(RoleName="launcher", PolicyName="kms", PolicyDocument=json.dumps(kms_use))
    assert launch_state(ec2, image_id) == "running"
