"""Who uses an image, and where it came from: CancelImageLaunchPermission, LastLaunchedTime,
DescribeImageReferences and GetImageAncestry over boto3."""

from __future__ import annotations

from datetime import timedelta

from emulator.testing.pytest_plugin import AmiClock
from tests.e2e.worlds import (
    Client,
    ClientFactory,
    OrgWorld,
    assert_cannot_use,
    executable_ids,
    image,
    launch,
    launch_permissions,
    register_image,
    share,
)


def test_a_consumer_cancels_its_own_share(
    aws: ClientFactory, world: OrgWorld, owner: Client
) -> None:
    image_id = register_image(owner)
    share(owner, image_id, {"UserId": world.outsider}, {"UserId": world.sibling_account})
    outsider = aws("ec2", account=world.outsider)
    assert outsider.cancel_image_launch_permission(ImageId=image_id)["Return"] is True
    assert launch_permissions(owner, image_id) == [{"UserId": world.sibling_account}]
    assert_cannot_use(outsider, image_id)


def test_cancelling_the_account_entry_leaves_the_ou_grant(
    aws: ClientFactory, world: OrgWorld, owner: Client
) -> None:
    image_id = register_image(owner)
    share(
        owner,
        image_id,
        {"UserId": world.nested_account},
        {"OrganizationalUnitArn": world.shared_ou.arn},
    )
    nested = aws("ec2", account=world.nested_account)
    nested.cancel_image_launch_permission(ImageId=image_id)
    assert launch_permissions(owner, image_id) == [{"OrganizationalUnitArn": world.shared_ou.arn}]
    # Still reached through the OU it sits under.
    assert image_id in executable_ids(nested)


def test_last_launched_time_is_the_owner_s_to_see(
    aws: ClientFactory, world: OrgWorld, owner: Client, ami_clock: AmiClock
) -> None:
    image_id = register_image(owner)
    share(owner, image_id, {"OrganizationArn": world.org_arn})
    assert "LastLaunchedTime" not in image(owner, image_id)
    at = ami_clock.set("2031-03-04T05:06:07Z", frozen=True)
    member = aws("ec2", account=world.shared_account)
    launch(member, image_id)
    assert image(owner, image_id)["LastLaunchedTime"] == "2031-03-04T05:06:07.000Z"
    attribute = owner.describe_image_attribute(ImageId=image_id, Attribute="lastLaunchedTime")
    assert attribute["LastLaunchedTime"] == {"Value": "2031-03-04T05:06:07.000Z"}
    assert "LastLaunchedTime" not in image(member, image_id)
    ami_clock.set(at + timedelta(days=1))
    launch(owner, image_id)
    assert image(owner, image_id)["LastLaunchedTime"] == "2031-03-05T05:06:07.000Z"


def test_image_references_name_the_caller_s_instances(
    aws: ClientFactory, world: OrgWorld, owner: Client
) -> None:
    image_id = register_image(owner)
    other_id = register_image(owner, "other")
    share(owner, image_id, {"OrganizationArn": world.org_arn})
    member = aws("ec2", account=world.shared_account)
    first, second = launch(member, image_id, count=2)
    launch(owner, image_id)
    launch(member, image_id)
    member.terminate_instances(InstanceIds=[second])

    refs = member.describe_image_references(
        ImageIds=[image_id, other_id], IncludeAllResourceTypes=True
    )["ImageReferences"]
    arns = {r["Arn"] for r in refs}
    assert {r["ResourceType"] for r in refs} == {"ec2:Instance"}
    assert {r["ImageId"] for r in refs} == {image_id}
    assert len(arns) == 3
    prefix = f"arn:aws:ec2:us-east-1:{world.shared_account}:instance/"
    assert all(arn.startswith(prefix) for arn in arns)

    running = member.describe_image_references(
        ImageIds=[image_id],
        ResourceTypes=[
            {
                "ResourceType": "ec2:Instance",
                "ResourceTypeOptions": [{"OptionName": "state-name", "OptionValues": ["running"]}],
            }
        ],
    )["ImageReferences"]
    assert prefix + second not in {r["Arn"] for r in running}
    assert prefix + first in {r["Arn"] for r in running}
    # Launch templates are not held by the emulator yet: asked for alone, nothing.
    templates = member.describe_image_references(
        ImageIds=[image_id], ResourceTypes=[{"ResourceType": "ec2:LaunchTemplate"}]
    )
    assert templates["ImageReferences"] == []
    # Paged.
    launch(member, image_id, count=5)
    page = member.describe_image_references(
        ImageIds=[image_id], IncludeAllResourceTypes=True, MaxResults=5
    )
    assert len(page["ImageReferences"]) == 5
    rest = member.describe_image_references(
        ImageIds=[image_id], IncludeAllResourceTypes=True, NextToken=page["NextToken"]
    )
    paged = {r["Arn"] for r in page["ImageReferences"] + rest["ImageReferences"]}
    assert len(paged) == 8 and arns < paged


def test_ancestry_follows_copies_and_created_images(
    aws: ClientFactory, world: OrgWorld, owner: Client
) -> None:
    root = register_image(owner, "root")
    west = aws("ec2", account=world.owner, region="us-west-2")
    copy = west.copy_image(SourceImageId=root, SourceRegion="us-east-1", Name="copy")["ImageId"]
    (instance,) = launch(west, copy)
    made = west.create_image(InstanceId=instance, Name="made")["ImageId"]

    chain = west.get_image_ancestry(ImageId=made)["ImageAncestryEntries"]
    assert [e["ImageId"] for e in chain] == [made, copy, root]
    assert [(e.get("SourceImageId"), e.get("SourceImageRegion")) for e in chain] == [
        (copy, "us-west-2"),
        (root, "us-east-1"),
        (None, None),
    ]
    assert image(west, made)["SourceImageId"] == copy
    (alone,) = owner.get_image_ancestry(ImageId=root)["ImageAncestryEntries"]
    assert alone["ImageId"] == root and "SourceImageId" not in alone


def test_copies_and_created_images_are_not_deprecated_or_protected(
    owner: Client, ami_clock: AmiClock
) -> None:
    source = register_image(owner, "source")
    owner.enable_image_deprecation(ImageId=source, DeprecateAt=ami_clock.now())
    owner.enable_image_deregistration_protection(ImageId=source, WithCooldown=True)
    copy = owner.copy_image(SourceImageId=source, SourceRegion="us-east-1", Name="copy")
    (instance,) = launch(owner, source)
    made = owner.create_image(InstanceId=instance, Name="made")
    for image_id in (copy["ImageId"], made["ImageId"]):
        found = image(owner, image_id)
        assert "DeprecationTime" not in found
        assert found["DeregistrationProtection"] == "disabled"
