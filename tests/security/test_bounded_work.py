"""No request may freeze the world: the work one request does under the world lock is
bounded by the request's size, never by the world's size times the request's size.

Two kinds of evidence. Over the real server, requests that a quadratic or backtracking
implementation takes minutes over must answer within a generous bound. In process, a work
meter (Python lines run, loop passes included) shows that a request costs the same in a
small world and in a big one: that count does not depend on the machine's speed.
"""

from __future__ import annotations

import json
import re
import time
import urllib.request
from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from hypothesis import given, settings
from hypothesis import strategies as st

from emulator.core.ec2.images import catalog
from emulator.core.ec2.images.catalog import ImageSpec
from emulator.core.ec2.images.launch_permissions import OU, USER, Grant
from emulator.core.ec2.storage import operations as storage
from emulator.core.ec2.storage import snapshot_permissions
from emulator.core.wildcard import compile_wildcard
from emulator.core.world import World
from emulator.server import RunningServer
from emulator.testing import in_process_client
from tests.conftest import ClientFactory
from tests.security.work_meter import work
from tests.unit.ec2.ec2_world import recorded

OWNER = "111111111111"
CALLER = "222222222222"
OTHER = "333333333333"
REGION = "us-east-1"
# Generous: the linear code answers in well under a second; the quadratic or backtracking
# code it replaced took minutes on the same requests.
SECONDS = 5.0


def assert_same_work(small: int, big: int) -> None:
    """A big world may cost a little more (longer ids, a dict resize), never a multiple."""
    assert big <= small * 1.1 + 500, (small, big)


def slow_client(server: RunningServer, account: str = OWNER) -> Any:
    """A boto3 client that gives up after a few seconds instead of botocore's minute."""
    return boto3.client(
        "ec2",
        endpoint_url=server.url,
        region_name=REGION,
        aws_access_key_id=account,
        aws_secret_access_key="x",
        config=Config(retries={"max_attempts": 1}, read_timeout=SECONDS * 4),
    )


def timed(call: Callable[[], Any]) -> tuple[Any, float]:
    start = time.monotonic()
    result = call()
    return result, time.monotonic() - start


# --- wildcard filters ------------------------------------------------------------------------


def test_a_wildcard_filter_never_backtracks(server: RunningServer, aws: ClientFactory) -> None:
    ec2 = slow_client(server)
    image_id = aws("ec2", account=OWNER).register_image(Name="a" * 128)["ImageId"]

    def names(pattern: str) -> list[str]:
        filters = [{"Name": "name", "Values": [pattern]}]
        return [
            i["ImageId"] for i in ec2.describe_images(Owners=["self"], Filters=filters)["Images"]
        ]

    found, seconds = timed(lambda: names("*a*a*a*a*a*a*a*b"))
    assert found == []
    assert seconds < 1.0
    assert names("*a*a*a*a*a*a*a*a") == [image_id]
    assert names("a?" * 64) == [image_id]


def _reference(pattern: str, escapes: bool) -> re.Pattern[str]:
    """The obvious regex for a pattern (backtracking, so only for small inputs)."""
    out, chars = [], iter(pattern)
    for ch in chars:
        if ch == "\\" and escapes:
            out.append(re.escape(next(chars, "\\")))
        else:
            out.append({"*": ".*", "?": "."}.get(ch, re.escape(ch)))
    return re.compile("".join(out), re.DOTALL)


@settings(max_examples=500, deadline=None)
@given(
    pattern=st.text(alphabet="ab*?\\", max_size=10),
    value=st.text(alphabet="ab*?\\", max_size=12),
    escapes=st.booleans(),
)
def test_the_matcher_agrees_with_a_regex(pattern: str, value: str, escapes: bool) -> None:
    expected = _reference(pattern, escapes).fullmatch(value) is not None
    assert compile_wildcard(pattern, escapes=escapes).matches(value) is expected


def test_a_wildcard_in_a_key_policy_never_backtracks(
    server: RunningServer, aws: ClientFactory
) -> None:
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": OWNER}, "Action": "kms:*", "Resource": "*"},
            # Never matches a key ARN (no "!"), after trying every split a regex could try.
            {"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*?" * 12 + "!"},
        ],
    }
    kms = boto3.client(
        "kms",
        endpoint_url=server.url,
        region_name=REGION,
        aws_access_key_id=OWNER,
        aws_secret_access_key="x",
        config=Config(retries={"max_attempts": 1}, read_timeout=SECONDS * 4),
    )
    aws("kms", account=OWNER)  # a fresh world
    key, seconds = timed(lambda: kms.create_key(Policy=json.dumps(policy))["KeyMetadata"])
    assert seconds < 1.0
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["Arn"] == key["Arn"]


