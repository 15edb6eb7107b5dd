"""The instance core on its own: transitions and their timing, attribute names, launch
template versions and merging, and instances and templates in the state file."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

import pytest

from emulator.api.ec2.errors import EC2_ERRORS
from emulator.core.ec2.images import catalog
from emulator.core.ec2.images.catalog import ImageSpec
from emulator.core.ec2.instances import attributes, lifecycle
from emulator.core.ec2.instances import operations as instances
from emulator.core.ec2.instances.operations import LaunchSpec
from emulator.core.ec2.launch_templates import operations as templates
from emulator.core.errors import CoreError, InvalidValue
from emulator.core.snapshots.schema import DocumentError
from emulator.core.world import World, WorldConfig
from tests.unit.ec2.ec2_world import recorded

OWNER = "111111111111"
REGION = "us-east-1"


def aws(err: CoreError) -> tuple[str, str]:
    wire = EC2_ERRORS.to_aws(err)
    return wire.code, wire.message


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 3, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def world(seconds: int = 0) -> tuple[World, Clock]:
    clock = Clock()
    return World(config=WorldConfig(transition_seconds=seconds), clock=clock), clock


def launch(w: World, count: int = 1, **spec: object) -> list:
    region = recorded(w.ec2, REGION)
    image = catalog.register_image(w.ec2.env, region, OWNER, ImageSpec(name="base"), [], {})
    launched, repeat = instances.run_instances(
        w.ec2.env,
        region,
        OWNER,
        LaunchSpec(image_id=image.image_id, min_count=count, max_count=count, **spec),
    )
    assert not repeat
    return launched


def test_transitions_settle_after_the_configured_seconds() -> None:
    w, clock = world(seconds=5)
    (inst,) = launch(w)
    now = w.ec2.env.now
    assert (inst.state, inst.state_at(now())) == ("running", "pending")
    clock.now += timedelta(seconds=5)
    assert inst.state_at(now()) == "running"
    region = w.ec2.regions[REGION]
    ((changed, previous, current),) = lifecycle.stop_instances(
        w.ec2.env, region, OWNER, [inst.instance_id]
    )
    assert (previous, current, changed.state_at(now())) == ("running", "stopping", "stopping")
    clock.now += timedelta(seconds=4, milliseconds=999)
    assert inst.state_at(now()) == "stopping"
    clock.now += timedelta(milliseconds=1)
    assert inst.state_at(now()) == "stopped"


def test_transitions_settle_at_once_by_default() -> None:
    w, _ = world()
    (inst,) = launch(w)
    assert (inst.transition, inst.settles_at, inst.state_at(w.ec2.env.now())) == (
        None,
        None,
        "running",
    )


def test_termination_keeps_an_instance_visible_for_an_hour() -> None:
    w, clock = world()
    (inst,) = launch(w)
    region = w.ec2.regions[REGION]
    lifecycle.terminate_instances(w.ec2.env, region, OWNER, [inst.instance_id])
    clock.now += lifecycle.TERMINATED_VISIBLE - timedelta(milliseconds=1)
    assert instances.describe_instances(w.ec2.env, region, OWNER, [], []) == [inst]
    clock.now += timedelta(milliseconds=1)
    assert instances.describe_instances(w.ec2.env, region, OWNER, [], []) == []
    with pytest.raises(CoreError) as gone:
        lifecycle.own_instance(w.ec2.env, region, OWNER, inst.instance_id)
    assert aws(gone.value)[0] == "InvalidInstanceID.NotFound"


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("instanceType", "instanceType"),
        ("InstanceType", "instanceType"),
        ("DISABLEAPITERMINATION", "disableApiTermination"),
        ("groupset", "groupSet"),
    ],
)
def test_attribute_names_match_without_regard_to_case(given: str, canonical: str) -> None:
    assert attributes.canonical(given) == canonical


def test_unknown_attribute_is_aws_invalid_parameter_value() -> None:
    with pytest.raises(InvalidValue) as bad:
        attributes.canonical("instance_type")
    assert aws(bad.value) == (
        "InvalidParameterValue",
        "Value (instance_type) for parameter attribute is invalid. Unknown attribute.",
    )


def test_merged_run_parameters_let_the_request_win() -> None:
    data = {
        "ImageId": "ami-11111111",
        "InstanceType": "t3.small",
        "RamDiskId": "ari-1",
        "BlockDeviceMappings": [
            {"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 10}},
            {"DeviceName": "/dev/sdf", "Ebs": {"VolumeSize": 5}},
        ],
        "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "A", "Value": "1"}]}],
    }
    before = copy.deepcopy(data)
    merged = templates.merged_run_parameters(
        data,
        {
            "InstanceType": "m5.large",
            "MinCount": 1,
            "BlockDeviceMappings": [{"DeviceName": "/dev/sdf", "Ebs": {"VolumeSize": 50}}],
            "TagSpecifications": [
                {"ResourceType": "instance", "Tags": [{"Key": "A", "Value": "2"}]}
            ],
            "KeyName": None,
        },
    )
    assert data == before  # the template's data is never changed by a launch
    assert merged["ImageId"] == "ami-11111111"
    assert merged["InstanceType"] == "m5.large"
    assert merged["RamdiskId"] == "ari-1" and "RamDiskId" not in merged
    assert {m["DeviceName"]: m["Ebs"]["VolumeSize"] for m in merged["BlockDeviceMappings"]} == {
        "/dev/xvda": 10,
        "/dev/sdf": 50,
    }
    # Later specifications of one type win per key (params.tag_specs merges in order).
    assert merged["TagSpecifications"][-1]["Tags"] == [{"Key": "A", "Value": "2"}]
    assert "KeyName" not in merged


def test_template_versions_resolve_as_aws_names_them() -> None:
    w, _ = world()
    region = recorded(w.ec2, REGION)
    template = templates.create_launch_template(
        w.ec2.env, region, OWNER, name="t-1", data={"ImageId": "ami-1"}, description=None, tags={}
    )
    templates.create_launch_template_version(
        w.ec2.env,
        region,
        OWNER,
        template_id=template.template_id,
        name=None,
        data={"InstanceType": "t3.nano"},
        description=None,
        source_version="$Default",
    )
    assert templates.version_of(template, None).number == 1
    assert templates.version_of(template, "$Default").number == 1
    assert templates.version_of(template, "$Latest").number == 2
    assert templates.version_of(template, "2").data == {
        "ImageId": "ami-1",
        "InstanceType": "t3.nano",
    }
    for bad in ("0", "3", "latest", "-1"):
        with pytest.raises(CoreError) as missing:
            templates.version_of(template, bad)
        assert aws(missing.value)[0] == "InvalidLaunchTemplateId.VersionNotFound"


def test_instances_and_templates_survive_the_state_file() -> None:
    w, clock = world(seconds=30)
    (inst,) = launch(w, user_data="ZWNobw==", client_token="tok", disable_api_termination=True)
    region = w.ec2.regions[REGION]
    templates.create_launch_template(
        w.ec2.env,
        region,
        OWNER,
        name="kept",
        data={"ImageId": inst.image_id, "BlockDeviceMappings": [{"DeviceName": "/dev/sdf"}]},
        description="v1",
        tags={"launch-template": {"Team": "x"}},
    )
    saved = w.to_dict()
    again = World(clock=clock)
    again.load(saved)
    assert again.to_dict() == saved
    restored = again.ec2.regions[REGION]
    assert restored.instances[inst.instance_id].state_at(again.ec2.env.now()) == "pending"
    assert restored.client_tokens == {(OWNER, "tok"): [inst.instance_id]}
    assert list(restored.template_names) == [(OWNER, "kept")]
    assert again.config.transition_seconds == 30


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda r: r["instances"][0].update(state="pending"), "instances[0].state"),
        (lambda r: r["instances"][0].update(shutdown_behavior="hibernate"), "shutdown_behavior"),
        (lambda r: r["launch_templates"][0].update(name="no spaces"), "launch_templates[0].name"),
        (lambda r: r["launch_templates"][0].update(template_id="lt-1"), "template_id"),
        (
            lambda r: r["launch_templates"][0]["versions"][0].update(data={"ImageId": {1, 2}}),
            "versions[0].data",
        ),
    ],
)
def test_bad_records_are_refused_at_their_path(change: object, where: str) -> None:
    w, _ = world()
    (inst,) = launch(w)
    templates.create_launch_template(
        w.ec2.env,
        w.ec2.regions[REGION],
        OWNER,
        name="kept",
        data={"ImageId": inst.image_id},
        description=None,
        tags={},
    )
    saved = w.to_dict()
    change(saved["ec2"]["regions"][REGION])  # type: ignore[operator]
    with pytest.raises(DocumentError) as refused:
        World().load(saved)
    assert where in str(refused.value)
