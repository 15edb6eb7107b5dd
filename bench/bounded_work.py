"""How the cost of one request grows: with its own size, never with the world's.

In process (``emulator.testing.in_process_client``: the real dispatch, no socket), so the
figures are the emulator's work plus botocore's. Three series, each a size and the seconds:

- ModifyImageAttribute adding N accounts to one AMI: linear means seconds / N stays flat.
- DescribeImages with the filter ``*a*a*...*b`` (k stars) against a name of 128 ``a``.
- A DryRun CreateTags in a world of n images: flat means no copy of the world.

    python -m bench.bounded_work [--sizes 2000 20000 100000]
"""

from __future__ import annotations

import argparse
import contextlib
import time
from collections.abc import Callable
from typing import Any

from emulator.core.ec2.images.catalog import ImageSpec, register_image
from emulator.core.world import World
from emulator.testing import in_process_client

OWNER = "111111111111"
REGION = "us-east-1"


def seconds(call: Callable[[], Any]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def sharing(sizes: list[int]) -> None:
    print("ModifyImageAttribute, N accounts added | seconds | microseconds per account")
    for n in sizes:
        world = World()
        ec2 = in_process_client(world, "ec2", OWNER, REGION)
        image_id = ec2.register_image(Name="shared")["ImageId"]
        add = [{"UserId": f"{300000000000 + i:012d}"} for i in range(n)]
        took = seconds(
            lambda e=ec2, i=image_id, a=add: e.modify_image_attribute(
                ImageId=i, LaunchPermission={"Add": a}
            )
        )
        print(f"{n:>8} | {took:7.3f} | {took / n * 1e6:6.1f}")


def wildcards() -> None:
    print("DescribeImages name filter *a*...*b against 128 a | stars | seconds")
    world = World()
    ec2 = in_process_client(world, "ec2", OWNER, REGION)
    ec2.register_image(Name="a" * 128)
    for stars in (2, 8, 32, 64):
        pattern = "*a" * (stars - 1) + "*b"
        filters = [{"Name": "name", "Values": [pattern]}]
        took = seconds(lambda f=filters: ec2.describe_images(Owners=["self"], Filters=f))
        print(f"{stars:>5} | {took:7.4f}")


def dry_runs() -> None:
    print("DryRun CreateTags, world of n images | seconds")
    for n in (10, 1_000, 10_000):
        world = World()
        with world.ec2.write(REGION) as region:
            for i in range(n):
                register_image(
                    world.ec2.env, region, OWNER, ImageSpec(name=f"image-{i:05d}"), [], {}
                )
        ec2 = in_process_client(world, "ec2", OWNER, REGION)
        image_id = next(iter(world.ec2.regions[REGION].images))

        def dry(e: Any = ec2, i: str = image_id) -> None:
            with contextlib.suppress(e.exceptions.ClientError):  # DryRunOperation
                e.create_tags(Resources=[i], Tags=[{"Key": "Env", "Value": "x"}], DryRun=True)

        dry()  # botocore's first-call setup
        print(f"{n:>6} | {seconds(dry):7.4f}")


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--sizes", type=int, nargs="+", default=[2_000, 20_000, 100_000])
    sizes = args.parse_args().sizes
    sharing(sizes)
    wildcards()
    dry_runs()


if __name__ == "__main__":
    main()
