"""Tags end to end: CreateTags / DeleteTags / DescribeTags, TagSpecifications, per-account tags."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from tests.e2e.worlds import (
    INSTANCE_TYPE,
    Client,
    ClientFactory,
    OrgWorld,
    aws_error,
    image,
    launch,
    register_image,
    register_image_from_snapshot,
    share,
)


def tags_of(ec2: Client, resource_id: str) -> dict[str, str]:
    """The caller's tags on one resource, as DescribeTags answers them."""
    reply = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [resource_id]}])
    return {t["Key"]: t["Value"] for t in reply["Tags"]}


def tag_set(tags: list[dict[str, str]] | None) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in tags or []}


def resources(owner: Client) -> dict[str, str]:
    """One resource of each taggable kind, keyed by DescribeTags resource type."""
    volume = owner.create_volume(AvailabilityZone="us-east-1a", Size=8)["VolumeId"]
    snapshot = owner.create_snapshot(VolumeId=volume)["SnapshotId"]
    image_id = register_image(owner)
    (instance,) = launch(owner, image_id)
    return {"volume": volume, "snapshot": snapshot, "image": image_id, "instance": instance}


def test_tags_on_every_resource_kind(owner: Client) -> None:
    made = resources(owner)
    owner.create_tags(Resources=list(made.values()), Tags=[{"Key": "Env", "Value": "dev"}])
    for kind, resource_id in made.items():
        (tag,) = owner.describe_tags(Filters=[{"Name": "resource-id", "Values": [resource_id]}])[
            "Tags"
        ]
        assert tag == {
            "ResourceId": resource_id,
            "ResourceType": kind,
            "Key": "Env",
            "Value": "dev",
        }
    by_type = owner.describe_tags(Filters=[{"Name": "resource-type", "Values": ["image"]}])["Tags"]
    assert [t["ResourceId"] for t in by_type] == [made["image"]]
    by_key = owner.describe_tags(Filters=[{"Name": "key", "Values": ["Env"]}])["Tags"]
    assert {t["ResourceId"] for t in by_key} == set(made.values())
    assert owner.describe_tags(Filters=[{"Name": "value", "Values": ["prod"]}])["Tags"] == []

    volume = owner.describe_volumes(VolumeIds=[made["volume"]])["Volumes"][0]
    assert tag_set(volume.get("Tags")) == {"Env": "dev"}
    snapshot = owner.describe_snapshots(SnapshotIds=[made["snapshot"]])["Snapshots"][0]
    assert tag_set(snapshot.get("Tags")) == {"Env": "dev"}
    reservations = owner.describe_instances(InstanceIds=[made["instance"]])["Reservations"]
    assert tag_set(reservations[0]["Instances"][0].get("Tags")) == {"Env": "dev"}
    assert tag_set(image(owner, made["image"]).get("Tags")) == {"Env": "dev"}


def test_overwrite_empty_value_and_delete(owner: Client) -> None:
    image_id = register_image(owner)
    owner.create_tags(Resources=[image_id], Tags=[{"Key": "Env", "Value": "a"}])
    owner.create_tags(
        Resources=[image_id], Tags=[{"Key": "Env", "Value": "b"}, {"Key": "flag", "Value": ""}]
    )
    assert tags_of(owner, image_id) == {"Env": "b", "flag": ""}

    # A key with a different value is not deleted; a key alone or with its value is.
    owner.delete_tags(Resources=[image_id], Tags=[{"Key": "Env", "Value": "a"}])
    assert tags_of(owner, image_id) == {"Env": "b", "flag": ""}
    owner.delete_tags(Resources=[image_id], Tags=[{"Key": "Env", "Value": "b"}])
    owner.delete_tags(Resources=[image_id], Tags=[{"Key": "flag"}])
    assert tags_of(owner, image_id) == {}


def test_reserved_aws_prefix_is_refused(owner: Client) -> None:
    image_id = register_image(owner)
    with pytest.raises(ClientError) as caught:
        owner.create_tags(Resources=[image_id], Tags=[{"Key": "aws:owner", "Value": "me"}])
    assert caught.value.response["Error"]["Code"] == "InvalidParameterValue"
    assert tags_of(owner, image_id) == {}


@pytest.mark.parametrize(
    ("resource_id", "code"),
    [
        ("ami-0123456789abcdef0", "InvalidAMIID.NotFound"),
        ("snap-0123456789abcdef0", "InvalidSnapshot.NotFound"),
        ("vol-0123456789abcdef0", "InvalidVolume.NotFound"),
        ("i-0123456789abcdef0", "InvalidInstanceID.NotFound"),
    ],
)
def test_tagging_an_unknown_resource(owner: Client, resource_id: str, code: str) -> None:
    with aws_error(code):
        owner.create_tags(Resources=[resource_id], Tags=[{"Key": "k", "Value": "v"}])


