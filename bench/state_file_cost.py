"""What ``serve --state-file`` costs: writes per second with and without it, and how long a
write waits for its answer.

Starts the real command line on a free port of 127.0.0.1, then writer threads, each with its
own boto3 client, call ``RegisterImage`` for a bounded time; the world grows by one image per
call. Every acknowledged write is on disk when the state file is on, so each write waits for a
save (saves are shared by the writes waiting when they begin).

    python bench/state_file_cost.py [--seconds 3] [--writers 1 4]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parent.parent
LISTENING = "ami-emulator listening on "
MAX_SECONDS = 30.0
MAX_WRITERS = 16


def start(*args: str) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "emulator",
            "serve",
            "--empty",
            "--port",
            "0",
            "--log-level",
            "WARNING",
            *args,
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    line = proc.stdout.readline()
    if not line.startswith(LISTENING):
        proc.kill()
        raise RuntimeError(f"emulator did not start: {line!r}")
    return proc, line[len(LISTENING) :].split()[0]


def burst(url: str, writers: int, seconds: float) -> tuple[float, list[float]]:
    """Acknowledged RegisterImage calls per second, and each call's time in seconds."""
    writers, seconds = min(writers, MAX_WRITERS), min(seconds, MAX_SECONDS)
    clients = [
        boto3.client(
            "ec2",
            endpoint_url=url,
            region_name="us-east-1",
            aws_access_key_id="111122223333",
            aws_secret_access_key="x",
        )
        for _ in range(writers)
    ]
    done = [0] * writers
    took: list[float] = []
    stop_at = time.monotonic() + seconds

    def write(i: int) -> None:
        while time.monotonic() < stop_at:
            began = time.perf_counter()
            clients[i].register_image(Name=f"bench-{i}-{done[i]}")
            took.append(time.perf_counter() - began)
            done[i] += 1

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 30)
    return sum(done) / (time.monotonic() - began), took


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--seconds", type=float, default=3.0)
    args.add_argument("--writers", nargs="+", type=int, default=[1, 4])
    opts = args.parse_args()
    print(
        "| writers | without --state-file (writes/s) | with it (writes/s) | ratio "
        "| write with it, median / 99th percentile | file size |"
    )
    print("|---|---|---|---|---|---|")
    for writers in opts.writers:
        rates = []
        took: list[float] = []
        size = 0
        for with_file in (False, True):
            with tempfile.TemporaryDirectory() as folder:
                state = Path(folder) / "state.json"
                proc, url = start(*(["--state-file", str(state)] if with_file else []))
                try:
                    rate, took = burst(url, writers, opts.seconds)
                    rates.append(rate)
                finally:
                    proc.terminate()
                    proc.wait(timeout=30)
                size = state.stat().st_size if with_file else size
        latency = f"{percentile(took, 0.5) * 1000:.0f} / {percentile(took, 0.99) * 1000:.0f} ms"
        print(
            f"| {writers} | {rates[0]:.0f} | {rates[1]:.0f} | {rates[1] / rates[0]:.2f}x "
            f"| {latency} | {size / 1024:.0f} KiB |"
        )


if __name__ == "__main__":
    main()
