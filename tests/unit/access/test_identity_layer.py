"""The identity policy layer: an IAM user's or role session's own policies decide, the root
user is not asked, and an explicit deny wins."""

from __future__ import annotations

import json

import pytest

from emulator.core.access.layers import identity_policy, key_policy, launch_permission
from emulator.core.authorization import (
    DECRYPT,
    DESCRIBE_IMAGES,
    MODIFY_IMAGE_ATTRIBUTE,
    RUN_INSTANCES,
    AccessRequest,
    acting_as,
    unauthorized,
)
from emulator.core.ec2.images import catalog
from emulator.core.errors import NotAuthorized
from emulator.core.iam.principals import USER, Principal, root
from tests.unit.ec2.ec2_world import OWNER, REGION, Harness

LAYER = identity_policy.LAYER


def policy(effect: str, action: str, resource: str = "*") -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": effect, "Action": action, "Resource": resource}],
        }
    )


def alice(h: Harness, *documents: str) -> Principal:
    user = h.iam.create_user(OWNER, "alice")
    for i, document in enumerate(documents):
        h.iam.put_inline_policy(OWNER, "user", "alice", f"p{i}", document)
    return Principal(OWNER, USER, user.arn, user.id, user.name)


def image(h: Harness):
    return h.image()


def test_the_root_user_and_questions_outside_a_request_are_not_asked() -> None:
    h = Harness()
    made = image(h)
    for caller in (None, root(OWNER)):
        request = AccessRequest(OWNER, RUN_INSTANCES, REGION, made, caller=caller)
        assert [s.layer for s in h.authorize(request).trace] == [launch_permission.LAYER]


def test_a_user_needs_an_allow_for_the_image() -> None:
    h = Harness()
    made = image(h)
    arn = f"arn:aws:ec2:{REGION}::image/{made.image_id}"
    nobody = alice(h)
    decision = h.authorize(AccessRequest(OWNER, RUN_INSTANCES, REGION, made, caller=nobody))
    assert not decision.allowed and decision.refusal.layer == LAYER
    assert decision.refusal.evidence["resource"] == arn
    assert decision.refusal.evidence["effect"] == "ImplicitDeny"
    h.iam.put_inline_policy(OWNER, "user", "alice", "run", policy("Allow", "ec2:RunInstances", arn))
    assert h.authorize(AccessRequest(OWNER, RUN_INSTANCES, REGION, made, caller=nobody)).allowed
    other = policy("Allow", "ec2:RunInstances", f"arn:aws:ec2:{REGION}::image/ami-00000000")
    h.iam.put_inline_policy(OWNER, "user", "alice", "run", other)
    assert not h.authorize(AccessRequest(OWNER, RUN_INSTANCES, REGION, made, caller=nobody)).allowed


def test_an_explicit_deny_wins_and_is_answered_as_ec2_does() -> None:
    h = Harness()
    made = image(h)
    me = alice(h, policy("Allow", "ec2:*"), policy("Deny", "ec2:ModifyImageAttribute"))
    request = AccessRequest(OWNER, MODIFY_IMAGE_ATTRIBUTE, REGION, made, caller=me)
    refusal = h.authorize(request).refusal
    assert refusal is not None and refusal.evidence["effect"] == "Deny"
    assert refusal.evidence["policy"] == "p1"
    err = unauthorized(refusal)
    assert err.reason == "unauthorized_operation"
    assert err.details["because"] == "with an explicit deny in an identity-based policy"
    with acting_as(me), pytest.raises(NotAuthorized) as caught:
        catalog.modify_image_attribute(h.env, h.at(), OWNER, made.image_id, "description", "d")
    assert caught.value.details["action"] == "ec2:ModifyImageAttribute"


def test_describe_images_is_asked_once_per_call() -> None:
    h = Harness()
    image(h)
    me = alice(h)
    with acting_as(me), pytest.raises(NotAuthorized) as caught:
        catalog.describe_images(h.env, h.at(), OWNER)
    assert caught.value.details["resource"] == "*"
    h.iam.put_inline_policy(OWNER, "user", "alice", "read", policy("Allow", "ec2:Describe*"))
    with acting_as(me):
        assert len(catalog.describe_images(h.env, h.at(), OWNER)) == 1
    per_image = AccessRequest(OWNER, DESCRIBE_IMAGES, REGION, image(h), caller=me)
    assert LAYER not in [s.layer for s in h.authorize(per_image).trace]


def test_keys_need_the_identity_policy_too() -> None:
    h = Harness()
    key = h.kms.create_key(OWNER, REGION).arn
    me = alice(h)
    steps = h.authorize(AccessRequest(OWNER, DECRYPT, REGION, keys=(key,), caller=me)).trace
    assert [(s.layer, s.allowed) for s in steps] == [(LAYER, False), (key_policy.LAYER, True)]
    h.iam.put_inline_policy(OWNER, "user", "alice", "kms", policy("Allow", "kms:Decrypt", key))
    assert h.authorize(AccessRequest(OWNER, DECRYPT, REGION, keys=(key,), caller=me)).allowed