def test_one_unknown_resource_tags_nothing(owner: Client) -> None:
    image_id = register_image(owner)
    with aws_error("InvalidAMIID.NotFound"):
        owner.create_tags(
            Resources=[image_id, "ami-0123456789abcdef0"], Tags=[{"Key": "k", "Value": "v"}]
        )
    assert tags_of(owner, image_id) == {}


def test_tag_specifications_on_create_calls(owner: Client) -> None:
    def spec(kind: str) -> list[dict]:
        return [{"ResourceType": kind, "Tags": [{"Key": "Made", "Value": kind}]}]

    volume = owner.create_volume(
        AvailabilityZone="us-east-1a", Size=8, TagSpecifications=spec("volume")
    )["VolumeId"]
    snapshot = owner.create_snapshot(VolumeId=volume, TagSpecifications=spec("snapshot"))[
        "SnapshotId"
    ]
    registered = register_image(owner, "tagged", TagSpecifications=spec("image"))
    (instance,) = [
        i["InstanceId"]
        for i in owner.run_instances(
            ImageId=registered,
            MinCount=1,
            MaxCount=1,
            InstanceType=INSTANCE_TYPE,
            TagSpecifications=spec("instance"),
        )["Instances"]
    ]
    created = owner.create_image(InstanceId=instance, Name="made", TagSpecifications=spec("image"))[
        "ImageId"
    ]
    copied = owner.copy_image(
        Name="copied",
        SourceImageId=registered,
        SourceRegion="us-east-1",
        TagSpecifications=spec("image"),
    )["ImageId"]
    assert tags_of(owner, volume) == {"Made": "volume"}
    assert tags_of(owner, snapshot) == {"Made": "snapshot"}
    assert tags_of(owner, registered) == {"Made": "image"}
    assert tags_of(owner, instance) == {"Made": "instance"}
    assert tags_of(owner, created) == {"Made": "image"}
    assert tags_of(owner, copied) == {"Made": "image"}


def test_each_account_sees_only_its_own_tags(
    aws: ClientFactory, world: OrgWorld, owner: Client
) -> None:
    image_id = register_image_from_snapshot(owner)
    share(owner, image_id, {"OrganizationArn": world.org_arn})
    consumer = aws("ec2", account=world.root_account)
    owner.create_tags(Resources=[image_id], Tags=[{"Key": "Env", "Value": "owner"}])
    consumer.create_tags(Resources=[image_id], Tags=[{"Key": "Env", "Value": "consumer"}])

    assert tags_of(owner, image_id) == {"Env": "owner"}
    assert tags_of(consumer, image_id) == {"Env": "consumer"}
    assert tag_set(image(owner, image_id).get("Tags")) == {"Env": "owner"}
    assert tag_set(image(consumer, image_id).get("Tags")) == {"Env": "consumer"}
    assert [t["ResourceId"] for t in consumer.describe_tags()["Tags"]] == [image_id]

    def tagged(ec2: Client, value: str) -> list[dict]:
        return ec2.describe_images(Filters=[{"Name": "tag:Env", "Values": [value]}])["Images"]

    assert tagged(owner, "consumer") == []
    assert tagged(consumer, "owner") == []
    assert [i["ImageId"] for i in tagged(consumer, "consumer")] == [image_id]

    consumer.delete_tags(Resources=[image_id], Tags=[{"Key": "Env"}])
    assert tags_of(consumer, image_id) == {}
    assert tags_of(owner, image_id) == {"Env": "owner"}


def test_an_account_cannot_tag_an_image_it_cannot_see(
    aws: ClientFactory, world: OrgWorld, owner: Client
) -> None:
    image_id = register_image(owner)
    stranger = aws("ec2", account=world.sibling_account)
    with aws_error("InvalidAMIID.NotFound"):
        stranger.create_tags(Resources=[image_id], Tags=[{"Key": "k", "Value": "v"}])
    assert tags_of(owner, image_id) == {}


def test_describe_tags_paging(owner: Client) -> None:
    image_id = register_image(owner)
    keys = {f"k{n}" for n in range(12)}
    owner.create_tags(Resources=[image_id], Tags=[{"Key": k, "Value": "v"} for k in keys])
    paginator = owner.get_paginator("describe_tags")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 5}))
    assert len(pages) >= 3
    assert all(len(p["Tags"]) <= 5 for p in pages)
    seen = [t["Key"] for p in pages for t in p["Tags"]]
    assert sorted(seen) == sorted(keys)
