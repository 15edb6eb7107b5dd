"""The EC2 core with KMS keys: key choice, sharing rules, launches, copies, snapshot sharing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from emulator.api.ec2.errors import EC2_ERRORS
from emulator.core.ec2.images import catalog
from emulator.core.ec2.images.catalog import ImageSpec
from emulator.core.ec2.images.launch_permissions import GROUP, Grant
from emulator.core.ec2.images.records import BlockDevice, Image
from emulator.core.ec2.instances import operations as instances
from emulator.core.ec2.instances.operations import KMS_FAILURE_REASON, LaunchSpec
from emulator.core.ec2.state import Ec2State
from emulator.core.ec2.storage import operations as storage
from emulator.core.ec2.storage import snapshot_permissions
from emulator.core.errors import CoreError, InvalidValue, NotAuthorized, NotFound
from emulator.core.explain import access, explain
from emulator.core.world import World
from tests.unit.ec2.ec2_world import OWNER, REGION, Harness, org_grant, ou, recorded, user

A, B = "222222222222", "333333333333"


def aws(err: CoreError) -> tuple[str, str]:
    out = EC2_ERRORS.to_aws(err)
    return out.code, out.message


def org_policy(owner: str = OWNER, ou_pattern: str | None = None) -> str:
    """The owner's default statement plus an organization (or OU subtree) statement."""
    condition: dict[str, Any] = {"StringEquals": {"aws:PrincipalOrgID": "o-aaaaaaaaaa"}}
    if ou_pattern:
        condition["ForAnyValue:StringLike"] = {"aws:PrincipalOrgPaths": [ou_pattern]}
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{owner}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": ["kms:Describe*", "kms:Decrypt"],
                    "Resource": "*",
                    "Condition": condition,
                },
            ],
        }
    )


def volume(h: Harness | World, account: str = OWNER, **kwargs: Any):
    args = {
        "size": 8,
        "snapshot_id": None,
        "availability_zone": None,
        "volume_type": None,
        "iops": None,
        "throughput": None,
        "encrypted": True,
        "kms_key_id": None,
        "tags": {},
    }
    return storage.create_volume(h.ec2.env, recorded(h.ec2, REGION), account, **{**args, **kwargs})


def encrypted_image(h: Harness | World, key_ref: str | None, name: str = "enc") -> Image:
    vol = volume(h, kms_key_id=key_ref)
    snap = storage.create_snapshot(
        h.ec2.env,
        recorded(h.ec2, REGION),
        OWNER,
        volume_id=vol.volume_id,
        description=None,
        tags={},
    )
    return catalog.register_image(
        h.ec2.env,
        recorded(h.ec2, REGION),
        OWNER,
        ImageSpec(name=name),
        [BlockDevice("/dev/xvda", snapshot_id=snap.snapshot_id)],
        {},
    )


def run(h: Harness, account: str, image: Image, devices: list[BlockDevice] | None = None):
    (instance,) = instances.run_instances(
        h.env,
        h.at(),
        account,
        LaunchSpec(
            image_id=image.image_id,
            min_count=1,
            max_count=1,
            block_devices=devices or [],
        ),
    )[0]
    return instance


def copy(h: Harness, account: str, image: Image, name: str = "copy", region: str = REGION, **kw):
    args = {"encrypted": None, "kms_key_id": None, "copy_tags": False, "tags": {}}
    return catalog.copy_image(
        h.env,
        h.ec2.read(REGION),
        h.at(region),
        account,
        source_image_id=image.image_id,
        name=name,
        description=None,
        **{**args, **kw},
    )


# ---- which key a new volume gets ---------------------------------------------------------


def test_keys_are_stored_as_arns_and_aws_ebs_is_the_default() -> None:
    h = Harness()
    kms = h.env.keys
    key = kms.create_key(OWNER, REGION)
    kms.create_alias(OWNER, REGION, "alias/mine", key.key_id)
    assert volume(h, kms_key_id="alias/mine").kms_key_id == key.arn
    assert volume(h, kms_key_id=key.key_id).kms_key_id == key.arn
    default = volume(h).kms_key_id
    assert default == kms.aws_ebs_key(OWNER, REGION) and kms.is_aws_managed(default)
    assert volume(h, encrypted=None).kms_key_id is None


