"""Image usage reports in the core: the states on the clock, AWS's quotas, expiry,
idempotency, and the resource counters."""

from __future__ import annotations

from datetime import timedelta

import pytest

from emulator.core.ec2.images import catalog
from emulator.core.ec2.images import usage_reports as ur
from emulator.core.ec2.images.catalog import ImageSpec
from emulator.core.ec2.images.usage_report_records import Entry, ResourceTypeRequest
from emulator.core.ec2.instances import operations as instances
from emulator.core.ec2.instances.operations import LaunchSpec
from emulator.core.errors import CoreError
from emulator.core.world import World
from tests.unit.ec2.ec2_world import OWNER, REGION, Harness, user

USER = "222222222222"
INSTANCES = [ResourceTypeRequest(ur.INSTANCE)]


def shared_and_used(h: Harness) -> str:
    image = h.image()
    h.share(image, user(USER))
    instances.run_instances(
        h.env, h.at(), USER, LaunchSpec(image_id=image.image_id, min_count=2, max_count=2)
    )
    return image.image_id


def create(h: Harness, image_id: str, **extra: object) -> ur.UsageReport:
    return ur.create_report(
        h.env,
        h.at(),
        OWNER,
        image_id=image_id,
        resource_types=INSTANCES,
        account_ids=[],
        tags={},
        **extra,
    )


def describe(h: Harness) -> list[ur.UsageReport]:
    return ur.describe_reports(h.env, h.at(), OWNER, image_ids=[], report_ids=[], filters=[])


def test_a_report_is_pending_at_its_creation_instant_and_available_after() -> None:
    h = Harness()
    report = create(h, shared_and_used(h))
    assert report.state(h.env.now()) == ur.PENDING
    assert ur.describe_entries(h.env, h.at(), OWNER, image_ids=[], report_ids=[], filters=[]) == []
    h.advance(timedelta(milliseconds=1))
    assert report.state(h.env.now()) == ur.AVAILABLE
    (row,) = ur.describe_entries(h.env, h.at(), OWNER, image_ids=[], report_ids=[], filters=[])
    assert row.entry == Entry(ur.INSTANCE, USER, 2)


def test_one_pending_report_per_image() -> None:
    h = Harness()
    image_id = shared_and_used(h)
    create(h, image_id)
    with pytest.raises(CoreError) as caught:
        create(h, image_id)
    assert caught.value.reason == "usage_report_image_limit"
    h.advance(timedelta(seconds=1))
    create(h, image_id)


def test_the_pending_limit_per_account(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ur, "MAX_PENDING_PER_ACCOUNT", 2)
    h = Harness()
    create(h, h.image().image_id)
    create(h, h.image().image_id)
    with pytest.raises(CoreError) as caught:
        create(h, h.image().image_id)
    assert caught.value.reason == "usage_report_account_limit"


def test_reports_are_gone_thirty_days_after_creation() -> None:
    h = Harness()
    report = create(h, shared_and_used(h))
    h.advance(timedelta(days=30) - timedelta(milliseconds=1))
    assert describe(h) == [report]
    h.advance(timedelta(milliseconds=1))
    assert describe(h) == []
    create(h, report.image_id)  # the next change also drops the expired record
    assert report.report_id not in h.at().usage_reports


def test_a_client_token_makes_the_create_idempotent() -> None:
    h = Harness()
    image_id = shared_and_used(h)
    first = create(h, image_id, client_token="token-1")
    assert create(h, image_id, client_token="token-1") is first
    assert len(h.at().usage_reports) == 1


def test_a_resource_type_without_a_counter_reports_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    h = Harness()
    image_id = shared_and_used(h)
    templates = [ResourceTypeRequest(ur.LAUNCH_TEMPLATE)]
    report = ur.create_report(
        h.env, h.at(), OWNER, image_id=image_id, resource_types=templates, account_ids=[], tags={}
    )
    assert report.entries == []
    # A counter for the type (launch templates bring one) is all a new kind needs; it gets
    # the type's options, with AWS's default version depth.
    seen: list[dict] = []

    def templates_counter(region: object, image: str, options: dict) -> dict[str, int]:
        seen.append(options)
        return {USER: 3}

    monkeypatch.setitem(ur.COUNTERS, ur.LAUNCH_TEMPLATE, templates_counter)
    h.advance(timedelta(seconds=1))
    report = ur.create_report(
        h.env, h.at(), OWNER, image_id=image_id, resource_types=templates, account_ids=[], tags={}
    )
    assert report.entries == [Entry(ur.LAUNCH_TEMPLATE, USER, 3)]
    assert seen == [{"version-depth": ["20"]}]


def test_reports_round_trip_through_the_state_file() -> None:
    world = World()
    env = world.ec2.env
    with world.ec2.write(REGION) as region:
        made = catalog.register_image(env, region, OWNER, ImageSpec(name="golden"), [], {})
        report = ur.create_report(
            env,
            region,
            OWNER,
            image_id=made.image_id,
            resource_types=INSTANCES,
            account_ids=[USER],
            tags={"image-usage-report": {"k": "v"}},
        )
    world.load(world.to_dict())
    restored = world.ec2.regions[REGION].usage_reports[report.report_id]
    assert restored == report
    assert world.ec2.regions[REGION].tags.get(report.report_id, OWNER) == {"k": "v"}
