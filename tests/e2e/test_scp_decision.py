"""Service control policies in the decision: an SCP on an OU stops the member's root user
and roles, never the management account; removing FullAWSAccess from a level denies
implicitly; both denials decode."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.conftest import CLIENT_CONFIG
from tests.e2e.worlds import ClientFactory

MGMT = "123456789012"
OUTSIDER = "999988887777"
SCP = "SERVICE_CONTROL_POLICY"
FULL = "p-FullAWSAccess"
# The reference's example: launch only images the approved account owns.
APPROVED_IMAGES = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "OnlyApprovedImages",
                "Effect": "Deny",
                "Action": "ec2:RunInstances",
                "Resource": "arn:aws:ec2:*::image/*",
                "Condition": {"StringNotEquals": {"ec2:Owner": MGMT}},
            }
        ],
    }
)


@dataclass
class Org:
    orgs: Any
    member: str
    ou: str
    approved: str  # the management account's image, shared with the member
    foreign: str  # an outsider's image, shared with the member and the management account


def launch(ec2: Any, image: str) -> None:
    ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)


def refused(call) -> str:
    with pytest.raises(ClientError) as caught:
        call()
    error = caught.value.response["Error"]
    assert error["Code"] == "UnauthorizedOperation", error
    return error["Message"]


@pytest.fixture
def org(aws: ClientFactory) -> Org:
    orgs = aws("organizations", account=MGMT)
    orgs.create_organization()
    root = orgs.list_roots()["Roots"][0]["Id"]
    ou = orgs.create_organizational_unit(ParentId=root, Name="workloads")["OrganizationalUnit"][
        "Id"
    ]
    member = orgs.create_account(Email="m@example.com", AccountName="m")["CreateAccountStatus"][
        "AccountId"
    ]
    orgs.move_account(AccountId=member, SourceParentId=root, DestinationParentId=ou)
    approved = aws("ec2", account=MGMT).register_image(Name="approved")["ImageId"]
    aws("ec2", account=MGMT).modify_image_attribute(
        ImageId=approved, LaunchPermission={"Add": [{"UserId": member}]}
    )
    outsider = aws("ec2", account=OUTSIDER)
    foreign = outsider.register_image(Name="foreign")["ImageId"]
    outsider.modify_image_attribute(
        ImageId=foreign, LaunchPermission={"Add": [{"UserId": member}, {"UserId": MGMT}]}
    )
    orgs.enable_policy_type(RootId=root, PolicyType=SCP)
    policy = orgs.create_policy(
        Name="approved-images", Description="", Type=SCP, Content=APPROVED_IMAGES
    )["Policy"]["PolicySummary"]["Id"]
    orgs.attach_policy(PolicyId=policy, TargetId=ou)
    return Org(orgs, member, ou, approved, foreign)


def role_session(server, aws: ClientFactory, member: str) -> Any:
    creds = aws("sts", account=MGMT).assume_role(
        RoleArn=f"arn:aws:iam::{member}:role/OrganizationAccountAccessRole", RoleSessionName="ops"
    )["Credentials"]
    return boto3.client(
        "ec2",
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        config=CLIENT_CONFIG,
    )


def test_an_ou_scp_stops_the_members_root_and_roles_but_not_the_management_account(
    aws: ClientFactory, server, org: Org
) -> None:
    root_user = aws("ec2", account=org.member)
    role = role_session(server, aws, org.member)
    for ec2, who in ((root_user, f"arn:aws:iam::{org.member}:root"), (role, None)):
        launch(ec2, org.approved)
        message = refused(lambda ec2=ec2: launch(ec2, org.foreign))
        assert (
            f"ec2:RunInstances on resource: arn:aws:ec2:us-east-1::image/{org.foreign}" in message
        )
        assert "with an explicit deny in a service control policy." in message
        if who:
            assert f"User: {who} is not authorized" in message
        encoded = message.rsplit(": ", 1)[1]
        sts = aws("sts", account=org.member)
        answer = json.loads(
            sts.decode_authorization_message(EncodedMessage=encoded)["DecodedMessage"]
        )
        assert answer["explicitDeny"] is True
        [statement] = answer["matchedStatements"]["items"]
        assert statement["statementId"] == "OnlyApprovedImages"
        assert statement["policyType"] == "service control policy"
        assert statement["target"] == org.ou
    # The management account is never bound by SCPs.
    launch(aws("ec2", account=MGMT), org.foreign)


def test_removing_full_aws_access_from_a_level_denies_implicitly(
    aws: ClientFactory, org: Org
) -> None:
    narrow = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
        }
    )
    only_s3 = org.orgs.create_policy(Name="s3", Description="", Type=SCP, Content=narrow)
    org.orgs.attach_policy(PolicyId=only_s3["Policy"]["PolicySummary"]["Id"], TargetId=org.ou)
    ec2 = aws("ec2", account=org.member)
    assert ec2.describe_vpcs()["Vpcs"] is not None
    org.orgs.detach_policy(PolicyId=FULL, TargetId=org.ou)
    message = refused(ec2.describe_vpcs)
    assert message.startswith(
        "You are not authorized to perform this operation. User: "
        f"arn:aws:iam::{org.member}:root is not authorized to perform: ec2:DescribeVpcs on"
        " resource: * because no service control policy allows the ec2:DescribeVpcs action."
    )
    # The denial is the SCP layer's: DryRun says the same, and the management account is free.
    refused(lambda: ec2.describe_vpcs(DryRun=True))
    assert aws("ec2", account=MGMT).describe_vpcs()["Vpcs"] is not None
    encoded = message.rsplit(": ", 1)[1]
    # Decoding is itself a call the SCPs bind: the management account decodes it.
    with pytest.raises(ClientError):
        aws("sts", account=org.member).decode_authorization_message(EncodedMessage=encoded)
    answer = json.loads(
        aws("sts", account=MGMT).decode_authorization_message(EncodedMessage=encoded)[
            "DecodedMessage"
        ]
    )
    assert answer["explicitDeny"] is False and answer["context"]["action"] == "ec2:DescribeVpcs"


def test_an_scp_binds_assume_role_for_members_only(aws: ClientFactory, org: Org) -> None:
    no_assume = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*"}],
        }
    )
    policy = org.orgs.create_policy(Name="no-assume", Description="", Type=SCP, Content=no_assume)
    org.orgs.attach_policy(PolicyId=policy["Policy"]["PolicySummary"]["Id"], TargetId=org.ou)
    role = f"arn:aws:iam::{org.member}:role/OrganizationAccountAccessRole"
    aws("iam", account=org.member).update_assume_role_policy(
        RoleName="OrganizationAccountAccessRole",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": [MGMT, org.member]},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        ),
    )
    with pytest.raises(ClientError) as caught:
        aws("sts", account=org.member).assume_role(RoleArn=role, RoleSessionName="ops")
    error = caught.value.response["Error"]
    assert error["Code"] == "AccessDenied"
    assert error["Message"] == (
        f"User: arn:aws:iam::{org.member}:root is not authorized to perform: sts:AssumeRole on"
        f" resource: {role} with an explicit deny in a service control policy"
    )
    # The management account's root is not bound by the member's SCPs.
    aws("sts", account=MGMT).assume_role(RoleArn=role, RoleSessionName="ops")
