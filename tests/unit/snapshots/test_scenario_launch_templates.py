"""Launch templates in scenario files: built through the core, dumped back, errors at their path."""

from __future__ import annotations

import pytest

from emulator.core.scenario import ScenarioError, build, dump

DEV = "111122223333"
SCENARIO = {
    "launch_templates": [
        {
            "account": DEV,
            "region": "eu-west-1",
            "name": "app",
            "versions": [
                {"description": "first", "data": {"ImageId": "ami-0abcdef1234567890"}},
                {"data": {"ImageId": "ami-0abcdef1234567890", "InstanceType": "m5.large"}},
            ],
            "default_version": 2,
            "tags": {"Team": "web"},
        }
    ]
}


def test_a_scenario_declares_launch_templates() -> None:
    world = build(SCENARIO)
    (template,) = world.ec2.regions["eu-west-1"].launch_templates.values()
    assert (template.owner, template.name) == (DEV, "app")
    assert (template.default_version, template.latest_version) == (2, 2)
    assert template.versions[1].description == "first"
    assert template.versions[2].data["InstanceType"] == "m5.large"
    tags = world.ec2.regions["eu-west-1"].tags.get(template.template_id, DEV)
    assert tags == {"Team": "web"}


def test_dump_then_build_keeps_launch_templates() -> None:
    dumped = dump(build(SCENARIO))
    assert dumped["launch_templates"] == SCENARIO["launch_templates"]
    assert dump(build(dumped))["launch_templates"] == SCENARIO["launch_templates"]


@pytest.mark.parametrize(
    ("entry", "path"),
    [
        ({"account": DEV, "name": "x y", "versions": [{"data": {}}]}, "launch_templates[0]"),
        ({"account": DEV, "name": "app", "versions": []}, "launch_templates[0].versions"),
        ({"account": DEV, "name": "app", "versions": [{"data": []}]}, "versions[0].data"),
        (
            {"account": DEV, "name": "app", "versions": [{"data": {}}], "default_version": 3},
            "default_version",
        ),
        ({"account": "12", "name": "app", "versions": [{"data": {}}]}, "account"),
    ],
)
def test_bad_launch_templates_are_refused_at_their_path(entry: dict, path: str) -> None:
    with pytest.raises(ScenarioError) as refused:
        build({"launch_templates": [entry]})
    assert path in str(refused.value)
