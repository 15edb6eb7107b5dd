"""Volumes, snapshots, instances and per-account tags in the EC2 core."""

from __future__ import annotations

import dataclasses

import pytest

from emulator.api.ec2.errors import EC2_ERRORS
from emulator.core.ec2 import tagging
from emulator.core.ec2.filters import Filter
from emulator.core.ec2.images import catalog
from emulator.core.ec2.images.catalog import ImageSpec
from emulator.core.ec2.images.records import BlockDevice
from emulator.core.ec2.instances import lifecycle
from emulator.core.ec2.instances import operations as instances
from emulator.core.ec2.instances.operations import LaunchSpec
from emulator.core.ec2.storage import operations as storage
from emulator.core.ec2.storage import snapshot_permissions
from emulator.core.errors import (
    Conflict,
    CoreError,
    InvalidValue,
    Malformed,
    NotAuthorized,
    NotFound,
)
from tests.unit.ec2.ec2_world import OWNER, REGION, Harness, org_grant

A, B = "222222222222", "333333333333"


def aws(err: CoreError) -> tuple[str, str]:
    out = EC2_ERRORS.to_aws(err)
    return out.code, out.message


def test_register_over_own_snapshot_and_not_others() -> None:
    h = Harness()
    key = h.env.keys.create_key(OWNER, REGION)
    h.env.keys.create_alias(OWNER, REGION, "alias/key-1", key.key_id)
    vol = storage.create_volume(
        h.env,
        h.at(),
        OWNER,
        size=10,
        snapshot_id=None,
        availability_zone=None,
        volume_type=None,
        iops=None,
        throughput=None,
        encrypted=True,
        kms_key_id="alias/key-1",
        tags={},
    )
    snap = storage.create_snapshot(
        h.env, h.at(), OWNER, volume_id=vol.volume_id, description="d", tags={}
    )
    image = catalog.register_image(
        h.env,
        h.at(),
        OWNER,
        ImageSpec(name="mine"),
        [BlockDevice("/dev/xvda", snapshot_id=snap.snapshot_id)],
        {},
    )
    root = image.block_devices[0]
    assert (root.volume_size, root.encrypted, root.kms_key_id) == (10, True, key.arn)
    with pytest.raises(NotFound) as caught:
        catalog.register_image(
            h.env,
            h.at(),
            A,
            ImageSpec(name="theirs"),
            [BlockDevice("/dev/xvda", snapshot_id=snap.snapshot_id)],
            {},
        )
    assert aws(caught.value) == (
        "InvalidSnapshot.NotFound",
        f"The snapshot '{snap.snapshot_id}' does not exist.",
    )
    with pytest.raises(Conflict) as in_use:
        storage.delete_snapshot(h.at(), OWNER, snap.snapshot_id)
    assert aws(in_use.value)[0] == "InvalidSnapshot.InUse"
    with pytest.raises(Conflict):
        catalog.register_image(h.env, h.at(), OWNER, ImageSpec(name="mine"), [], {})


def test_launch_shared_image_gives_launcher_owned_volumes() -> None:
    h = Harness()
    h.join(A)
    image = h.image()
    with pytest.raises(NotAuthorized) as denied:
        instances.run_instances(
            h.env,
            h.at(),
            A,
            LaunchSpec(
                image_id=image.image_id,
                min_count=1,
                max_count=1,
            ),
        )[0]
    assert aws(denied.value) == ("AuthFailure", f"Not authorized for images: [{image.image_id}]")
    h.share(image, org_grant())
    launched = instances.run_instances(
        h.env,
        h.at(),
        A,
        LaunchSpec(
            image_id=image.image_id,
            min_count=2,
            max_count=2,
            instance_type="t3.micro",
            tags={"instance": {"Name": "x"}},
        ),
    )[0]
    assert len(launched) == 2 and {i.owner for i in launched} == {A}
    volumes = storage.describe_volumes(h.ec2.read(REGION), A, [], [])
    assert len(volumes) == 2 and all(v.owner == A and v.state == "in-use" for v in volumes)
    assert storage.describe_snapshots(h.ec2.read(REGION), A, [], [], [], []) == []
    found = instances.describe_instances(
        h.env, h.ec2.read(REGION), A, [], [Filter("tag:Name", ("x",))]
    )
    assert len(found) == 2
    assert instances.describe_instances(h.env, h.ec2.read(REGION), OWNER, [], []) == []
    lifecycle.terminate_instances(h.env, h.at(), A, [launched[0].instance_id])
    assert launched[0].state == "terminated"
    assert len(storage.describe_volumes(h.ec2.read(REGION), A, [], [])) == 1
    running = instances.describe_instances(
        h.env, h.ec2.read(REGION), A, [], [Filter("instance-state-name", ("running",))]
    )
    assert [i.instance_id for i in running] == [launched[1].instance_id]
    with pytest.raises(NotFound) as unknown:
        instances.run_instances(
            h.env,
            h.at(),
            A,
            LaunchSpec(
                image_id="ami-00000000000000000",
                min_count=1,
                max_count=1,
            ),
        )[0]
    assert aws(unknown.value)[0] == "InvalidAMIID.NotFound"


