"""The entry point of the access decision: every layer runs, in order, and the trace names
the evidence of each verdict."""

from __future__ import annotations

import json

from emulator.core.access import authorize as entry
from emulator.core.access.layers import (
    allowed_images,
    identity_policy,
    image_lifecycle,
    key_policy,
    launch_permission,
    service_control_policy,
)
from emulator.core.authorization import (
    CREATE_GRANT,
    DECRYPT,
    DESCRIBE_IMAGES,
    RUN_INSTANCES,
    AccessRequest,
    Decision,
)
from emulator.core.ec2.images import catalog
from emulator.core.ec2.images.allowed_images import AllowedImagesSettings
from emulator.core.ec2.images.catalog import ImageSpec
from emulator.core.ec2.images.records import BlockDevice, Image
from emulator.core.ec2.storage import operations as storage
from tests.unit.ec2.ec2_world import OWNER, REGION, Harness, org_grant, ou

A, B = "222222222222", "333333333333"
LAUNCH, KEY = launch_permission.LAYER, key_policy.LAYER


def subtree_policy() -> str:
    """The owner's root may do anything; the accounts under OU 1 may decrypt (Sid "Ou1")."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "Owner",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{OWNER}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                {
                    "Sid": "Ou1",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": ["kms:Describe*", "kms:Decrypt"],
                    "Resource": "*",
                    "Condition": {
                        "ForAnyValue:StringLike": {
                            "aws:PrincipalOrgPaths": [f"o-aaaaaaaaaa/r-aaaa/{ou(1)}/*"]
                        }
                    },
                },
            ],
        }
    )


def encrypted_image(h: Harness) -> tuple[Image, str]:
    """An image over one snapshot under a key the OU 1 subtree may use, shared with the org."""
    key = h.kms.create_key(OWNER, REGION, policy=subtree_policy()).arn
    vol = storage.create_volume(
        h.env,
        h.at(),
        OWNER,
        size=8,
        snapshot_id=None,
        availability_zone=None,
        volume_type=None,
        iops=None,
        throughput=None,
        encrypted=True,
        kms_key_id=key,
        tags={},
    )
    snap = storage.create_snapshot(
        h.env, h.at(), OWNER, volume_id=vol.volume_id, description=None, tags={}
    )
    image = catalog.register_image(
        h.env,
        h.at(),
        OWNER,
        ImageSpec(name="enc"),
        [BlockDevice("/dev/xvda", snap.snapshot_id)],
        {},
    )
    h.share(image, org_grant())
    return image, key


def layers(decision: Decision) -> list[tuple[str, bool]]:
    return [(step.layer, step.allowed) for step in decision.trace]


def test_the_layers_run_in_the_order_of_the_evaluation_chart() -> None:
    # SCPs, identity policies, the EC2 image rules (launch permission, Allowed AMIs, the
    # image's lifecycle), then KMS for the encrypted snapshots.
    assert (
        service_control_policy.steps,
        identity_policy.steps,
        launch_permission.steps,
        allowed_images.steps,
        image_lifecycle.steps,
        key_policy.steps,
    ) == entry.LAYERS


def test_a_launch_is_traced_layer_by_layer_with_its_evidence() -> None:
    h = Harness()
    h.join(A, ou(1))
    h.join(B, ou(2))
    image, key = encrypted_image(h)

    inside = h.authorize(AccessRequest(A, RUN_INSTANCES, REGION, image, (key,)))
    assert inside.allowed and inside.refusal is None
    assert layers(inside) == [(LAUNCH, True), (KEY, True)]
    grant, use = inside.trace
    assert grant.evidence == {"via": "organization", "grant": "o-aaaaaaaaaa"}
    assert grant.reason == (
        f"{image.image_id} is shared with organization o-aaaaaaaaaa, and {A} is a member."
    )
    assert use.evidence == {"key": key, "aws_managed": False, "statement": "Ou1"}

    # The grants allow B; the key does not: the trace shows both, the refusal is the key's.
    outside = h.authorize(AccessRequest(B, RUN_INSTANCES, REGION, image, (key,)))
    assert not outside.allowed
    assert layers(outside) == [(LAUNCH, True), (KEY, False)]
    assert outside.refusal == outside.trace[1]
    assert outside.refusal.evidence == {"key": key, "aws_managed": False, "statement": None}
    assert outside.refusal.reason.startswith("no statement allows arn:aws:iam::333333333333:root")


def test_every_layer_runs_even_after_a_refusal() -> None:
    h = Harness()
    image, key = encrypted_image(h)
    stranger = h.authorize(AccessRequest(A, RUN_INSTANCES, REGION, image, (key,)))
    assert layers(stranger) == [(LAUNCH, False), (KEY, False)]
    assert stranger.refusal == stranger.trace[0]
    assert stranger.refusal.evidence == {"via": "none", "grant": None}
    assert stranger.refusal.reason == (
        f"{image.image_id} is not shared with {A}: no grant names the account, "
        "its organization, or an OU on no organization."
    )


def test_seeing_an_image_asks_only_the_image_rule() -> None:
    h = Harness()
    h.join(B, ou(2))
    image, _ = encrypted_image(h)
    seen = h.authorize(AccessRequest(B, DESCRIBE_IMAGES, REGION, image))
    assert layers(seen) == [(LAUNCH, True)]
    elsewhere = h.authorize(AccessRequest(OWNER, DESCRIBE_IMAGES, "eu-west-1", image))
    assert layers(elsewhere) == [(LAUNCH, False)]


def test_key_actions_ask_only_the_key_policy() -> None:
    h = Harness()
    h.join(A, ou(1))
    _, key = encrypted_image(h)
    own = h.kms.create_key(A, REGION).arn
    assert layers(h.authorize(AccessRequest(A, DECRYPT, REGION, keys=(key, own)))) == [
        (KEY, True),
        (KEY, True),
    ]
    # New storage under another account's key needs every EBS action; under one's own, none.
    storage = h.authorize(AccessRequest(A, CREATE_GRANT, REGION, keys=(own, key)))
    assert layers(storage) == [(KEY, True), (KEY, False)]
    assert storage.trace[0].reason == f"{own} is {A}'s own key"
    missing = key.replace(key.rsplit("/", 1)[1], "00000000-0000-0000-0000-000000000000")
    gone = h.authorize(AccessRequest(A, DECRYPT, REGION, keys=(missing,)))
    assert gone.refusal is not None and gone.refusal.reason == f"key {missing} does not exist"


def test_a_request_no_layer_answers_is_denied() -> None:
    h = Harness()
    nothing = h.authorize(AccessRequest(A, "ec2:TerminateInstances", REGION))
    assert nothing.trace == () and not nothing.allowed and nothing.refusal is None


def test_the_world_hands_ec2_its_own_entry_point() -> None:
    h = Harness()
    image = h.image()
    request = AccessRequest(OWNER, RUN_INSTANCES, REGION, image)
    assert h.ec2.env.authorize(request) == entry.authorize(
        request,
        membership=h.members.get,
        keys=h.kms,
        allowed=lambda account, region: AllowedImagesSettings(),
        now=h.clock(),
        iam=h.iam,
    )
