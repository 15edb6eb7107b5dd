"""Allowed AMIs in the core: the checks the wire cannot reach, the matcher's rules, the clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from emulator.core.ec2.images import allowed_images as ai
from emulator.core.ec2.images.allowed_images import (
    AllowedImagesSettings,
    Criterion,
    ScanResultCondition,
    WatermarkFilter,
)
from emulator.core.errors import CoreError
from emulator.core.world import World
from tests.unit.ec2.ec2_world import OWNER, REGION, Harness

CONSUMER = "222222222222"


def reason(criteria: list[Criterion]) -> tuple[str, dict]:
    with pytest.raises(CoreError) as caught:
        ai.check_criteria(criteria)
    return caught.value.reason, caught.value.details


@pytest.mark.parametrize(
    ("criterion", "expected"),
    [
        (Criterion(), "image_criterion_empty"),
        (Criterion(max_days_since_created=-1), "parameter_value_invalid"),
        (Criterion(max_days_since_deprecated=ai.MAX_DAYS + 1), "parameter_value_invalid"),
        (Criterion(watermarks=(WatermarkFilter(),)), "watermark_filter_empty"),
        (
            Criterion(watermarks=(WatermarkFilter(max_days_since_watermark_created=-2),)),
            "parameter_value_invalid",
        ),
        (Criterion(scan_result=ScanResultCondition()), "scan_result_condition_empty"),
        (
            Criterion(scan_result=ScanResultCondition(fix_days=(("high", -1),))),
            "parameter_value_invalid",
        ),
        (Criterion(names=("x" * 129,)), "image_name_criterion_invalid"),
        (Criterion(product_codes=("a" * 26,)), "product_code_criterion_invalid"),
    ],
)
def test_checks_the_wire_cannot_reach_answer_awss_errors(
    criterion: Criterion, expected: str
) -> None:
    assert reason([criterion])[0] == expected


def test_a_negative_day_count_names_its_parameter() -> None:
    assert reason([Criterion(max_days_since_created=-1)])[1] == {
        "name": "MaximumDaysSinceCreated",
        "value": -1,
    }


def test_the_limits_are_awss() -> None:
    ai.check_criteria([Criterion(providers=("amazon",))] * 10)
    ai.check_criteria([Criterion(providers=tuple(f"{n:012d}" for n in range(200)))])
    ai.check_criteria([Criterion(names=tuple(f"n{n}" for n in range(50)))])
    assert reason([Criterion(providers=("amazon",))] * 11)[0] == "image_criteria_limit"


def settings(*criteria: Criterion, state: str = ai.ENABLED) -> AllowedImagesSettings:
    return AllowedImagesSettings(state, list(criteria))


def test_disabled_settings_give_no_verdict_and_the_owner_is_always_allowed() -> None:
    h = Harness()
    image = h.image()
    assert ai.evaluate(settings(state=ai.DISABLED), image, CONSUMER, h.clock()) is None
    verdict = ai.evaluate(settings(), image, OWNER, h.clock())
    assert verdict is not None and verdict.allowed


def test_the_first_matching_criterion_is_named_and_misses_say_why() -> None:
    h = Harness()
    image = h.image(name="golden-web")
    verdict = ai.evaluate(
        settings(Criterion(providers=("amazon",)), Criterion(names=("golden-*",))),
        image,
        CONSUMER,
        h.clock(),
    )
    assert verdict == ai.Verdict(True, 2, f"{image.image_id} matches criterion 2.")
    verdict = ai.evaluate(
        settings(Criterion(providers=("123456789012",)), Criterion(product_codes=("abc",))),
        image,
        CONSUMER,
        h.clock(),
    )
    assert verdict is not None and not verdict.allowed
    assert verdict.reason == (
        f"criterion 1: provider {OWNER} not listed; "
        f"criterion 2: {image.image_id} has no Marketplace product code"
    )


def test_aliases_watermarks_and_scans_match_no_emulated_image() -> None:
    h = Harness()
    image = h.image()
    for criterion in (
        Criterion(providers=("amazon", "aws-marketplace", "aws-backup-vault")),
        Criterion(providers=("none",)),
        Criterion(watermarks=(WatermarkFilter(key="*"),)),
        Criterion(scan_result=ScanResultCondition(maximum_severity_label="critical")),
    ):
        verdict = ai.evaluate(settings(criterion), image, CONSUMER, h.clock())
        assert verdict is not None and not verdict.allowed, criterion


def test_creation_age_follows_the_clock() -> None:
    h = Harness()
    image = h.image()
    within = settings(Criterion(max_days_since_created=2))
    assert ai.image_allowed(within, image, CONSUMER, h.clock() + timedelta(days=1, hours=23))
    assert not ai.image_allowed(within, image, CONSUMER, h.clock() + timedelta(days=2))


def test_deprecation_counts_only_once_the_deprecation_time_has_passed() -> None:
    h = Harness()
    image = h.image()
    image.deprecation_time = "2024-01-03T00:00:00.000Z"  # the deprecation record's field
    none_deprecated = settings(Criterion(max_days_since_deprecated=0))
    assert ai.image_allowed(none_deprecated, image, CONSUMER, h.clock())
    assert not ai.image_allowed(none_deprecated, image, CONSUMER, h.clock() + timedelta(days=2))
    week = settings(Criterion(max_days_since_deprecated=7))
    assert ai.image_allowed(week, image, CONSUMER, h.clock() + timedelta(days=8))
    assert not ai.image_allowed(week, image, CONSUMER, h.clock() + timedelta(days=9))


def test_settings_managed_by_a_declarative_policy_cannot_be_changed_in_the_account() -> None:
    table = {CONSUMER: AllowedImagesSettings(managed_by=ai.MANAGED_BY_POLICY)}
    for change in (
        lambda: ai.enable(table, CONSUMER, ai.ENABLED),
        lambda: ai.disable(table, CONSUMER),
        lambda: ai.replace_criteria(table, CONSUMER, []),
    ):
        with pytest.raises(CoreError) as caught:
            change()
        assert caught.value.reason == "allowed_images_managed_by_policy"


def test_default_settings_leave_no_record() -> None:
    table: dict[str, AllowedImagesSettings] = {}
    ai.enable(table, CONSUMER, ai.AUDIT_MODE)
    assert CONSUMER in table
    ai.disable(table, CONSUMER)
    assert table == {}


def test_the_state_file_keeps_every_criterion_and_refuses_one_over_the_limits() -> None:
    world = World()
    every = Criterion(
        providers=("amazon", OWNER),
        names=("golden-*",),
        product_codes=("abc123",),
        max_days_since_created=30,
        max_days_since_deprecated=0,
        watermarks=(WatermarkFilter(key="1:*", max_days_since_watermark_created=3),),
        scan_result=ScanResultCondition(
            max_days_since_last_finding_scan=7,
            maximum_severity_label="high",
            fix_days=(("critical", 1),),
        ),
    )
    with world.ec2.write(REGION) as region:
        ai.replace_criteria(region.allowed_images, CONSUMER, [every])
        ai.enable(region.allowed_images, CONSUMER, ai.AUDIT_MODE)
    saved = world.to_dict()
    world.load(saved)
    restored = world.ec2.regions[REGION].allowed_images[CONSUMER]
    assert restored == AllowedImagesSettings(ai.AUDIT_MODE, [every])
    bad = world.to_dict()
    bad["ec2"]["regions"][REGION]["allowed_images"][CONSUMER]["criteria"] *= 11
    with pytest.raises(Exception, match=r"allowed_images\.222222222222\.criteria"):
        world.load(bad)
