"""RunInstances and DescribeInstances by id in worlds of 100 to 10,000 instances: flat.

In process (``emulator.testing.in_process_client``: the real dispatch, no socket), so the
figures are the emulator's work plus botocore's. The world is grown through the core (fast);
each timed call goes through boto3. The median of ``samples`` calls per size.

    python -m bench.instances [--sizes 100 1000 10000] [--samples 40]
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from emulator.core.ec2.images.catalog import ImageSpec, register_image
from emulator.core.ec2.instances.operations import LaunchSpec, run_instances
from emulator.core.ec2.network import operations as network
from emulator.core.ec2.network.placement import LaunchPlacement
from emulator.core.world import World
from emulator.testing import in_process_client

OWNER = "111111111111"
REGION = "us-east-1"
BATCH = 100  # RunInstances' own limit per call


def world_of(size: int) -> tuple[World, str, str, list[str]]:
    """A world whose owner has ``size`` instances in one /16 subnet (a default /20 holds
    4,091); the image, the subnet and the instance ids."""
    world = World()
    env = world.ec2.env
    with world.ec2.write(REGION) as region:
        image = register_image(env, region, OWNER, ImageSpec(name="base"), [], {})
        vpc = network.create_vpc(env, region, OWNER, "10.0.0.0/16", None, {})
        subnet = network.create_subnet(
            env, region, OWNER, vpc.vpc_id, "10.0.0.0/16", None, None, {}
        ).subnet_id
        ids: list[str] = []
        while len(ids) < size:
            count = min(BATCH, size - len(ids))
            launched, _ = run_instances(
                world.ec2.env,
                region,
                OWNER,
                LaunchSpec(
                    image_id=image.image_id,
                    min_count=count,
                    max_count=count,
                    network=LaunchPlacement(subnet_id=subnet),
                ),
            )
            ids.extend(i.instance_id for i in launched)
    return world, image.image_id, subnet, ids


def median_seconds(call: Any, samples: int) -> float:
    for _ in range(3):  # botocore's first-call setup, and warm caches
        call()
    times = []
    for _ in range(samples):
        began = time.perf_counter()
        call()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def measure(sizes: list[int], samples: int) -> dict[str, dict[int, float]]:
    """Median seconds of each call at each world size."""
    out: dict[str, dict[int, float]] = {"RunInstances": {}, "DescribeInstances by id": {}}
    for size in sizes:
        world, image_id, subnet, ids = world_of(size)
        ec2 = in_process_client(world, "ec2", OWNER, REGION)
        probe = ids[len(ids) // 2]
        out["RunInstances"][size] = median_seconds(
            lambda e=ec2, i=image_id, s=subnet: e.run_instances(
                ImageId=i, MinCount=1, MaxCount=1, SubnetId=s
            ),
            samples,
        )
        out["DescribeInstances by id"][size] = median_seconds(
            lambda e=ec2, p=probe: e.describe_instances(InstanceIds=[p]), samples
        )
    return out


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--sizes", type=int, nargs="+", default=[100, 1_000, 10_000])
    args.add_argument("--samples", type=int, default=40)
    opts = args.parse_args()
    results = measure(opts.sizes, opts.samples)
    print("call | " + " | ".join(f"{n:,} instances (ms)" for n in opts.sizes))
    for call, by_size in results.items():
        print(f"{call} | " + " | ".join(f"{by_size[n] * 1000:.2f}" for n in opts.sizes))


if __name__ == "__main__":
    main()
