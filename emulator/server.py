"""Running the app on a socket: waitress for real use, werkzeug's dev server with ``--debug``.

waitress was chosen by measurement (docs/performance.md): it keeps HTTP/1.1 connections alive
and answers 2.5-3x the requests per second of werkzeug's threaded server on the same workload.
Both run the app in threads of one process, which the in-memory world requires.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Protocol

from flask import Flask
from waitress import create_server, wasyncore
from werkzeug.serving import BaseWSGIServer, make_server

from emulator.core.world import World
from emulator.web import create_app

THREADS = 8
# How often the waitress loop looks whether it was asked to stop (seconds).
STOP_POLL = 0.25


class Listener(Protocol):
    host: str
    port: int

    def serve_forever(self) -> None: ...

    def stop(self) -> None:
        """From another thread: stop serving; ``serve_forever`` returns."""


class WaitressListener:
    def __init__(self, app: Flask, host: str, port: int, threads: int = THREADS) -> None:
        self._map: dict = {}
        self._server = create_server(app, map=self._map, host=host, port=port, threads=threads,
                                     ident="ami-emulator")
        listening = getattr(self._server, "effective_listen", None) or [
            (self._server.effective_host, self._server.effective_port)
        ]
        self.host, self.port = listening[0][0], int(listening[0][1])
        self._stopping = threading.Event()

    def serve_forever(self) -> None:
        try:
            while self._map and not self._stopping.is_set():
                wasyncore.loop(timeout=STOP_POLL, map=self._map, use_poll=True, count=1)
        finally:
            # Requests already running finish (and save) before the sockets close.
            self._server.task_dispatcher.shutdown()
            wasyncore.close_all(self._map)

    def stop(self) -> None:
        self._stopping.set()


class WerkzeugListener:
    """The development server (``--debug``). werkzeug 3 closes the connection after every
    answer, even when speaking HTTP/1.1, so clients reconnect for each request."""

    def __init__(self, app: Flask, host: str, port: int) -> None:
        self._server: BaseWSGIServer = make_server(host, port, app, threaded=True)
        self.host, self.port = self._server.host, self._server.port

    def serve_forever(self) -> None:
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()


def build_server(app: Flask, host: str, port: int, *, debug: bool = False) -> Listener:
    if debug:
        return WerkzeugListener(app, host, port)
    return WaitressListener(app, host, port)


@dataclass
class RunningServer:
    """A server on a background thread; ``url`` is ready to hand to boto3."""

    world: World
    server: Listener
    thread: threading.Thread

    @property
    def url(self) -> str:
        return f"http://{self.server.host}:{self.server.port}"

    def stop(self) -> None:
        self.server.stop()
        self.thread.join(timeout=10)


def start_in_thread(
    world: World | None = None, host: str = "127.0.0.1", port: int = 0
) -> RunningServer:
    """Port 0 picks a free port; the answer says which."""
    world = world or World()
    server = build_server(create_app(world), host, port)
    thread = threading.Thread(target=server.serve_forever, name="ami-emulator", daemon=True)
    thread.start()
    return RunningServer(world, server, thread)
