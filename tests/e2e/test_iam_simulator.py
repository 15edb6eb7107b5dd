"""IAM's policy simulator: SimulatePrincipalPolicy and SimulateCustomPolicy, boto3 and the CLI."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

from tests.conftest import CliError
from tests.e2e.worlds import ClientFactory

ACCOUNT = "111122223333"
USER_ARN = f"arn:aws:iam::{ACCOUNT}:user/dev"
IMAGE_ARN = "arn:aws:ec2:us-east-1::image/ami-0123456789abcdef0"
# Written out by hand so the statement positions are known: the first statement opens at
# line 4, column 5 and closes at line 9, column 5.
LAUNCH = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Launch",
      "Effect": "Allow",
      "Action": ["ec2:RunInstances", "ec2:Describe*"],
      "Resource": "*"
    },
    {
      "Sid": "NoProd",
      "Effect": "Deny",
      "Action": "ec2:RunInstances",
      "Resource": "*",
      "Condition": {"StringEquals": {"aws:ResourceTag/env": "prod"}}
    }
  ]
}"""


def aws_error(call) -> tuple[str, str]:
    """The AWS error code and message the call is refused with."""
    with pytest.raises(ClientError) as caught:
        call()
    error = caught.value.response["Error"]
    return error["Code"], error["Message"]


def doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@pytest.fixture
def iam(aws: ClientFactory):
    client = aws("iam", account=ACCOUNT)
    client.create_user(UserName="dev")
    client.put_user_policy(UserName="dev", PolicyName="launch", PolicyDocument=LAUNCH)
    return client


def results(answer: dict) -> list[tuple[str, str, str]]:
    return [
        (r["EvalActionName"], r["EvalResourceName"], r["EvalDecision"])
        for r in answer["EvaluationResults"]
    ]


def test_principal_policy_allows_denies_and_names_the_statements(iam) -> None:
    answer = iam.simulate_principal_policy(
        PolicySourceArn=USER_ARN,
        ActionNames=["ec2:RunInstances", "ec2:DescribeImages", "kms:Decrypt"],
        ContextEntries=[
            {
                "ContextKeyName": "aws:ResourceTag/env",
                "ContextKeyValues": ["dev"],
                "ContextKeyType": "string",
            }
        ],
    )
    assert results(answer) == [
        ("ec2:RunInstances", "*", "allowed"),
        ("ec2:DescribeImages", "*", "allowed"),
        ("kms:Decrypt", "*", "implicitDeny"),
    ]
    run, _, decrypt = answer["EvaluationResults"]
    assert run["MatchedStatements"] == [
        {
            "SourcePolicyId": "launch",
            "SourcePolicyType": "user",
            "StartPosition": {"Line": 4, "Column": 5},
            "EndPosition": {"Line": 9, "Column": 5},
        }
    ]
    assert decrypt["MatchedStatements"] == [] and run["MissingContextValues"] == []
    assert answer["IsTruncated"] is False
    assert "OrganizationsDecisionDetail" not in run  # the account is in no organization


def test_an_explicit_deny_is_the_only_statement_reported(iam) -> None:
    answer = iam.simulate_principal_policy(
        PolicySourceArn=USER_ARN,
        ActionNames=["ec2:RunInstances"],
        ResourceArns=[IMAGE_ARN],
        ContextEntries=[
            {
                "ContextKeyName": "aws:ResourceTag/env",
                "ContextKeyValues": ["prod"],
                "ContextKeyType": "string",
            }
        ],
    )
    (result,) = answer["EvaluationResults"]
    assert result["EvalDecision"] == "explicitDeny" and result["EvalResourceName"] == IMAGE_ARN
    deny = {
        "SourcePolicyId": "launch",
        "SourcePolicyType": "user",
        "StartPosition": {"Line": 10, "Column": 5},
        "EndPosition": {"Line": 16, "Column": 5},
    }
    assert result["MatchedStatements"] == [deny]
    (specific,) = result["ResourceSpecificResults"]
    assert specific["EvalResourceName"] == IMAGE_ARN
    assert specific["EvalResourceDecision"] == "explicitDeny"
    assert specific["MatchedStatements"] == [deny]


def test_missing_context_values_are_named(iam) -> None:
    answer = iam.simulate_principal_policy(
        PolicySourceArn=USER_ARN, ActionNames=["ec2:RunInstances"]
    )
    (result,) = answer["EvaluationResults"]
    # Without the tag the Deny cannot apply: the Allow decides, and the key is reported.
    assert result["EvalDecision"] == "allowed"
    assert result["MissingContextValues"] == ["aws:ResourceTag/env"]
    with_resources = iam.simulate_principal_policy(
        PolicySourceArn=USER_ARN, ActionNames=["ec2:RunInstances"], ResourceArns=[IMAGE_ARN]
    )["EvaluationResults"][0]
    assert with_resources["MissingContextValues"] == []
    assert with_resources["ResourceSpecificResults"][0]["MissingContextValues"] == [
        "aws:ResourceTag/env"
    ]


