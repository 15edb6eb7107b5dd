"""DescribeSubnets as an account's subnets grow: by id and by VPC it stays flat.

In process (``emulator.testing.in_process_client``), so the figures are the emulator's work
plus botocore's. The subnets are /24s, a hundred to a VPC, made through the core.

    python -m bench.network [--sizes 100 1000 10000]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from emulator.core.ec2.network import operations
from emulator.core.world import World
from emulator.testing import in_process_client

OWNER = "111111111111"
REGION = "us-east-1"
PER_VPC = 100


def seconds(call: Callable[[], Any], rounds: int = 20) -> float:
    """The best of ``rounds`` runs: what the call costs, not what the machine did meanwhile."""
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best


def world_with(n: int) -> tuple[World, str, str]:
    """A world where OWNER has ``n`` subnets; one subnet id and the id of its VPC."""
    world = World()
    env = world.ec2.env
    with world.ec2.write(REGION) as region:
        for v in range((n + PER_VPC - 1) // PER_VPC):
            vpc = operations.create_vpc(env, region, OWNER, f"10.{v % 256}.0.0/16", None, {})
            for s in range(min(PER_VPC, n - v * PER_VPC)):
                subnet = operations.create_subnet(
                    env, region, OWNER, vpc.vpc_id, f"10.{v % 256}.{s}.0/24", None, None, {}
                )
    return world, subnet.subnet_id, vpc.vpc_id


def measure(sizes: list[int]) -> dict[int, dict[str, float]]:
    """For each number of subnets: DescribeSubnets by id, and by a vpc-id filter (seconds)."""
    out = {}
    for n in sizes:
        world, subnet_id, vpc_id = world_with(n)
        ec2 = in_process_client(world, "ec2", OWNER, REGION)
        by_id = seconds(lambda e=ec2, i=subnet_id: e.describe_subnets(SubnetIds=[i]))
        vpc_filter = [{"Name": "vpc-id", "Values": [vpc_id]}]
        by_vpc = seconds(lambda e=ec2, f=vpc_filter: e.describe_subnets(Filters=f), rounds=5)
        out[n] = {"by_id": by_id, "by_vpc": by_vpc}
    return out


def markdown(result: dict[int, dict[str, float]]) -> str:
    """The section of bench/results.md: each size's time as a ratio to the smallest size's."""
    base = result[min(result)]
    rows = [
        f"| {n:,} | {r['by_id'] * 1000:.2f} ms ({r['by_id'] / base['by_id']:.2f}x) | "
        f"{r['by_vpc'] * 1000:.2f} ms ({r['by_vpc'] / base['by_vpc']:.2f}x) |"
        for n, r in sorted(result.items())
    ]
    return "\n".join(
        [
            "## DescribeSubnets as the subnets grow (in process)",
            "",
            "| subnets | by id | vpc-id filter (100 subnets each) |",
            "|---|---|---|",
            *rows,
            "",
        ]
    )


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--sizes", type=int, nargs="+", default=[100, 1_000, 10_000])
    print(markdown(measure(args.parse_args().sizes)))


if __name__ == "__main__":
    main()
