"""The lifecycle in documents: a scenario's clock and image states, dumped back and replayed;
a snapshot keeps the clock; the snapshot form's rules for them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from emulator.core.scenario import ScenarioError, build, dump, load_into
from emulator.core.snapshots.form import check_snapshot, is_snapshot
from emulator.core.snapshots.schema import DocumentError
from emulator.core.world import World

OWNER = "111122223333"
SCENARIO = {
    "clock": "2031-06-01T00:00:00Z",
    "images": [
        {
            "id": "ami-0aaaaaaaaaaaaaaa1",
            "owner": OWNER,
            "name": "old",
            "deprecation_time": "2031-05-01T00:00:29Z",
            "deregistration_protection": "enabled-without-cooldown",
        },
        {"id": "ami-0aaaaaaaaaaaaaaa2", "owner": OWNER, "name": "retired", "disabled": True},
    ],
}


def images(world: World) -> dict:
    return world.ec2.regions["us-east-1"].images


def test_a_scenario_sets_the_clock_first_and_dump_replays() -> None:
    world = World()
    load_into(world, SCENARIO)
    assert world.clock() - datetime(2031, 6, 1, tzinfo=UTC) < timedelta(minutes=1)
    old, retired = images(world).values()
    assert old.creation_date.startswith("2031-06-01T00:0")
    assert old.deprecation_time == "2031-05-01T00:00:00.000Z"
    assert old.deregistration_protection == "enabled-without-cooldown"
    assert retired.state == "disabled"
    dumped = dump(world)
    assert dumped["clock"].startswith("2031-06-01T00:0")
    again = build(dumped)
    assert [
        (i.deprecation_time, i.deregistration_protection, i.state) for i in images(again).values()
    ] == [
        (i.deprecation_time, i.deregistration_protection, i.state) for i in images(world).values()
    ]


def test_a_world_on_real_time_dumps_no_clock() -> None:
    assert "clock" not in dump(build({"images": [{"owner": OWNER, "name": "abc"}]}))


def test_a_failed_scenario_leaves_the_clock_alone() -> None:
    world = World()
    before = world.clock.to_dict()
    with pytest.raises(ScenarioError):
        load_into(world, {"clock": "2031-01-01T00:00:00Z", "images": [{"owner": "me"}]})
    assert world.clock.to_dict() == before


def test_a_clock_key_alone_is_a_scenario_not_a_snapshot() -> None:
    assert not is_snapshot({"clock": "2031-01-01T00:00:00Z"})


def test_the_snapshot_form_checks_the_lifecycle() -> None:
    world = build(SCENARIO)
    snapshot = world.to_dict()
    check_snapshot(snapshot)
    image = snapshot["ec2"]["regions"]["us-east-1"]["images"][1]
    image["launch_permissions"] = [{"kind": "group", "value": "all"}]
    with pytest.raises(DocumentError) as caught:
        check_snapshot(snapshot)
    assert caught.value.path.endswith("images[1].launch_permissions")
    image["launch_permissions"] = []
    image["deregistration_protection"] = "maybe"
    with pytest.raises(DocumentError):
        check_snapshot(snapshot)
    image["deregistration_protection"] = "disabled"
    snapshot["clock"] = {"offset_ms": 1.5, "frozen_at": None}
    with pytest.raises(DocumentError) as caught:
        check_snapshot(snapshot)
    assert caught.value.path == "clock.offset_ms"
