"""Instances end to end: RunInstances counts and permissions, DescribeInstances, termination."""

from __future__ import annotations

import pytest

from tests.e2e.worlds import (
    INSTANCE_TYPE,
    Client,
    ClientFactory,
    OrgWorld,
    aws_error,
    launch,
    not_authorized_to_launch,
    not_found,
    register_image_from_snapshot,
    share,
)


@pytest.fixture
def image_id(owner: Client) -> str:
    return register_image_from_snapshot(owner)


def instances(ec2: Client, **kwargs: object) -> list[dict]:
    reply = ec2.describe_instances(**kwargs)
    return [i for r in reply["Reservations"] for i in r["Instances"]]


def test_run_instances_launches_max_count(world: OrgWorld, owner: Client, image_id: str) -> None:
    reply = owner.run_instances(
        ImageId=image_id, MinCount=2, MaxCount=3, InstanceType=INSTANCE_TYPE
    )
    assert reply["OwnerId"] == world.owner
    assert len(reply["Instances"]) == 3
    for instance in reply["Instances"]:
        assert instance["ImageId"] == image_id
        assert instance["InstanceType"] == INSTANCE_TYPE
        # The launch answers pending; the next read shows running (docs/semantics.md).
        assert instance["State"] == {"Code": 0, "Name": "pending"}
    (reservation,) = owner.describe_instances()["Reservations"]
    assert {i["State"]["Name"] for i in reservation["Instances"]} == {"running"}
    assert reservation["ReservationId"] == reply["ReservationId"]
    assert reservation["OwnerId"] == world.owner
    assert {i["InstanceId"] for i in reservation["Instances"]} == {
        i["InstanceId"] for i in reply["Instances"]
    }


def test_consumer_instances_belong_to_the_consumer(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    share(owner, image_id, {"OrganizationalUnitArn": world.shared_ou.arn})
    consumer = aws("ec2", account=world.nested_account)
    (instance_id,) = launch(consumer, image_id)
    (reservation,) = consumer.describe_instances()["Reservations"]
    assert reservation["OwnerId"] == world.nested_account
    (instance,) = reservation["Instances"]
    assert instance["InstanceId"] == instance_id
    assert instance["ImageId"] == image_id
    assert owner.describe_instances()["Reservations"] == []
    with aws_error("InvalidInstanceID.NotFound"):
        owner.describe_instances(InstanceIds=[instance_id])
    with aws_error("InvalidInstanceID.NotFound"):
        owner.terminate_instances(InstanceIds=[instance_id])
    # The root volume comes from the owner's snapshot but belongs to the launcher.
    volumes = [m["Ebs"]["VolumeId"] for m in instance.get("BlockDeviceMappings", []) if "Ebs" in m]
    assert volumes
    described = consumer.describe_volumes(VolumeIds=volumes)["Volumes"]
    assert {v["VolumeId"] for v in described} == set(volumes)


def test_terminate_instances(owner: Client, image_id: str) -> None:
    first, second = launch(owner, image_id, count=2)
    reply = owner.terminate_instances(InstanceIds=[first])
    (change,) = reply["TerminatingInstances"]
    assert change["InstanceId"] == first
    assert change["PreviousState"] == {"Code": 16, "Name": "running"}
    assert change["CurrentState"] == {"Code": 32, "Name": "shutting-down"}
    states = {i["InstanceId"]: i["State"]["Name"] for i in instances(owner)}
    assert states == {first: "terminated", second: "running"}


def test_describe_instances_filters(owner: Client, image_id: str) -> None:
    other_image = register_image_from_snapshot(owner, "other")
    first, second = launch(owner, image_id, count=2)
    (third,) = launch(owner, other_image)
    owner.create_tags(Resources=[second], Tags=[{"Key": "Role", "Value": "web"}])
    owner.terminate_instances(InstanceIds=[first])

    def found(*filters: tuple[str, list[str]]) -> set[str]:
        spec = [{"Name": name, "Values": values} for name, values in filters]
        return {i["InstanceId"] for i in instances(owner, Filters=spec)}

    assert found(("instance-id", [second])) == {second}
    assert found(("image-id", [image_id])) == {first, second}
    assert found(("instance-state-name", ["running"])) == {second, third}
    assert found(("instance-state-name", ["terminated"])) == {first}
    assert found(("tag:Role", ["w*"])) == {second}
    assert found(("image-id", [image_id]), ("instance-state-name", ["running"])) == {second}
    assert {i["InstanceId"] for i in instances(owner, InstanceIds=[first, third])} == {first, third}


def test_run_instances_errors(aws: ClientFactory, world: OrgWorld, image_id: str) -> None:
    """A short hexadecimal id is padded to 8 digits in AWS's answer: ``ami-c636c6b`` came
    back as ``ami-0c636c6b`` (github.com/aws/aws-cli/issues/2945), so ``ami-bad`` is
    ``ami-00000bad``; an id without the prefix is malformed (getmoto/moto#9758, verified
    against AWS: ``invalid-ami-format``)."""
    stranger = aws("ec2", account=world.sibling_account)
    with aws_error(*not_authorized_to_launch(image_id)):
        launch(stranger, image_id)
    with aws_error(*not_found("ami-0123456789abcdef0")):
        launch(stranger, "ami-0123456789abcdef0")
    with aws_error(*not_found("ami-00000bad")):
        launch(stranger, "ami-bad")
    with aws_error(
        "InvalidAMIID.Malformed", 'Invalid id: "invalid-ami-format" (expecting "ami-...")'
    ):
        launch(stranger, "invalid-ami-format")
    assert stranger.describe_instances()["Reservations"] == []


def test_unknown_instance_id(owner: Client) -> None:
    with aws_error("InvalidInstanceID.NotFound"):
        owner.describe_instances(InstanceIds=["i-0123456789abcdef0"])
    with aws_error("InvalidInstanceID.NotFound"):
        owner.terminate_instances(InstanceIds=["i-0123456789abcdef0"])
