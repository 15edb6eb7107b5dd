"""Running the app on a socket, in the foreground or in a background thread."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from werkzeug.serving import BaseWSGIServer, make_server

from emulator.core.world import World
from emulator.web import create_app


@dataclass
class RunningServer:
    """A server on a background thread; ``url`` is ready to hand to boto3."""

    world: World
    server: BaseWSGIServer
    thread: threading.Thread

    @property
    def url(self) -> str:
        return f"http://{self.server.host}:{self.server.port}"

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


def build_server(world: World, host: str, port: int) -> BaseWSGIServer:
    return make_server(host, port, create_app(world), threaded=True)


def start_in_thread(world: World | None = None, host: str = "127.0.0.1", port: int = 0) -> RunningServer:
    """Port 0 picks a free port; the answer says which."""
    world = world or World()
    server = build_server(world, host, port)
    thread = threading.Thread(target=server.serve_forever, name="ami-emulator", daemon=True)
    thread.start()
    return RunningServer(world, server, thread)
