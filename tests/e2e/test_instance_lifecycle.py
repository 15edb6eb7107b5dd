"""Instance states end to end: the transitions boto3's waiters wait on, stop / start / reboot /
terminate, DescribeInstanceStatus, instance attributes and CreateImage from an instance."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from emulator.api.regions import partition_of
from emulator.core.world import World, WorldConfig
from emulator.server import RunningServer, start_in_thread
from emulator.testing.pytest_plugin import CLIENT_CONFIG
from tests.e2e.worlds import (
    Client,
    ClientFactory,
    OrgWorld,
    aws_error,
    launch,
    register_image_from_snapshot,
    share,
)

FAST = {"Delay": 1, "MaxAttempts": 5}
OWNER = "111122223333"


@pytest.fixture
def image_id(owner: Client) -> str:
    return register_image_from_snapshot(owner)


def described(ec2: Client, instance_id: str) -> dict[str, Any]:
    (reservation,) = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"]
    (instance,) = reservation["Instances"]
    return instance


def state_of(ec2: Client, instance_id: str) -> str:
    return described(ec2, instance_id)["State"]["Name"]


# ---- the default timing: the causing call shows the transition, the next read settles ----


def test_waiters_see_each_transition_settle(owner: Client, image_id: str) -> None:
    reply = owner.run_instances(ImageId=image_id, MinCount=1, MaxCount=1)
    (instance,) = reply["Instances"]
    instance_id = instance["InstanceId"]
    assert instance["State"] == {"Code": 0, "Name": "pending"}
    assert instance["StateReason"] == {"Code": "pending", "Message": "pending"}
    owner.get_waiter("instance_running").wait(InstanceIds=[instance_id], WaiterConfig=FAST)
    running = described(owner, instance_id)
    assert running["State"] == {"Code": 16, "Name": "running"}
    assert "StateReason" not in running

    (stopping,) = owner.stop_instances(InstanceIds=[instance_id])["StoppingInstances"]
    assert stopping["PreviousState"] == {"Code": 16, "Name": "running"}
    assert stopping["CurrentState"] == {"Code": 64, "Name": "stopping"}
    owner.get_waiter("instance_stopped").wait(InstanceIds=[instance_id], WaiterConfig=FAST)
    stopped = described(owner, instance_id)
    assert stopped["State"] == {"Code": 80, "Name": "stopped"}
    assert stopped["StateReason"]["Code"] == "Client.UserInitiatedShutdown"
    assert stopped["StateTransitionReason"].startswith("User initiated (")

    (starting,) = owner.start_instances(InstanceIds=[instance_id])["StartingInstances"]
    assert (starting["PreviousState"]["Name"], starting["CurrentState"]["Name"]) == (
        "stopped",
        "pending",
    )
    owner.get_waiter("instance_running").wait(InstanceIds=[instance_id], WaiterConfig=FAST)

    (ending,) = owner.terminate_instances(InstanceIds=[instance_id])["TerminatingInstances"]
    assert ending["CurrentState"] == {"Code": 32, "Name": "shutting-down"}
    owner.get_waiter("instance_terminated").wait(InstanceIds=[instance_id], WaiterConfig=FAST)
    assert state_of(owner, instance_id) == "terminated"


def test_repeated_calls_answer_the_state_as_it_is(owner: Client, image_id: str) -> None:
    (instance_id,) = launch(owner, image_id)
    (again,) = owner.start_instances(InstanceIds=[instance_id])["StartingInstances"]
    assert again["PreviousState"] == again["CurrentState"] == {"Code": 16, "Name": "running"}
    owner.stop_instances(InstanceIds=[instance_id])
    (again,) = owner.stop_instances(InstanceIds=[instance_id], Force=True)["StoppingInstances"]
    assert again["PreviousState"] == again["CurrentState"] == {"Code": 80, "Name": "stopped"}
    owner.terminate_instances(InstanceIds=[instance_id])
    (again,) = owner.terminate_instances(InstanceIds=[instance_id])["TerminatingInstances"]
    assert again["CurrentState"] == {"Code": 48, "Name": "terminated"}


def test_incorrect_states_are_refused_as_aws_does(owner: Client, image_id: str) -> None:
    running, stopped = launch(owner, image_id, count=2)
    owner.stop_instances(InstanceIds=[stopped])
    with aws_error(
        "IncorrectInstanceState",
        f"The instance '{stopped}' is not in a state from which it can be rebooted.",
    ):
        owner.reboot_instances(InstanceIds=[running, stopped])
    owner.reboot_instances(InstanceIds=[running])
    assert state_of(owner, running) == "running"
    owner.terminate_instances(InstanceIds=[stopped])
    with aws_error(
        "IncorrectInstanceState",
        f"The instance '{stopped}' is not in a state from which it can be started.",
    ):
        owner.start_instances(InstanceIds=[stopped])
    with aws_error(
        "IncorrectInstanceState",
        f"The instance '{stopped}' is not in a state from which it can be stopped.",
    ):
        owner.stop_instances(InstanceIds=[running, stopped])
    # Nothing of a refused call happened: the running instance is still running.
    assert state_of(owner, running) == "running"
    with aws_error("InvalidInstanceID.NotFound"):
        owner.stop_instances(InstanceIds=["i-0123456789abcdef0"])
    with aws_error("InvalidInstanceID.Malformed"):
        owner.start_instances(InstanceIds=["instance-1"])


def test_hibernation_needs_an_instance_launched_for_it(owner: Client, image_id: str) -> None:
    (plain,) = launch(owner, image_id)
    with aws_error(
        "UnsupportedHibernationConfiguration",
        "The instance can't be hibernated because it was not configured at launch for"
        f" hibernation: {plain}",
    ):
        owner.stop_instances(InstanceIds=[plain], Hibernate=True)
    assert state_of(owner, plain) == "running"
    (ready,) = owner.run_instances(
        ImageId=image_id, MinCount=1, MaxCount=1, HibernationOptions={"Configured": True}
    )["Instances"]
    assert ready["HibernationOptions"] == {"Configured": True}
    owner.stop_instances(InstanceIds=[ready["InstanceId"]], Hibernate=True)
    stopped = described(owner, ready["InstanceId"])
    assert stopped["State"]["Name"] == "stopped"
    assert stopped["StateReason"]["Code"] == "Client.UserInitiatedHibernate"


def test_protection_refuses_terminate_and_stop(owner: Client, image_id: str) -> None:
    (instance,) = owner.run_instances(
        ImageId=image_id, MinCount=1, MaxCount=1, DisableApiTermination=True
    )["Instances"]
    instance_id = instance["InstanceId"]
    with aws_error(
        "OperationNotPermitted",
        f"The instance '{instance_id}' may not be terminated. Modify its"
        " 'disableApiTermination' instance attribute and try again.",
    ):
        owner.terminate_instances(InstanceIds=[instance_id])
    owner.modify_instance_attribute(InstanceId=instance_id, DisableApiStop={"Value": True})
    with aws_error(
        "OperationNotPermitted",
        f"The instance '{instance_id}' may not be stopped. Modify its 'disableApiStop'"
        " instance attribute and try again.",
    ):
        owner.stop_instances(InstanceIds=[instance_id])
    owner.modify_instance_attribute(
        InstanceId=instance_id, Attribute="disableApiTermination", Value="false"
    )
    owner.terminate_instances(InstanceIds=[instance_id])
    assert state_of(owner, instance_id) == "terminated"


# ---- RunInstances' own parameters ------------------------------------------------------------


def test_run_instances_defaults_tags_and_user_data(owner: Client, image_id: str) -> None:
    reply = owner.run_instances(
        ImageId=image_id,
        MinCount=1,
        MaxCount=1,
        UserData="#!/bin/sh\necho hi\n",
        TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "builder"}]},
            {"ResourceType": "volume", "Tags": [{"Key": "Disk", "Value": "root"}]},
        ],
        BlockDeviceMappings=[
            {"DeviceName": "/dev/sdf", "Ebs": {"VolumeSize": 20, "DeleteOnTermination": False}}
        ],
    )
    (instance,) = reply["Instances"]
    instance_id = instance["InstanceId"]
    assert instance["InstanceType"] == "m1.small"  # RunInstances' default, as AWS's
    assert instance["Tags"] == [{"Key": "Name", "Value": "builder"}]
    volumes = owner.describe_volumes(
        Filters=[{"Name": "attachment.instance-id", "Values": [instance_id]}]
    )["Volumes"]
    assert sorted(v["Attachments"][0]["Device"] for v in volumes) == ["/dev/sdf", "/dev/xvda"]
    assert all(v["Tags"] == [{"Key": "Disk", "Value": "root"}] for v in volumes)

    def launched_with(name: str, value: str) -> list[str]:
        reply = owner.describe_instances(Filters=[{"Name": name, "Values": [value]}])
        return [i["InstanceId"] for r in reply["Reservations"] for i in r["Instances"]]

    assert launched_with("block-device-mapping.device-name", "/dev/sdf") == [instance_id]
    assert launched_with("block-device-mapping.delete-on-termination", "false") == [instance_id]
    assert launched_with("block-device-mapping.volume-id", volumes[0]["VolumeId"]) == [instance_id]
    assert launched_with("instance-type", "m1.small") == [instance_id]
    assert launched_with("block-device-mapping.device-name", "/dev/sdz") == []
    data = owner.describe_instance_attribute(InstanceId=instance_id, Attribute="userData")
    assert base64.b64decode(data["UserData"]["Value"]) == b"#!/bin/sh\necho hi\n"

    # At termination the root volume goes (DeleteOnTermination) and the data volume stays.
    owner.terminate_instances(InstanceIds=[instance_id])
    (left,) = owner.describe_volumes(VolumeIds=[v["VolumeId"] for v in volumes if v["Size"] == 20])[
        "Volumes"
    ]
    assert (left["State"], left["Attachments"]) == ("available", [])
    with aws_error("InvalidVolume.NotFound"):
        owner.describe_volumes(VolumeIds=[v["VolumeId"] for v in volumes])


def test_client_token_makes_run_instances_idempotent(owner: Client, image_id: str) -> None:
    first = owner.run_instances(ImageId=image_id, MinCount=2, MaxCount=2, ClientToken="build-1")
    again = owner.run_instances(ImageId=image_id, MinCount=2, MaxCount=2, ClientToken="build-1")
    assert again["ReservationId"] == first["ReservationId"]
    ids = [i["InstanceId"] for i in first["Instances"]]
    assert [i["InstanceId"] for i in again["Instances"]] == ids
    assert {i["State"]["Name"] for i in again["Instances"]} == {"running"}
    assert {i["ClientToken"] for i in again["Instances"]} == {"build-1"}
    (reservation,) = owner.describe_instances(
        Filters=[{"Name": "client-token", "Values": ["build-1"]}]
    )["Reservations"]
    assert len(reservation["Instances"]) == 2


def test_run_instances_refuses_bad_counts(owner: Client, image_id: str) -> None:
    with aws_error(
        "InvalidParameterValue",
        "Value (3) for parameter minCount is invalid. It must not exceed maxCount (2).",
    ):
        owner.run_instances(ImageId=image_id, MinCount=3, MaxCount=2)
    with aws_error("InvalidParameterValue", "Value (0) for parameter count is invalid."):
        owner.run_instances(ImageId=image_id, MinCount=0, MaxCount=1)
    with aws_error(
        "InvalidParameterValue",
        "Value (reboot) for parameter InstanceInitiatedShutdownBehavior is invalid.",
    ):
        owner.run_instances(
            ImageId=image_id, MinCount=1, MaxCount=1, InstanceInitiatedShutdownBehavior="reboot"
        )
    assert owner.describe_instances()["Reservations"] == []


# ---- DescribeInstanceStatus --------------------------------------------------------------


def test_describe_instance_status(owner: Client, image_id: str) -> None:
    ids = launch(owner, image_id, count=7)
    owner.stop_instances(InstanceIds=ids[:1])
    statuses = owner.describe_instance_status()["InstanceStatuses"]
    assert {s["InstanceId"] for s in statuses} == set(ids[1:])
    status = next(s for s in statuses if s["InstanceId"] == ids[1])
    assert status["InstanceState"] == {"Code": 16, "Name": "running"}
    assert status["InstanceStatus"] == {
        "Status": "ok",
        "Details": [{"Name": "reachability", "Status": "passed"}],
    }
    assert status["SystemStatus"]["Status"] == "ok"
    everything = owner.describe_instance_status(IncludeAllInstances=True)["InstanceStatuses"]
    assert {s["InstanceId"] for s in everything} == set(ids)
    stopped = owner.describe_instance_status(InstanceIds=ids[:1], IncludeAllInstances=True)
    (only,) = stopped["InstanceStatuses"]
    assert only["InstanceStatus"]["Status"] == "not-applicable"
    # Without IncludeAllInstances a stopped instance named by id is simply not listed.
    assert owner.describe_instance_status(InstanceIds=ids[:1])["InstanceStatuses"] == []

    def named(*filters: tuple[str, list[str]]) -> set[str]:
        spec = [{"Name": n, "Values": v} for n, v in filters]
        reply = owner.describe_instance_status(IncludeAllInstances=True, Filters=spec)
        return {s["InstanceId"] for s in reply["InstanceStatuses"]}

    assert named(("instance-state-name", ["stopped"])) == set(ids[:1])
    assert named(("instance-state-code", ["16"])) == set(ids[1:])
    assert named(("instance-status.status", ["not-applicable"])) == set(ids[:1])
    assert named(("system-status.reachability", ["passed"])) == set(ids[1:])
    assert named(("availability-zone", ["us-east-1*"])) == set(ids)
    assert named(("event.code", ["system-reboot"])) == set()
    with aws_error("InvalidParameterValue", "The filter 'colour' is invalid"):
        named(("colour", ["red"]))

    pages = owner.get_paginator("describe_instance_status").paginate(
        IncludeAllInstances=True, PaginationConfig={"PageSize": 5}
    )
    sizes = [len(page["InstanceStatuses"]) for page in pages]
    assert sizes == [5, 2]
    with aws_error("InvalidInstanceID.NotFound"):
        owner.describe_instance_status(InstanceIds=["i-0123456789abcdef0"])


# ---- attributes --------------------------------------------------------------------------


def test_instance_attributes_read_and_change(owner: Client, image_id: str) -> None:
    (instance_id,) = launch(owner, image_id)
    shown = owner.describe_instance_attribute(InstanceId=instance_id, Attribute="instanceType")
    assert shown["InstanceType"] == {"Value": "t3.micro"}
    with aws_error(
        "IncorrectInstanceState", f"The instance '{instance_id}' is not in the 'stopped' state."
    ):
        owner.modify_instance_attribute(InstanceId=instance_id, InstanceType={"Value": "m5.large"})
    owner.stop_instances(InstanceIds=[instance_id])
    owner.modify_instance_attribute(InstanceId=instance_id, InstanceType={"Value": "m5.large"})
    owner.modify_instance_attribute(InstanceId=instance_id, UserData={"Value": b"echo new"})
    owner.modify_instance_attribute(
        InstanceId=instance_id, Attribute="instanceInitiatedShutdownBehavior", Value="terminate"
    )
    owner.modify_instance_attribute(InstanceId=instance_id, SourceDestCheck={"Value": False})
    owner.modify_instance_attribute(InstanceId=instance_id, EbsOptimized={"Value": True})

    def attribute(name: str) -> dict[str, Any]:
        reply = owner.describe_instance_attribute(InstanceId=instance_id, Attribute=name)
        assert reply["InstanceId"] == instance_id
        return {k: v for k, v in reply.items() if k not in ("InstanceId", "ResponseMetadata")}

    assert attribute("instanceType") == {"InstanceType": {"Value": "m5.large"}}
    assert base64.b64decode(attribute("userData")["UserData"]["Value"]) == b"echo new"
    assert attribute("instanceInitiatedShutdownBehavior") == {
        "InstanceInitiatedShutdownBehavior": {"Value": "terminate"}
    }
    assert attribute("sourceDestCheck") == {"SourceDestCheck": {"Value": False}}
    assert attribute("ebsOptimized") == {"EbsOptimized": {"Value": True}}
    assert attribute("disableApiTermination") == {"DisableApiTermination": {"Value": False}}
    assert attribute("rootDeviceName") == {"RootDeviceName": {"Value": "/dev/xvda"}}
    assert attribute("groupSet") == {"Groups": []}
    assert attribute("productCodes") == {"ProductCodes": []}
    (mapping,) = attribute("blockDeviceMapping")["BlockDeviceMappings"]
    assert mapping["DeviceName"] == "/dev/xvda"
    assert mapping["Ebs"]["DeleteOnTermination"] is True
    # Names are matched without regard to case.
    assert attribute("InstanceType") == {"InstanceType": {"Value": "m5.large"}}
    assert described(owner, instance_id)["InstanceType"] == "m5.large"

    owner.modify_instance_attribute(
        InstanceId=instance_id,
        BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"DeleteOnTermination": False}}],
    )
    root = mapping["Ebs"]["VolumeId"]
    owner.terminate_instances(InstanceIds=[instance_id])
    (kept,) = owner.describe_volumes(VolumeIds=[root])["Volumes"]
    assert kept["State"] == "available"


def test_instance_attribute_errors(owner: Client, image_id: str) -> None:
    (instance_id,) = launch(owner, image_id)
    with aws_error(
        "InvalidParameterValue",
        "Value (colour) for parameter attribute is invalid. Unknown attribute.",
    ):
        owner.describe_instance_attribute(InstanceId=instance_id, Attribute="colour")
    with aws_error("InvalidParameterCombination", "You can modify only one attribute at a time."):
        owner.modify_instance_attribute(
            InstanceId=instance_id,
            SourceDestCheck={"Value": False},
            DisableApiStop={"Value": True},
        )
    with aws_error(
        "InvalidParameterValue",
        "Value (halt) for parameter instanceInitiatedShutdownBehavior is invalid.",
    ):
        owner.modify_instance_attribute(
            InstanceId=instance_id, InstanceInitiatedShutdownBehavior={"Value": "halt"}
        )
    with aws_error("InvalidInstanceAttributeValue"):
        owner.modify_instance_attribute(
            InstanceId=instance_id,
            BlockDeviceMappings=[{"DeviceName": "/dev/sdz", "Ebs": {"DeleteOnTermination": True}}],
        )
    with aws_error(
        "InvalidGroup.NotFound", "The security group 'sg-0123456789abcdef0' does not exist"
    ):
        owner.modify_instance_attribute(InstanceId=instance_id, Groups=["sg-0123456789abcdef0"])
    with aws_error("InvalidInstanceID.NotFound"):
        owner.describe_instance_attribute(InstanceId="i-0123456789abcdef0", Attribute="kernel")


def test_other_accounts_cannot_touch_an_instance(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    (instance_id,) = launch(owner, image_id)
    other = aws("ec2", account=world.sibling_account)
    for call in (
        lambda: other.stop_instances(InstanceIds=[instance_id]),
        lambda: other.start_instances(InstanceIds=[instance_id]),
        lambda: other.reboot_instances(InstanceIds=[instance_id]),
        lambda: other.terminate_instances(InstanceIds=[instance_id]),
        lambda: other.describe_instance_status(InstanceIds=[instance_id]),
        lambda: other.describe_instance_attribute(InstanceId=instance_id, Attribute="userData"),
        lambda: other.modify_instance_attribute(
            InstanceId=instance_id, DisableApiTermination={"Value": True}
        ),
    ):
        with aws_error(
            "InvalidInstanceID.NotFound", f"The instance ID '{instance_id}' does not exist"
        ):
            call()
    assert state_of(owner, instance_id) == "running"


# ---- CreateImage from an instance --------------------------------------------------------


def test_create_image_from_running_and_stopped_instances(owner: Client, image_id: str) -> None:
    (instance_id,) = owner.run_instances(
        ImageId=image_id,
        MinCount=1,
        MaxCount=1,
        BlockDeviceMappings=[{"DeviceName": "/dev/sdf", "Ebs": {"VolumeSize": 4}}],
    )["Instances"]
    instance_id = instance_id["InstanceId"]
    running = owner.create_image(
        InstanceId=instance_id,
        Name="from-running",
        NoReboot=True,
        TagSpecifications=[
            {"ResourceType": "image", "Tags": [{"Key": "Build", "Value": "1"}]},
            {"ResourceType": "snapshot", "Tags": [{"Key": "Build", "Value": "1"}]},
        ],
        BlockDeviceMappings=[
            {"DeviceName": "/dev/sdf", "NoDevice": ""},
            {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 30, "VolumeType": "io1"}},
            {"DeviceName": "/dev/sdb", "VirtualName": "ephemeral0"},
        ],
    )["ImageId"]
    owner.get_waiter("image_available").wait(ImageIds=[running], WaiterConfig=FAST)
    (made,) = owner.describe_images(ImageIds=[running])["Images"]
    assert made["SourceInstanceId"] == instance_id
    assert made["Tags"] == [{"Key": "Build", "Value": "1"}]
    devices = {m["DeviceName"]: m for m in made["BlockDeviceMappings"]}
    assert set(devices) == {"/dev/xvda", "/dev/sdb"}
    assert devices["/dev/sdb"] == {"DeviceName": "/dev/sdb", "VirtualName": "ephemeral0"}
    root = devices["/dev/xvda"]["Ebs"]
    assert (root["VolumeSize"], root["VolumeType"]) == (30, "io1")
    (snap,) = owner.describe_snapshots(SnapshotIds=[root["SnapshotId"]])["Snapshots"]
    assert snap["Tags"] == [{"Key": "Build", "Value": "1"}]
    owner.get_waiter("snapshot_completed").wait(SnapshotIds=[root["SnapshotId"]], WaiterConfig=FAST)

    owner.stop_instances(InstanceIds=[instance_id])
    stopped = owner.create_image(InstanceId=instance_id, Name="from-stopped")["ImageId"]
    (made,) = owner.describe_images(ImageIds=[stopped])["Images"]
    assert sorted(m["DeviceName"] for m in made["BlockDeviceMappings"]) == [
        "/dev/sdf",
        "/dev/xvda",
    ]
    owner.terminate_instances(InstanceIds=[instance_id])
    with aws_error(
        "IncorrectInstanceState",
        f"The instance '{instance_id}' is not in a state from which it can be imaged (terminated).",
    ):
        owner.create_image(InstanceId=instance_id, Name="too-late")


def test_consumer_of_a_shared_image_images_its_own_instance(
    aws: ClientFactory, world: OrgWorld, owner: Client, image_id: str
) -> None:
    """The seed: after they have launched an instance using your AMI, they can then create an
    AMI from the instance they launched."""
    share(owner, image_id, {"OrganizationalUnitArn": world.shared_ou.arn})
    consumer = aws("ec2", account=world.nested_account)
    (instance_id,) = launch(consumer, image_id)
    consumer.get_waiter("instance_running").wait(InstanceIds=[instance_id], WaiterConfig=FAST)
    derived = consumer.create_image(InstanceId=instance_id, Name="derived", NoReboot=True)
    (image,) = consumer.describe_images(ImageIds=[derived["ImageId"]])["Images"]
    assert image["OwnerId"] == world.nested_account
    assert image["Public"] is False
    snapshot_id = image["BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
    (snap,) = consumer.describe_snapshots(SnapshotIds=[snapshot_id])["Snapshots"]
    assert snap["OwnerId"] == world.nested_account
    # The owner of the source image can neither image nor see the consumer's instance.
    with aws_error("InvalidInstanceID.NotFound"):
        owner.create_image(InstanceId=instance_id, Name="not-mine")


# ---- a configured transition time ----------------------------------------------------------


class Clock:
    """A clock the test moves; the server reads it for every state."""

    def __init__(self) -> None:
        self.now = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def slow() -> Iterator[tuple[RunningServer, Clock]]:
    """A server of its own whose transitions take 30 seconds of ``Clock`` time."""
    clock = Clock()
    world = World(config=WorldConfig(transition_seconds=30), clock=clock, partition_of=partition_of)
    running = start_in_thread(world)
    yield running, clock
    running.stop()


def slow_client(running: RunningServer) -> Client:
    return boto3.client(
        "ec2",
        endpoint_url=running.url,
        region_name="us-east-1",
        aws_access_key_id=OWNER,
        aws_secret_access_key="x",
        config=CLIENT_CONFIG,
    )


def test_transitions_last_the_configured_time(slow: tuple[RunningServer, Clock]) -> None:
    running, clock = slow
    ec2 = slow_client(running)
    image_id = register_image_from_snapshot(ec2)
    (instance_id,) = launch(ec2, image_id)
    assert state_of(ec2, instance_id) == "pending"
    with aws_error(
        "IncorrectInstanceState",
        f"Instance '{instance_id}' cannot be stopped as it has never reached the 'running' state.",
    ):
        ec2.stop_instances(InstanceIds=[instance_id])
    assert ec2.describe_instance_status()["InstanceStatuses"] == []
    clock.advance(30)
    assert state_of(ec2, instance_id) == "running"
    ec2.stop_instances(InstanceIds=[instance_id])
    clock.advance(29)
    assert state_of(ec2, instance_id) == "stopping"
    with aws_error(
        "IncorrectInstanceState",
        f"The instance '{instance_id}' is not in a state from which it can be started.",
    ):
        ec2.start_instances(InstanceIds=[instance_id])
    with aws_error("IncorrectInstanceState"):
        ec2.create_image(InstanceId=instance_id, Name="mid-stop")
    filters = [{"Name": "instance-state-name", "Values": ["stopping"]}]
    assert ec2.describe_instances(Filters=filters)["Reservations"]
    clock.advance(1)
    assert state_of(ec2, instance_id) == "stopped"
    ec2.terminate_instances(InstanceIds=[instance_id])
    assert state_of(ec2, instance_id) == "shutting-down"
    clock.advance(30)
    assert state_of(ec2, instance_id) == "terminated"
    # A terminated instance stays visible for an hour, then is gone.
    clock.advance(3600 - 31)
    assert state_of(ec2, instance_id) == "terminated"
    clock.advance(2)
    assert ec2.describe_instances()["Reservations"] == []
    with aws_error("InvalidInstanceID.NotFound"):
        ec2.describe_instances(InstanceIds=[instance_id])


# ---- the AWS CLI ---------------------------------------------------------------------------


@pytest.mark.cli
def test_cli_stops_waits_and_reads_attributes(cli: Any, aws: ClientFactory) -> None:
    ec2 = aws("ec2", account=OWNER)
    image_id = register_image_from_snapshot(ec2)
    (instance_id,) = launch(ec2, image_id)
    cli("ec2", "wait", "instance-running", "--instance-ids", instance_id, account=OWNER)
    stopped = cli("ec2", "stop-instances", "--instance-ids", instance_id, account=OWNER)
    assert stopped["StoppingInstances"][0]["CurrentState"]["Name"] == "stopping"
    cli("ec2", "wait", "instance-stopped", "--instance-ids", instance_id, account=OWNER)
    cli(
        "ec2",
        "modify-instance-attribute",
        "--instance-id",
        instance_id,
        "--instance-type",
        "Value=c5.large",
        account=OWNER,
    )
    shown = cli(
        "ec2",
        "describe-instance-attribute",
        "--instance-id",
        instance_id,
        "--attribute",
        "instanceType",
        account=OWNER,
    )
    assert shown["InstanceType"] == {"Value": "c5.large"}
    status = cli("ec2", "describe-instance-status", "--include-all-instances", account=OWNER)[
        "InstanceStatuses"
    ]
    assert [s["InstanceState"]["Name"] for s in status] == ["stopped"]
