"""SimulatePrincipalPolicy's decision agrees with the real call of that IAM user.

Random identity policies from a small grammar (Allow/Deny, actions with wildcards, image and
key ARNs, a condition on aws:RequestedRegion or ec2:Region) and random requests: the
simulator's answer and what boto3 gets from DescribeImages, RunInstances (DryRun) and
kms:Decrypt as that user must agree.
"""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import CLIENT_CONFIG
from tests.e2e.test_iam_callers import new_user
from tests.e2e.worlds import ClientFactory

ACCOUNT = "111122223333"
REGIONS = ("us-east-1", "eu-west-1")
EC2_ACTIONS = ("ec2:DescribeImages", "ec2:RunInstances", "ec2:*", "ec2:Describe*", "ec2:Run*")
OTHER_ACTIONS = ("kms:Decrypt", "kms:*", "kms:Describe*", "*")


@pytest.fixture
def setup(aws: ClientFactory, server):
    """An image and a key of the account (in us-east-1), and its user ``dev``."""
    image = aws("ec2", account=ACCOUNT).register_image(Name="golden")["ImageId"]
    kms = aws("kms", account=ACCOUNT)
    key = kms.create_key()["KeyMetadata"]["Arn"]
    blob = kms.encrypt(KeyId=key, Plaintext=b"secret")["CiphertextBlob"]
    keys = new_user(aws, ACCOUNT, "dev")
    return {
        "image": image,
        "key": key,
        "blob": blob,
        "iam": aws("iam", account=ACCOUNT),
        "ec2": {region: boto_in(server, keys, "ec2", region) for region in REGIONS},
        "kms": boto_in(server, keys, "kms", "us-east-1"),
    }


def boto_in(server, keys: dict, service: str, region: str):
    return boto3.client(
        service,
        endpoint_url=server.url,
        region_name=region,
        aws_access_key_id=keys["AccessKeyId"],
        aws_secret_access_key=keys["SecretAccessKey"],
        config=CLIENT_CONFIG,
    )


def resources(image: str, key: str) -> st.SearchStrategy[str]:
    return st.sampled_from(
        (
            "*",
            f"arn:aws:ec2:us-east-1::image/{image}",
            "arn:aws:ec2:*::image/*",
            "arn:aws:ec2:*::image/ami-00000000000000000",
            key,
            "arn:aws:kms:*:*:key/*",
        )
    )


@st.composite
def statement(draw, image: str, key: str) -> dict:
    ec2_only = draw(st.booleans())
    actions = draw(
        st.lists(
            st.sampled_from(EC2_ACTIONS if ec2_only else EC2_ACTIONS + OTHER_ACTIONS),
            min_size=1,
            max_size=2,
            unique=True,
        )
    )
    out = {
        "Effect": draw(st.sampled_from(("Allow", "Deny"))),
        "Action": actions,
        "Resource": draw(st.lists(resources(image, key), min_size=1, max_size=2, unique=True)),
    }
    if draw(st.booleans()):
        # ec2:Region is an EC2 key: only statements about EC2 alone test it.
        keys = ("aws:RequestedRegion", "ec2:Region") if ec2_only else ("aws:RequestedRegion",)
        operator = draw(st.sampled_from(("StringEquals", "StringNotEquals", "StringLike")))
        values = draw(st.lists(st.sampled_from((*REGIONS, "eu-*")), min_size=1, unique=True))
        out["Condition"] = {operator: {draw(st.sampled_from(keys)): values}}
    return out


def real(setup: dict, action: str, region: str) -> bool:
    """Whether the user's real call is allowed."""
    try:
        if action == "ec2:DescribeImages":
            setup["ec2"][region].describe_images(Owners=["self"])
        elif action == "ec2:RunInstances":
            setup["ec2"][region].run_instances(
                ImageId=setup["image"], MinCount=1, MaxCount=1, DryRun=True
            )
        else:
            setup["kms"].decrypt(CiphertextBlob=setup["blob"])
    except ClientError as err:
        code = err.response["Error"]["Code"]
        if code == "DryRunOperation":
            return True
        assert code in ("UnauthorizedOperation", "AccessDeniedException"), err.response
        return False
    return True


def simulated(setup: dict, action: str, region: str) -> str:
    if action == "ec2:RunInstances":
        resource = f"arn:aws:ec2:{region}::image/{setup['image']}"
    elif action == "kms:Decrypt":
        resource = setup["key"]
    else:
        resource = "*"
    context = [
        {
            "ContextKeyName": "aws:RequestedRegion",
            "ContextKeyValues": [region],
            "ContextKeyType": "string",
        }
    ]
    if action.startswith("ec2:"):
        context.append(
            {
                "ContextKeyName": "ec2:Region",
                "ContextKeyValues": [region],
                "ContextKeyType": "string",
            }
        )
    answer = setup["iam"].simulate_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{ACCOUNT}:user/dev",
        ActionNames=[action],
        ResourceArns=[resource],
        ContextEntries=context,
    )
    return answer["EvaluationResults"][0]["EvalDecision"]


@st.composite
def case(draw, image: str, key: str):
    policies = draw(
        st.lists(st.lists(statement(image, key), min_size=1, max_size=3), min_size=1, max_size=2)
    )
    action = draw(st.sampled_from(("ec2:DescribeImages", "ec2:RunInstances", "kms:Decrypt")))
    region = "us-east-1" if action != "ec2:DescribeImages" else draw(st.sampled_from(REGIONS))
    return policies, action, region


def test_the_simulator_agrees_with_the_real_call(setup) -> None:
    iam = setup["iam"]

    @settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(case(setup["image"], setup["key"]))
    def agree(example) -> None:
        policies, action, region = example
        for name in iam.list_user_policies(UserName="dev")["PolicyNames"]:
            iam.delete_user_policy(UserName="dev", PolicyName=name)
        for n, statements in enumerate(policies):
            document = json.dumps({"Version": "2012-10-17", "Statement": statements})
            iam.put_user_policy(UserName="dev", PolicyName=f"p{n}", PolicyDocument=document)
        decision = simulated(setup, action, region)
        assert (decision == "allowed") == real(setup, action, region), (policies, decision)

    agree()
