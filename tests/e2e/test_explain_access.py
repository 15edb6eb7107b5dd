"""GET /_emulator/explain for any principal, action and resource: every layer, in order."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest

from tests.e2e.test_admin import AMI, get, share_with_ou

pytestmark = pytest.mark.ami_scenario("demo")
MEMBER = "222233334444"
OTHER = "555566667777"
IMAGE_ARN = f"arn:aws:ec2:us-east-1::image/{AMI}"
RUN_ANY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "LaunchGolden", "Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"}
    ],
}
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{MEMBER}:root"},
            "Action": "sts:AssumeRole",
        }
    ],
}


def explain(server, **params: str) -> tuple[int, dict]:
    status, body = get(server, "/_emulator/explain?" + urlencode(params))
    return status, json.loads(body)


def layers(answer: dict) -> list[tuple[str, bool]]:
    return [(step["layer"], step["allowed"]) for step in answer["layers"]]


def test_an_account_id_is_its_root_user(server, aws) -> None:
    share_with_ou(aws)
    status, answer = explain(
        server, principal=MEMBER, action="ec2:RunInstances", resource=IMAGE_ARN
    )
    assert status == 200
    assert answer["principal"] == f"arn:aws:iam::{MEMBER}:root"
    assert answer["principal_type"] == "root" and answer["account"] == MEMBER
    assert (answer["allowed"], answer["denied_by"]) == (True, None)
    assert answer["resource"] == IMAGE_ARN and answer["image"] == AMI
    # The root user is not subject to identity policies: the launch permission decides.
    (grant,) = [s for s in answer["layers"] if s["layer"] == "launch_permission"]
    assert (grant["allowed"], grant["via"], grant["grant"]) == (True, "ou", "ou-1234-5example")
    assert "identity_policy" not in [s["layer"] for s in answer["layers"]]
    _, outside = explain(server, principal=OTHER, action="ec2:RunInstances", resource=IMAGE_ARN)
    assert (outside["allowed"], outside["denied_by"]) == (False, "launch_permission")
    assert outside["reason"].startswith(f"{AMI} is not shared with {OTHER}")


def test_a_user_needs_its_identity_policy(server, aws) -> None:
    share_with_ou(aws)
    iam = aws("iam", account=MEMBER)
    iam.create_user(UserName="dev")
    user = f"arn:aws:iam::{MEMBER}:user/dev"
    _, denied = explain(server, principal=user, action="ec2:RunInstances", image=AMI)
    assert denied["principal_type"] == "user" and denied["allowed"] is False
    assert denied["denied_by"] == "identity_policy"
    assert layers(denied)[:2] == [("identity_policy", False), ("launch_permission", True)]
    assert denied["layers"][0]["effect"] == "ImplicitDeny"
    iam.put_user_policy(UserName="dev", PolicyName="launch", PolicyDocument=json.dumps(RUN_ANY))
    _, allowed = explain(server, principal=user, action="ec2:RunInstances", resource=IMAGE_ARN)
    assert allowed["allowed"] is True
    identity = allowed["layers"][0]
    assert (identity["policy"], identity["statement"], identity["effect"]) == (
        "launch",
        "LaunchGolden",
        "Allow",
    )
    # DescribeImages without a resource asks the identity policies once, for "*".
    _, described = explain(server, principal=user, action="ec2:DescribeImages")
    assert described["resource"] == "*" and described["denied_by"] == "identity_policy"


def test_a_role_is_explained_as_a_session_of_it(server, aws) -> None:
    share_with_ou(aws)
    iam = aws("iam", account=MEMBER)
    iam.create_role(RoleName="builder", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.put_role_policy(RoleName="builder", PolicyName="run", PolicyDocument=json.dumps(RUN_ANY))
    role = f"arn:aws:iam::{MEMBER}:role/builder"
    _, answer = explain(server, principal=role, action="ec2:RunInstances", resource=IMAGE_ARN)
    assert answer["principal"] == f"arn:aws:sts::{MEMBER}:assumed-role/builder/explain"
    assert answer["principal_type"] == "assumed-role" and answer["allowed"] is True
    session = f"arn:aws:sts::{MEMBER}:assumed-role/builder/ci-run"
    _, named = explain(server, principal=session, action="ec2:RunInstances", resource=IMAGE_ARN)
    assert named["principal"] == session and named["allowed"] is True
    assert named["layers"][0]["policy"] == "run"


def test_a_key_action_shows_the_key_policy(server, aws) -> None:
    kms = aws("kms", account=MEMBER)
    key = kms.create_key()["KeyMetadata"]["Arn"]
    _, own = explain(server, principal=MEMBER, action="kms:Decrypt", resource=key)
    assert own["allowed"] is True and layers(own) == [("key_policy", True)]
    assert own["layers"][0]["key"] == key
    _, other = explain(server, principal=OTHER, action="kms:Decrypt", resource=key)
    assert (other["allowed"], other["denied_by"]) == (False, "key_policy")


def test_unknown_principal_action_or_resource_is_a_400_naming_it(server, aws) -> None:
    cases = [
        ({"principal": "nobody", "action": "ec2:RunInstances"}, "principal nobody"),
        (
            {"principal": f"arn:aws:iam::{MEMBER}:user/ghost", "action": "ec2:DescribeImages"},
            "no such IAM user",
        ),
        (
            {"principal": f"arn:aws:iam::{MEMBER}:role/ghost", "action": "ec2:DescribeImages"},
            "no such IAM role",
        ),
        ({"principal": MEMBER, "action": "ec2:FlyToTheMoon"}, "action ec2:FlyToTheMoon"),
        ({"principal": MEMBER, "action": "ec2:RunInstances", "resource": "ami-1"}, "ami-1"),
        (
            {"principal": MEMBER, "resource": "arn:aws:ec2:us-east-1::image/ami-00000000"},
            "no image ami-00000000 in us-east-1",
        ),
        ({"principal": MEMBER, "action": "kms:Decrypt"}, "KMS key ARN"),
        ({"action": "ec2:RunInstances", "image": AMI}, "principal"),
    ]
    for params, named in cases:
        status, answer = explain(server, **params)
        assert status == 400, params
        assert named in answer["error"], (params, answer)


def test_explain_changes_nothing(server, aws) -> None:
    aws("iam", account=MEMBER).create_user(UserName="dev")
    before = get(server, "/_emulator/state")[1]
    for principal in (MEMBER, f"arn:aws:iam::{MEMBER}:user/dev"):
        explain(server, principal=principal, action="ec2:RunInstances", resource=IMAGE_ARN)
    assert get(server, "/_emulator/state")[1] == before


def test_the_launch_question_keeps_its_answer(server, aws) -> None:
    share_with_ou(aws)
    status, answer = explain(server, image=AMI, account=MEMBER)
    assert status == 200 and "layers" not in answer
    assert (answer["allowed"], answer["via"], answer["grant"]) == (True, "ou", "ou-1234-5example")


def test_an_scp_is_the_first_layer_and_names_its_statement(server, aws) -> None:
    share_with_ou(aws)
    orgs = aws("organizations", account="123456789012")
    root = orgs.list_roots()["Roots"][0]["Id"]
    orgs.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    content = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ApprovedImagesOnly",
                "Effect": "Deny",
                "Action": "ec2:RunInstances",
                "Resource": "arn:aws:ec2:*::image/*",
                "Condition": {"StringNotEquals": {"ec2:Owner": "444455556666"}},
            }
        ],
    }
    policy = orgs.create_policy(
        Name="ApprovedImages",
        Description="",
        Type="SERVICE_CONTROL_POLICY",
        Content=json.dumps(content),
    )["Policy"]["PolicySummary"]
    orgs.attach_policy(PolicyId=policy["Id"], TargetId=MEMBER)
    _, answer = explain(server, principal=MEMBER, action="ec2:RunInstances", resource=IMAGE_ARN)
    assert (answer["allowed"], answer["denied_by"]) == (False, "service_control_policy")
    scp = answer["layers"][0]
    assert (scp["layer"], scp["policy"], scp["statement"], scp["target"]) == (
        "service_control_policy",
        policy["Id"],
        "ApprovedImagesOnly",
        MEMBER,
    )
    assert ("launch_permission", True) in layers(answer)  # every layer still explains
    # The management account is not bound by SCPs.
    _, own = explain(
        server, principal="123456789012", action="ec2:RunInstances", resource=IMAGE_ARN
    )
    assert own["allowed"] is True and "service_control_policy" not in str(layers(own))


def test_any_action_of_the_action_table(server, aws) -> None:
    iam = aws("iam", account=MEMBER)
    iam.create_user(UserName="auditor")
    user = f"arn:aws:iam::{MEMBER}:user/auditor"
    _, denied = explain(server, principal=user, action="organizations:DescribeOrganization")
    assert denied["resource"] == "*" and denied["denied_by"] == "identity_policy"
    iam.attach_user_policy(UserName="auditor", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    _, allowed = explain(server, principal=user, action="organizations:DescribeOrganization")
    assert allowed["allowed"] is True
    assert allowed["layers"][0]["policy"] == "arn:aws:iam::aws:policy/ReadOnlyAccess"
    target = f"arn:aws:iam::{MEMBER}:user/auditor"
    _, listing = explain(server, principal=user, action="iam:ListAccessKeys", resource=target)
    assert listing["resource"] == target and listing["layers"][0]["resource"] == target
    _, root_call = explain(server, principal=MEMBER, action="iam:CreateUser")
    assert root_call["allowed"] is True and root_call["layers"] == []


def test_a_declarative_policy_sets_the_allowed_amis_that_refuse(server, aws) -> None:
    share_with_ou(aws)
    orgs = aws("organizations", account="123456789012")
    root = orgs.list_roots()["Roots"][0]["Id"]
    orgs.enable_policy_type(RootId=root, PolicyType="DECLARATIVE_POLICY_EC2")
    content = {
        "ec2_attributes": {
            "allowed_images_settings": {
                "state": {"@@assign": "enabled"},
                "image_criteria": {
                    "criteria_1": {"allowed_image_providers": {"@@assign": ["amazon"]}}
                },
            }
        }
    }
    made = orgs.create_policy(
        Name="amazon-only",
        Description="",
        Type="DECLARATIVE_POLICY_EC2",
        Content=json.dumps(content),
    )
    orgs.attach_policy(PolicyId=made["Policy"]["PolicySummary"]["Id"], TargetId=MEMBER)
    _, answer = explain(server, principal=MEMBER, action="ec2:RunInstances", resource=IMAGE_ARN)
    assert (answer["allowed"], answer["denied_by"]) == (False, "allowed_images")
    (gate,) = [s for s in answer["layers"] if s["layer"] == "allowed_images"]
    assert gate["managed_by"] == "declarative-policy" and gate["image_allowed"] is False
    assert ("launch_permission", True) in layers(answer)