def test_key_errors() -> None:
    h = Harness()
    with pytest.raises(InvalidValue) as without:
        volume(h, encrypted=None, kms_key_id="alias/aws/ebs")
    assert aws(without.value)[0] == "InvalidParameterDependency"
    with pytest.raises(NotFound) as missing:
        volume(h, kms_key_id="alias/missing")
    assert aws(missing.value) == (
        "InvalidKMSKey.NotFound",
        "The KMS key 'alias/missing' does not exist in us-east-1.",
    )
    assert h.ec2.read(REGION).volumes == {}


def test_volume_from_an_encrypted_snapshot_keeps_or_changes_its_key() -> None:
    h = Harness()
    first, second = (
        h.env.keys.create_key(OWNER, REGION),
        h.env.keys.create_key(OWNER, REGION),
    )
    snap = storage.create_snapshot(
        h.env,
        h.at(),
        OWNER,
        volume_id=volume(h, kms_key_id=first.arn).volume_id,
        description=None,
        tags={},
    )
    assert volume(h, encrypted=None, snapshot_id=snap.snapshot_id).kms_key_id == first.arn
    assert volume(h, snapshot_id=snap.snapshot_id, kms_key_id=second.arn).kms_key_id == second.arn


# ---- sharing -----------------------------------------------------------------------------


def test_aws_ebs_images_are_not_shared_and_encrypted_ones_not_public() -> None:
    h = Harness()
    image = encrypted_image(h, None)
    for grant in (user(A), org_grant()):
        with pytest.raises(InvalidValue) as refused:
            h.share(image, grant)
        assert aws(refused.value)[0] == "InvalidParameter"
    assert image.launch_permissions.entries == []
    with pytest.raises(InvalidValue) as scenario:
        catalog.add_grants(h.env, h.at(), image.image_id, [org_grant()])
    assert scenario.value.reason == "aws_managed_key_shared"
    cmk = encrypted_image(h, h.env.keys.create_key(OWNER, REGION).arn, "cmk")
    h.share(cmk, user(A))
    with pytest.raises(InvalidValue) as public:
        h.share(cmk, Grant(GROUP, "all"))
    assert aws(public.value)[0] == "UnsupportedOperation"
    assert cmk.launch_permissions.entries == [user(A)]


# ---- launching ---------------------------------------------------------------------------


def test_launch_is_running_only_for_accounts_the_key_allows() -> None:
    h = Harness()
    h.join(A, ou(1))
    h.join(B, ou(2))
    key = h.env.keys.create_key(
        OWNER, REGION, policy=org_policy(ou_pattern=f"o-aaaaaaaaaa/r-aaaa/{ou(1)}/*")
    )
    image = encrypted_image(h, key.arn)
    h.share(image, org_grant())
    assert run(h, OWNER, image).state == "running"
    inside = run(h, A, image)
    assert (inside.state, inside.state_reason) == ("running", None)
    assert len(inside.volume_ids) == 1
    outside = run(h, B, image)
    assert outside.state == "terminated"
    assert outside.state_reason == KMS_FAILURE_REASON
    assert outside.state_transition_reason == "Client.InternalError"
    assert outside.volume_ids == []
    # Moving B into the subtree admits it on the next launch.
    h.join(B, ou(1), ou(3))
    assert run(h, B, image).state == "running"


def test_disabled_and_pending_deletion_keys_stop_the_owner() -> None:
    h = Harness()
    kms = h.env.keys
    key = kms.create_key(OWNER, REGION)
    image = encrypted_image(h, key.arn)
    kms.disable_key(OWNER, REGION, key.key_id)
    assert run(h, OWNER, image).state == "terminated"
    kms.enable_key(OWNER, REGION, key.key_id)
    assert run(h, OWNER, image).state == "running"
    kms.schedule_key_deletion(OWNER, REGION, key.key_id, 7)
    assert run(h, OWNER, image).state == "terminated"