def test_create_image_and_copy_make_caller_owned_private_images() -> None:
    h = Harness()
    h.join(A)
    image = h.image()
    h.share(image, org_grant())
    tagging.create_tags(h.env, h.at(), OWNER, [image.image_id], {"owner-tag": "1"})
    tagging.create_tags(h.env, h.at(), A, [image.image_id], {"mine": "1"})
    (instance,) = instances.run_instances(
        h.env,
        h.at(),
        A,
        LaunchSpec(
            image_id=image.image_id,
            min_count=1,
            max_count=1,
        ),
    )[0]
    derived = catalog.create_image(
        h.env,
        h.at(),
        A,
        instance_id=instance.instance_id,
        name="derived",
        description=None,
        tags={},
    )
    assert derived.owner == A and derived.source_instance_id == instance.instance_id
    assert h.ec2.read(REGION).snapshots[derived.snapshot_ids[0]].owner == A
    # Copying someone else's image needs its snapshots shared with the copier.
    snapshot_permissions.modify(h.env, h.at(), OWNER, image.snapshot_ids[0], [("UserId", A)], [])
    copy = catalog.copy_image(
        h.env,
        h.ec2.read(REGION),
        h.at("eu-west-1"),
        A,
        source_image_id=image.image_id,
        name="copy",
        description=None,
        encrypted=None,
        kms_key_id=None,
        copy_tags=True,
        tags={},
    )
    assert (copy.owner, copy.region, copy.public) == (A, "eu-west-1", False)
    assert (copy.source_image_id, copy.source_image_region) == (image.image_id, REGION)
    assert copy.launch_permissions.entries == []
    assert h.ec2.read("eu-west-1").tags.get(copy.image_id, A) == {"mine": "1"}
    with pytest.raises(NotFound):
        catalog.copy_image(
            h.env,
            h.ec2.read(REGION),
            h.at(),
            B,
            source_image_id=image.image_id,
            name="copy",
            description=None,
            encrypted=None,
            kms_key_id=None,
            copy_tags=False,
            tags={},
        )


def test_tags_are_per_account() -> None:
    h = Harness()
    h.join(A)
    image = h.image()
    h.share(image, org_grant())
    tagging.create_tags(h.env, h.at(), OWNER, [image.image_id], {"Env": "prod"})
    tagging.create_tags(h.env, h.at(), A, [image.image_id], {"Env": "test", "Team": ""})
    assert h.ec2.read(REGION).tags.get(image.image_id, OWNER) == {"Env": "prod"}
    assert h.ids_for(A, filters=[Filter("tag:Env", ("prod",))]) == []
    assert h.ids_for(A, filters=[Filter("tag:Env", ("test",))]) == [image.image_id]
    rows = tagging.describe_tags(h.ec2.read(REGION), A, [Filter("resource-id", (image.image_id,))])
    assert [(r.resource_type, r.key, r.value) for r in rows] == [
        ("image", "Env", "test"),
        ("image", "Team", ""),
    ]
    tagging.delete_tags(h.env, h.at(), A, [image.image_id], [("Env", "other")])
    assert h.ec2.read(REGION).tags.get(image.image_id, A) == {"Env": "test", "Team": ""}
    tagging.delete_tags(h.env, h.at(), A, [image.image_id], None)
    assert h.ec2.read(REGION).tags.get(image.image_id, A) == {}
    assert h.ec2.read(REGION).tags.get(image.image_id, OWNER) == {"Env": "prod"}
    with pytest.raises(InvalidValue) as reserved:
        tagging.create_tags(h.env, h.at(), OWNER, [image.image_id], {"aws:x": "1"})
    assert aws(reserved.value) == (
        "InvalidParameterValue",
        "Tag keys starting with 'aws:' are reserved for internal use",
    )
    with pytest.raises(NotFound):
        tagging.create_tags(h.env, h.at(), B, [image.image_id], {"k": "v"})
    with pytest.raises(NotFound) as snap:
        tagging.create_tags(h.env, h.at(), OWNER, ["snap-00000000000000000"], {"k": "v"})
    assert aws(snap.value)[0] == "InvalidSnapshot.NotFound"
    with pytest.raises(Malformed) as unknown:
        tagging.create_tags(h.env, h.at(), OWNER, ["xyz-123"], {"k": "v"})
    assert aws(unknown.value) == ("InvalidID", "The ID 'xyz-123' is not valid")


def test_tags_on_a_short_id_are_the_padded_ids_tags() -> None:
    """AWS reads ``ami-abcd`` as ``ami-0000abcd`` (docs/semantics.md, "EC2 ids"), so the
    tags are that image's, however the id is written; an eight-digit id is as a scenario
    declares it."""
    h = Harness()
    image = h.image()
    region = h.at()
    short = dataclasses.replace(image, image_id="ami-0000abcd")
    region.images["ami-0000abcd"] = short
    tagging.create_tags(h.env, region, OWNER, ["ami-abcd"], {"k": "v"})
    assert region.tags.get("ami-0000abcd", OWNER) == {"k": "v"}
    tagging.delete_tags(h.env, region, OWNER, ["ami-abcd"], None)
    assert region.tags.get("ami-0000abcd", OWNER) == {}
