"""Bounded work for the lifecycle operations: changing one image's lifecycle, cancelling a
share and tracing an ancestry cost the same in a Region of one image and of thousands."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from emulator.core.ec2.images import catalog
from emulator.core.ec2.images.catalog import ImageSpec
from emulator.core.world import World
from emulator.testing import in_process_client
from tests.security.test_bounded_work import assert_same_work
from tests.security.work_meter import work
from tests.unit.ec2.ec2_world import recorded

OWNER, CONSUMER, REGION = "111122223333", "444455556666", "us-east-1"


def _world(others: int) -> tuple[World, Any, Any, str]:
    world = World()
    for i in range(others):
        catalog.register_image(
            world.ec2.env, recorded(world.ec2, REGION), OWNER, ImageSpec(f"other-{i:05d}"), [], {}
        )
    owner = in_process_client(world, "ec2", OWNER, REGION)
    consumer = in_process_client(world, "ec2", CONSUMER, REGION)
    image_id = owner.register_image(Name="golden")["ImageId"]
    copy = owner.copy_image(SourceImageId=image_id, SourceRegion=REGION, Name="golden-copy")
    owner.modify_image_attribute(
        ImageId=copy["ImageId"], LaunchPermission={"Add": [{"UserId": CONSUMER}]}
    )
    return world, owner, consumer, copy["ImageId"]


def _costs(others: int) -> list[int]:
    _, owner, consumer, image_id = _world(others)
    calls = [
        (owner.enable_image_deprecation, {"DeprecateAt": datetime.now(UTC) + timedelta(days=30)}),
        (owner.enable_image_deregistration_protection, {"WithCooldown": True}),
        (owner.disable_image_deregistration_protection, {}),
        (consumer.get_image_ancestry, {}),
        (consumer.cancel_image_launch_permission, {}),
        (owner.disable_image, {}),
        (owner.enable_image, {}),
    ]
    costs = []
    for call, params in calls:
        _, cost = work(call, ImageId=image_id, **params)
        costs.append(cost)
    return costs


def test_lifecycle_calls_do_not_scan_the_region() -> None:
    _costs(1)  # warm-up: first calls import and compile what later ones reuse
    for small, big in zip(_costs(1), _costs(2_000), strict=True):
        assert_same_work(small, big)
