"""The AMI lifecycle in the core: deprecation rounding and listings, disabling, protection and
its cooldown, cancelled shares, ancestry, and the lifecycle layer's trace."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emulator.core.access.layers import image_lifecycle
from emulator.core.authorization import (
    DEREGISTER_IMAGE,
    DESCRIBE_IMAGES,
    RUN_INSTANCES,
    AccessRequest,
)
from emulator.core.ec2.images import catalog, lifecycle
from emulator.core.ec2.images.records import DISABLED
from emulator.core.errors import Conflict, InvalidValue, NotAuthorized, NotFound
from tests.unit.ec2.ec2_world import OWNER, REGION, Harness, org_grant, ou, ou_grant, user

A, B = "222222222222", "333333333333"
START = datetime(2024, 1, 1, tzinfo=UTC)


def moments() -> st.SearchStrategy[datetime]:
    return st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
    )


@given(moments())
def test_deprecate_at_rounds_to_the_nearest_minute(value: datetime) -> None:
    result = lifecycle.rounded(value)
    assert (result.second, result.microsecond) == (0, 0)
    assert abs(result - value) <= timedelta(seconds=30)
    # Exactly half a minute rounds up.
    half = value.replace(second=30, microsecond=0)
    assert lifecycle.rounded(half) == half.replace(second=0) + timedelta(minutes=1)


def test_deprecation_is_reached_on_the_clock() -> None:
    h = Harness()
    image = h.image()
    h.join(A)
    h.share(image, org_grant())
    lifecycle.enable_image_deprecation(
        h.env, h.at(), OWNER, image.image_id, START + timedelta(minutes=10, seconds=29)
    )
    assert image.deprecation_time == "2024-01-01T00:10:00.000Z"
    assert h.ids_for(A) == [image.image_id]
    h.clock.move_to(START + timedelta(minutes=10))
    assert h.ids_for(A) == []
    assert h.ids_for(A, include_deprecated=True) == [image.image_id]
    assert h.ids_for(A, image_ids=[image.image_id]) == [image.image_id]
    assert h.ids_for(OWNER) == [image.image_id]
    trace = h.authorize(AccessRequest(A, RUN_INSTANCES, REGION, image)).trace
    assert [(s.layer, s.allowed) for s in trace] == [
        ("launch_permission", True),
        (image_lifecycle.LAYER, True),
    ]
    assert trace[1].evidence == {
        "state": "deprecated",
        "deprecation_time": "2024-01-01T00:10:00.000Z",
    }


def test_deprecation_bounds() -> None:
    h = Harness()
    image = h.image()
    with pytest.raises(InvalidValue) as caught:
        lifecycle.enable_image_deprecation(
            h.env, h.at(), OWNER, image.image_id, START - timedelta(seconds=1)
        )
    assert caught.value.reason == "deprecation_time_past"
    with pytest.raises(InvalidValue) as caught:
        lifecycle.enable_image_deprecation(
            h.env, h.at(), OWNER, image.image_id, START + timedelta(days=3651)
        )
    assert caught.value.reason == "deprecation_time_too_late"
    # Another account neither sees nor deprecates it; one it is shared with may not either.
    with pytest.raises(NotFound):
        lifecycle.enable_image_deprecation(h.env, h.at(), A, image.image_id, START)
    h.share(image, user(A))
    with pytest.raises(NotAuthorized):
        lifecycle.enable_image_deprecation(h.env, h.at(), A, image.image_id, START)


def test_disabling_drops_every_grant_and_enabling_keeps_them_dropped() -> None:
    h = Harness()
    image = h.image()
    h.join(A, ou(1))
    h.share(image, user(B), org_grant(), ou_grant(ou(1)))
    catalog.modify_launch_permissions(
        h.env, h.at(), OWNER, image.image_id, [catalog.Grant("group", "all")], []
    )
    lifecycle.disable_image(h.env, h.at(), OWNER, image.image_id)
    assert image.state == DISABLED
    assert image.launch_permissions.entries == []
    region = h.at()
    assert image.image_id not in region.grants.public
    assert region.grants.by_owner[OWNER] == {image.image_id}
    for account in (A, B):
        assert h.ids_for(account) == []
        assert h.rule(image, account).allowed is False
    assert h.ids_for(OWNER) == []
    assert h.ids_for(OWNER, include_disabled=True) == [image.image_id]
    assert h.ids_for(OWNER, image_ids=[image.image_id]) == []
    with pytest.raises(Conflict) as caught:
        catalog.find_image(h.env, region, OWNER, image.image_id, catalog.LAUNCH)
    assert caught.value.reason == "image_disabled"
    with pytest.raises(NotAuthorized):
        catalog.find_image(h.env, region, A, image.image_id, catalog.LAUNCH)
    with pytest.raises(Conflict):
        h.share(image, user(B))
    # Disabling twice changes nothing; enabling makes it available and private.
    lifecycle.disable_image(h.env, region, OWNER, image.image_id)
    lifecycle.enable_image(h.env, region, OWNER, image.image_id)
    assert image.state == "available" and image.launch_permissions.entries == []
    assert h.ids_for(A) == []
    assert h.ids_for(OWNER) == [image.image_id]


def test_the_lifecycle_layer_for_a_disabled_image() -> None:
    h = Harness()
    image = h.image()
    lifecycle.disable_image(h.env, h.at(), OWNER, image.image_id)
    steps = {
        (who, action): h.authorize(AccessRequest(who, action, REGION, image)).steps(
            image_lifecycle.LAYER
        )[0]
        for who in (OWNER, A)
        for action in (RUN_INSTANCES, DESCRIBE_IMAGES)
    }
    assert {key: step.allowed for key, step in steps.items()} == {
        (OWNER, RUN_INSTANCES): False,
        (OWNER, DESCRIBE_IMAGES): True,
        (A, RUN_INSTANCES): False,
        (A, DESCRIBE_IMAGES): False,
    }
    assert "EnableImage" in steps[(OWNER, RUN_INSTANCES)].reason


def test_protection_and_its_cooldown() -> None:
    h = Harness()
    image = h.image()
    region = h.at()

    def deregistering() -> bool:
        return h.authorize(AccessRequest(OWNER, DEREGISTER_IMAGE, REGION, image)).allowed

    assert deregistering()
    assert lifecycle.enable_protection(h.env, region, OWNER, image.image_id, True) == (
        "enabled-with-cooldown"
    )
    assert not deregistering()
    assert lifecycle.disable_protection(h.env, region, OWNER, image.image_id) == (
        "disabled-until 2024-01-02T00:00:00.000Z"
    )
    assert image.deregistration_protection == "disabled"
    h.clock.move_to(START + timedelta(hours=24) - timedelta(milliseconds=1))
    assert not deregistering()
    with pytest.raises(Conflict) as caught:
        catalog.deregister_image(region, h.env, OWNER, image.image_id)
    assert caught.value.reason == "image_deregistration_protected"
    h.clock.move_to(START + timedelta(hours=24))
    assert lifecycle.protection_shown(image, h.clock()) == "disabled"
    assert deregistering()
    # Enabling again clears the cooldown; without one, lifting is at once.
    assert lifecycle.enable_protection(h.env, region, OWNER, image.image_id, False) == (
        "enabled-without-cooldown"
    )
    assert image.protection_cooldown_until is None
    assert lifecycle.disable_protection(h.env, region, OWNER, image.image_id) == "disabled"
    catalog.deregister_image(region, h.env, OWNER, image.image_id)


def test_cancel_launch_permission() -> None:
    h = Harness()
    image = h.image()
    h.join(A, ou(1))
    h.share(image, user(A), ou_grant(ou(1)), user(B))
    lifecycle.cancel_launch_permission(h.env, h.at(), A, image.image_id)
    assert image.launch_permissions.entries == [ou_grant(ou(1)), user(B)]
    assert h.rule(image, A).via == "ou"
    with pytest.raises(InvalidValue) as caught:
        lifecycle.cancel_launch_permission(h.env, h.at(), A, image.image_id)
    assert caught.value.details["via"] == "ou"
    with pytest.raises(NotAuthorized):
        lifecycle.cancel_launch_permission(h.env, h.at(), OWNER, image.image_id)
    lifecycle.cancel_launch_permission(h.env, h.at(), B, image.image_id)
    with pytest.raises(NotFound):
        lifecycle.cancel_launch_permission(h.env, h.at(), B, image.image_id)


def test_ancestry_stops_at_an_image_the_emulator_does_not_hold() -> None:
    h = Harness()
    root = h.image(name="root")
    child = h.image(name="child")
    child.source_image_id, child.source_image_region = root.image_id, REGION
    grandchild = h.image(name="grandchild")
    grandchild.source_image_id, grandchild.source_image_region = child.image_id, REGION
    chain = lifecycle.image_ancestry(h.env, h.at(), h.ec2.read, OWNER, grandchild.image_id)
    assert [i.image_id for i in chain] == [grandchild.image_id, child.image_id, root.image_id]
    root.source_image_id, root.source_image_region = "ami-0123456789abcdef0", "eu-west-1"
    chain = lifecycle.image_ancestry(h.env, h.at(), h.ec2.read, OWNER, grandchild.image_id)
    assert len(chain) == 3
    # A loop in a hand-written state ends at the first image seen twice.
    root.source_image_id, root.source_image_region = grandchild.image_id, REGION
    chain = lifecycle.image_ancestry(h.env, h.at(), h.ec2.read, OWNER, grandchild.image_id)
    assert len(chain) == 3
