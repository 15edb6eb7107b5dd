"""Every scenario of the reference text (sharing AMIs with organizations and OUs), end to end."""

from __future__ import annotations

import pytest

from tests.e2e.worlds import (
    Client,
    ClientFactory,
    OrgWorld,
    assert_can_use,
    assert_cannot_use,
    aws_error,
    build_org,
    executable_ids,
    image,
    launch,
    launch_permissions,
    not_authorized_for_image,
    not_found,
    register_image,
    register_image_from_snapshot,
    share,
    unshare,
)

BPA_MESSAGE = (
    "You can\u2019t publicly share this image because block public access for AMIs is enabled"
    " for this account. To publicly share the image, you must call the"
    " DisableImageBlockPublicAccess API."
)


@pytest.fixture
def image_id(owner: Client) -> str:
    return register_image_from_snapshot(owner)


def ec2_of(aws: ClientFactory, account: str, region: str = "us-east-1") -> Client:
    return aws("ec2", account=account, region=region)


def share_storage(owner: Client, image_id: str, account: str) -> None:
    """Copying someone else's image needs its snapshots shared (createVolumePermission)."""
    for mapping in image(owner, image_id)["BlockDeviceMappings"]:
        owner.modify_snapshot_attribute(
            SnapshotId=mapping["Ebs"]["SnapshotId"],
            CreateVolumePermission={"Add": [{"UserId": account}]},
        )


# --- Share with an organization / an OU -------------------------------------------------


