"""16 threads interleave share, unshare, reset, MoveAccount, DescribeImages and RunInstances
on one server. No answer is a 5xx, no acknowledged change is lost, and the final state equals
a serial replay of the acknowledged operations on a fresh World.

Each thread changes only what it owns: its own grant entries (also on two images every thread
shares at once, where a lost update would show), its own image, and its own account. So the
threads' operations commute, and replaying thread after thread must end where the server did.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.exceptions import ClientError

from emulator.core.world import World
from emulator.testing import in_process_client
from tests.conftest import CLIENT_CONFIG
from tests.e2e.worlds import MANAGEMENT, create_account, create_ou, register_image

THREADS = 16
OPERATIONS = 24  # per thread
INSTANCE_TYPE = "t3.micro"

Client = Any
Factory = Callable[[str, str], Client]


@dataclass
class Lane:
    """What one thread owns, and its own picture of the state of what it owns."""

    index: int
    account: str
    top_ou: dict[str, str]  # {"Id", "Arn"}; the lane's account is always somewhere under it
    homes: tuple[str, str]  # two child OUs of top_ou the account moves between
    home_arns: tuple[str, str]
    image: str  # the lane's own image
    users: tuple[str, ...]  # account ids outside the organization the lane grants to
    at: int = 0  # which home the account is in
    grants: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # image -> entries
    done: list[tuple] = field(default_factory=list)  # acknowledged operations, in order

    def entries(self) -> list[tuple[str, str]]:
        ous = [("OrganizationalUnitArn", self.top_ou["Arn"])]
        ous += [("OrganizationalUnitArn", arn) for arn in self.home_arns]
        return ous + [("UserId", u) for u in self.users]

    def may_launch(self, image: str) -> bool:
        held = self.grants.get(image, set())
        return ("OrganizationalUnitArn", self.top_ou["Arn"]) in held or (
            "OrganizationalUnitArn",
            self.home_arns[self.at],
        ) in held


@dataclass
class Setup:
    owner: str
    root_id: str
    shared_images: list[str]
    lanes: list[Lane]


def build(aws: Callable[..., Client]) -> Setup:
    org = aws("organizations", account=MANAGEMENT)
    org.create_organization(FeatureSet="ALL")
    root_id = org.list_roots()["Roots"][0]["Id"]
    owner_ec2 = aws("ec2", account=MANAGEMENT)
    shared = [register_image(owner_ec2, f"shared-{k}") for k in range(2)]
    lanes = []
    for i in range(THREADS):
        top = create_ou(org, root_id, f"lane-{i}")
        homes = (create_ou(org, top.id, f"lane-{i}-a"), create_ou(org, top.id, f"lane-{i}-b"))
        account = create_account(org, f"lane-{i}", f"lane-{i}@example.com")
        org.move_account(AccountId=account, SourceParentId=root_id, DestinationParentId=homes[0].id)
        lanes.append(
            Lane(
                index=i,
                account=account,
                top_ou={"Id": top.id, "Arn": top.arn},
                homes=(homes[0].id, homes[1].id),
                home_arns=(homes[0].arn, homes[1].arn),
                image=register_image(owner_ec2, f"lane-{i}"),
                users=tuple(f"9{i:02d}00000000{j}" for j in range(3)),
            )
        )
    return Setup(MANAGEMENT, root_id, shared, lanes)


def apply(op: tuple, lane: Lane, setup: Setup, client: Factory) -> Any:
    """Send one operation; the same code drives the server and the serial replay."""
    kind = op[0]
    owner = client("ec2", setup.owner)
    if kind in ("share", "unshare"):
        _, image, (key, value) = op
        change = {"Add" if kind == "share" else "Remove": [{key: value}]}
        return owner.modify_image_attribute(ImageId=image, LaunchPermission=change)
    if kind == "reset":
        return owner.reset_image_attribute(ImageId=op[1], Attribute="launchPermission")
    if kind == "move":
        _, source, destination = op
        return client("organizations", setup.owner).move_account(
            AccountId=lane.account, SourceParentId=source, DestinationParentId=destination
        )
    if kind == "run":
        return client("ec2", lane.account).run_instances(
            ImageId=op[1], MinCount=1, MaxCount=1, InstanceType=INSTANCE_TYPE
        )
    raise AssertionError(op)


def status_of(error: ClientError) -> int:
    return error.response["ResponseMetadata"]["HTTPStatusCode"]


def drive(lane: Lane, setup: Setup, client: Factory, failures: list[str]) -> None:
    """One thread: random operations on what the lane owns, each checked as it is answered."""
    rng = random.Random(lane.index)
    images = [*setup.shared_images, lane.image]
    ec2 = client("ec2", lane.account)
    owner = client("ec2", setup.owner)
    for _ in range(OPERATIONS):
        kind = rng.choice(["share", "share", "unshare", "reset", "move", "describe", "run"])
        image = rng.choice(images)
        held = lane.grants.setdefault(image, set())
        if kind == "share":
            op = ("share", image, rng.choice(lane.entries()))
        elif kind == "unshare" and held:
            op = ("unshare", image, rng.choice(sorted(held)))
        elif kind == "reset":
            image = lane.image
            op = ("reset", image)
        elif kind == "move":
            op = ("move", lane.homes[lane.at], lane.homes[1 - lane.at])
        elif kind == "run":
            op = ("run", image)
        else:
            seen = {i["ImageId"] for i in ec2.describe_images(ExecutableUsers=["self"])["Images"]}
            for candidate in images:
                if (candidate in seen) != lane.may_launch(candidate):
                    failures.append(f"lane {lane.index}: {candidate} seen={candidate in seen}")
            continue
        try:
            apply(op, lane, setup, client)
        except ClientError as error:
            if status_of(error) >= 500 or op[0] != "run" or lane.may_launch(image):
                failures.append(f"lane {lane.index}: {op} -> {error.response['Error']}")
            continue
        if op[0] == "run" and not lane.may_launch(image):
            failures.append(f"lane {lane.index}: launched {image} without a grant")
        lane.done.append(op)
        if op[0] == "share":
            held.add(op[2])
        elif op[0] == "unshare":
            held.discard(op[2])
        elif op[0] == "reset":
            lane.grants[lane.image] = set()
        elif op[0] == "move":
            lane.at = 1 - lane.at
        # Every acknowledged add is there, and every acknowledged remove gone, right away.
        mine = set(lane.entries())
        answer = owner.describe_image_attribute(ImageId=image, Attribute="launchPermission")
        got = {(k, v) for entry in answer["LaunchPermissions"] for k, v in entry.items()}
        if got & mine != lane.grants.get(image, set()):
            wanted = lane.grants.get(image, set())
            failures.append(f"lane {lane.index}: {image} has {got & mine}, wanted {wanted}")


def snapshot(setup: Setup, client: Factory) -> dict:
    """What the operations can change, read through the API: grants, parents, launches."""
    owner = client("ec2", setup.owner)
    org = client("organizations", setup.owner)
    grants = {}
    for image in [*setup.shared_images, *(lane.image for lane in setup.lanes)]:
        answer = owner.describe_image_attribute(ImageId=image, Attribute="launchPermission")
        grants[image] = sorted(tuple(sorted(e.items())) for e in answer["LaunchPermissions"])
    parents = {
        lane.account: org.list_parents(ChildId=lane.account)["Parents"][0]["Id"]
        for lane in setup.lanes
    }
    launched = {}
    for lane in setup.lanes:
        reservations = client("ec2", lane.account).describe_instances()["Reservations"]
        launched[lane.account] = sorted(i["ImageId"] for r in reservations for i in r["Instances"])
    return {"grants": grants, "parents": parents, "launched": launched}


def test_interleaved_operations_lose_nothing_and_match_a_serial_replay(server, aws) -> None:
    setup = build(aws)
    with server.world.lock:
        before = server.world.to_dict()

    # Made up front (making clients is not thread-safe); calling one from threads is.
    clients: dict[tuple[str, str], Client] = {}
    for service, account in [
        ("ec2", setup.owner),
        ("organizations", setup.owner),
        *(("ec2", lane.account) for lane in setup.lanes),
    ]:
        clients[(service, account)] = boto3.client(
            service,
            endpoint_url=server.url,
            region_name="us-east-1",
            aws_access_key_id=account,
            aws_secret_access_key="secret",
            config=CLIENT_CONFIG,
        )
    failures: list[str] = []
    start = threading.Barrier(THREADS)

    def run(lane: Lane) -> None:
        start.wait()
        try:
            drive(lane, setup, lambda s, a: clients[(s, a)], failures)
        except Exception as exc:  # reported with the others below
            failures.append(f"lane {lane.index}: {exc!r}")

    threads = [threading.Thread(target=run, args=(lane,)) for lane in setup.lanes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread did not finish"
    assert not failures, "\n".join(failures)
    assert sum(len(lane.done) for lane in setup.lanes) > THREADS * OPERATIONS // 2

    replayed = World()
    replayed.load(before)
    local: dict[tuple[str, str], Client] = {}

    def in_process(service: str, account: str) -> Client:
        if (service, account) not in local:
            local[(service, account)] = in_process_client(replayed, service, account)
        return local[(service, account)]

    for lane in setup.lanes:
        for op in lane.done:
            apply(op, lane, setup, in_process)
    live = snapshot(setup, lambda s, a: aws(s, account=a))
    assert live == snapshot(setup, in_process)
