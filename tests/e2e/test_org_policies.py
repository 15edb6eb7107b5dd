"""Organizations policies over the wire: policy types, SCPs, attachments, limits, effective
declarative policies. Real boto3 and the real AWS CLI against a real server."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from botocore.exceptions import ClientError

MGMT = "123456789012"
LONER = "999988887777"
SCP = "SERVICE_CONTROL_POLICY"
DECL = "DECLARATIVE_POLICY_EC2"
FULL = "p-FullAWSAccess"
FULL_ARN = "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess"
Client = Any


def deny(action: str = "ec2:RunInstances") -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Action": action, "Resource": "*"}],
        }
    )


@dataclass
class Org:
    mgmt: Client
    member: Client
    root_id: str
    member_id: str
    org_id: str


@pytest.fixture
def org(aws: Callable[..., Client]) -> Org:
    mgmt = aws("organizations", account=MGMT)
    org_id = mgmt.create_organization()["Organization"]["Id"]
    root_id = mgmt.list_roots()["Roots"][0]["Id"]
    status = mgmt.create_account(Email="member@example.com", AccountName="member")
    member_id = status["CreateAccountStatus"]["AccountId"]
    return Org(mgmt, aws("organizations", account=member_id), root_id, member_id, org_id)


@contextmanager
def aws_error(code: str, reason: str | None = None, message: str | None = None) -> Iterator[None]:
    with pytest.raises(ClientError) as caught:
        yield
    response = caught.value.response
    assert response["Error"]["Code"] == code, response
    if reason is not None:
        assert response["Reason"] == reason, response
    if message is not None:
        assert response["Error"]["Message"] == message, response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400


def policy_ids(org: Org, target: str, kind: str = SCP) -> list[str]:
    found = org.mgmt.list_policies_for_target(TargetId=target, Filter=kind)["Policies"]
    return [p["Id"] for p in found]


def test_a_new_root_enables_no_type_and_enabling_scps_attaches_full_aws_access(org: Org) -> None:
    assert org.mgmt.list_roots()["Roots"][0]["PolicyTypes"] == []
    ou = org.mgmt.create_organizational_unit(ParentId=org.root_id, Name="before")
    root = org.mgmt.enable_policy_type(RootId=org.root_id, PolicyType=SCP)["Root"]
    assert root["PolicyTypes"] == [{"Type": SCP, "Status": "ENABLED"}]
    assert org.mgmt.list_roots()["Roots"][0]["PolicyTypes"] == root["PolicyTypes"]
    later = org.mgmt.create_organizational_unit(ParentId=org.root_id, Name="after")
    new = org.mgmt.create_account(Email="new@example.com", AccountName="new")
    new_id = new["CreateAccountStatus"]["AccountId"]
    targets = [org.root_id, ou["OrganizationalUnit"]["Id"], later["OrganizationalUnit"]["Id"]]
    for target in [*targets, org.member_id, MGMT, new_id]:
        assert policy_ids(org, target) == [FULL]
    full = org.mgmt.describe_policy(PolicyId=FULL)["Policy"]
    assert full["PolicySummary"] == {
        "Id": FULL,
        "Arn": FULL_ARN,
        "Name": "FullAWSAccess",
        "Description": "Allows access to every operation",
        "Type": SCP,
        "AwsManaged": True,
    }
    assert json.loads(full["Content"])["Statement"] == [
        {"Effect": "Allow", "Action": "*", "Resource": "*"}
    ]
    listed = org.mgmt.list_targets_for_policy(PolicyId=FULL, MaxResults=20)["Targets"]
    assert {t["TargetId"] for t in listed} == {*targets, org.member_id, MGMT, new_id}
    root_entry = next(t for t in listed if t["TargetId"] == org.root_id)
    assert root_entry["Type"] == "ROOT" and root_entry["Name"] == "Root"
    with aws_error("RootNotFoundException"):
        org.mgmt.enable_policy_type(RootId="r-zzzz", PolicyType=DECL)
    with aws_error("InvalidInputException", "INVALID_ENUM_POLICY_TYPE"):
        org.mgmt.enable_policy_type(RootId=org.root_id, PolicyType="NOT_A_TYPE")
    with aws_error("PolicyTypeAlreadyEnabledException"):
        org.mgmt.enable_policy_type(RootId=org.root_id, PolicyType=SCP)
    org.mgmt.disable_policy_type(RootId=org.root_id, PolicyType=SCP)
    assert org.mgmt.list_roots()["Roots"][0]["PolicyTypes"] == []
    assert policy_ids(org, org.member_id) == []
    with aws_error("PolicyTypeNotEnabledException"):
        org.mgmt.disable_policy_type(RootId=org.root_id, PolicyType=SCP)


def test_policy_lifecycle_and_every_error(org: Org) -> None:
    m = org.mgmt
    created = m.create_policy(Content=deny(), Description="no run", Name="DenyRun", Type=SCP)
    summary = created["Policy"]["PolicySummary"]
    pid = summary["Id"]
    assert summary["Arn"] == (
        f"arn:aws:organizations::{MGMT}:policy/{org.org_id}/service_control_policy/{pid}"
    )
    assert summary["AwsManaged"] is False
    names = [p["Name"] for p in m.list_policies(Filter=SCP)["Policies"]]
    assert names == ["FullAWSAccess", "DenyRun"]
    with aws_error("DuplicatePolicyException"):
        m.create_policy(Content=deny(), Description="", Name="DenyRun", Type=SCP)
    with aws_error("PolicyTypeNotEnabledException"):
        m.attach_policy(PolicyId=pid, TargetId=org.member_id)
    m.enable_policy_type(RootId=org.root_id, PolicyType=SCP)
    m.attach_policy(PolicyId=pid, TargetId=org.member_id)
    assert policy_ids(org, org.member_id) == [FULL, pid]
    with aws_error("DuplicatePolicyAttachmentException"):
        m.attach_policy(PolicyId=pid, TargetId=org.member_id)
    with aws_error("PolicyInUseException"):
        m.delete_policy(PolicyId=pid)
    with aws_error("TargetNotFoundException"):
        m.attach_policy(PolicyId=pid, TargetId=LONER)
    with aws_error("PolicyNotFoundException"):
        m.attach_policy(PolicyId="p-zzzzzzzz", TargetId=org.member_id)
    with aws_error("InvalidInputException", "INVALID_SYNTAX_POLICY_ID"):
        m.describe_policy(PolicyId="p-x")
    with aws_error("InvalidInputException", "INVALID_PATTERN_TARGET_ID"):
        m.attach_policy(PolicyId=pid, TargetId="nope")
    with aws_error("InvalidInputException", "IMMUTABLE_POLICY"):
        m.update_policy(PolicyId=FULL, Name="Mine")
    with aws_error("InvalidInputException", "IMMUTABLE_POLICY"):
        m.delete_policy(PolicyId=FULL)
    updated = m.update_policy(PolicyId=pid, Name="DenyStop", Content=deny("ec2:StopInstances"))
    assert updated["Policy"]["PolicySummary"]["Name"] == "DenyStop"
    assert "StopInstances" in m.describe_policy(PolicyId=pid)["Policy"]["Content"]
    m.detach_policy(PolicyId=pid, TargetId=org.member_id)
    with aws_error("PolicyNotAttachedException"):
        m.detach_policy(PolicyId=pid, TargetId=org.member_id)
    with aws_error("ConstraintViolationException", "MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"):
        m.detach_policy(PolicyId=FULL, TargetId=org.member_id)
    m.delete_policy(PolicyId=pid)
    with aws_error("PolicyNotFoundException"):
        m.describe_policy(PolicyId=pid)


def test_limits_and_grammar(org: Org) -> None:
    m = org.mgmt
    m.enable_policy_type(RootId=org.root_id, PolicyType=SCP)
    for i in range(4):
        pid = m.create_policy(Content=deny(), Description="", Name=f"p{i}", Type=SCP)
        m.attach_policy(PolicyId=pid["Policy"]["PolicySummary"]["Id"], TargetId=org.root_id)
    extra = m.create_policy(Content=deny(), Description="", Name="extra", Type=SCP)
    with aws_error("ConstraintViolationException", "MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED"):
        m.attach_policy(PolicyId=extra["Policy"]["PolicySummary"]["Id"], TargetId=org.root_id)
    padded = deny()[:-1] + " " * (5121 - len(deny())) + "}"
    assert len(padded) == 5121
    with aws_error("ConstraintViolationException", "POLICY_CONTENT_LIMIT_EXCEEDED"):
        m.create_policy(Content=padded, Description="", Name="big", Type=SCP)
    exactly = deny()[:-1] + " " * (5120 - len(deny())) + "}"
    m.create_policy(Content=exactly, Description="", Name="max", Type=SCP)
    principal = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}],
        }
    )
    for bad in ("not json", principal, json.dumps({"Statement": []})):
        with aws_error("MalformedPolicyDocumentException"):
            m.create_policy(Content=bad, Description="", Name="bad", Type=SCP)
    with aws_error("PolicyTypeNotAvailableForOrganizationException"):
        m.create_policy(Content="{}", Description="", Name="r", Type="RESOURCE_CONTROL_POLICY")


def test_member_accounts_are_refused(org: Org) -> None:
    message = "You don't have permissions to access this resource."
    with aws_error("AccessDeniedException", message=message):
        org.member.enable_policy_type(RootId=org.root_id, PolicyType=SCP)
    with aws_error("AccessDeniedException", message=message):
        org.member.create_policy(Content=deny(), Description="", Name="x", Type=SCP)
    with aws_error("AccessDeniedException", message=message):
        org.member.list_policies(Filter=SCP)


def decl(bpa: str | None = None, providers: list[str] | None = None, message: str | None = None):
    attrs: dict[str, Any] = {}
    if bpa is not None:
        attrs["image_block_public_access"] = {"state": {"@@assign": bpa}}
    if providers is not None:
        attrs["allowed_images_settings"] = {
            "state": {"@@assign": "enabled"},
            "image_criteria": {"criteria_1": {"allowed_image_providers": {"@@append": providers}}},
        }
    if message is not None:
        attrs["exception_message"] = {"@@assign": message}
    return json.dumps({"ec2_attributes": attrs})


def test_effective_declarative_policy(org: Org) -> None:
    m = org.mgmt
    with aws_error("InvalidInputException", "INVALID_ENUM"):
        m.describe_effective_policy(PolicyType=SCP, TargetId=org.member_id)
    m.enable_policy_type(RootId=org.root_id, PolicyType=DECL)
    with aws_error("EffectivePolicyNotFoundException"):
        m.describe_effective_policy(PolicyType=DECL, TargetId=org.member_id)
    ou = m.create_organizational_unit(ParentId=org.root_id, Name="prod")["OrganizationalUnit"]
    m.move_account(
        AccountId=org.member_id, SourceParentId=org.root_id, DestinationParentId=ou["Id"]
    )
    top = m.create_policy(
        Content=decl("block_new_sharing", ["amazon"], "Ask IT"),
        Description="",
        Name="top",
        Type=DECL,
    )["Policy"]["PolicySummary"]["Id"]
    low = m.create_policy(
        Content=decl(providers=["123456789012"]), Description="", Name="low", Type=DECL
    )["Policy"]["PolicySummary"]["Id"]
    m.attach_policy(PolicyId=top, TargetId=org.root_id)
    m.attach_policy(PolicyId=low, TargetId=ou["Id"])
    found = org.member.describe_effective_policy(PolicyType=DECL)["EffectivePolicy"]
    assert found["TargetId"] == org.member_id and found["PolicyType"] == DECL
    assert json.loads(found["PolicyContent"]) == {
        "ec2_attributes": {
            "image_block_public_access": {"state": "block_new_sharing"},
            "allowed_images_settings": {
                "state": "enabled",
                "image_criteria": {
                    "criteria_1": {"allowed_image_providers": ["amazon", "123456789012"]}
                },
            },
            "exception_message": "Ask IT",
        }
    }
    with aws_error("AccessDeniedException"):
        org.member.describe_effective_policy(PolicyType=DECL, TargetId=MGMT)
    with aws_error("InvalidInputException", "TARGET_NOT_SUPPORTED"):
        m.describe_effective_policy(PolicyType=DECL, TargetId=ou["Id"])
    with aws_error("MalformedPolicyDocumentException"):
        m.create_policy(Content=decl("maybe"), Description="", Name="bad", Type=DECL)


def test_main_flow_with_the_aws_cli(org: Org, cli: Callable[..., Any]) -> None:
    cli(
        "organizations",
        "enable-policy-type",
        "--root-id",
        org.root_id,
        "--policy-type",
        SCP,
        account=MGMT,
    )
    made = cli(
        "organizations",
        "create-policy",
        "--name",
        "DenyRun",
        "--description",
        "d",
        "--type",
        SCP,
        "--content",
        deny(),
        account=MGMT,
    )
    pid = made["Policy"]["PolicySummary"]["Id"]
    cli(
        "organizations",
        "attach-policy",
        "--policy-id",
        pid,
        "--target-id",
        org.member_id,
        account=MGMT,
    )
    listed = cli(
        "organizations",
        "list-policies-for-target",
        "--target-id",
        org.member_id,
        "--filter",
        SCP,
        account=MGMT,
    )
    assert [p["Id"] for p in listed["Policies"]] == [FULL, pid]
    cli(
        "organizations",
        "detach-policy",
        "--policy-id",
        pid,
        "--target-id",
        org.member_id,
        account=MGMT,
    )
    cli("organizations", "delete-policy", "--policy-id", pid, account=MGMT)
    root = cli(
        "organizations",
        "disable-policy-type",
        "--root-id",
        org.root_id,
        "--policy-type",
        SCP,
        account=MGMT,
    )
    assert root["Root"]["PolicyTypes"] == []
