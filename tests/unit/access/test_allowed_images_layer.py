"""The Allowed AMIs layer of the access decision: it runs after the launch permission, says
nothing while the settings are disabled, refuses when enabled and only reports in audit mode."""

from __future__ import annotations

from emulator.core.access.layers import allowed_images, launch_permission
from emulator.core.authorization import DECRYPT, DESCRIBE_IMAGES, RUN_INSTANCES, AccessRequest
from emulator.core.ec2.images import allowed_images as ai
from emulator.core.ec2.images.allowed_images import Criterion
from tests.unit.ec2.ec2_world import OWNER, REGION, Harness, ou, ou_grant

MEMBER = "222222222222"


def harness_with_ou_image() -> tuple[Harness, object]:
    h = Harness()
    h.join(MEMBER, ou(1))
    image = h.image(name="golden")
    h.share(image, ou_grant(ou(1)))
    return h, image


def criteria(h: Harness, state: str, *given: Criterion) -> None:
    table = h.at().allowed_images
    ai.replace_criteria(table, MEMBER, list(given))
    ai.enable(table, MEMBER, state)


def trace(h: Harness, image: object, action: str = RUN_INSTANCES) -> list[tuple[str, bool]]:
    decision = h.authorize(AccessRequest(MEMBER, action, REGION, image))
    return [(s.layer, s.allowed) for s in decision.trace]


def test_disabled_settings_add_no_step() -> None:
    h, image = harness_with_ou_image()
    assert trace(h, image) == [(launch_permission.LAYER, True)]


def test_enabled_criteria_refuse_after_the_grant_allows() -> None:
    h, image = harness_with_ou_image()
    criteria(h, ai.ENABLED, Criterion(providers=("111122223333",)))
    for action in (RUN_INSTANCES, DESCRIBE_IMAGES):
        assert trace(h, image, action) == [
            (launch_permission.LAYER, True),
            (allowed_images.LAYER, False),
        ]
    decision = h.authorize(AccessRequest(MEMBER, RUN_INSTANCES, REGION, image))
    step = decision.refusal
    assert step is not None and step.layer == allowed_images.LAYER
    assert step.reason == (
        f"not allowed by {MEMBER}'s Allowed AMIs criteria: provider {OWNER} not listed."
    )
    assert step.evidence == {
        "state": ai.ENABLED,
        "managed_by": ai.MANAGED_BY_ACCOUNT,
        "image_allowed": False,
        "criterion": None,
    }


def test_audit_mode_allows_and_its_evidence_says_it_would_refuse() -> None:
    h, image = harness_with_ou_image()
    criteria(h, ai.AUDIT_MODE, Criterion(names=("base-*",)))
    decision = h.authorize(AccessRequest(MEMBER, RUN_INSTANCES, REGION, image))
    assert decision.allowed
    (step,) = decision.steps(allowed_images.LAYER)
    assert step.evidence["image_allowed"] is False
    assert step.reason.startswith("Audit mode: nothing is blocked")


def test_a_matching_criterion_is_the_evidence() -> None:
    h, image = harness_with_ou_image()
    criteria(h, ai.ENABLED, Criterion(names=("base-*",)), Criterion(providers=(OWNER,)))
    decision = h.authorize(AccessRequest(MEMBER, RUN_INSTANCES, REGION, image))
    assert decision.allowed
    (step,) = decision.steps(allowed_images.LAYER)
    assert step.evidence["criterion"] == 2


def test_the_layer_runs_even_when_the_grant_refuses_and_ignores_key_actions() -> None:
    h = Harness()
    image = h.image()  # not shared at all
    criteria(h, ai.ENABLED, Criterion(providers=(OWNER,)))
    assert trace(h, image) == [(launch_permission.LAYER, False), (allowed_images.LAYER, True)]
    assert trace(h, image, DECRYPT) == []


def test_the_settings_are_the_principals_in_the_requests_region() -> None:
    h, image = harness_with_ou_image()
    criteria(h, ai.ENABLED, Criterion(providers=("111122223333",)))
    other = AccessRequest(MEMBER, RUN_INSTANCES, "eu-west-1", image)
    assert [s.layer for s in h.authorize(other).trace] == [launch_permission.LAYER]
    owner = AccessRequest(OWNER, RUN_INSTANCES, REGION, image)
    assert h.authorize(owner).allowed
