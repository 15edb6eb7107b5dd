"""EC2 declarative policies end to end: the effective policy of a member account sets its
image block public access and Allowed AMIs in every Region, read-only in the account, with
the policy's exception_message in the errors it causes; attach, detach and move apply at
once."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import ClientFactory
from tests.e2e.worlds import Client, OrgWorld, aws_error, launch, register_image, share

DECL = "DECLARATIVE_POLICY_EC2"
MESSAGE = "Public AMIs are off here: ask cloud-platform@example.com"
REGIONS = ("us-east-1", "eu-west-1")


def policy(**attrs: Any) -> str:
    return json.dumps({"ec2_attributes": attrs})


BLOCK = policy(
    image_block_public_access={"state": {"@@assign": "block_new_sharing"}},
    exception_message={"@@assign": MESSAGE},
)


@pytest.fixture
def orgs(aws: ClientFactory, world: OrgWorld) -> Client:
    client = aws("organizations", account=world.management)
    client.enable_policy_type(RootId=world.root_id, PolicyType=DECL)
    return client


def create(orgs: Client, name: str, content: str) -> str:
    made = orgs.create_policy(Name=name, Description="", Type=DECL, Content=content)
    return made["Policy"]["PolicySummary"]["Id"]


def bpa(aws: ClientFactory, account: str, region: str) -> dict[str, Any]:
    answer = aws("ec2", account=account, region=region).get_image_block_public_access_state()
    answer.pop("ResponseMetadata")
    return answer


def test_block_public_access_follows_the_policy_in_every_region(
    aws: ClientFactory, world: OrgWorld, orgs: Client
) -> None:
    pid = create(orgs, "block", BLOCK)
    orgs.attach_policy(PolicyId=pid, TargetId=world.shared_ou.id)
    for account in (world.shared_account, world.nested_account):
        for region in REGIONS:
            assert bpa(aws, account, region) == {
                "ImageBlockPublicAccessState": "block-new-sharing",
                "ManagedBy": "declarative-policy",
            }
    assert bpa(aws, world.sibling_account, "us-east-1")["ManagedBy"] == "account"
    ec2 = aws("ec2", account=world.shared_account)
    with aws_error("OperationNotPermitted"):
        ec2.disable_image_block_public_access()
    with aws_error("OperationNotPermitted"):
        ec2.enable_image_block_public_access(ImageBlockPublicAccessState="block-new-sharing")
    image_id = register_image(ec2)
    with pytest.raises(Exception) as refused:
        share(ec2, image_id, {"Group": "all"})
    error = refused.value.response["Error"]  # type: ignore[attr-defined]
    assert error["Code"] == "OperationNotPermitted"
    assert error["Message"].endswith(MESSAGE)
    # Moving the account out of the OU frees it at once; detaching frees the rest.
    orgs.move_account(
        AccountId=world.shared_account,
        SourceParentId=world.shared_ou.id,
        DestinationParentId=world.root_id,
    )
    assert bpa(aws, world.shared_account, "us-east-1")["ManagedBy"] == "account"
    share(ec2, image_id, {"Group": "all"})
    orgs.detach_policy(PolicyId=pid, TargetId=world.shared_ou.id)
    assert bpa(aws, world.nested_account, "eu-west-1") == {
        "ImageBlockPublicAccessState": "unblocked",
        "ManagedBy": "account",
    }


def test_allowed_amis_follow_the_policy(aws: ClientFactory, world: OrgWorld, orgs: Client) -> None:
    owner = aws("ec2", account=world.owner)
    image_id = register_image(owner, name="golden")
    share(owner, image_id, {"OrganizationalUnitArn": world.shared_ou.arn})
    content = policy(
        allowed_images_settings={
            "state": {"@@assign": "enabled"},
            "image_criteria": {"criteria_1": {"allowed_image_providers": {"@@assign": ["amazon"]}}},
        },
        exception_message={"@@assign": MESSAGE},
    )
    pid = create(orgs, "allowed", content)
    consumer = aws("ec2", account=world.nested_account)
    launch(consumer, image_id)
    orgs.attach_policy(PolicyId=pid, TargetId=world.nested_ou.id)
    for region in REGIONS:
        found = aws("ec2", account=world.nested_account, region=region)
        answer = found.get_allowed_images_settings()
        assert answer["State"] == "enabled"
        assert answer["ManagedBy"] == "declarative-policy"
        assert answer["ImageCriteria"] == [{"ImageProviders": ["amazon"]}]
    with aws_error("AuthFailure", f"Not authorized for images: [{image_id}]. {MESSAGE}"):
        launch(consumer, image_id)
    with aws_error("OperationNotPermitted"):
        consumer.disable_allowed_images_settings()
    with aws_error("OperationNotPermitted"):
        consumer.replace_image_criteria_in_allowed_images_settings(
            ImageCriteria=[{"ImageProviders": [world.owner]}]
        )
    # A lower policy appends the owner as a provider: the image launches again.
    more = policy(
        allowed_images_settings={
            "image_criteria": {
                "criteria_1": {"allowed_image_providers": {"@@append": [world.owner]}}
            }
        }
    )
    extra = create(orgs, "more", more)
    orgs.attach_policy(PolicyId=extra, TargetId=world.nested_account)
    launch(consumer, image_id)
    orgs.detach_policy(PolicyId=extra, TargetId=world.nested_account)
    orgs.detach_policy(PolicyId=pid, TargetId=world.nested_ou.id)
    assert consumer.get_allowed_images_settings()["ManagedBy"] == "account"
    launch(consumer, image_id)
