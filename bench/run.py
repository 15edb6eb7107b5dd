"""ami-emulator against moto's server, side by side, from one run on one machine.

    python -m bench.run                  # the full run (about ten minutes)
    python -m bench.run --quick          # smaller world and fewer samples, to try the harness

Writes bench/results.md, bench/latency.png and the raw figures in bench/out/results.json;
``python -m bench.inprocess`` and ``python -m bench.classroom`` run one section each.
"""

from __future__ import annotations

import argparse
import compileall
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench import classroom, inprocess, latency, network, policies, report, throughput
from bench import instances as instance_calls
from bench.clients import Clients
from bench.systems import FIRST_CALLS, System, moto, ours, trivial
from bench.world import CHILD_OUS, TOP_OUS, World, add_probes, build_org, grow

HERE = Path(__file__).resolve().parent
CONNECTIONS = (1, 8)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def startup(rounds: int) -> dict[str, dict[str, list[float]]]:
    """Spawn-to-first-answer for each first call, the systems taking turns."""
    times: dict[str, dict[str, list[float]]] = {}
    for first_call in FIRST_CALLS:
        for _ in range(rounds):
            for system in (ours(), moto()):
                try:
                    seconds = system.start(first_call)
                    times.setdefault(first_call, {}).setdefault(system.name, []).append(seconds)
                finally:
                    system.stop()
    return times


def timed(work: Callable[..., object], *args: object) -> float:
    began = time.perf_counter()
    work(*args)
    return time.perf_counter() - began


def throughputs(
    targets: list[tuple[System, str, str]], rounds: int, seconds: float
) -> dict[str, dict[int, dict]]:
    """Rounds in which each system takes its turn at 1 and 8 connections; the median round."""
    prepared = [
        (system, *throughput.describe_attribute_request(system, account, image_id))
        for system, account, image_id in targets
    ]
    for system, body, headers in prepared:
        throughput.load(system.port, body, headers, 1, 1.0)  # warm-up
    rates: dict[str, dict[int, list[throughput.Rate]]] = {}
    for _ in range(rounds):
        for system, body, headers in prepared:
            for n in CONNECTIONS:
                rate = throughput.load(system.port, body, headers, n, seconds)
                rates.setdefault(system.name, {}).setdefault(n, []).append(rate)
    return {
        name: {
            n: {
                "per_second": statistics.median(r.per_second for r in runs),
                "failures": sum(r.failures for r in runs),
                "reopened": sum(r.reopened for r in runs),
                "rounds": [r.per_second for r in runs],
            }
            for n, runs in by_n.items()
        }
        for name, by_n in rates.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--samples", type=int, default=40)
    parser.add_argument("--startups", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=1.5)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--quick", action="store_true")
    opts = parser.parse_args()
    if opts.quick:
        opts.sizes, opts.samples, opts.startups, opts.seconds = [100, 300], 6, 2, 1.0
        opts.rounds = 2
    # Installed packages ship compiled bytecode; an editable checkout run with
    # PYTHONDONTWRITEBYTECODE would otherwise recompile ours at every start.
    compileall.compile_dir(str(HERE.parent / "emulator"), quiet=1)

    results: dict = {"machine": report.machine(), "sizes": opts.sizes, "samples": opts.samples}
    log("startup")
    results["startup"] = startup(opts.startups)
    log("instances: RunInstances and DescribeInstances by id")
    results["instances"] = instance_calls.measure(opts.sizes, opts.samples)

    # One process per system and world size, all up at once, so that every timed call can
    # take turns with its counterparts: drift in the machine's load hits every cell alike.
    largest = max(opts.sizes)
    instances = [(size, make()) for size in opts.sizes for make in (ours, moto)]
    ceiling = trivial()
    try:
        built: list[tuple[int, System, Clients, World]] = []
        for size, system in instances:
            system.start()
            if size == largest:
                results.setdefault("rss_idle", {})[system.name] = system.rss_mib()
            clients = Clients(system)
            log(f"{system.name}: organization, then {size:,} images")
            began = time.perf_counter()
            world = build_org(clients)
            org_seconds = time.perf_counter() - began
            add_probes(clients, world)
            images_seconds = timed(grow, clients, world, size)
            results.setdefault("build", {}).setdefault(system.name, {})[size] = {
                "organization": org_seconds,
                "images": images_seconds,
            }
            built.append((size, system, clients, world))
            if size == largest:
                results.setdefault("rss_world", {})[system.name] = system.rss_mib()
                results["world"] = {
                    "images": size,
                    "accounts": len(world.accounts),
                    "ous": TOP_OUS * (1 + CHILD_OUS),
                    "grants": world.grants,
                }
        results["latency"], results["returned"] = {}, {}
        for call in latency.CALLS:
            log(call.name)
            samples = latency.measure([(c, w) for _, _, c, w in built], call, opts.samples)
            for (size, system, _, _), sample in zip(built, samples, strict=True):
                name = system.name
                results["latency"].setdefault(name, {}).setdefault(call.name, {})[size] = (
                    sample.median
                )
                results["returned"].setdefault(name, {}).setdefault(call.name, {})[size] = (
                    sample.returned
                )
        log("Owners=['self'] over raw HTTP")
        raw = latency.measure_raw(
            [(s, w.owner) for _, s, _, w in built], latency.OWNERS_SELF_BODY, opts.samples
        )
        results["raw_owners_self"] = {}
        for (size, system, _, _), seconds in zip(built, raw, strict=True):
            results["raw_owners_self"].setdefault(system.name, {})[size] = seconds
        log("throughput")
        ceiling.start()
        results["throughput"] = throughputs(
            [(s, w.owner, w.probes[0]) for size, s, _, w in built if size == largest]
            + [(ceiling, "123456789012", "ami-00000000")],
            opts.rounds,
            opts.seconds,
        )
    finally:
        for _, system in instances:
            system.stop()
        ceiling.stop()

    # In process against moto's mock_aws, and a classroom of worlds: sections of their own.
    log("in process: emulated() and moto's mock_aws")
    results["inprocess"] = inprocess.measure(50 if opts.quick else inprocess.SAMPLES)
    log("classroom: 100 demo worlds")
    results["classroom"] = classroom.measure(50 if opts.quick else classroom.SAMPLES)
    results["subnets"] = network.measure(opts.sizes)
    log("policies: a decided call with 10 and 1,000 policies in the organization")
    results["policies"] = policies.measure([10, 1000])
    sections = (
        inprocess.markdown(results["inprocess"])
        + "\n"
        + classroom.markdown(results["classroom"])
        + "\n"
        + network.markdown(results["subnets"])
        + "\n"
        + policies.markdown(results["policies"])
    )

    out = HERE / "out"
    out.mkdir(exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=2))
    report.chart(results, HERE / "latency.png")
    (HERE / "results.md").write_text(report.markdown(results) + "\n" + sections)
    if not opts.quick:
        report.update_docs(HERE.parent / "docs" / "performance.md", report.docs_section(results))
    print(report.summary(results))


if __name__ == "__main__":
    main()
