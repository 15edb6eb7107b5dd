"""SimulatePrincipalPolicy's decision agrees with the real call of that IAM user.

Random identity policies from a small grammar (Allow/Deny, actions with wildcards, image and
key ARNs, a condition on aws:RequestedRegion or ec2:Region) and random requests: the
simulator's answer and what boto3 gets from DescribeImages, RunInstances (DryRun) and
kms:Decrypt as that user must agree; in an account of its own, and in a member account
bound by a random SCP from the same grammar.
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
EVERYTHING = {"Effect": "Allow", "Action": "*", "Resource": "*"}
IAM_ALLOWED = {"Effect": "Allow", "Action": "iam:*", "Resource": "*"}
REGIONS = ("us-east-1", "eu-west-1")
EC2_ACTIONS = ("ec2:DescribeImages", "ec2:RunInstances", "ec2:*", "ec2:Describe*", "ec2:Run*")
OTHER_ACTIONS = ("kms:Decrypt", "kms:*", "kms:Describe*", "*")


MANAGEMENT = "123456789012"
SCP = "SERVICE_CONTROL_POLICY"


@pytest.fixture(params=["standalone", "member"])
def setup(request, aws: ClientFactory, server):
    """An image and a key of the account (in us-east-1), and its user ``dev``. As a member
    of an organization, the account is bound by an SCP of its own (in place of
    FullAWSAccess) that each example rewrites."""
    account, scp = ACCOUNT, None
    if request.param == "member":
        orgs = aws("organizations", account=MANAGEMENT)
        orgs.create_organization()
        root = orgs.list_roots()["Roots"][0]["Id"]
        status = orgs.create_account(Email="member@example.com", AccountName="member")
        account = status["CreateAccountStatus"]["AccountId"]
        orgs.enable_policy_type(RootId=root, PolicyType=SCP)
        created = orgs.create_policy(
            Name="Random", Description="", Type=SCP, Content=document([EVERYTHING])
        )
        scp = created["Policy"]["PolicySummary"]["Id"]
        orgs.attach_policy(PolicyId=scp, TargetId=account)
        orgs.detach_policy(PolicyId="p-FullAWSAccess", TargetId=account)
    image = aws("ec2", account=account).register_image(Name="golden")["ImageId"]
    kms = aws("kms", account=account)
    key = kms.create_key()["KeyMetadata"]["Arn"]
    blob = kms.encrypt(KeyId=key, Plaintext=b"secret")["CiphertextBlob"]
    keys = new_user(aws, account, "dev")
    return {
        "account": account,
        "image": image,
        "key": key,
        "blob": blob,
        "iam": aws("iam", account=account),
        "orgs": aws("organizations", account=MANAGEMENT) if scp else None,
        "scp": scp,
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


def document(statements: list[dict]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


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
def statement(draw, image: str, key: str, scp: bool = False) -> dict:
    """One statement; an SCP's names no "*" action, so the account's root can still manage
    IAM and ask the simulator (``IAM_ALLOWED``)."""
    ec2_only = draw(st.booleans())
    others = tuple(a for a in OTHER_ACTIONS if a != "*") if scp else OTHER_ACTIONS
    actions = draw(
        st.lists(
            st.sampled_from(EC2_ACTIONS if ec2_only else EC2_ACTIONS + others),
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
            setup["kms"].decrypt(CiphertextBlob=setup["blob"], KeyId=setup["key"])
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
        PolicySourceArn=f"arn:aws:iam::{setup['account']}:user/dev",
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
    scp = draw(st.lists(statement(image, key, scp=True), min_size=1, max_size=3))
    action = draw(st.sampled_from(("ec2:DescribeImages", "ec2:RunInstances", "kms:Decrypt")))
    region = "us-east-1" if action != "ec2:DescribeImages" else draw(st.sampled_from(REGIONS))
    return policies, scp, action, region


def test_the_simulator_agrees_with_the_real_call(setup) -> None:
    iam = setup["iam"]

    @settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(case(setup["image"], setup["key"]))
    def agree(example) -> None:
        policies, scp, action, region = example
        for name in iam.list_user_policies(UserName="dev")["PolicyNames"]:
            iam.delete_user_policy(UserName="dev", PolicyName=name)
        for n, statements in enumerate(policies):
            iam.put_user_policy(
                UserName="dev", PolicyName=f"p{n}", PolicyDocument=document(statements)
            )
        if setup["scp"] is not None:
            content = document([*scp, IAM_ALLOWED])
            setup["orgs"].update_policy(PolicyId=setup["scp"], Content=content)
        decision = simulated(setup, action, region)
        assert (decision == "allowed") == real(setup, action, region), (policies, scp, decision)

    agree()
