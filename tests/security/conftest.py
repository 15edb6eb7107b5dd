"""Helpers for the security tests: raw HTTP with any headers, and servers built with options
the plugin's server does not take."""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest

from emulator.core.world import World
from emulator.scenario_files import load_demo_into
from emulator.server import RunningServer, build_server
from emulator.web import create_app


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: str

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


def send(
    url: str,
    method: str,
    path: str,
    body: str | bytes = b"",
    headers: dict[str, str] | None = None,
) -> Answer:
    """One request with exactly these headers (a ``Host`` given here replaces the real one)."""
    target = urlsplit(url)
    conn = http.client.HTTPConnection(target.hostname, target.port, timeout=10)
    try:
        data = body.encode() if isinstance(body, str) else body
        conn.request(method, path, body=data or None, headers=headers or {})
        answer = conn.getresponse()
        return Answer(answer.status, answer.headers, answer.read().decode())
    finally:
        conn.close()


@pytest.fixture
def serve() -> Iterator[Callable[..., RunningServer]]:
    """``serve(**create_app_options)``: a server on a free 127.0.0.1 port with the demo
    world and those options; stopped after the test."""
    running: list[RunningServer] = []

    def start(**options: Any) -> RunningServer:
        world = World()
        load_demo_into(world)
        world.set_baseline()
        server = build_server(create_app(world, **options), "127.0.0.1", 0)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        running.append(RunningServer(world, server, thread))
        return running[-1]

    yield start
    for server in running:
        server.stop()
