"""Filters end to end: a filter of each kind for each Describe call, over real boto3 and the CLI.

Kinds: a plain string, a wildcard, a boolean (``true``/``false``), a time (an ISO string, a
wildcard matching a day), a value every resource shows the same, a nested field (block
devices, attachments), tags, and a documented name over data the emulator does not keep
(accepted, matches nothing).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import CliError
from tests.e2e.worlds import (
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


def spec(*filters: tuple[str, list[str]]) -> list[dict[str, Any]]:
    return [{"Name": name, "Values": values} for name, values in filters]


def image_ids(ec2: Client, *filters: tuple[str, list[str]], **kwargs: Any) -> set[str]:
    return {i["ImageId"] for i in ec2.describe_images(Filters=spec(*filters), **kwargs)["Images"]}


def instance_ids(ec2: Client, *filters: tuple[str, list[str]]) -> set[str]:
    reply = ec2.describe_instances(Filters=spec(*filters))
    return {i["InstanceId"] for r in reply["Reservations"] for i in r["Instances"]}


def volume_ids(ec2: Client, *filters: tuple[str, list[str]]) -> set[str]:
    return {v["VolumeId"] for v in ec2.describe_volumes(Filters=spec(*filters))["Volumes"]}


def snapshot_ids(ec2: Client, *filters: tuple[str, list[str]]) -> set[str]:
    reply = ec2.describe_snapshots(OwnerIds=["self"], Filters=spec(*filters))
    return {s["SnapshotId"] for s in reply["Snapshots"]}


def test_image_filters_of_each_kind(world: OrgWorld, owner: Client) -> None:
    plain = register_image(owner, "plain-1")
    backed = register_image_from_snapshot(
        owner, "backed-1", Description="from a snapshot", EnaSupport=False, BootMode="uefi"
    )
    created = image(owner, backed)["CreationDate"]
    owner.create_tags(Resources=[backed], Tags=[{"Key": "Team", "Value": "platform"}])
    both = {plain, backed}
    assert image_ids(owner, ("name", ["*-1"])) == both
    assert image_ids(owner, ("description", ["from a*"])) == {backed}
    # An image without a description shows none, so no pattern matches it, not even "*".
    assert image_ids(owner, ("description", ["*"])) == {backed}
    assert image_ids(owner, ("ena-support", ["false"])) == {backed}
    assert image_ids(owner, ("ena-support", ["true"])) == {plain}
    assert image_ids(owner, ("boot-mode", ["uefi"])) == {backed}
    assert image_ids(owner, ("creation-date", [created])) >= {backed}
    assert image_ids(owner, ("creation-date", [created[:11] + "*"])) == both
    assert image_ids(owner, ("creation-date", ["1999-*"])) == set()
    assert image_ids(owner, ("block-device-mapping.volume-size", ["8"])) == both
    assert image_ids(owner, ("block-device-mapping.device-name", ["/dev/xvda"])) == both
    assert image_ids(owner, ("manifest-location", [f"{world.owner}/plain-1"])) == {plain}
    assert image_ids(owner, ("image-allowed", ["true"])) == both
    assert image_ids(owner, ("free-tier-eligible", ["true"])) == set()
    assert image_ids(owner, ("tag:Team", ["plat*"])) == {backed}
    for no_data in ("product-code", "owner-alias", "scan-result.finding-scan-date", "platform"):
        assert image_ids(owner, (no_data, ["*"])) == set(), no_data


def test_id_and_owner_filters_match_the_listing_they_narrow(
    aws: ClientFactory, world: OrgWorld, owner: Client
) -> None:
    """image-id and owner-id filters are index lookups; what they find is exactly what the
    listing shows filtered, for the owner and for a consumer, with Owners and
    ExecutableUsers."""
    shared = register_image(owner, "shared")
    private = register_image(owner, "private")
    public = register_image(owner, "public")
    share(owner, shared, {"OrganizationalUnitArn": world.shared_ou.arn})
    share(owner, public, {"Group": "all"})
    consumer = aws("ec2", account=world.nested_account)
    stranger = aws("ec2", account=world.sibling_account)
    mine = register_image(consumer, "consumer-own")
    everything = [shared, private, public, mine, "ami-0123456789abcdef0"]
    for ec2 in (owner, consumer, stranger):
        for kwargs in ({}, {"Owners": [world.owner]}, {"ExecutableUsers": ["self"]}):
            listing = image_ids(ec2, **kwargs)
            assert image_ids(ec2, ("image-id", everything), **kwargs) == listing
            assert image_ids(ec2, ("image-id", [shared, mine]), **kwargs) == listing & {
                shared,
                mine,
            }
            by_owner = {i for i in listing if i != mine}
            assert image_ids(ec2, ("owner-id", [world.owner]), **kwargs) == by_owner
    assert image_ids(consumer, ("image-id", [private])) == set()
    assert image_ids(stranger, ("image-id", [shared, public])) == {public}
    assert image_ids(owner, ("owner-id", [world.nested_account])) == set()
    assert image_ids(consumer, ("owner-id", [world.owner]), Owners=["self"]) == set()
    owner.deregister_image(ImageId=private)
    assert image_ids(owner, ("image-id", [private])) == set()


def test_instance_filters_of_each_kind(aws: ClientFactory, world: OrgWorld, owner: Client) -> None:
    image_id = register_image_from_snapshot(owner)
    first, second = launch(owner, image_id, count=2)
    (reservation,) = owner.describe_instances(InstanceIds=[first])["Reservations"]
    shown = reservation["Instances"][0]
    both = {first, second}
    device = shown["BlockDeviceMappings"][0]
    volume = device["Ebs"]["VolumeId"]
    assert instance_ids(owner, ("block-device-mapping.volume-id", [volume])) == {first}
    assert instance_ids(owner, ("block-device-mapping.device-name", [device["DeviceName"]])) == both
    assert instance_ids(owner, ("block-device-mapping.status", ["attached"])) == both
    assert instance_ids(owner, ("launch-index", ["1"])) == {second}
    assert instance_ids(owner, ("tenancy", [shown["Placement"]["Tenancy"]])) == both
    assert instance_ids(owner, ("monitoring-state", [shown["Monitoring"]["State"]])) == both
    # A filter reads what the answer shows, booleans as true/false.
    assert instance_ids(owner, ("ebs-optimized", [str(shown["EbsOptimized"]).lower()])) == both
    assert instance_ids(owner, ("ena-support", [str(shown["EnaSupport"]).lower()])) == both
    assert instance_ids(owner, ("ena-support", [str(not shown["EnaSupport"]).lower()])) == set()
    assert (
        instance_ids(owner, ("launch-time", [shown["LaunchTime"].strftime("%Y-%m-%d") + "*"]))
        == both
    )
    assert instance_ids(owner, ("subnet-id", [shown["SubnetId"]])) == both
    assert instance_ids(owner, ("vpc-id", [shown["VpcId"]])) == both
    for no_data in ("spot-instance-request-id", "host-id", "iam-instance-profile.arn", "platform"):
        assert instance_ids(owner, (no_data, ["*"])) == set(), no_data
    owner.terminate_instances(InstanceIds=[first])
    # A terminated instance shows no block devices, so it matches none.
    assert instance_ids(owner, ("block-device-mapping.status", ["attached"])) == {second}
    assert instance_ids(owner, ("instance-state-name", ["terminated"])) == {first}
    # Plain instance ids are lookups: another account's id finds nothing, as in the listing.
    assert instance_ids(owner, ("instance-id", [first, "i-0123456789abcdef0"])) == {first}
    stranger = aws("ec2", account=world.sibling_account)
    assert instance_ids(stranger, ("instance-id", [first, second])) == set()


def test_volume_and_snapshot_filters_of_each_kind(owner: Client) -> None:
    region = owner.meta.region_name
    volume = owner.create_volume(AvailabilityZone=f"{region}a", Size=3)["VolumeId"]
    created = owner.describe_volumes(VolumeIds=[volume])["Volumes"][0]["CreateTime"]
    snapshot = owner.create_snapshot(VolumeId=volume, Description="nightly")["SnapshotId"]
    owner.create_tags(Resources=[snapshot], Tags=[{"Key": "Env", "Value": "prod"}])
    assert volume_ids(owner, ("size", ["3"])) == {volume}
    assert volume_ids(owner, ("multi-attach-enabled", ["false"])) == {volume}
    assert volume_ids(owner, ("fast-restored", ["true"])) == set()
    assert volume_ids(owner, ("create-time", [created.strftime("%Y-%m-%dT") + "*"])) == {volume}
    assert volume_ids(owner, ("attachment.attach-time", ["*"])) == set()
    assert volume_ids(owner, ("availability-zone-id", ["*"])) == set()
    assert snapshot_ids(owner, ("description", ["night*"])) == {snapshot}
    assert snapshot_ids(owner, ("progress", ["100%"])) == {snapshot}
    assert snapshot_ids(owner, ("storage-tier", ["standard"])) == {snapshot}
    assert snapshot_ids(owner, ("volume-size", ["3"]), ("tag:Env", ["prod"])) == {snapshot}
    assert snapshot_ids(owner, ("tag-key", ["Env"])) == {snapshot}
    assert snapshot_ids(owner, ("owner-alias", ["*"])) == set()
    assert snapshot_ids(owner, ("transfer-type", ["standard"])) == set()


def test_tag_filters_on_describe_tags(owner: Client) -> None:
    first = register_image(owner, "first")
    second = register_image(owner, "second")
    owner.create_tags(Resources=[first, second], Tags=[{"Key": "Env", "Value": "prod"}])
    owner.create_tags(Resources=[second], Tags=[{"Key": "Team", "Value": "web"}])
    rows = owner.describe_tags(Filters=spec(("tag:Team", ["w?b"])))["Tags"]
    assert {(t["ResourceId"], t["Key"]) for t in rows} == {(second, "Env"), (second, "Team")}


@pytest.mark.parametrize(
    "method", ["describe_images", "describe_instances", "describe_volumes", "describe_snapshots"]
)
def test_an_unknown_filter_is_refused_everywhere(owner: Client, method: str) -> None:
    with aws_error("InvalidParameterValue", "The filter 'colour' is invalid"):
        getattr(owner, method)(Filters=spec(("colour", ["red"])))


def test_filters_from_the_cli(cli, world: OrgWorld, owner: Client) -> None:
    web = register_image(owner, "web-1")
    register_image(owner, "db-1")
    found = cli(
        "ec2",
        "describe-images",
        "--owners",
        "self",
        "--filters",
        "Name=name,Values=web-*",
        "Name=is-public,Values=false",
        account=world.owner,
    )
    assert [i["ImageId"] for i in found["Images"]] == [web]
    with pytest.raises(CliError, match="The filter 'colour' is invalid"):
        cli("ec2", "describe-images", "--filters", "Name=colour,Values=red", account=world.owner)
