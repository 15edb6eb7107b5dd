"""The layers of the access decision together: roles of member accounts (assumed from the
management account) launching OU-shared AMIs, plain and encrypted under the reference's key
policy, as their identity policies, the launch permission and the key policy allow; and an
EC2 declarative policy on the root blocking public sharing in every member account."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.e2e.test_encryption import (
    DEV,
    FINANCE,
    FINANCE_OU_ARN,
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


def allowing(*statements: dict[str, Any]) -> str:
    """An identity policy of Allow statements."""
    allowed = [{"Effect": "Allow", **statement} for statement in statements]
    return json.dumps({"Version": "2012-10-17", "Statement": allowed})


def member_role(aws: ClientFactory, account: str, name: str, **inline: dict[str, Any]) -> Any:
    """A role of ``account`` the management account's root may assume, with ``inline``
    policies (name -> one Allow statement); the account's IAM client."""
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
    iam = aws("iam", account)
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
    for policy_name, statement in inline.items():
        iam.put_role_policy(
            RoleName=name, PolicyName=policy_name, PolicyDocument=allowing(statement)
        )
    return iam


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
    iam = member_role(aws, FINANCE, "launcher", ec2={"Action": "ec2:*", "Resource": "*"})
    ec2 = client(server, "ec2", org_role_session(aws, FINANCE, "launcher"))
    # The key policy admits Finance, but no identity policy allows kms:Decrypt on the key.
    assert launch_state(ec2, image_id) == "terminated"
    kms_use = {"Action": ["kms:Decrypt", "kms:DescribeKey"], "Resource": key}
    iam.put_role_policy(RoleName="launcher", PolicyName="kms", PolicyDocument=allowing(kms_use))
    assert launch_state(ec2, image_id) == "running"


def test_an_ou_shared_image_launches_for_a_member_role_only_when_its_identity_policy_allows(
    aws: ClientFactory, server
) -> None:
    image_id = aws("ec2", OWNER).register_image(Name="ou-plain")["ImageId"]
    share(aws("ec2", OWNER), image_id, {"OrganizationalUnitArn": FINANCE_OU_ARN})
    iam = member_role(aws, FINANCE, "builder")
    ec2 = client(server, "ec2", org_role_session(aws, FINANCE, "builder"))
    with pytest.raises(ClientError) as refused:
        ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1)
    error = refused.value.response["Error"]
    assert error["Code"] == "UnauthorizedOperation"
    assert (
        f"User: arn:aws:sts::{FINANCE}:assumed-role/builder/ops is not authorized to perform: "
        f"ec2:RunInstances on resource: arn:aws:ec2:us-east-1::image/{image_id} because no "
        "identity-based policy allows the ec2:RunInstances action"
    ) in error["Message"]
    launch = {"Action": ["ec2:RunInstances", "ec2:Describe*"], "Resource": "*"}
    iam.put_role_policy(RoleName="builder", PolicyName="launch", PolicyDocument=allowing(launch))
    assert launch_state(ec2, image_id) == "running"
    # The same role in an account outside the OU: its policy allows, the grant does not reach.
    member_role(aws, DEV, "builder", launch=launch)
    dev = client(server, "ec2", org_role_session(aws, DEV, "builder"))
    with pytest.raises(ClientError) as refused:
        dev.run_instances(ImageId=image_id, MinCount=1, MaxCount=1)
    assert refused.value.response["Error"]["Code"] == "AuthFailure"


BLOCK_PUBLIC = json.dumps(
    {
        "ec2_attributes": {
            "image_block_public_access": {"state": {"@@assign": "block_new_sharing"}},
            "exception_message": {"@@assign": "Ask the platform team before going public."},
        }
    }
)


def test_a_declarative_policy_on_the_root_blocks_public_sharing_in_every_member_account(
    aws: ClientFactory,
) -> None:
    orgs = aws("organizations", OWNER)
    root = orgs.list_roots()["Roots"][0]["Id"]
    orgs.enable_policy_type(RootId=root, PolicyType="DECLARATIVE_POLICY_EC2")
    policy_id = orgs.create_policy(
        Name="no-public-amis",
        Description="",
        Type="DECLARATIVE_POLICY_EC2",
        Content=BLOCK_PUBLIC,
    )["Policy"]["PolicySummary"]["Id"]
    orgs.attach_policy(PolicyId=policy_id, TargetId=root)
    members = [a["Id"] for a in orgs.list_accounts()["Accounts"] if a["Id"] != OWNER]
    assert members
    for account in members:
        ec2 = aws("ec2", account)
        state = ec2.get_image_block_public_access_state()
        assert state["ImageBlockPublicAccessState"] == "block-new-sharing", account
        assert state["ManagedBy"] == "declarative-policy", account
        image_id = ec2.register_image(Name=f"golden-{account}")["ImageId"]
        with pytest.raises(ClientError) as refused:
            share(ec2, image_id, {"Group": "all"})
        error = refused.value.response["Error"]
        assert error["Code"] == "OperationNotPermitted", account
        assert error["Message"].endswith("Ask the platform team before going public."), account
        share(ec2, image_id, {"UserId": OWNER})  # sharing with an account stays possible
    orgs.detach_policy(PolicyId=policy_id, TargetId=root)
    image_id = aws("ec2", members[0]).register_image(Name="after")["ImageId"]
    share(aws("ec2", members[0]), image_id, {"Group": "all"})  # the policy no longer reaches


def test_in_the_keys_account_a_key_policy_naming_the_caller_needs_no_identity_policy(
    aws: ClientFactory, server
) -> None:
    """The aws/ebs key's policy allows every principal of its account through EC2, so a
    user whose policies say nothing of KMS launches from it; a customer key whose policy
    names the user by ARN lets it call KMS directly; one naming only the account delegates
    to IAM, so the user's own policy must allow."""
    iam = aws("iam", OWNER)
    iam.create_user(UserName="builder")
    keys = iam.create_access_key(UserName="builder")["AccessKey"]
    ec2_only = allowing({"Action": "ec2:*", "Resource": "*"})
    iam.put_user_policy(UserName="builder", PolicyName="ec2", PolicyDocument=ec2_only)
    image_id, _ = encrypted_image(aws("ec2", OWNER), "ebs-default")  # under aws/ebs
    assert launch_state(client(server, "ec2", keys), image_id) == "running"

    user = f"arn:aws:iam::{OWNER}:user/builder"
    admin = {
        "Sid": "owner",
        "Effect": "Allow",
        "Principal": {"AWS": f"arn:aws:iam::{OWNER}:root"},
        "Action": "kms:*",
        "Resource": "*",
    }
    named = {
        "Sid": "builder",
        "Effect": "Allow",
        "Principal": {"AWS": user},
        "Action": ["kms:Encrypt", "kms:Decrypt"],
        "Resource": "*",
    }
    direct = create_key(aws, admin, named)
    delegated = create_key(aws, admin)
    kms = client(server, "kms", keys)
    assert kms.encrypt(KeyId=direct, Plaintext=b"x")["KeyId"] == direct
    with pytest.raises(ClientError) as refused:
        kms.encrypt(KeyId=delegated, Plaintext=b"x")
    assert refused.value.response["Error"]["Code"] == "AccessDeniedException"
