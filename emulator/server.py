"""Running the app on a socket: waitress for real use, werkzeug's dev server with ``--debug``.

waitress was chosen by measurement (docs/performance.md): it keeps HTTP/1.1 connections alive
and answered 2.1-2.7x the requests per second of werkzeug's threaded server on the same
workload (gunicorn, level with it, needs a fork and Unix).
Both run the app in threads of one process, which the in-memory world requires.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http import HTTPStatus
from typing import Protocol
from urllib.parse import parse_qsl

from flask import Flask
from waitress import create_server, wasyncore
from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer as BaseWaitressServer
from waitress.task import ErrorTask
from waitress.utilities import ServerNotImplemented
from werkzeug.serving import BaseWSGIServer, make_server

from emulator.core.world import World
from emulator.web import create_app
from emulator.web.edge import refusal

THREADS = 8
# Clients keep idle connections open (each boto3 client has its own pool, and a test suite
# makes many clients); at waitress's default of 100 new connections would wait for idle ones
# to time out after two minutes.
CONNECTION_LIMIT = 1000
# How often the waitress loop looks whether it was asked to stop (seconds).
STOP_POLL = 0.25


class Listener(Protocol):
    host: str
    port: int

    def serve_forever(self) -> None: ...

    def stop(self) -> None:
        """From another thread: stop serving; ``serve_forever`` returns."""


class _RefusalTask(ErrorTask):
    """waitress refuses what it cannot read as HTTP (framing, Content-Length, headers or body
    over its limits) before the app sees it, with a plain-text answer. This answers as the
    app does: AWS-shaped in the caller's protocol, or admin JSON under ``/_emulator/``. The
    rest of the bytes cannot be trusted as a next request, so the connection closes."""

    def execute(self) -> None:
        request, adj = self.request, self.channel.adj
        error = request.error
        # A Transfer-Encoding waitress does not implement is the client's mistake: a 4xx.
        status = 400 if isinstance(error, ServerNotImplemented) else error.code
        answer = refusal(
            getattr(request, "command", ""),
            getattr(request, "path", "/"),
            {name.replace("_", "-").lower(): value for name, value in request.headers.items()},
            parse_qsl(getattr(request, "query", ""), keep_blank_values=True),
            status,
            detail=str(error.body),
            # waitress refuses lengths >= its limit, so its limit is one over the app's.
            limit=str(adj.max_request_body_size - 1),
        )
        self.status = f"{answer.status} {HTTPStatus(answer.status).phrase}"
        self.response_headers.extend(answer.headers.items())
        self.set_close_on_finish()
        self.content_length = len(answer.body)
        self.write(answer.body)


class _Channel(HTTPChannel):
    error_task_class = _RefusalTask

    def send_continue(self) -> None:
        # waitress marks the request unfinished after a 100 Continue, waiting for a body; a
        # request that has none (Expect with Content-Length 0) would then wait forever.
        if self.request.completed:
            self.request.expect_continue = False
            return
        super().send_continue()


class WaitressListener:
    def __init__(self, app: Flask, host: str, port: int, threads: int = THREADS) -> None:
        self._map: dict = {}
        self._server = create_server(
            app,
            map=self._map,
            host=host,
            port=port,
            threads=threads,
            connection_limit=CONNECTION_LIMIT,
            # waitress refuses lengths >= its limit, Flask those > its own.
            max_request_body_size=app.config["MAX_CONTENT_LENGTH"] + 1,
            ident="ami-emulator",
        )
        for dispatcher in self._map.values():
            if isinstance(dispatcher, BaseWaitressServer):
                dispatcher.channel_class = _Channel
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
