"""Images end to end: ModifyImageAttribute forms and validation, DescribeImages, DryRun."""

from __future__ import annotations

import re

import pytest
from botocore.exceptions import ClientError

from tests.e2e.worlds import (
    OUTSIDER,
    Client,
    ClientFactory,
    OrgWorld,
    assert_can_use,
    assert_cannot_use,
    aws_error,
    executable_ids,
    image,
    launch,
    launch_permissions,
    not_found,
    register_image,
    register_image_from_snapshot,
    share,
    unshare,
)

FOREIGN_ORG_ARN = "arn:aws:organizations::111111111111:organization/o-abcdefghij"
FOREIGN_OU_ARN = "arn:aws:organizations::111111111111:ou/o-abcdefghij/ou-ab12-abcdefgh"
DRY_RUN_MESSAGE = "Request would have succeeded, but DryRun flag is set."


@pytest.fixture
def image_id(owner: Client) -> str:
    return register_image(owner)


@pytest.fixture
def lone(aws: ClientFactory) -> Client:
    """An owner in no organization, for tests that need no one else."""
    return aws("ec2", account=OUTSIDER)


@pytest.fixture
def lone_image(lone: Client) -> str:
    return register_image(lone)


def ids(images: list[dict]) -> set[str]:
    return {i["ImageId"] for i in images}


def as_set(entries: list[dict[str, str]]) -> set[tuple[str, str]]:
    return {item for entry in entries for item in entry.items()}


# --- ModifyImageAttribute: the two launchPermission forms -----------------------------------


