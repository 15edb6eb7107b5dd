"""A classroom server (many worlds under /w/<name>/) on a free 127.0.0.1 port, in a thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3

from emulator.api.regions import partition_of
from emulator.core.world import DEFAULT_ACCOUNT, World
from emulator.scenario_files import load_demo_into
from emulator.server import build_server
from emulator.web import create_app
from emulator.web.worlds import Classroom, worlds_like
from tests.conftest import CLIENT_CONFIG


def demo_classroom(max_worlds: int = 100, pinned: dict[str, Any] | None = None) -> Classroom:
    template = World(pinned=pinned, partition_of=partition_of)
    load_demo_into(template)
    return Classroom(worlds_like(template.to_dict(), pinned or {}), max_worlds=max_worlds)


@dataclass
class ClassroomServer:
    url: str
    classroom: Classroom
    _clients: dict[tuple[str, str, str, str], Any] = field(default_factory=dict)

    def endpoint(self, world: str) -> str:
        return f"{self.url}/w/{world}/"

    def client(
        self, world: str, service: str, account: str = DEFAULT_ACCOUNT, secret: str = "any"
    ) -> Any:
        key = (world, service, account, secret)
        if key not in self._clients:
            self._clients[key] = boto3.client(
                service,
                endpoint_url=self.endpoint(world),
                region_name="us-east-1",
                aws_access_key_id=account,
                aws_secret_access_key=secret,
                config=CLIENT_CONFIG,
            )
        return self._clients[key]


@contextmanager
def classroom_server(
    classroom: Classroom | None = None, **options: Any
) -> Iterator[ClassroomServer]:
    classroom = classroom or demo_classroom()
    server = build_server(create_app(classroom=classroom, **options), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, name="classroom", daemon=True)
    thread.start()
    try:
        yield ClassroomServer(f"http://{server.host}:{server.port}", classroom)
    finally:
        server.stop()
        thread.join(timeout=10)
