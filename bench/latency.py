"""boto3 latency of the calls the issue names, sampled alternately in each system."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.clients import Clients
from bench.systems import System, post, signed_headers
from bench.throughput import FORM
from bench.world import World

INSTANCE_TYPE = "t3.micro"


@dataclass(frozen=True)
class Call:
    """A timed call: ``make(clients, world, i)`` returns a thunk for the i-th sample."""

    name: str
    make: Callable[[Clients, World, int], Callable[[], Any]]


def _toggle(entry: Callable[[World], dict[str, str]]) -> Callable[..., Callable[[], Any]]:
    """Add on even samples, remove on odd ones, so the world ends as it began."""

    def make(clients: Clients, world: World, i: int) -> Callable[[], Any]:
        ec2 = clients("ec2", world.owner)
        change = {"Add" if i % 2 == 0 else "Remove": [entry(world)]}
        return lambda: ec2.modify_image_attribute(ImageId=world.probes[0], LaunchPermission=change)

    return make


def _describe(account: Callable[[World], str], **kwargs: Any) -> Callable[..., Any]:
    def make(clients: Clients, world: World, i: int) -> Callable[[], Any]:
        ec2 = clients("ec2", account(world))
        args = {k: v(world) if callable(v) else v for k, v in kwargs.items()}
        return lambda: ec2.describe_images(**args)

    return make


def _attribute(clients: Clients, world: World, i: int) -> Callable[[], Any]:
    ec2 = clients("ec2", world.owner)
    return lambda: ec2.describe_image_attribute(
        ImageId=world.probes[0], Attribute="launchPermission"
    )


def _run(clients: Clients, world: World, i: int) -> Callable[[], Any]:
    ec2 = clients("ec2", world.owner)
    return lambda: ec2.run_instances(
        ImageId=world.probes[1], MinCount=1, MaxCount=1, InstanceType=INSTANCE_TYPE
    )


def _owner(world: World) -> str:
    return world.owner


def _consumer(world: World) -> str:
    return world.consumer


OWNERS_SELF = "DescribeImages(Owners=['self'])"
DESCRIBE_ATTRIBUTE = "DescribeImageAttribute (launchPermission)"
OWNERS_SELF_BODY = b"Action=DescribeImages&Version=2016-11-15&Owner.1=self"
CALLS = [
    Call("ModifyImageAttribute (UserId)", _toggle(lambda w: {"UserId": w.outsider})),
    Call(
        "ModifyImageAttribute (OrganizationArn)",
        _toggle(lambda w: {"OrganizationArn": w.org_arn}),
    ),
    Call(
        "ModifyImageAttribute (OrganizationalUnitArn)",
        _toggle(lambda w: {"OrganizationalUnitArn": w.tops[3]["Arn"]}),
    ),
    Call(DESCRIBE_ATTRIBUTE, _attribute),
    Call("DescribeImages by id", _describe(_owner, ImageIds=lambda w: [w.probes[0]])),
    Call(
        "DescribeImages(ExecutableUsers=['self']), owner",
        _describe(_owner, ExecutableUsers=["self"]),
    ),
    Call(
        "DescribeImages(ExecutableUsers=['self']), consumer in a shared OU",
        _describe(_consumer, ExecutableUsers=["self"]),
    ),
    Call(OWNERS_SELF, _describe(_owner, Owners=["self"])),
    Call("RunInstances", _run),
]


@dataclass
class Sample:
    seconds: list[float]
    returned: int  # images in the last DescribeImages answer (0 for other calls)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def measure(
    systems: list[tuple[Clients, World]], call: Call, samples: int, warmup: int = 4
) -> list[Sample]:
    """``samples`` timings per system, alternating systems call by call so drift in the
    machine's load hits each alike."""
    results = [Sample([], 0) for _ in systems]
    for i in range(warmup + samples):
        for (clients, world), result in zip(systems, results, strict=True):
            thunk = call.make(clients, world, i)
            began = time.perf_counter()
            answer = thunk()
            elapsed = time.perf_counter() - began
            if i >= warmup:
                result.seconds.append(elapsed)
                result.returned = len(answer.get("Images", []))
    return results


def measure_raw(
    targets: list[tuple[System, str]], body: bytes, samples: int, warmup: int = 2
) -> list[float]:
    """Median seconds from sending a pre-signed request to holding the whole answer, with no
    SDK on either side: the server's own cost (and the bytes it sends)."""
    prepared = [
        (
            system,
            signed_headers(
                system.port, "ec2", body, account, FORM, system.account_headers(account)
            ),
        )
        for system, account in targets
    ]
    seconds: list[list[float]] = [[] for _ in targets]
    for i in range(warmup + samples):
        for (system, headers), timings in zip(prepared, seconds, strict=True):
            began = time.perf_counter()
            status, _ = post(system.port, body, headers)
            elapsed = time.perf_counter() - began
            assert status == 200, (system.name, status)
            if i >= warmup:
                timings.append(elapsed)
    return [statistics.median(t) for t in seconds]