def test_more_than_200_filter_values_are_refused(aws: ClientFactory) -> None:
    ec2 = aws("ec2", account=OWNER)
    values = [f"name-{i}" for i in range(101)]
    filters = [{"Name": "name", "Values": values}, {"Name": "tag:Team", "Values": values}]
    with pytest.raises(ClientError) as err:
        ec2.describe_images(Owners=["self"], Filters=filters)
    assert err.value.response["Error"] == {
        "Code": "FilterLimitExceeded",
        "Message": "The maximum number of filter values specified on a single call is 200",
    }
    assert ec2.describe_images(Owners=["self"], Filters=filters[:1] * 1)["Images"] == []


# --- one image shared with 20,000 accounts ---------------------------------------------------


def assert_linear(small: float, big: float, factor: int = 10) -> None:
    """``big`` is the time of the same work ``factor`` times larger, measured in the same
    run: linear code takes about ``factor`` times as long, quadratic code ``factor`` squared
    (a ratio, so a busy machine slows both alike)."""
    assert big < 3 * factor * small + 0.5, (small, big)


def _share_widely(server: RunningServer, aws: ClientFactory, count: int) -> float:
    """Share a new image with ``count`` accounts, again, and remove half; the seconds taken."""
    ec2 = slow_client(server)
    image_id = aws("ec2", account=OWNER).register_image(Name=f"widely-shared-{count}")["ImageId"]
    accounts = [f"{300000000000 + i:012d}" for i in range(count)]
    add = [{"UserId": a} for a in accounts]
    _, first = timed(
        lambda: ec2.modify_image_attribute(ImageId=image_id, LaunchPermission={"Add": add})
    )
    # Adding them all again, and removing half, walks the same entries.
    _, again = timed(
        lambda: ec2.modify_image_attribute(
            ImageId=image_id, LaunchPermission={"Add": add, "Remove": add[::2]}
        )
    )
    shared = ec2.describe_image_attribute(ImageId=image_id, Attribute="launchPermission")
    assert [p["UserId"] for p in shared["LaunchPermissions"]] == accounts[1::2]

    url = f"{server.url}/_emulator/access?image={image_id}&region={REGION}"
    answer, access = timed(lambda: json.load(urllib.request.urlopen(url, timeout=SECONDS * 4)))
    allowed = {row["account"] for row in answer["accounts"] if row["allowed"]}
    assert allowed == {OWNER, *accounts[1::2]}
    return first + again + access


def test_sharing_with_20000_accounts_is_linear(server: RunningServer, aws: ClientFactory) -> None:
    small = _share_widely(server, aws, 2_000)
    big = _share_widely(server, aws, 20_000)
    assert_linear(small, big)


# --- in process: the same request against a small and a big world ---------------------------


def _org_world(extra_grants: int, images: int = 50) -> tuple[World, list[str]]:
    """``images`` AMIs shared with the caller's OU and with ``extra_grants`` other accounts."""
    world = World()
    org = world.orgs.create_organization(OWNER)
    ou = world.orgs.create_ou(OWNER, org.root_id, "Shared")
    world.orgs.add_account(org.id, CALLER, ou.id)
    grants = [Grant(OU, f"arn:aws:organizations::{OWNER}:ou/{org.id}/{ou.id}")]
    grants += [Grant(USER, f"{400000000000 + i:012d}") for i in range(extra_grants)]
    ids = []
    for i in range(images):
        image = catalog.register_image(
            world.ec2.env,
            recorded(world.ec2, REGION),
            OWNER,
            ImageSpec(name=f"image-{i:04d}"),
            [],
            {},
        )
        catalog.add_grants(world.ec2.env, recorded(world.ec2, REGION), image.image_id, grants)
        ids.append(image.image_id)
    return world, ids


def test_describing_images_by_id_does_not_scan_their_grants() -> None:
    costs = []
    for extra in (0, 2_000):
        world, ids = _org_world(extra)
        ec2 = in_process_client(world, "ec2", CALLER, REGION)
        ec2.describe_images(ImageIds=ids[:1])  # botocore's first-call setup, not measured
        answer, cost = work(ec2.describe_images, ImageIds=ids)
        assert len(answer["Images"]) == len(ids)
        costs.append(cost)
    assert_same_work(*costs)


def test_executable_users_cost_what_they_name() -> None:
    named = [f"{500000000000 + i:012d}" for i in range(100)]
    costs = []
    for extra in (0, 2_000):
        world, ids = _org_world(extra)
        for image_id in ids:
            catalog.add_grants(
                world.ec2.env,
                recorded(world.ec2, REGION),
                image_id,
                [Grant(USER, a) for a in named],
            )
        ec2 = in_process_client(world, "ec2", OWNER, REGION)
        ec2.describe_images(ImageIds=ids[:1])
        answer, cost = work(ec2.describe_images, ExecutableUsers=named)
        assert len(answer["Images"]) == len(ids)
        costs.append(cost)
    assert_same_work(*costs)


