"""A classroom of 100 demo worlds in one process: memory per world, and latency against one world.

Memory: tracemalloc's traced bytes before and after 100 worlds are made through the
classroom's first-use path (each from the demo scenario), divided by 100. Latency: boto3
calls through HTTP to a world of that classroom server and to a single-world server in the
same process, taking turns call by call.

    python -m bench.classroom            # prints the table; bench.run puts it in results.md
"""

from __future__ import annotations

import gc
import statistics
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config

from emulator.api.regions import partition_of
from emulator.core.world import World
from emulator.scenario_files import load_demo_into
from emulator.server import build_server
from emulator.web import create_app
from emulator.web.worlds import Classroom, worlds_like

WORLDS = 100
SAMPLES = 300
WARM_UP = 20
DEMO_IMAGE = "ami-0abcdef1234567890"
CONFIG = Config(retries={"max_attempts": 1})


def _classroom(worlds: int) -> Classroom:
    template = World(partition_of=partition_of)
    load_demo_into(template)
    return Classroom(worlds_like(template.to_dict(), {}), max_worlds=worlds + 1)


def memory_per_world(worlds: int = WORLDS) -> dict[str, float]:
    """Bytes per world made on first use, and for comparison a world that keeps a baseline
    of its own (as a single-world server does)."""
    classroom = _classroom(worlds)
    classroom.seat("warm-up")
    classroom.remove("warm-up")
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for i in range(worlds):
        classroom.seat(f"trainee-{i}")
    gc.collect()
    shared = (tracemalloc.get_traced_memory()[0] - before) / worlds
    before = tracemalloc.get_traced_memory()[0]
    own = []
    for _ in range(worlds):
        world = World(partition_of=partition_of)
        load_demo_into(world)
        own.append(world)
    gc.collect()
    alone = (tracemalloc.get_traced_memory()[0] - before) / worlds
    tracemalloc.stop()
    return {"classroom_world_bytes": shared, "single_world_bytes": alone}


def _serve(app: Any) -> tuple[str, Callable[[], None]]:
    server = build_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.stop()
        thread.join(timeout=10)

    return f"http://{server.host}:{server.port}", stop


def _client(service: str, endpoint: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="123456789012",
        aws_secret_access_key="bench",
        config=CONFIG,
    )


CALLS: dict[str, Callable[[Callable[[str], Any]], Callable[[], Any]]] = {
    "DescribeImages(ImageIds)": lambda c: lambda: c("ec2").describe_images(ImageIds=[DEMO_IMAGE]),
    "DescribeImageAttribute": lambda c: (
        lambda: c("ec2").describe_image_attribute(ImageId=DEMO_IMAGE, Attribute="launchPermission")
    ),
    "GetCallerIdentity": lambda c: c("sts").get_caller_identity,
}


def latency(worlds: int = WORLDS, samples: int = SAMPLES) -> dict[str, dict[str, float]]:
    classroom = _classroom(worlds)
    for i in range(worlds):
        classroom.seat(f"trainee-{i}")
    single = World(partition_of=partition_of)
    load_demo_into(single)
    room_url, stop_room = _serve(create_app(classroom=classroom))
    single_url, stop_single = _serve(create_app(single))
    endpoints = {"classroom": f"{room_url}/w/trainee-{worlds // 2}/", "single": single_url}
    try:
        clients = {
            system: {s: _client(s, url) for s in ("ec2", "sts")}
            for system, url in endpoints.items()
        }
        times: dict[str, dict[str, list[float]]] = {}
        for name, make in CALLS.items():
            thunks = {
                system: make(by_service.__getitem__) for system, by_service in clients.items()
            }
            for i in range(WARM_UP + samples):
                for system, thunk in thunks.items():
                    began = time.perf_counter()
                    thunk()
                    if i >= WARM_UP:
                        elapsed = time.perf_counter() - began
                        times.setdefault(name, {}).setdefault(system, []).append(elapsed)
    finally:
        stop_room()
        stop_single()
    return {
        name: {system: statistics.median(values) for system, values in by_system.items()}
        for name, by_system in times.items()
    }


def measure(samples: int = SAMPLES, worlds: int = WORLDS) -> dict[str, Any]:
    return {
        "worlds": worlds,
        "samples": samples,
        "memory": memory_per_world(worlds),
        "latency": latency(worlds, samples),
    }


def markdown(figures: dict[str, Any]) -> str:
    memory, worlds = figures["memory"], figures["worlds"]
    lines = [
        f"## A classroom: {worlds} demo worlds in one server",
        "",
        f"Memory (tracemalloc, Python allocations): {worlds} worlds made on first use hold "
        f"{memory['classroom_world_bytes'] / 1024:.1f} KiB each (they share the demo "
        "snapshot they reset to); a demo world that keeps a baseline of its own, as a "
        f"single-world server's does, {memory['single_world_bytes'] / 1024:.1f} KiB.",
        "",
        f"Latency through boto3 and HTTP, median of {figures['samples']} calls each, the two "
        f"taking turns: a world of the {worlds}-world classroom (`/w/<name>/`) and a "
        "single-world server, both in this process.",
        "",
        "| call | classroom world | single world | ratio |",
        "|---|---|---|---|",
    ]
    for name, by_system in figures["latency"].items():
        room, single = by_system["classroom"], by_system["single"]
        lines.append(
            f"| {name} | {room * 1000:.2f} ms | {single * 1000:.2f} ms | {room / single:.2f} |"
        )
    return "\n".join([*lines, ""])


if __name__ == "__main__":
    print(markdown(measure(int(sys.argv[1]) if len(sys.argv) > 1 else SAMPLES)))