def test_rekeying_at_launch_still_needs_the_snapshot_key() -> None:
    h = Harness()
    h.join(A)
    key = h.env.keys.create_key(OWNER, REGION)  # default policy: the owner only
    image = encrypted_image(h, key.arn)
    h.share(image, user(A))
    own = h.env.keys.create_key(A, REGION)
    override = BlockDevice("/dev/xvda", encrypted=True, kms_key_id=own.arn)
    assert run(h, A, image, [override]).state == "terminated"


# ---- copying -----------------------------------------------------------------------------


def test_copy_needs_snapshot_access_and_key_use() -> None:
    h = Harness()
    h.join(A, ou(1))
    key = h.env.keys.create_key(OWNER, REGION)
    image = encrypted_image(h, key.arn)
    h.share(image, org_grant())
    with pytest.raises(NotAuthorized) as refused:
        copy(h, A, image)
    assert aws(refused.value) == (
        "InvalidRequest",
        "You do not have permission to access the storage of this ami",
    )
    snapshot_permissions.modify(h.env, h.at(), OWNER, image.snapshot_ids[0], [("UserId", A)], [])
    with pytest.raises(NotAuthorized) as key_refused:
        copy(h, A, image)
    assert aws(key_refused.value)[0] == "InvalidRequest"
    assert key.arn in aws(key_refused.value)[1]
    h.env.keys.put_key_policy(OWNER, REGION, key.key_id, org_policy())
    mine = copy(h, A, image)
    assert mine.block_devices[0].kms_key_id == h.env.keys.aws_ebs_key(A, REGION)
    # The owner keeps its key in its Region, and needs no snapshot permission.
    assert copy(h, OWNER, image).block_devices[0].kms_key_id == key.arn


def test_copy_never_decrypts_and_the_key_must_be_in_the_destination() -> None:
    h = Harness()
    key = h.env.keys.create_key(OWNER, REGION)
    image = encrypted_image(h, key.arn)
    with pytest.raises(InvalidValue) as decrypt:
        copy(h, OWNER, image, encrypted=False)
    assert aws(decrypt.value)[0] == "InvalidRequest"
    with pytest.raises(NotFound):
        copy(h, OWNER, image, region="eu-west-1", encrypted=True, kms_key_id=key.arn)
    west = copy(h, OWNER, image, region="eu-west-1")
    assert west.block_devices[0].kms_key_id == h.env.keys.aws_ebs_key(OWNER, "eu-west-1")


# ---- snapshot permissions ----------------------------------------------------------------


def test_snapshot_permissions_and_describe_snapshots() -> None:
    h = Harness()
    snap = storage.create_snapshot(
        h.env,
        h.at(),
        OWNER,
        volume_id=volume(h, encrypted=None).volume_id,
        description=None,
        tags={},
    )
    sid = snap.snapshot_id

    def seen(account: str, **kwargs: Any) -> list[str]:
        args = {"snapshot_ids": [], "owner_ids": [], "restorable_by": [], "filters": []}
        found = storage.describe_snapshots(h.ec2.read(REGION), account, **{**args, **kwargs})
        return [s.snapshot_id for s in found]

    assert seen(A) == []
    snapshot_permissions.modify(h.env, h.at(), OWNER, sid, [("UserId", A), ("UserId", A)], [])
    assert (
        snapshot_permissions.permissions(h.ec2.read(REGION), OWNER, sid, "createVolumePermission")
        is snap
    )
    assert snap.create_volume_permissions == [A]
    assert seen(A) == [sid] and seen(A, restorable_by=["self"]) == [sid]
    assert seen(A, owner_ids=["self"]) == [] and seen(B) == []
    assert seen(OWNER, restorable_by=[A]) == [sid] and seen(OWNER, restorable_by=[B]) == []
    with pytest.raises(NotAuthorized) as not_owner:
        snapshot_permissions.modify(h.env, h.at(), A, sid, [("UserId", B)], [])
    assert aws(not_owner.value) == ("AuthFailure", f"Not authorized for snapshot:{sid}")
    with pytest.raises(NotFound):
        snapshot_permissions.reset(h.at(), B, sid, "createVolumePermission")
    snapshot_permissions.modify(h.env, h.at(), OWNER, sid, [("Group", "all")], [])
    assert seen(B, restorable_by=["all"]) == [sid]
    snapshot_permissions.reset(h.at(), OWNER, sid, "createVolumePermission")
    assert snap.create_volume_permissions == [] and seen(A) == []
    # AWS answers InvalidAMIAttributeItemValue here as for images (see test_fidelity_ec2).
    for bad, item in (([("UserId", "12")], "userId"), ([("Group", "everyone")], "UserGroup")):
        with pytest.raises(InvalidValue) as invalid:
            snapshot_permissions.modify(h.env, h.at(), OWNER, sid, bad, [])
        value = bad[0][1]
        assert aws(invalid.value) == (
            "InvalidAMIAttributeItemValue",
            f'Invalid attribute item value "{value}" for {item} item type.',
        )
    with pytest.raises(InvalidValue) as both:
        snapshot_permissions.modify(h.env, h.at(), OWNER, sid, [("UserId", A)], [("UserId", B)])
    assert aws(both.value)[0] == "InvalidParameterCombination"


