"""The Allowed AMIs matcher against a small reference: criteria OR together, the parameters
of a criterion AND together, the values of a list OR together, owners always allowed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from emulator.core.ec2.images import allowed_images as ai
from emulator.core.ec2.images.allowed_images import AllowedImagesSettings, Criterion

NOW = datetime(2025, 6, 1, tzinfo=UTC)
ACCOUNTS = ["111111111111", "222222222222", "333333333333"]
CALLER = "222222222222"
PROVIDERS = [*ACCOUNTS, "amazon", "aws-marketplace"]


@dataclass
class FakeImage:
    """The fields the matcher reads."""

    image_id: str
    owner: str
    name: str
    creation_date: str
    deprecation_time: str | None = None


def ec2_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def reference_name(pattern: str, name: str) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, name, re.DOTALL) is not None


def reference(criteria: list[Criterion], image: FakeImage, caller: str) -> bool:
    if image.owner == caller:
        return True

    def age(moment: str) -> float:
        return (NOW - datetime.fromisoformat(moment.replace("Z", "+00:00"))).total_seconds()

    def one(c: Criterion) -> bool:
        checks = []
        if c.providers:
            checks.append(image.owner in c.providers)
        if c.names:
            checks.append(any(reference_name(p, image.name) for p in c.names))
        if c.max_days_since_created is not None:
            checks.append(age(image.creation_date) < c.max_days_since_created * 86_400)
        if c.max_days_since_deprecated is not None and image.deprecation_time is not None:
            since = age(image.deprecation_time)
            checks.append(since < 0 or since < c.max_days_since_deprecated * 86_400)
        return all(checks)

    return any(one(c) for c in criteria)


names = st.text(alphabet="ab-.", min_size=1, max_size=8)
patterns = st.text(alphabet="ab-.*?", min_size=1, max_size=6).filter(
    lambda p: "?" not in p or len(p) >= 3
)
criteria = st.builds(
    Criterion,
    providers=st.lists(st.sampled_from(PROVIDERS), max_size=3, unique=True).map(tuple),
    names=st.lists(patterns, max_size=3).map(tuple),
    max_days_since_created=st.none() | st.integers(0, 40),
    max_days_since_deprecated=st.none() | st.integers(0, 40),
).filter(lambda c: not c.is_empty)
images = st.builds(
    FakeImage,
    image_id=st.just("ami-12345678"),
    owner=st.sampled_from(ACCOUNTS),
    name=names,
    creation_date=st.integers(0, 60 * 86_400).map(lambda s: ec2_time(NOW - timedelta(seconds=s))),
    deprecation_time=st.none()
    | st.integers(-20 * 86_400, 60 * 86_400).map(lambda s: ec2_time(NOW - timedelta(seconds=s))),
)


@given(st.lists(criteria, max_size=ai.MAX_CRITERIA), images)
def test_the_matcher_agrees_with_the_reference(given_criteria: list[Criterion], image) -> None:
    ai.check_criteria(given_criteria)
    for state in (ai.ENABLED, ai.AUDIT_MODE):
        settings = AllowedImagesSettings(state, given_criteria)
        assert ai.image_allowed(settings, image, CALLER, NOW) == reference(
            given_criteria, image, CALLER
        )
    disabled = AllowedImagesSettings(ai.DISABLED, given_criteria)
    assert ai.image_allowed(disabled, image, CALLER, NOW) is None


@given(st.lists(criteria, min_size=1, max_size=4), images)
def test_adding_a_criterion_never_takes_an_allowance_away(
    given_criteria: list[Criterion], image
) -> None:
    fewer = AllowedImagesSettings(ai.ENABLED, given_criteria[:-1])
    more = AllowedImagesSettings(ai.ENABLED, given_criteria)
    if ai.image_allowed(fewer, image, CALLER, NOW):
        assert ai.image_allowed(more, image, CALLER, NOW)