def test_structure_form_applies_every_entry(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    share(
        owner,
        image_id,
        {"UserId": world.outsider},
        {"UserId": world.sibling_account},
        {"OrganizationArn": FOREIGN_ORG_ARN},
        {"OrganizationalUnitArn": world.shared_ou.arn},
        {"OrganizationalUnitArn": FOREIGN_OU_ARN},
    )
    assert as_set(launch_permissions(owner, image_id)) == {
        ("UserId", world.outsider),
        ("UserId", world.sibling_account),
        ("OrganizationArn", FOREIGN_ORG_ARN),
        ("OrganizationalUnitArn", world.shared_ou.arn),
        ("OrganizationalUnitArn", FOREIGN_OU_ARN),
    }
    for account in (world.outsider, world.sibling_account, world.nested_account):
        assert_can_use(aws("ec2", account=account), image_id)
    assert_cannot_use(aws("ec2", account=world.root_account), image_id)


def test_flat_form_applies_every_value_of_every_list(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    owner.modify_image_attribute(
        ImageId=image_id,
        Attribute="launchPermission",
        OperationType="add",
        UserIds=[world.outsider, world.sibling_account],
        UserGroups=["all"],
        OrganizationArns=[world.org_arn, FOREIGN_ORG_ARN],
        OrganizationalUnitArns=[world.shared_ou.arn, FOREIGN_OU_ARN],
    )
    assert as_set(launch_permissions(owner, image_id)) == {
        ("UserId", world.outsider),
        ("UserId", world.sibling_account),
        ("Group", "all"),
        ("OrganizationArn", world.org_arn),
        ("OrganizationArn", FOREIGN_ORG_ARN),
        ("OrganizationalUnitArn", world.shared_ou.arn),
        ("OrganizationalUnitArn", FOREIGN_OU_ARN),
    }
    assert image(owner, image_id)["Public"] is True

    owner.modify_image_attribute(
        ImageId=image_id,
        Attribute="launchPermission",
        OperationType="remove",
        UserIds=[world.outsider, world.sibling_account],
        UserGroups=["all"],
        OrganizationArns=[world.org_arn, FOREIGN_ORG_ARN],
        OrganizationalUnitArns=[FOREIGN_OU_ARN],
    )
    assert launch_permissions(owner, image_id) == [{"OrganizationalUnitArn": world.shared_ou.arn}]
    assert image(owner, image_id)["Public"] is False
    assert_cannot_use(aws("ec2", account=world.outsider), image_id)
    assert_can_use(aws("ec2", account=world.nested_account), image_id)


def test_adds_apply_before_removes_in_one_request(
    world: OrgWorld, owner: Client, image_id: str
) -> None:
    owner.modify_image_attribute(
        ImageId=image_id,
        LaunchPermission={
            "Add": [{"UserId": world.outsider}, {"OrganizationArn": world.org_arn}],
            "Remove": [{"UserId": world.outsider}],
        },
    )
    assert launch_permissions(owner, image_id) == [{"OrganizationArn": world.org_arn}]


def test_duplicate_add_and_absent_remove_are_no_ops(
    world: OrgWorld, owner: Client, image_id: str
) -> None:
    share(owner, image_id, {"OrganizationArn": world.org_arn})
    share(owner, image_id, {"OrganizationArn": world.org_arn}, {"OrganizationArn": world.org_arn})
    unshare(owner, image_id, {"UserId": world.outsider}, {"OrganizationalUnitArn": FOREIGN_OU_ARN})
    assert launch_permissions(owner, image_id) == [{"OrganizationArn": world.org_arn}]


def test_org_grant_matches_by_organization_id_not_the_arn_account(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    other_account_arn = re.sub(r"::\d{12}:", "::111111111111:", world.org_arn)
    share(owner, image_id, {"OrganizationArn": other_account_arn})
    assert launch_permissions(owner, image_id) == [{"OrganizationArn": other_account_arn}]
    assert_can_use(aws("ec2", account=world.sibling_account), image_id)


def test_ou_grant_matches_by_ou_id_not_the_arn_account(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    other_account_arn = re.sub(r"::\d{12}:", "::111111111111:", world.nested_ou.arn)
    share(owner, image_id, {"OrganizationalUnitArn": other_account_arn})
    assert_can_use(aws("ec2", account=world.nested_account), image_id)
    assert_cannot_use(aws("ec2", account=world.shared_account), image_id)


def test_other_partitions_are_well_formed(lone: Client, lone_image: str) -> None:
    entries = [
        {"OrganizationArn": "arn:aws-us-gov:organizations::111111111111:organization/o-abcdefghij"},
        {
            "OrganizationalUnitArn": (
                "arn:aws-cn:organizations::111111111111:ou/o-abcdefghij/ou-ab12-abcdefgh"
            )
        },
    ]
    share(lone, lone_image, *entries)
    assert as_set(launch_permissions(lone, lone_image)) == as_set(entries)


def test_foreign_organization_grants_reach_nobody_here(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    share(owner, image_id, {"OrganizationArn": FOREIGN_ORG_ARN})
    share(owner, image_id, {"OrganizationalUnitArn": FOREIGN_OU_ARN})
    for account in world.members:
        assert_cannot_use(aws("ec2", account=account), image_id)


# --- ModifyImageAttribute: description and imdsSupport ----------------------------------------


def test_description_in_both_forms(lone: Client, lone_image: str) -> None:
    lone.modify_image_attribute(ImageId=lone_image, Description={"Value": "first"})
    reply = lone.describe_image_attribute(ImageId=lone_image, Attribute="description")
    assert reply["Description"] == {"Value": "first"}
    assert reply["ImageId"] == lone_image
    lone.modify_image_attribute(ImageId=lone_image, Attribute="description", Value="second")
    reply = lone.describe_image_attribute(ImageId=lone_image, Attribute="description")
    assert reply["Description"] == {"Value": "second"}
    assert image(lone, lone_image)["Description"] == "second"


def test_imds_support(lone: Client, lone_image: str) -> None:
    lone.modify_image_attribute(ImageId=lone_image, ImdsSupport={"Value": "v2.0"})
    reply = lone.describe_image_attribute(ImageId=lone_image, Attribute="imdsSupport")
    assert reply["ImdsSupport"] == {"Value": "v2.0"}
    assert image(lone, lone_image)["ImdsSupport"] == "v2.0"


def test_imds_support_flat_form(lone: Client, lone_image: str) -> None:
    lone.modify_image_attribute(ImageId=lone_image, Attribute="imdsSupport", Value="v2.0")
    assert image(lone, lone_image)["ImdsSupport"] == "v2.0"


def test_nothing_to_modify(lone: Client, lone_image: str) -> None:
    with aws_error("InvalidParameterCombination", "No attributes specified."):
        lone.modify_image_attribute(ImageId=lone_image)


def test_flat_form_without_values(lone: Client, lone_image: str) -> None:
    with aws_error("MissingParameter", "The request must contain the parameter LaunchPermission"):
        lone.modify_image_attribute(
            ImageId=lone_image, Attribute="launchPermission", OperationType="add"
        )


def test_unknown_attribute_is_refused(lone: Client, lone_image: str) -> None:
    with pytest.raises(ClientError) as caught:
        lone.describe_image_attribute(ImageId=lone_image, Attribute="colour")
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"


def test_block_device_mapping_attribute_is_restricted(lone: Client, lone_image: str) -> None:
    with aws_error("AuthFailure", "Unauthorized attempt to access restricted resource"):
        lone.describe_image_attribute(ImageId=lone_image, Attribute="blockDeviceMapping")


# --- ModifyImageAttribute: validation -----------------------------------------------------------


def item_error(value: str, kind: str) -> tuple[str, str]:
    return (
        "InvalidAMIAttributeItemValue",
        f'Invalid attribute item value "{value}" for {kind} item type.',
    )


BAD_ITEMS = [
    ("UserId", "12345", "userId"),
    ("UserId", " ", "userId"),
    ("UserId", "12345678901a", "userId"),
    ("Group", "admins", "UserGroup"),
    ("OrganizationArn", "o-123example", "OrganizationArn"),
    (
        "OrganizationArn",
        "arn:aws:organizations::123456789012:account/o-abcdefghij",
        "OrganizationArn",
    ),
    ("OrganizationArn", "arn:aws:organizations::1234:organization/o-abcdefghij", "OrganizationArn"),
    ("OrganizationArn", FOREIGN_OU_ARN, "OrganizationArn"),
    (
        "OrganizationArn",
        "arn:aws:organizations::123456789012:organization/o-ABCDEFGHIJ",
        "OrganizationArn",
    ),
    (
        "OrganizationArn",
        "arn:aws:organizations::123456789012:organization/o-abc",
        "OrganizationArn",
    ),
    ("OrganizationArn", f"{FOREIGN_ORG_ARN}/", "OrganizationArn"),
    ("OrganizationalUnitArn", "ou-1234-5example", "OrganizationalUnitArn"),
    ("OrganizationalUnitArn", f"{FOREIGN_OU_ARN}/", "OrganizationalUnitArn"),
    ("OrganizationalUnitArn", FOREIGN_ORG_ARN, "OrganizationalUnitArn"),
    (
        "OrganizationalUnitArn",
        "arn:aws:organizations::1234:ou/o-abcdefghij/ou-ab12-abcdefgh",
        "OrganizationalUnitArn",
    ),
]


@pytest.mark.parametrize(("member", "value", "kind"), BAD_ITEMS)
def test_bad_item_is_refused_with_awss_message(
    lone: Client, lone_image: str, member: str, value: str, kind: str
) -> None:
    with aws_error(*item_error(value, kind)):
        share(lone, lone_image, {member: value})
    assert launch_permissions(lone, lone_image) == []


FLAT_MEMBERS = {
    "UserId": "UserIds",
    "Group": "UserGroups",
    "OrganizationArn": "OrganizationArns",
    "OrganizationalUnitArn": "OrganizationalUnitArns",
}


@pytest.mark.parametrize(("member", "value", "kind"), BAD_ITEMS)
def test_bad_item_in_the_flat_form_is_refused(
    lone: Client, lone_image: str, member: str, value: str, kind: str
) -> None:
    with aws_error(*item_error(value, kind)):
        lone.modify_image_attribute(
            ImageId=lone_image,
            Attribute="launchPermission",
            OperationType="add",
            **{FLAT_MEMBERS[member]: [value]},
        )
    assert launch_permissions(lone, lone_image) == []


def test_one_bad_item_among_good_ones_changes_nothing(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    share(owner, image_id, {"UserId": world.outsider})
    with aws_error(*item_error(world.shared_ou.id, "OrganizationalUnitArn")):
        owner.modify_image_attribute(
            ImageId=image_id,
            LaunchPermission={
                "Add": [
                    {"UserId": world.sibling_account},
                    {"OrganizationArn": world.org_arn},
                    {"OrganizationalUnitArn": world.shared_ou.id},
                ],
                "Remove": [{"UserId": world.outsider}],
            },
        )
    with aws_error(*item_error("nope", "userId")):
        owner.modify_image_attribute(
            ImageId=image_id,
            Attribute="launchPermission",
            OperationType="add",
            UserIds=[world.sibling_account, "nope"],
            OrganizationArns=[world.org_arn],
        )
    assert launch_permissions(owner, image_id) == [{"UserId": world.outsider}]
    assert_cannot_use(aws("ec2", account=world.sibling_account), image_id)


def test_bad_item_in_a_remove_is_refused_too(world: OrgWorld, owner: Client, image_id: str) -> None:
    share(owner, image_id, {"OrganizationArn": world.org_arn})
    with aws_error(*item_error(world.org_id, "OrganizationArn")):
        unshare(
            owner, image_id, {"OrganizationArn": world.org_arn}, {"OrganizationArn": world.org_id}
        )
    assert launch_permissions(owner, image_id) == [{"OrganizationArn": world.org_arn}]


def test_modify_unknown_and_malformed_image(lone: Client) -> None:
    """Any ``ami-`` id is looked up: AWS answers ``ami-fake123`` NotFound (the response body
    recorded in github.com/aws/aws-sdk/issues/97); only an id without the prefix is malformed
    (moto's AWS-verified test_ami_describe_non_existent, getmoto/moto#9758)."""
    with aws_error(*not_found("ami-0123456789abcdef0")):
        share(lone, "ami-0123456789abcdef0", {"Group": "all"})
    with aws_error(*not_found("ami-nope")):
        share(lone, "ami-nope", {"Group": "all"})
    with aws_error("InvalidAMIID.Malformed", 'Invalid id: "nope" (expecting "ami-...")'):
        share(lone, "nope", {"Group": "all"})


# --- DescribeImages -----------------------------------------------------------------------------


def test_image_fields(owner: Client, world: OrgWorld) -> None:
    image_id = register_image_from_snapshot(owner, "fields", Description="a description")
    found = image(owner, image_id)
    assert re.fullmatch(r"ami-[0-9a-f]{17}", image_id)
    assert found["OwnerId"] == world.owner
    assert found["Name"] == "fields"
    assert found["Description"] == "a description"
    assert found["State"] == "available"
    assert found["Public"] is False
    assert found["RootDeviceName"] == "/dev/xvda"
    assert found["RootDeviceType"] == "ebs"
    assert found["Architecture"] == "x86_64"
    assert found["VirtualizationType"] == "hvm"
    assert found["ImageType"] == "machine"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", found["CreationDate"])
    assert "ImageOwnerAlias" not in found
    (root,) = found["BlockDeviceMappings"]
    assert root["DeviceName"] == "/dev/xvda"
    assert re.fullmatch(r"snap-[0-9a-f]{17}", root["Ebs"]["SnapshotId"])


def test_name_only_register_is_backed_by_a_snapshot(lone: Client, lone_image: str) -> None:
    found = image(lone, lone_image)
    assert found["State"] == "available"
    snapshots = [m["Ebs"]["SnapshotId"] for m in found["BlockDeviceMappings"] if "Ebs" in m]
    assert len(snapshots) >= 1


def test_image_ids_are_all_or_error(world: OrgWorld, owner: Client, image_id: str) -> None:
    """``ami-xyz`` is not found, not malformed (github.com/aws/aws-sdk/issues/97 records
    ``ami-fake123`` answered NotFound); ``image-1`` lacks the prefix, so it is malformed."""
    missing = "ami-0123456789abcdef0"
    with aws_error(*not_found(missing)):
        owner.describe_images(ImageIds=[image_id, missing])
    with aws_error(*not_found("ami-xyz")):
        owner.describe_images(ImageIds=[image_id, "ami-xyz"])
    with aws_error("InvalidAMIID.Malformed", 'Invalid id: "image-1" (expecting "ami-...")'):
        owner.describe_images(ImageIds=["image-1"])
    second = register_image(owner, "second")
    assert ids(owner.describe_images(ImageIds=[image_id, second])["Images"]) == {image_id, second}


def test_several_missing_ids_are_all_named(lone: Client) -> None:
    missing = ["ami-0123456789abcdef0", "ami-0123456789abcdef1"]
    with pytest.raises(ClientError) as caught:
        lone.describe_images(ImageIds=missing)
    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidAMIID.NotFound"
    assert all(m in error["Message"] for m in missing)


def test_owners(aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str) -> None:
    consumer = aws("ec2", account=world.shared_account)
    their_own = register_image(consumer, "consumers-own")
    share(owner, image_id, {"OrganizationalUnitArn": world.shared_ou.arn})

    assert ids(owner.describe_images(Owners=["self"])["Images"]) == {image_id}
    assert ids(owner.describe_images(Owners=[world.owner])["Images"]) == {image_id}
    assert ids(consumer.describe_images(Owners=["self"])["Images"]) == {their_own}
    assert ids(consumer.describe_images(Owners=[world.owner])["Images"]) == {image_id}
    assert ids(consumer.describe_images(Owners=["self", world.owner])["Images"]) == {
        image_id,
        their_own,
    }
    # Owners narrows what the caller may see; it never widens it.
    stranger = aws("ec2", account=world.sibling_account)
    assert stranger.describe_images(Owners=[world.owner])["Images"] == []


def test_default_describe_is_owned_plus_public_plus_granted(
    aws: ClientFactory, world: OrgWorld, owner: Client
) -> None:
    granted = register_image(owner, "granted")
    public = register_image(owner, "public")
    private = register_image(owner, "private")
    share(owner, granted, {"OrganizationArn": world.org_arn})
    share(owner, public, {"Group": "all"})
    consumer = aws("ec2", account=world.nested_account)
    own = register_image(consumer, "own")
    assert ids(consumer.describe_images()["Images"]) == {granted, public, own}
    assert ids(owner.describe_images()["Images"]) == {granted, public, private}
    assert ids(aws("ec2", account=world.outsider).describe_images()["Images"]) == {public}


def test_executable_users(aws: ClientFactory, world: OrgWorld, owner: Client) -> None:
    by_account = register_image(owner, "by-account")
    by_org = register_image(owner, "by-org")
    by_ou = register_image(owner, "by-ou")
    public = register_image(owner, "public")
    share(owner, by_account, {"UserId": world.nested_account})
    share(owner, by_org, {"OrganizationArn": world.org_arn})
    share(owner, by_ou, {"OrganizationalUnitArn": world.shared_ou.arn})
    share(owner, public, {"Group": "all"})
    consumer = aws("ec2", account=world.nested_account)
    own = register_image(consumer, "own")

    shared_with_me = {by_account, by_org, by_ou}
    assert executable_ids(consumer) == shared_with_me
    assert ids(consumer.describe_images(ExecutableUsers=[world.nested_account])["Images"]) == (
        shared_with_me
    )
    assert ids(consumer.describe_images(ExecutableUsers=["all"])["Images"]) == {public}
    assert ids(consumer.describe_images(ExecutableUsers=["self", "all"])["Images"]) == {
        *shared_with_me,
        public,
    }
    assert own not in ids(consumer.describe_images(ExecutableUsers=["self"])["Images"])
    # Another account's id: only images that name that account explicitly.
    named = owner.describe_images(ExecutableUsers=[world.nested_account])["Images"]
    assert ids(named) == {by_account}
    # Owners and ExecutableUsers combine with AND.
    assert (
        ids(consumer.describe_images(Owners=["self"], ExecutableUsers=["self"])["Images"]) == set()
    )
    assert (
        ids(consumer.describe_images(Owners=[world.owner], ExecutableUsers=["self"])["Images"])
        == shared_with_me
    )


def test_filters_with_wildcards(aws: ClientFactory, world: OrgWorld, owner: Client) -> None:
    web1 = register_image(owner, "web-1", Description="front end", Architecture="x86_64")
    web2 = register_image(owner, "web-2", Description="front end v2", Architecture="arm64")
    db = register_image(owner, "db-10", Description="database", Architecture="x86_64")
    owner.create_tags(Resources=[web1, db], Tags=[{"Key": "Env", "Value": "prod"}])
    owner.create_tags(Resources=[web2], Tags=[{"Key": "Env", "Value": "staging"}])
    share(owner, db, {"Group": "all"})

    def find(*filters: tuple[str, list[str]]) -> set[str]:
        spec = [{"Name": name, "Values": values} for name, values in filters]
        return ids(owner.describe_images(Owners=["self"], Filters=spec)["Images"])

    assert find(("name", ["web-*"])) == {web1, web2}
    assert find(("name", ["web-?"])) == {web1, web2}
    assert find(("name", ["db-?"])) == set()
    assert find(("name", ["*-1*"])) == {web1, db}
    assert find(("name", ["web-1", "db-10"])) == {web1, db}
    assert find(("description", ["front end*"])) == {web1, web2}
    assert find(("image-id", [web2])) == {web2}
    assert find(("owner-id", [world.owner])) == {web1, web2, db}
    assert find(("is-public", ["true"])) == {db}
    assert find(("is-public", ["false"])) == {web1, web2}
    assert find(("state", ["available"])) == {web1, web2, db}
    assert find(("architecture", ["arm64"])) == {web2}
    assert find(("tag:Env", ["prod"])) == {web1, db}
    assert find(("tag:Env", ["prod", "staging"])) == {web1, web2, db}
    assert find(("tag:Env", ["st*"])) == {web2}
    assert find(("tag-key", ["Env"])) == {web1, web2, db}
    assert find(("tag-key", ["Nope"])) == set()
    assert find(("tag:Env", ["prod"]), ("architecture", ["x86_64"]), ("name", ["web*"])) == {web1}


def test_snapshot_and_source_filters(aws: ClientFactory, world: OrgWorld, owner: Client) -> None:
    source = register_image_from_snapshot(owner, "source")
    snapshot = image(owner, source)["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
    copy_id = owner.copy_image(Name="copy", SourceImageId=source, SourceRegion="us-east-1")[
        "ImageId"
    ]
    snap_filter = [{"Name": "block-device-mapping.snapshot-id", "Values": [snapshot]}]
    assert ids(owner.describe_images(Filters=snap_filter)["Images"]) == {source}
    source_filter = [{"Name": "source-image-id", "Values": [source]}]
    assert ids(owner.describe_images(Filters=source_filter)["Images"]) == {copy_id}
    plain = [{"Name": "block-device-mapping.encrypted", "Values": ["false"]}]
    assert {source, copy_id} <= ids(owner.describe_images(Filters=plain)["Images"])


def test_self_includes_a_public_image_only_when_also_granted(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    share(owner, image_id, {"Group": "all"})
    consumer = aws("ec2", account=world.nested_account)
    assert image_id not in executable_ids(consumer)
    share(owner, image_id, {"OrganizationalUnitArn": world.nested_ou.arn})
    assert image_id in executable_ids(consumer)


def test_unknown_filter_is_refused(lone: Client) -> None:
    with pytest.raises(ClientError) as caught:
        lone.describe_images(Filters=[{"Name": "no-such-filter", "Values": ["x"]}])
    response = caught.value.response
    assert response["Error"]["Code"] == "InvalidParameterValue"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_paging(lone: Client) -> None:
    made = {register_image(lone, f"paged-{n}") for n in range(7)}
    seen: list[str] = []
    token: str | None = None
    pages = 0
    while True:
        kwargs = {"Owners": ["self"], "MaxResults": 3}
        if token:
            kwargs["NextToken"] = token
        reply = lone.describe_images(**kwargs)
        assert len(reply["Images"]) <= 3
        seen += [i["ImageId"] for i in reply["Images"]]
        pages += 1
        token = reply.get("NextToken")
        if not token:
            break
    assert pages >= 3
    assert len(seen) == len(set(seen))
    assert set(seen) == made
    paginator = lone.get_paginator("describe_images")
    paged = [
        i["ImageId"] for p in paginator.paginate(Owners=["self"], MaxResults=5) for i in p["Images"]
    ]
    assert sorted(paged) == sorted(made)


# --- Deregistered images --------------------------------------------------------------------


def test_deregistered_image(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    share(owner, image_id, {"OrganizationArn": world.org_arn})
    owner.deregister_image(ImageId=image_id)
    consumer = aws("ec2", account=world.shared_account)
    for ec2 in (owner, consumer):
        assert image_id not in ids(ec2.describe_images()["Images"])
    assert image_id not in ids(owner.describe_images(Owners=["self"])["Images"])
    assert image_id not in executable_ids(consumer)
    # By id: an empty answer for a while, later NotFound (DescribeImages API doc).
    try:
        assert owner.describe_images(ImageIds=[image_id])["Images"] == []
    except ClientError as exc:  # either documented answer is right
        assert exc.response["Error"]["Code"] == "InvalidAMIID.NotFound"
    with aws_error("InvalidAMIID.Unavailable", f"The image ID '{image_id}' is no longer available"):
        owner.describe_image_attribute(ImageId=image_id, Attribute="launchPermission")
    with pytest.raises(ClientError) as caught:
        launch(consumer, image_id)
    code = caught.value.response["Error"]["Code"]
    assert code in {"InvalidAMIID.NotFound", "InvalidAMIID.Unavailable"}


# --- DryRun -----------------------------------------------------------------------------------


def dry_run_ok() -> tuple[str, str, int]:
    return "DryRunOperation", DRY_RUN_MESSAGE, 412


def test_dry_run_of_calls_that_would_succeed_changes_nothing(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    with aws_error(*dry_run_ok()):
        owner.describe_images(DryRun=True)
    with aws_error(*dry_run_ok()):
        owner.modify_image_attribute(
            ImageId=image_id,
            LaunchPermission={"Add": [{"OrganizationArn": world.org_arn}]},
            DryRun=True,
        )
    assert launch_permissions(owner, image_id) == []
    with aws_error(*dry_run_ok()):
        owner.register_image(Name="dry", DryRun=True)
    assert ids(owner.describe_images(Owners=["self"])["Images"]) == {image_id}
    with aws_error(*dry_run_ok()):
        owner.run_instances(ImageId=image_id, MinCount=1, MaxCount=1, DryRun=True)
    assert owner.describe_instances()["Reservations"] == []
    with aws_error(*dry_run_ok()):
        owner.create_tags(Resources=[image_id], Tags=[{"Key": "k", "Value": "v"}], DryRun=True)
    assert image(owner, image_id).get("Tags", []) == []
    with aws_error(*dry_run_ok()):
        owner.deregister_image(ImageId=image_id, DryRun=True)
    assert image(owner, image_id)["State"] == "available"
    with aws_error(*dry_run_ok()):
        owner.enable_image_block_public_access(
            ImageBlockPublicAccessState="block-new-sharing", DryRun=True
        )
    assert owner.get_image_block_public_access_state()["ImageBlockPublicAccessState"] == (
        "unblocked"
    )
    share(owner, image_id, {"OrganizationArn": world.org_arn})
    with aws_error(*dry_run_ok()):
        owner.reset_image_attribute(ImageId=image_id, Attribute="launchPermission", DryRun=True)
    assert launch_permissions(owner, image_id) == [{"OrganizationArn": world.org_arn}]


def test_dry_run_of_calls_that_would_fail_gives_the_real_error(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    with aws_error(*item_error("o-123example", "OrganizationArn")):
        owner.modify_image_attribute(
            ImageId=image_id,
            LaunchPermission={"Add": [{"OrganizationArn": "o-123example"}]},
            DryRun=True,
        )
    stranger = aws("ec2", account=world.sibling_account)
    with aws_error("AuthFailure", f"Not authorized for images: [{image_id}]"):
        stranger.run_instances(ImageId=image_id, MinCount=1, MaxCount=1, DryRun=True)
    with aws_error("InvalidAMIID.Malformed", 'Invalid id: "xyz" (expecting "ami-...")'):
        owner.describe_images(ImageIds=["xyz"], DryRun=True)
    share(owner, image_id, {"OrganizationArn": world.org_arn})
    consumer = aws("ec2", account=world.shared_account)
    with aws_error("AuthFailure", f"Not authorized for image:{image_id}"):
        consumer.deregister_image(ImageId=image_id, DryRun=True)
    with aws_error(*dry_run_ok()):
        consumer.run_instances(ImageId=image_id, MinCount=1, MaxCount=1, DryRun=True)
    assert consumer.describe_instances()["Reservations"] == []


# --- Volumes and snapshots ------------------------------------------------------------------


def test_snapshots_and_volumes_are_private_to_their_owner(
    aws: ClientFactory, world: OrgWorld, owner: Client
) -> None:
    image_id = register_image_from_snapshot(owner)
    snapshot = image(owner, image_id)["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
    volume = owner.describe_snapshots(SnapshotIds=[snapshot])["Snapshots"][0]["VolumeId"]
    assert owner.describe_snapshots(SnapshotIds=[snapshot])["Snapshots"][0]["OwnerId"] == (
        world.owner
    )
    assert snapshot in {
        s["SnapshotId"] for s in owner.describe_snapshots(OwnerIds=["self"])["Snapshots"]
    }
    share(owner, image_id, {"OrganizationArn": world.org_arn})

    consumer = aws("ec2", account=world.shared_account)
    assert snapshot not in {s["SnapshotId"] for s in consumer.describe_snapshots()["Snapshots"]}
    with aws_error("InvalidSnapshot.NotFound"):
        consumer.describe_snapshots(SnapshotIds=[snapshot])
    with aws_error("InvalidVolume.NotFound"):
        consumer.describe_volumes(VolumeIds=[volume])
    # Launching the shared image needs no access to its snapshot.
    assert_can_use(consumer, image_id)


def test_volume_and_snapshot_lifecycle(lone: Client) -> None:
    volume = lone.create_volume(AvailabilityZone="us-east-1a", Size=10)
    assert volume["Size"] == 10
    assert re.fullmatch(r"vol-[0-9a-f]{17}", volume["VolumeId"])
    snapshot = lone.create_snapshot(VolumeId=volume["VolumeId"], Description="backup")
    assert snapshot["VolumeId"] == volume["VolumeId"]
    assert re.fullmatch(r"snap-[0-9a-f]{17}", snapshot["SnapshotId"])
    lone.delete_snapshot(SnapshotId=snapshot["SnapshotId"])
    with aws_error("InvalidSnapshot.NotFound"):
        lone.describe_snapshots(SnapshotIds=[snapshot["SnapshotId"]])
    lone.delete_volume(VolumeId=volume["VolumeId"])
    with aws_error("InvalidVolume.NotFound"):
        lone.describe_volumes(VolumeIds=[volume["VolumeId"]])
