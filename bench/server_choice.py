"""Which WSGI server should serve the emulator? Measure them on one workload.

Each server runs the real app in its own process on 127.0.0.1 (so the load generator does not
share its interpreter lock); a world with one image is built through boto3, then keep-alive
HTTP/1.1 connections in threads send signed ``DescribeImageAttribute`` calls as fast as the
server answers, for a bounded time. Rounds interleave the servers so drift hits all alike.

    python bench/server_choice.py                # every installed server, 1 and 8 connections
    python bench/server_choice.py --seconds 3 --rounds 1 --servers werkzeug waitress

Prints requests/s per server and connection count, and the ratio to werkzeug's figure from the
same run, as a Markdown table.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.metadata
import importlib.util
import logging
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from flask import Flask

from bench.throughput import Rate, load

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"
ACCOUNT = "111122223333"
# Bounds on any one measurement, whatever the options say.
SERVERS = ("werkzeug", "waitress", "gunicorn")


def make_app() -> Flask:
    from emulator.core.world import World
    from emulator.web import create_app

    return create_app(World())


def serve(name: str) -> None:
    """Child process: serve the app with ``name`` on a free port; print the port first."""
    # As `serve --log-level WARNING` would: no per-request lines from us or from the server.
    logging.basicConfig(level=logging.WARNING)
    for noisy in ("werkzeug", "waitress.queue"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    app = make_app()
    if name in ("werkzeug", "waitress"):
        from emulator.server import build_server

        # Exactly as `serve` runs them: werkzeug's threaded server is what `--debug` uses.
        server = build_server(app, HOST, 0, debug=name == "werkzeug")
        print(server.port, flush=True)
        server.serve_forever()
    elif name == "gunicorn":
        import socket

        from gunicorn.app.base import BaseApplication

        from emulator.server import THREADS

        # gunicorn binds by address; find a free port first (only this machine's loopback).
        with socket.socket() as probe:
            probe.bind((HOST, 0))
            port = probe.getsockname()[1]

        class Embedded(BaseApplication):
            def load_config(self) -> None:
                # One worker: the world lives in one process's memory.
                for key, value in {
                    "bind": f"{HOST}:{port}",
                    "workers": 1,
                    "worker_class": "gthread",
                    "threads": THREADS,  # as many as the emulator's waitress
                    "keepalive": 30,
                    "loglevel": "warning",
                }.items():
                    self.cfg.set(key, value)

            def load(self) -> Flask:
                return app

        print(port, flush=True)
        Embedded().run()
    else:
        raise SystemExit(f"unknown server {name}")


def start(name: str) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.server_choice", "--serve", name],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    port = int(proc.stdout.readline())
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=1)
            conn.request("GET", "/_emulator/health")
            if conn.getresponse().status == 200:
                conn.close()
                return proc, port
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"{name} did not answer on port {port}")


def prepare(port: int) -> tuple[bytes, dict[str, str]]:
    """Register one image through boto3; return a signed DescribeImageAttribute request."""
    url = f"http://{HOST}:{port}"
    ec2 = boto3.client(
        "ec2",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=ACCOUNT,
        aws_secret_access_key="bench",
    )
    image_id = ec2.register_image(Name="bench")["ImageId"]
    body = (
        f"Action=DescribeImageAttribute&Version=2016-11-15&ImageId={image_id}"
        "&Attribute=launchPermission"
    ).encode()
    request = AWSRequest(
        "POST", url + "/", data=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    SigV4Auth(Credentials(ACCOUNT, "bench"), "ec2", "us-east-1").add_auth(request)
    return body, dict(request.headers.items())


def installed(name: str) -> bool:
    return name == "werkzeug" or importlib.util.find_spec(name) is not None


def run(
    servers: list[str], connection_counts: list[int], seconds: float, rounds: int
) -> dict[tuple[str, int], list[Rate]]:
    figures: dict[tuple[str, int], list[Rate]] = {}
    for _ in range(rounds):
        for name in servers:
            proc, port = start(name)
            try:
                body, headers = prepare(port)
                load(port, body, headers, 1, 1.0)  # warm-up
                for n in connection_counts:
                    figure = load(port, body, headers, n, seconds)
                    if figure.failures:
                        print(f"# {name} x{n}: {figure.failures} failed", file=sys.stderr)
                    figures.setdefault((name, n), []).append(figure)
            finally:
                proc.terminate()
                proc.wait(timeout=10)
    return figures


def table(
    figures: dict[tuple[str, int], list[Rate]], servers: list[str], connection_counts: list[int]
) -> str:
    lines = [
        "| server | connections | requests/s (median) | runs | vs werkzeug | keep-alive |",
        "|---|---|---|---|---|---|",
    ]
    for n in connection_counts:
        base = figures.get(("werkzeug", n))
        base_rate = statistics.median(f.per_second for f in base) if base else 0.0
        for name in servers:
            runs = figures[(name, n)]
            median = statistics.median(f.per_second for f in runs)
            ratio = f"{median / base_rate:.2f}x" if base_rate else "-"
            shown = ", ".join(f"{f.per_second:.0f}" for f in runs)
            kept = "no" if any(f.reopened for f in runs) else "yes"
            lines.append(f"| {name} | {n} | {median:.0f} | {shown} | {ratio} | {kept} |")
    return "\n".join(lines)


def machine() -> str:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")),
        "unknown",
    )
    versions = ", ".join(
        f"{name} {importlib.metadata.version(name)}"
        for name in ("werkzeug", "waitress", "gunicorn", "flask")
        if importlib.util.find_spec(name)
    )
    return (
        f"- nproc: {os.cpu_count()}; CPU: {cpu}\n"
        f"- Python {sys.version.split()[0]}; {versions}\n"
        f"- load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--serve", help=argparse.SUPPRESS)
    args.add_argument("--servers", nargs="+", default=list(SERVERS), choices=SERVERS)
    args.add_argument("--connections", nargs="+", type=int, default=[1, 8])
    args.add_argument("--seconds", type=float, default=5.0)
    args.add_argument("--rounds", type=int, default=3)
    opts = args.parse_args()
    if opts.serve:
        serve(opts.serve)
        return
    servers = [s for s in opts.servers if installed(s)]
    skipped = sorted(set(opts.servers) - set(servers))
    if skipped:
        print(f"# not installed, skipped: {', '.join(skipped)}", file=sys.stderr)
    print(machine())
    print(f"- {opts.rounds} rounds of {opts.seconds:g} s per server and connection count\n")
    figures = run(servers, opts.connections, opts.seconds, opts.rounds)
    print(table(figures, servers, opts.connections))


if __name__ == "__main__":
    main()