def test_encrypted_snapshots_sharing_limits() -> None:
    h = Harness()
    default = storage.create_snapshot(
        h.env,
        h.at(),
        OWNER,
        volume_id=volume(h).volume_id,
        description=None,
        tags={},
    )
    with pytest.raises(InvalidValue) as refused:
        snapshot_permissions.modify(h.env, h.at(), OWNER, default.snapshot_id, [("UserId", A)], [])
    assert aws(refused.value) == (
        "OperationNotPermitted",
        "Encrypted snapshots with EBS default key cannot be shared",
    )
    key = h.env.keys.create_key(OWNER, REGION)
    cmk = storage.create_snapshot(
        h.env,
        h.at(),
        OWNER,
        volume_id=volume(h, kms_key_id=key.arn).volume_id,
        description=None,
        tags={},
    )
    with pytest.raises(InvalidValue) as public:
        snapshot_permissions.modify(h.env, h.at(), OWNER, cmk.snapshot_id, [("Group", "all")], [])
    assert aws(public.value)[0] == "UnsupportedOperation"
    snapshot_permissions.modify(h.env, h.at(), OWNER, cmk.snapshot_id, [("UserId", A)], [])
    assert cmk.create_volume_permissions == [A]


# ---- state survives snapshot / restore, and the World wires one KMS ----------------------


def test_world_load_keeps_ec2_on_the_worlds_kms() -> None:
    world = World()
    key = world.kms.create_key(OWNER, REGION)
    vol = volume(world, kms_key_id=key.key_id)
    snap = storage.create_snapshot(
        world.ec2.env,
        recorded(world.ec2, REGION),
        OWNER,
        volume_id=vol.volume_id,
        description=None,
        tags={},
    )
    snapshot_permissions.modify(
        world.ec2.env, recorded(world.ec2, REGION), OWNER, snap.snapshot_id, [("UserId", A)], []
    )
    world.load(world.to_dict())
    assert world.ec2.env.keys is world.kms
    restored = world.ec2.regions[REGION].snapshots[snap.snapshot_id]
    assert (restored.kms_key_id, restored.create_volume_permissions) == (key.arn, [A])
    loaded = Ec2State.from_dict(
        world.ec2.to_dict(),
        ids=world.ids,
        clock=world.clock,
        membership=world.orgs.membership,
        config=world.config,
        authorize=world.authorize,
        keys=world.kms,
    )
    assert loaded.to_dict() == world.ec2.to_dict()


def test_explain_and_access_tell_the_key_side() -> None:
    world = World()
    org = world.orgs.create_organization(OWNER, "ALL")
    world.orgs.add_account(org.id, A, org.root_id)
    key = world.kms.create_key(OWNER, REGION)
    image = encrypted_image(world, key.arn)
    catalog.modify_launch_permissions(
        world.ec2.env, recorded(world.ec2, REGION), OWNER, image.image_id, [user(A)], []
    )
    answer = explain(world, image.image_id, A, REGION)
    assert answer["allowed"] is True
    (use,) = answer["kms"]
    assert (use["key"], use["allowed"], use["statement"]) == (key.arn, False, None)
    assert "terminated" in answer["reason"]
    rows = {r["account"]: r for r in access(world, image.image_id, REGION)["accounts"]}
    assert rows[A]["kms_allowed"] is False and rows[OWNER]["kms_allowed"] is True