def test_organization_share_reaches_every_member(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    share(owner, image_id, {"OrganizationArn": world.org_arn})
    for account in world.members:
        assert_can_use(ec2_of(aws, account), image_id)
    assert_cannot_use(ec2_of(aws, world.outsider), image_id)


def test_ou_share_reaches_the_subtree_only(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    share(owner, image_id, {"OrganizationalUnitArn": world.shared_ou.arn})
    for account in (world.shared_account, world.nested_account):
        assert_can_use(ec2_of(aws, account), image_id)
    for account in (world.sibling_account, world.root_account, world.management, world.outsider):
        assert_cannot_use(ec2_of(aws, account), image_id)


def test_nested_ou_share_does_not_reach_the_parent_ou(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    share(owner, image_id, {"OrganizationalUnitArn": world.nested_ou.arn})
    assert_can_use(ec2_of(aws, world.nested_account), image_id)
    assert_cannot_use(ec2_of(aws, world.shared_account), image_id)


def test_owner_may_share_with_an_organization_it_is_not_in(aws: ClientFactory) -> None:
    world = build_org(aws)
    outsider = ec2_of(aws, world.outsider)
    image_id = register_image(outsider)
    share(outsider, image_id, {"OrganizationalUnitArn": world.shared_ou.arn})
    assert_can_use(ec2_of(aws, world.nested_account), image_id)
    assert_cannot_use(ec2_of(aws, world.sibling_account), image_id)


# --- ARN format: bare ids are refused ----------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("OrganizationArn", "o-123example"),
        ("OrganizationalUnitArn", "ou-1234-5example"),
    ],
)
def test_reference_bare_ids_are_refused(
    owner: Client, image_id: str, kind: str, value: str
) -> None:
    message = f'Invalid attribute item value "{value}" for {kind} item type.'
    with aws_error("InvalidAMIAttributeItemValue", message):
        share(owner, image_id, {kind: value})
    assert launch_permissions(owner, image_id) == []


def test_bare_ids_of_the_real_organization_are_refused(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    for kind, value in (
        ("OrganizationArn", world.org_id),
        ("OrganizationalUnitArn", world.shared_ou.id),
    ):
        message = f'Invalid attribute item value "{value}" for {kind} item type.'
        with aws_error("InvalidAMIAttributeItemValue", message):
            share(owner, image_id, {kind: value})
    assert launch_permissions(owner, image_id) == []
    assert_cannot_use(ec2_of(aws, world.shared_account), image_id)


# --- Stop sharing -----------------------------------------------------------------------


def test_removing_an_account_covered_by_an_ou_grant_succeeds_and_access_stays(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    share(
        owner,
        image_id,
        {"OrganizationalUnitArn": world.shared_ou.arn},
        {"UserId": world.nested_account},
    )
    unshare(owner, image_id, {"UserId": world.nested_account}, {"UserId": world.shared_account})
    assert launch_permissions(owner, image_id) == [{"OrganizationalUnitArn": world.shared_ou.arn}]
    assert_can_use(ec2_of(aws, world.nested_account), image_id)
    assert_can_use(ec2_of(aws, world.shared_account), image_id)


def test_removing_an_account_covered_by_an_organization_grant_keeps_access(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    share(owner, image_id, {"OrganizationArn": world.org_arn})
    unshare(owner, image_id, {"UserId": world.root_account})
    assert_can_use(ec2_of(aws, world.root_account), image_id)


def test_removing_the_organization_grant_stops_sharing(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    share(owner, image_id, {"OrganizationArn": world.org_arn})
    unshare(owner, image_id, {"OrganizationArn": world.org_arn})
    assert launch_permissions(owner, image_id) == []
    for account in world.members:
        assert_cannot_use(ec2_of(aws, account), image_id)


def test_reset_removes_every_grant_and_the_owner_still_launches(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    share(
        owner,
        image_id,
        {"OrganizationArn": world.org_arn},
        {"OrganizationalUnitArn": world.shared_ou.arn},
        {"UserId": world.outsider},
        {"Group": "all"},
    )
    assert image(owner, image_id)["Public"] is True
    owner.reset_image_attribute(ImageId=image_id, Attribute="launchPermission")
    assert launch_permissions(owner, image_id) == []
    assert image(owner, image_id)["Public"] is False
    assert len(launch(owner, image_id)) == 1
    for account in (*world.members, world.outsider):
        assert_cannot_use(ec2_of(aws, account), image_id)


def test_reset_of_an_unshared_image_succeeds(owner: Client, image_id: str) -> None:
    owner.reset_image_attribute(ImageId=image_id, Attribute="launchPermission")
    assert launch_permissions(owner, image_id) == []


# --- Regions ----------------------------------------------------------------------------


def test_a_share_is_only_in_its_region(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    share(owner, image_id, {"OrganizationArn": world.org_arn})
    for account in (world.owner, world.shared_account):
        west = ec2_of(aws, account, "us-west-2")
        assert image_id not in {i["ImageId"] for i in west.describe_images()["Images"]}
        assert image_id not in executable_ids(west)
        with aws_error(*not_found(image_id)):
            west.describe_images(ImageIds=[image_id])
        with aws_error(*not_found(image_id)):
            launch(west, image_id)


def test_copy_to_another_region_is_a_new_private_image(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    owner.create_tags(Resources=[image_id], Tags=[{"Key": "Env", "Value": "prod"}])
    share(owner, image_id, {"OrganizationArn": world.org_arn})
    west = ec2_of(aws, world.owner, "us-west-2")
    copy_id = west.copy_image(Name="copy", SourceImageId=image_id, SourceRegion="us-east-1")[
        "ImageId"
    ]
    assert copy_id != image_id
    copy = image(west, copy_id)
    assert copy["OwnerId"] == world.owner
    assert copy["Public"] is False
    assert copy["SourceImageId"] == image_id
    assert copy["SourceImageRegion"] == "us-east-1"
    assert copy.get("Tags", []) == []
    assert launch_permissions(west, copy_id) == []
    assert_cannot_use(ec2_of(aws, world.shared_account, "us-west-2"), copy_id)
    # The source is untouched, and the copy is not in the source Region.
    assert launch_permissions(owner, image_id) == [{"OrganizationArn": world.org_arn}]
    with aws_error(*not_found(copy_id)):
        owner.describe_images(ImageIds=[copy_id])


def test_copy_image_tags_copies_only_the_callers_tags(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    owner.create_tags(Resources=[image_id], Tags=[{"Key": "Env", "Value": "prod"}])
    share(owner, image_id, {"UserId": world.shared_account})
    share_storage(owner, image_id, world.shared_account)
    consumer = ec2_of(aws, world.shared_account)
    consumer.create_tags(Resources=[image_id], Tags=[{"Key": "Mine", "Value": "yes"}])

    west_owner = ec2_of(aws, world.owner, "us-west-2")
    own_copy = west_owner.copy_image(
        Name="own-copy", SourceImageId=image_id, SourceRegion="us-east-1", CopyImageTags=True
    )["ImageId"]
    assert image(west_owner, own_copy)["Tags"] == [{"Key": "Env", "Value": "prod"}]

    west_consumer = ec2_of(aws, world.shared_account, "us-west-2")
    their_copy = west_consumer.copy_image(
        Name="their-copy", SourceImageId=image_id, SourceRegion="us-east-1", CopyImageTags=True
    )["ImageId"]
    copied = image(west_consumer, their_copy)
    assert copied["OwnerId"] == world.shared_account
    assert copied["Tags"] == [{"Key": "Mine", "Value": "yes"}]
    assert copied["SourceImageId"] == image_id
    assert copied["SourceImageRegion"] == "us-east-1"


def test_copying_a_shared_image_makes_one_the_consumer_owns(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    share(owner, image_id, {"OrganizationalUnitArn": world.shared_ou.arn})
    share_storage(owner, image_id, world.nested_account)
    consumer = ec2_of(aws, world.nested_account)
    copy_id = consumer.copy_image(Name="mine", SourceImageId=image_id, SourceRegion="us-east-1")[
        "ImageId"
    ]
    mine = {i["ImageId"] for i in consumer.describe_images(Owners=["self"])["Images"]}
    assert mine == {copy_id}
    assert image(consumer, copy_id)["OwnerId"] == world.nested_account
    # The consumer owns the copy: it may share it.
    share(consumer, copy_id, {"UserId": world.sibling_account})
    assert_can_use(ec2_of(aws, world.sibling_account), copy_id)
    # The owner of the source does not see the consumer's private copy.
    with aws_error(*not_found(copy_id)):
        owner.describe_images(ImageIds=[copy_id])


def test_copying_an_image_the_caller_cannot_see(
    aws: ClientFactory, world: OrgWorld, image_id: str
) -> None:
    stranger = ec2_of(aws, world.sibling_account, "us-west-2")
    with aws_error(*not_found(image_id)):
        stranger.copy_image(Name="nope", SourceImageId=image_id, SourceRegion="us-east-1")
    # The source is looked up in SourceRegion, not in the Region of the call.
    owner_west = ec2_of(aws, world.owner, "us-west-2")
    with aws_error(*not_found(image_id)):
        owner_west.copy_image(Name="nope", SourceImageId=image_id, SourceRegion="eu-west-1")


# --- Tags are private to the tagging account ---------------------------------------------


def test_owner_tags_are_invisible_to_consumers_and_vice_versa(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    owner.create_tags(Resources=[image_id], Tags=[{"Key": "Team", "Value": "platform"}])
    share(owner, image_id, {"OrganizationArn": world.org_arn})
    consumer = ec2_of(aws, world.nested_account)

    assert image(consumer, image_id).get("Tags", []) == []
    team_filter = [{"Name": "tag:Team", "Values": ["platform"]}]
    assert consumer.describe_images(Filters=team_filter)["Images"] == []
    assert (
        consumer.describe_images(Filters=[{"Name": "tag-key", "Values": ["Team"]}])["Images"] == []
    )
    by_id = [{"Name": "resource-id", "Values": [image_id]}]
    assert consumer.describe_tags(Filters=by_id)["Tags"] == []

    consumer.create_tags(Resources=[image_id], Tags=[{"Key": "Use", "Value": "ci"}])
    assert image(consumer, image_id)["Tags"] == [{"Key": "Use", "Value": "ci"}]
    assert [
        i["ImageId"]
        for i in consumer.describe_images(Filters=[{"Name": "tag:Use", "Values": ["ci"]}])["Images"]
    ] == [image_id]
    assert [(t["Key"], t["Value"]) for t in consumer.describe_tags(Filters=by_id)["Tags"]] == [
        ("Use", "ci")
    ]

    assert image(owner, image_id)["Tags"] == [{"Key": "Team", "Value": "platform"}]
    assert owner.describe_images(Filters=[{"Name": "tag:Use", "Values": ["ci"]}])["Images"] == []
    assert [(t["Key"], t["Value"]) for t in owner.describe_tags(Filters=by_id)["Tags"]] == [
        ("Team", "platform")
    ]
    assert [i["ImageId"] for i in owner.describe_images(Filters=team_filter)["Images"]] == [
        image_id
    ]


# --- What a consumer may and may not do ---------------------------------------------------


def test_consumer_launches_and_creates_its_own_image(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    share(owner, image_id, {"OrganizationalUnitArn": world.shared_ou.arn})
    consumer = ec2_of(aws, world.nested_account)
    (instance_id,) = launch(consumer, image_id)
    new_id = consumer.create_image(InstanceId=instance_id, Name="consumer-made")["ImageId"]
    made = image(consumer, new_id)
    assert made["OwnerId"] == world.nested_account
    assert made["State"] == "available"
    assert {i["ImageId"] for i in consumer.describe_images(Owners=["self"])["Images"]} == {new_id}
    with aws_error(*not_found(new_id)):
        owner.describe_images(ImageIds=[new_id])
    # The new image is backed by new snapshots the consumer owns.
    snapshots = [m["Ebs"]["SnapshotId"] for m in made["BlockDeviceMappings"] if "Ebs" in m]
    assert snapshots
    for snapshot in consumer.describe_snapshots(SnapshotIds=snapshots)["Snapshots"]:
        assert snapshot["OwnerId"] == world.nested_account
    # Only the instance's owner may image it.
    with aws_error("InvalidInstanceID.NotFound"):
        owner.create_image(InstanceId=instance_id, Name="not-mine")


def test_consumer_cannot_modify_reset_describe_attribute_or_deregister(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    share(owner, image_id, {"OrganizationArn": world.org_arn})
    consumer = ec2_of(aws, world.shared_account)
    refused = not_authorized_for_image(image_id)
    with aws_error(*refused):
        share(consumer, image_id, {"UserId": world.outsider})
    with aws_error(*refused):
        unshare(consumer, image_id, {"OrganizationArn": world.org_arn})
    with aws_error(*refused):
        consumer.modify_image_attribute(ImageId=image_id, Description={"Value": "mine now"})
    with aws_error(*refused):
        consumer.reset_image_attribute(ImageId=image_id, Attribute="launchPermission")
    with aws_error(*refused):
        launch_permissions(consumer, image_id)
    with aws_error(*refused):
        consumer.describe_image_attribute(ImageId=image_id, Attribute="description")
    with aws_error(*refused):
        consumer.deregister_image(ImageId=image_id)

    assert launch_permissions(owner, image_id) == [{"OrganizationArn": world.org_arn}]
    assert image(owner, image_id)["State"] == "available"
    assert image(owner, image_id).get("Description", "") != "mine now"
    assert_can_use(consumer, image_id)
    assert_cannot_use(ec2_of(aws, world.outsider), image_id)


def test_an_account_that_cannot_see_the_image_gets_not_found(
    aws: ClientFactory, world: OrgWorld, image_id: str
) -> None:
    stranger = ec2_of(aws, world.sibling_account)
    with aws_error(*not_found(image_id)):
        share(stranger, image_id, {"UserId": world.sibling_account})
    with aws_error(*not_found(image_id)):
        launch_permissions(stranger, image_id)
    with aws_error(*not_found(image_id)):
        stranger.deregister_image(ImageId=image_id)


# --- Public sharing and Block Public Access ------------------------------------------------


def test_public_image_is_visible_to_every_account(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    share(owner, image_id, {"Group": "all"})
    assert image(owner, image_id)["Public"] is True
    assert launch_permissions(owner, image_id) == [{"Group": "all"}]
    stranger = ec2_of(aws, world.outsider)
    assert image(stranger, image_id)["Public"] is True
    assert image_id in {i["ImageId"] for i in stranger.describe_images()["Images"]}
    public = stranger.describe_images(ExecutableUsers=["all"])["Images"]
    assert image_id in {i["ImageId"] for i in public}
    # `self` lists grants to the caller, not public images (decisions.md).
    assert image_id not in executable_ids(stranger)
    assert len(launch(stranger, image_id)) == 1

    unshare(owner, image_id, {"Group": "all"})
    assert image(owner, image_id)["Public"] is False
    assert_cannot_use(stranger, image_id)


def test_block_public_access_refuses_new_public_sharing(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    already_public = register_image(owner, "already-public")
    share(owner, already_public, {"Group": "all"})
    assert owner.get_image_block_public_access_state()["ImageBlockPublicAccessState"] == (
        "unblocked"
    )
    enabled = owner.enable_image_block_public_access(
        ImageBlockPublicAccessState="block-new-sharing"
    )
    assert enabled["ImageBlockPublicAccessState"] == "block-new-sharing"
    assert owner.get_image_block_public_access_state()["ImageBlockPublicAccessState"] == (
        "block-new-sharing"
    )

    with aws_error("OperationNotPermitted", BPA_MESSAGE):
        share(owner, image_id, {"Group": "all"})
    with aws_error("OperationNotPermitted", BPA_MESSAGE):
        owner.modify_image_attribute(
            ImageId=image_id,
            Attribute="launchPermission",
            OperationType="add",
            UserGroups=["all"],
        )
    assert image(owner, image_id)["Public"] is False
    assert launch_permissions(owner, image_id) == []
    # Existing public images stay public; sharing with accounts and OUs is unaffected.
    assert image(owner, already_public)["Public"] is True
    share(owner, image_id, {"OrganizationalUnitArn": world.shared_ou.arn})
    assert_can_use(ec2_of(aws, world.shared_account), image_id)

    # Block Public Access is per account and per Region.
    west = ec2_of(aws, world.owner, "us-west-2")
    assert west.get_image_block_public_access_state()["ImageBlockPublicAccessState"] == (
        "unblocked"
    )
    other = ec2_of(aws, world.root_account)
    assert other.get_image_block_public_access_state()["ImageBlockPublicAccessState"] == (
        "unblocked"
    )

    disabled = owner.disable_image_block_public_access()
    assert disabled["ImageBlockPublicAccessState"] == "unblocked"
    share(owner, image_id, {"Group": "all"})
    assert image(owner, image_id)["Public"] is True


# --- DescribeImageAttribute launchPermission -------------------------------------------------


def test_describe_image_attribute_has_the_reference_response_shape(
    world: OrgWorld, owner: Client, image_id: str
) -> None:
    share(owner, image_id, {"OrganizationalUnitArn": world.shared_ou.arn})
    reply = owner.describe_image_attribute(ImageId=image_id, Attribute="launchPermission")
    reply.pop("ResponseMetadata")
    assert reply == {
        "ImageId": image_id,
        "LaunchPermissions": [{"OrganizationalUnitArn": world.shared_ou.arn}],
    }


def test_describe_image_attribute_lists_only_explicit_entries(
    world: OrgWorld, owner: Client, image_id: str
) -> None:
    entries = [
        {"UserId": world.outsider},
        {"Group": "all"},
        {"OrganizationArn": world.org_arn},
        {"OrganizationalUnitArn": world.shared_ou.arn},
        {"OrganizationalUnitArn": world.nested_ou.arn},
    ]
    share(owner, image_id, *entries)
    listed = launch_permissions(owner, image_id)
    assert len(listed) == len(entries)
    assert sorted(map(sorted_items, listed)) == sorted(map(sorted_items, entries))


def sorted_items(entry: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(entry.items()))


# --- Membership changes take effect at once -------------------------------------------------


def test_moving_an_account_changes_ou_access_at_once(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    share(owner, image_id, {"OrganizationalUnitArn": world.shared_ou.arn})
    org = aws("organizations", account=world.management)
    nested = ec2_of(aws, world.nested_account)
    sibling = ec2_of(aws, world.sibling_account)

    org.move_account(
        AccountId=world.nested_account,
        SourceParentId=world.nested_ou.id,
        DestinationParentId=world.sibling_ou.id,
    )
    assert_cannot_use(nested, image_id)

    org.move_account(
        AccountId=world.sibling_account,
        SourceParentId=world.sibling_ou.id,
        DestinationParentId=world.nested_ou.id,
    )
    assert_can_use(sibling, image_id)

    org.move_account(
        AccountId=world.nested_account,
        SourceParentId=world.sibling_ou.id,
        DestinationParentId=world.shared_ou.id,
    )
    assert_can_use(nested, image_id)


def test_removed_account_keeps_explicit_grants_only(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    explicit = register_image(owner, "explicit")
    share(owner, image_id, {"OrganizationArn": world.org_arn})
    share(owner, explicit, {"OrganizationalUnitArn": world.shared_ou.arn})
    share(owner, explicit, {"UserId": world.shared_account})
    org = aws("organizations", account=world.management)
    org.remove_account_from_organization(AccountId=world.shared_account)

    consumer = ec2_of(aws, world.shared_account)
    assert_cannot_use(consumer, image_id)
    assert_can_use(consumer, explicit)
    assert executable_ids(consumer) == {explicit}
    # Everyone else still in the organization keeps the organization grant.
    assert_can_use(ec2_of(aws, world.nested_account), image_id)


def test_leaving_the_organization_loses_organization_access(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    kept = register_image(owner, "kept")
    share(owner, image_id, {"OrganizationArn": world.org_arn})
    share(owner, kept, {"UserId": world.root_account})
    aws("organizations", account=world.root_account).leave_organization()

    consumer = ec2_of(aws, world.root_account)
    assert_cannot_use(consumer, image_id)
    assert_can_use(consumer, kept)


def test_running_instances_survive_unsharing(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    share(owner, image_id, {"OrganizationArn": world.org_arn})
    consumer = ec2_of(aws, world.sibling_account)
    (instance_id,) = launch(consumer, image_id)
    owner.reset_image_attribute(ImageId=image_id, Attribute="launchPermission")
    reservations = consumer.describe_instances(InstanceIds=[instance_id])["Reservations"]
    assert reservations[0]["Instances"][0]["State"]["Name"] == "running"