def _snapshot_world(shares: int, snapshots: int = 20) -> tuple[World, list[str]]:
    """``snapshots`` snapshots shared with the caller and with ``shares`` other accounts."""
    world = World()
    others = [("UserId", f"{400000000000 + i:012d}") for i in range(shares)]
    ids = []
    for _ in range(snapshots):
        snap = storage.snapshot_without_volume(
            world.ec2.env, recorded(world.ec2, REGION), OWNER, size=8
        )
        snapshot_permissions.modify(
            world.ec2.env,
            recorded(world.ec2, REGION),
            OWNER,
            snap.snapshot_id,
            [("UserId", CALLER), *others],
            [],
        )
        ids.append(snap.snapshot_id)
    return world, ids


def test_reading_shared_snapshots_does_not_scan_their_shares() -> None:
    # The membership tests are C-level list scans the line meter cannot see; timed instead,
    # small world against big, in the same process: the scans made the big one seconds.
    named = [f"{500000000000 + i:012d}" for i in range(1_000)]
    seconds = []
    for shares in (10, 20_000):
        world, ids = _snapshot_world(shares)
        ec2 = in_process_client(world, "ec2", OWNER, REGION)
        ec2.describe_snapshots(SnapshotIds=ids[:1])
        reader = in_process_client(world, "ec2", CALLER, REGION)
        # The best of three: a busy machine (the suite runs on every core) slows one run,
        # not the scans' share of each.
        best = float("inf")
        for _ in range(3):
            answer, took = timed(lambda e=ec2: e.describe_snapshots(RestorableByUserIds=named))
            assert answer["Snapshots"] == []
            answer, more = timed(lambda r=reader, i=ids: r.describe_snapshots(SnapshotIds=i))
            assert len(answer["Snapshots"]) == len(ids)
            best = min(best, took + more)
        seconds.append(best)
    small, big = seconds
    assert big < 5 * small + 0.5, seconds


def _share_snapshot_widely(server: RunningServer, aws: ClientFactory, count: int) -> float:
    """Share a new snapshot with ``count`` accounts, again, and remove half; the seconds."""
    owner = aws("ec2", account=OWNER)
    volume = owner.create_volume(AvailabilityZone=f"{REGION}a", Size=8)["VolumeId"]
    snapshot_id = owner.create_snapshot(VolumeId=volume)["SnapshotId"]
    accounts = [f"{300000000000 + i:012d}" for i in range(count)]
    ec2 = slow_client(server)

    def modify(change: str, users: list[str]) -> float:
        permission = {change: [{"UserId": a} for a in users]}
        return timed(
            lambda: ec2.modify_snapshot_attribute(
                SnapshotId=snapshot_id, CreateVolumePermission=permission
            )
        )[1]

    first = modify("Add", accounts)
    # The same accounts again (each one compared against all stored, when it was a list),
    # then half of them removed.
    again = modify("Add", accounts) + modify("Remove", accounts[::2])
    shared = ec2.describe_snapshot_attribute(
        SnapshotId=snapshot_id, Attribute="createVolumePermission"
    )
    assert [p["UserId"] for p in shared["CreateVolumePermissions"]] == accounts[1::2]
    return first + again


def test_sharing_a_snapshot_with_20000_accounts_is_linear(
    server: RunningServer, aws: ClientFactory
) -> None:
    small = _share_snapshot_widely(server, aws, 2_000)
    big = _share_snapshot_widely(server, aws, 20_000)
    assert_linear(small, big)


def test_resolving_keys_does_not_walk_every_account_s_keys() -> None:
    # Each KmsKeyId is resolved, and every resolution used to look through all keys of all
    # accounts for expired ones: devices times keys.
    devices = [
        {"DeviceName": f"/dev/sd{chr(ord('b') + i)}", "Ebs": {"Encrypted": True}} for i in range(20)
    ]
    costs = []
    for others in (1, 1_000):
        world = World()
        for _ in range(others):
            key = world.kms.create_key(OTHER, REGION)
            world.kms.schedule_key_deletion(OTHER, REGION, key.key_id, 30)
        mine = world.kms.create_key(OWNER, REGION)
        for device in devices:
            device["Ebs"]["KmsKeyId"] = mine.arn
        ec2 = in_process_client(world, "ec2", OWNER, REGION)
        ec2.register_image(Name="warm-up", BlockDeviceMappings=devices[:1])
        answer, cost = work(
            ec2.register_image,
            Name="encrypted",
            RootDeviceName="/dev/sdb",
            BlockDeviceMappings=devices,
        )
        assert answer["ImageId"]
        costs.append(cost)
    assert_same_work(*costs)


