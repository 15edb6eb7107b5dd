"""An IAM user's own policies decide its EC2 image calls; the root user is not asked."""

from __future__ import annotations

import json
import re

import pytest
from botocore.exceptions import ClientError

from tests.e2e.test_iam_callers import client, new_user
from tests.e2e.worlds import ClientFactory

ACCOUNT = "111122223333"


def unauthorized(call) -> str:
    with pytest.raises(ClientError) as err:
        call()
    response = err.value.response
    assert response["Error"]["Code"] == "UnauthorizedOperation"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 403
    return response["Error"]["Message"]


@pytest.fixture
def setup(aws: ClientFactory, server):
    image = aws("ec2", account=ACCOUNT).register_image(Name="golden")["ImageId"]
    keys = new_user(aws, ACCOUNT, "dev")
    return image, client(server, "ec2", keys)


def test_without_a_policy_every_image_call_is_unauthorized(aws: ClientFactory, setup) -> None:
    image, ec2 = setup
    user = f"arn:aws:iam::{ACCOUNT}:user/dev"
    message = unauthorized(lambda: ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1))
    prefix = (
        f"You are not authorized to perform this operation. User: {user} is not authorized to "
        f"perform: ec2:RunInstances on resource: arn:aws:ec2:us-east-1::image/{image} because "
        "no identity-based policy allows the ec2:RunInstances action. Encoded authorization "
        "failure message: "
    )
    assert message.startswith(prefix)
    encoded = message[len(prefix) :]
    sts = aws("sts", account=ACCOUNT)  # the root user may always decode
    decoded = json.loads(sts.decode_authorization_message(EncodedMessage=encoded)["DecodedMessage"])
    assert decoded["context"]["action"] == "ec2:RunInstances" and not decoded["explicitDeny"]
    assert "ec2:DescribeImages on resource: * because" in unauthorized(ec2.describe_images)
    assert "ec2:ModifyImageAttribute" in unauthorized(
        lambda: ec2.modify_image_attribute(
            ImageId=image, LaunchPermission={"Add": [{"UserId": "444455556666"}]}
        )
    )
    # DryRun answers from the same decision.
    assert "ec2:RunInstances" in unauthorized(
        lambda: ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, DryRun=True)
    )


def test_a_managed_policy_allows_and_an_explicit_deny_wins(aws: ClientFactory, setup) -> None:
    image, ec2 = setup
    iam = aws("iam", account=ACCOUNT)
    iam.attach_user_policy(UserName="dev", PolicyArn="arn:aws:iam::aws:policy/AmazonEC2FullAccess")
    assert [i["ImageId"] for i in ec2.describe_images(Owners=["self"])["Images"]] == [image]
    launched = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"]
    assert launched[0]["ImageId"] == image
    deny = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "NoSharing",
                "Effect": "Deny",
                "Action": "ec2:ModifyImageAttribute",
                "Resource": f"arn:aws:ec2:*::image/{image}",
            }
        ],
    }
    iam.put_user_policy(UserName="dev", PolicyName="no-sharing", PolicyDocument=json.dumps(deny))
    message = unauthorized(
        lambda: ec2.modify_image_attribute(
            ImageId=image, LaunchPermission={"Add": [{"UserId": "444455556666"}]}
        )
    )
    assert re.search(
        r"on resource: \S+ with an explicit deny in an identity-based policy\.", message
    )


def test_read_only_access_reads_but_does_not_launch(aws: ClientFactory, setup) -> None:
    image, ec2 = setup
    aws("iam", account=ACCOUNT).attach_user_policy(
        UserName="dev", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess"
    )
    assert ec2.describe_images(ImageIds=[image])["Images"][0]["ImageId"] == image
    unauthorized(lambda: ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1))


def test_the_root_user_is_not_subject_to_identity_policies(aws: ClientFactory, setup) -> None:
    image, _ = setup
    root = aws("ec2", account=ACCOUNT)
    assert root.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"]


# ---- cross-account KMS: both the key policy and the identity policy -----------------------

DEV = "111122223333"


@pytest.mark.ami_scenario("demo")
def test_a_cross_account_key_takes_both_the_key_policy_and_the_identity_policy(
    aws: ClientFactory, server
) -> None:
    from tests.e2e.test_encryption import (
        ENGINEERING_OU_ARN,
        OWNER,
        create_key,
        encrypted_image,
        share,
    )
    from tests.reference_policies import ORG_STATEMENT

    key = create_key(aws, ORG_STATEMENT)  # the key policy lets every member use the key
    image, _ = encrypted_image(aws("ec2", OWNER), "org-key", key)
    share(aws("ec2", OWNER), image, {"OrganizationalUnitArn": ENGINEERING_OU_ARN})
    iam = aws("iam", account=DEV)
    keys = new_user(aws, DEV, "builder")
    iam.attach_user_policy(
        UserName="builder", PolicyArn="arn:aws:iam::aws:policy/AmazonEC2FullAccess"
    )
    ec2 = client(server, "ec2", keys)

    def launch_state() -> str:
        """RunInstances answers pending either way; the next read shows the outcome."""
        (instance,) = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"]
        (reservation,) = ec2.describe_instances(InstanceIds=[instance["InstanceId"]])[
            "Reservations"
        ]
        return reservation["Instances"][0]["State"]["Name"]

    assert launch_state() == "terminated"  # no identity policy allows kms:Decrypt on the key
    kms_use = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["kms:Decrypt", "kms:DescribeKey"],
                "Resource": key,
                "Condition": {"StringEquals": {"kms:ViaService": "ec2.us-east-1.amazonaws.com"}},
            }
        ],
    }
    iam.put_user_policy(UserName="builder", PolicyName="kms", PolicyDocument=json.dumps(kms_use))
    assert launch_state() == "running"
    member = aws("ec2", account=DEV)  # the member's root: the key policy alone
    (instance,) = member.run_instances(ImageId=image, MinCount=1, MaxCount=1)["Instances"]
    (reservation,) = member.describe_instances(InstanceIds=[instance["InstanceId"]])["Reservations"]
    assert reservation["Instances"][0]["State"]["Name"] == "running"