def test_managed_policies_inputs_and_exclusions(iam) -> None:
    iam.attach_user_policy(UserName="dev", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    answer = iam.simulate_principal_policy(
        PolicySourceArn=USER_ARN,
        ActionNames=["kms:Decrypt", "sts:AssumeRole"],
        PolicyInputList=[doc({"Effect": "Allow", "Action": "kms:*", "Resource": "*"})],
    )
    decrypt, assume = answer["EvaluationResults"]
    assert decrypt["EvalDecision"] == "allowed"
    assert [(m["SourcePolicyId"], m["SourcePolicyType"]) for m in decrypt["MatchedStatements"]] == [
        ("PolicyInputList.1", "none")
    ]
    assert assume["EvalDecision"] == "implicitDeny"
    listed = iam.simulate_principal_policy(PolicySourceArn=USER_ARN, ActionNames=["iam:ListUsers"])[
        "EvaluationResults"
    ][0]
    assert listed["EvalDecision"] == "allowed"
    assert listed["MatchedStatements"][0]["SourcePolicyType"] == "aws-managed"
    excluded = iam.simulate_principal_policy(
        PolicySourceArn=USER_ARN,
        ActionNames=["iam:ListUsers"],
        PolicyExclusionList=[{"PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
    )["EvaluationResults"][0]
    assert excluded["EvalDecision"] == "implicitDeny"
    inline_out = iam.simulate_principal_policy(
        PolicySourceArn=USER_ARN,
        ActionNames=["ec2:RunInstances"],
        PolicyExclusionList=[
            {
                "InlinePolicyIdentifier": {
                    "PolicyName": "launch",
                    "AttachmentType": "user",
                    "AttachmentName": "dev",
                }
            }
        ],
    )["EvaluationResults"][0]
    assert inline_out["EvalDecision"] == "implicitDeny"


def test_a_role_and_a_permissions_boundary(iam) -> None:
    iam.create_role(
        RoleName="builder",
        AssumeRolePolicyDocument=doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "sts:AssumeRole",
            }
        ),
    )
    iam.put_role_policy(
        RoleName="builder",
        PolicyName="all",
        PolicyDocument=doc({"Effect": "Allow", "Action": "*", "Resource": "*"}),
    )
    role = f"arn:aws:iam::{ACCOUNT}:role/builder"
    answer = iam.simulate_principal_policy(
        PolicySourceArn=role,
        ActionNames=["ec2:RunInstances", "iam:CreateUser"],
        PermissionsBoundaryPolicyInputList=[
            doc({"Effect": "Allow", "Action": "ec2:*", "Resource": "*"})
        ],
    )
    run, create = answer["EvaluationResults"]
    assert run["EvalDecision"] == "allowed"
    assert run["MatchedStatements"][0]["SourcePolicyType"] == "role"
    assert run["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": True}
    assert create["EvalDecision"] == "implicitDeny"
    assert create["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False}


def test_custom_policy_with_a_resource_policy_across_accounts(aws: ClientFactory) -> None:
    iam = aws("iam", account=ACCOUNT)
    key = "arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    key_policy = doc(
        {
            "Sid": "Use",
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
            "Action": "kms:Decrypt",
            "Resource": "*",
        }
    )
    allow = doc({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": key})
    common = {
        "ActionNames": ["kms:Decrypt"],
        "ResourceArns": [key],
        "ResourcePolicy": key_policy,
        "ResourceOwner": "arn:aws:iam::444455556666:root",
        "CallerArn": USER_ARN,
    }
    (both,) = iam.simulate_custom_policy(PolicyInputList=[allow], **common)["EvaluationResults"]
    assert both["EvalDecision"] == "allowed"
    assert {m["SourcePolicyId"] for m in both["MatchedStatements"]} == {
        "PolicyInputList.1",
        "ResourcePolicy",
    }
    assert both["EvalDecisionDetails"] == {"IAM Policy": "allowed", "Resource Policy": "allowed"}
    nothing = doc({"Effect": "Allow", "Action": "ec2:*", "Resource": "*"})
    (one,) = iam.simulate_custom_policy(PolicyInputList=[nothing], **common)["EvaluationResults"]
    # Across accounts the key policy alone is not enough: the caller's policy must allow too.
    assert one["EvalDecision"] == "implicitDeny"


def test_custom_policy_organization_levels(aws: ClientFactory) -> None:
    iam = aws("iam", account=ACCOUNT)
    full = doc({"Effect": "Allow", "Action": "*", "Resource": "*"})
    deny = doc(
        {
            "Sid": "OnlyApprovedRegions",
            "Effect": "Deny",
            "Action": "*",
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}},
        }
    )
    region = [
        {
            "ContextKeyName": "aws:RequestedRegion",
            "ContextKeyValues": ["us-east-1"],
            "ContextKeyType": "string",
        }
    ]
    (denied,) = iam.simulate_custom_policy(
        PolicyInputList=[full],
        OrderedOrganizationPolicyInputList=[
            {"ServiceControlPolicyInputList": [full]},
            {"ServiceControlPolicyInputList": [full, deny]},
        ],
        ActionNames=["ec2:RunInstances"],
        ContextEntries=region,
    )["EvaluationResults"]
    assert denied["EvalDecision"] == "explicitDeny"
    assert denied["OrganizationsDecisionDetail"] == {"AllowedByOrganizations": False}
    assert denied["MatchedStatements"][0]["SourcePolicyId"] == (
        "OrderedOrganizationPolicyInputList.2.2"
    )
    region[0]["ContextKeyValues"] = ["eu-west-1"]
    (allowed,) = iam.simulate_custom_policy(
        PolicyInputList=[full],
        OrderedOrganizationPolicyInputList=[
            {"ServiceControlPolicyInputList": [full]},
            {"ServiceControlPolicyInputList": [full, deny]},
        ],
        ActionNames=["ec2:RunInstances"],
        ContextEntries=region,
    )["EvaluationResults"]
    assert allowed["EvalDecision"] == "allowed"
    assert allowed["OrganizationsDecisionDetail"] == {"AllowedByOrganizations": True}


def test_typed_context_entries(aws: ClientFactory) -> None:
    iam = aws("iam", account=ACCOUNT)
    mfa = doc(
        {
            "Effect": "Allow",
            "Action": "ec2:*",
            "Resource": "*",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        }
    )

    def decide(value: str) -> str:
        entry = {
            "ContextKeyName": "aws:MultiFactorAuthPresent",
            "ContextKeyValues": [value],
            "ContextKeyType": "boolean",
        }
        answer = iam.simulate_custom_policy(
            PolicyInputList=[mfa], ActionNames=["ec2:RunInstances"], ContextEntries=[entry]
        )
        return answer["EvaluationResults"][0]["EvalDecision"]

    assert decide("TRUE") == "allowed" and decide("false") == "implicitDeny"
    code, message = aws_error(lambda: decide("maybe"))
    assert code == "InvalidInput"
    assert message == (
        "Invalid value maybe for context key aws:MultiFactorAuthPresent of type boolean."
    )


def test_paging(aws: ClientFactory) -> None:
    iam = aws("iam", account=ACCOUNT)
    actions = [f"ec2:Describe{n}" for n in ("Images", "Instances", "Snapshots", "Volumes")]
    everything = doc({"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"})
    first = iam.simulate_custom_policy(
        PolicyInputList=[everything], ActionNames=actions, MaxItems=3
    )
    assert first["IsTruncated"] is True and len(first["EvaluationResults"]) == 3
    rest = iam.simulate_custom_policy(
        PolicyInputList=[everything], ActionNames=actions, MaxItems=3, Marker=first["Marker"]
    )
    assert rest["IsTruncated"] is False
    seen = [r["EvalActionName"] for r in first["EvaluationResults"] + rest["EvaluationResults"]]
    assert seen == actions
    paginator = iam.get_paginator("simulate_custom_policy")
    pages = paginator.paginate(
        PolicyInputList=[everything], ActionNames=actions, PaginationConfig={"PageSize": 1}
    )
    assert [r["EvalActionName"] for p in pages for r in p["EvaluationResults"]] == actions


@pytest.mark.parametrize(
    ("arn", "code", "message"),
    [
        (f"arn:aws:iam::{ACCOUNT}:user/nobody", "NoSuchEntity", "nobody cannot be found"),
        (f"arn:aws:iam::{ACCOUNT}:role/nobody", "NoSuchEntity", "role with name nobody"),
        (f"arn:aws:iam::{ACCOUNT}:group/devs", "NoSuchEntity", "group with name devs"),
        ("arn:aws:iam::444455556666:user/dev", "NoSuchEntity", "user with name dev"),
        (
            f"arn:aws:sts::{ACCOUNT}:assumed-role/builder/s",
            "InvalidInput",
            "does not clearly define entity type and name",
        ),
    ],
)
def test_policy_source_refusals(iam, arn: str, code: str, message: str) -> None:
    got, text = aws_error(
        lambda: iam.simulate_principal_policy(PolicySourceArn=arn, ActionNames=["ec2:*"])
    )
    assert got == code and message in text


def test_input_refusals(iam) -> None:
    full = doc({"Effect": "Allow", "Action": "*", "Resource": "*"})

    def custom(**extra):
        return lambda: iam.simulate_custom_policy(
            **{"PolicyInputList": [full], "ActionNames": ["ec2:RunInstances"], **extra}
        )

    assert aws_error(custom(ResourceArns=["ami-123"])) == (
        "InvalidInput",
        "ResourceNames are not in a valid ARN format: ami-123.",
    )
    assert aws_error(custom(ResourceOwner="444455556666")) == (
        "InvalidInput",
        "'444455556666' is not a valid as a Resource Owner.",
    )
    assert aws_error(custom(ResourcePolicy=full))[0] == "InvalidInput"  # no CallerArn
    assert aws_error(custom(ActionNames=["RunInstances"]))[0] == "InvalidInput"
    code, message = aws_error(
        lambda: iam.simulate_custom_policy(PolicyInputList=["{"], ActionNames=["ec2:*"])
    )
    assert code == "InvalidInput" and message.startswith("PolicyInputList.1: ")


def test_the_aws_cli_asks_the_simulator(iam, cli) -> None:
    answer = cli(
        "iam",
        "simulate-principal-policy",
        "--policy-source-arn",
        USER_ARN,
        "--action-names",
        "ec2:RunInstances",
        "kms:Decrypt",
        "--context-entries",
        "ContextKeyName=aws:ResourceTag/env,ContextKeyValues=prod,ContextKeyType=string",
        account=ACCOUNT,
    )
    assert [r["EvalDecision"] for r in answer["EvaluationResults"]] == [
        "explicitDeny",
        "implicitDeny",
    ]
    custom = cli(
        "iam",
        "simulate-custom-policy",
        "--policy-input-list",
        doc({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}),
        "--action-names",
        "kms:Decrypt",
        account=ACCOUNT,
    )
    assert custom["EvaluationResults"][0]["EvalDecision"] == "allowed"
    with pytest.raises(CliError) as err:
        cli(
            "iam",
            "simulate-principal-policy",
            "--policy-source-arn",
            f"arn:aws:iam::{ACCOUNT}:user/nobody",
            "--action-names",
            "ec2:RunInstances",
            account=ACCOUNT,
        )
    assert "NoSuchEntity" in err.value.stderr


def test_scps_bind_a_member_accounts_simulation(aws: ClientFactory) -> None:
    mgmt = aws("organizations", account="123456789012")
    mgmt.create_organization()
    root = mgmt.list_roots()["Roots"][0]["Id"]
    member = mgmt.create_account(Email="m@example.com", AccountName="member")
    member_id = member["CreateAccountStatus"]["AccountId"]
    mgmt.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    scp = mgmt.create_policy(
        Name="NoRun",
        Description="",
        Type="SERVICE_CONTROL_POLICY",
        Content=doc({"Effect": "Deny", "Action": "ec2:RunInstances", "Resource": "*"}),
    )
    mgmt.attach_policy(PolicyId=scp["Policy"]["PolicySummary"]["Id"], TargetId=member_id)
    everything = doc({"Effect": "Allow", "Action": "*", "Resource": "*"})
    for account in (member_id, "123456789012"):
        iam = aws("iam", account=account)
        iam.create_user(UserName="admin")
        iam.put_user_policy(UserName="admin", PolicyName="all", PolicyDocument=everything)
    answer = aws("iam", account=member_id).simulate_principal_policy(
        PolicySourceArn=f"arn:aws:iam::{member_id}:user/admin",
        ActionNames=["ec2:RunInstances", "ec2:DescribeImages"],
    )
    run, describe = answer["EvaluationResults"]
    assert run["EvalDecision"] == "explicitDeny"
    assert run["OrganizationsDecisionDetail"] == {"AllowedByOrganizations": False}
    assert run["MatchedStatements"] == []  # the SCP's statement is not the identity's
    assert describe["EvalDecision"] == "allowed"
    assert describe["OrganizationsDecisionDetail"] == {"AllowedByOrganizations": True}
    # The management account is not bound by SCPs: no organizations detail at all.
    (own,) = aws("iam", account="123456789012").simulate_principal_policy(
        PolicySourceArn="arn:aws:iam::123456789012:user/admin", ActionNames=["ec2:RunInstances"]
    )["EvaluationResults"]
    assert own["EvalDecision"] == "allowed" and "OrganizationsDecisionDetail" not in own