def test_registering_an_image_does_not_scan_the_region() -> None:
    # Names are unique per owner; the check walked every image of the Region, which made
    # loading a scenario or state with n images cost n squared.
    costs = []
    for images in (1, 2_000):
        world = World()
        for i in range(images):
            catalog.register_image(
                world.ec2.env,
                recorded(world.ec2, REGION),
                OWNER,
                ImageSpec(name=f"image-{i:05d}"),
                [],
                {},
            )
        ec2 = in_process_client(world, "ec2", OWNER, REGION)
        ec2.register_image(Name="warm-up")
        _, cost = work(ec2.register_image, Name="one-more")
        costs.append(cost)
    assert_same_work(*costs)
    with pytest.raises(ClientError, match=r"InvalidAMIName\.Duplicate"):
        ec2.register_image(Name="image-00042")


def test_listing_an_ou_does_not_scan_every_account() -> None:
    # Children were found by walking every account and OU record: a walk down the tree
    # (the console's diagram, ListChildren level by level) cost nodes times accounts.
    costs = []
    for others in (1, 2_000):
        world = World()
        org = world.orgs.create_organization(OWNER)
        crowd = world.orgs.create_ou(OWNER, org.root_id, "Crowd")
        quiet = world.orgs.create_ou(OWNER, org.root_id, "Quiet")
        for i in range(others):
            world.orgs.add_account(org.id, f"{600000000000 + i:012d}", crowd.id)
        world.orgs.add_account(org.id, CALLER, quiet.id)
        orgs = in_process_client(world, "organizations", OWNER, REGION)
        orgs.list_children(ParentId=quiet.id, ChildType="ACCOUNT")
        answer, cost = work(orgs.list_children, ParentId=quiet.id, ChildType="ACCOUNT")
        assert [c["Id"] for c in answer["Children"]] == [CALLER]
        costs.append(cost)
    assert_same_work(*costs)


def test_a_filter_on_plain_ids_is_a_lookup() -> None:
    """``image-id`` and ``instance-id`` filters listing plain ids cost what they name, however
    many images and instances the caller has."""
    costs: dict[str, list[int]] = {"images": [], "instances": []}
    for count in (1, 2_000):
        world = World()
        ec2 = in_process_client(world, "ec2", OWNER, REGION)
        image_id = ec2.register_image(Name="probe")["ImageId"]
        for i in range(count):
            catalog.register_image(
                world.ec2.env,
                recorded(world.ec2, REGION),
                OWNER,
                ImageSpec(name=f"image-{i:05d}"),
                [],
                {},
            )
        (probe,) = ec2.run_instances(ImageId=image_id, MinCount=1, MaxCount=1)["Instances"]
        for _ in range(count // 100):
            ec2.run_instances(ImageId=image_id, MinCount=100, MaxCount=100)
        by_image = [{"Name": "image-id", "Values": [image_id]}]
        by_instance = [{"Name": "instance-id", "Values": [probe["InstanceId"]]}]
        ec2.describe_images(Filters=by_image)  # botocore's first-call setup, not measured
        answer, cost = work(ec2.describe_images, Filters=by_image)
        assert [i["ImageId"] for i in answer["Images"]] == [image_id]
        costs["images"].append(cost)
        ec2.describe_instances(Filters=by_instance)
        answer, cost = work(ec2.describe_instances, Filters=by_instance)
        assert [i["InstanceId"] for r in answer["Reservations"] for i in r["Instances"]] == [
            probe["InstanceId"]
        ]
        costs["instances"].append(cost)
    assert_same_work(*costs["images"])
    assert_same_work(*costs["instances"])


def test_a_grant_to_the_caller_is_found_without_scanning_the_key_s_grants() -> None:
    # Encrypt by a grantee looks at its own grants on the key, not at every grant the key
    # has (a key may carry 50,000, and EC2 adds one per volume made under it).
    costs = []
    for others in (1, 2_000):
        world = World()
        key = world.kms.create_key(OWNER, REGION)
        for i in range(others):
            world.kms.create_grant(
                OWNER, REGION, key.arn, f"arn:aws:iam::{100000000000 + i}:root", ["Decrypt"]
            )
        world.kms.create_grant(OWNER, REGION, key.arn, f"arn:aws:iam::{CALLER}:root", ["Encrypt"])
        kms = in_process_client(world, "kms", CALLER, REGION)
        kms.encrypt(KeyId=key.arn, Plaintext=b"warm-up")
        answer, cost = work(kms.encrypt, KeyId=key.arn, Plaintext=b"x")
        assert answer["KeyId"] == key.arn
        costs.append(cost)
    assert_same_work(*costs)
