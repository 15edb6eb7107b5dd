"""Running the app on a socket: waitress for real use, werkzeug's dev server with ``--debug``.

waitress was chosen by measurement (docs/performance.md): it keeps HTTP/1.1 connections alive
and answered 2.1-2.7x the requests per second of werkzeug's threaded server on the same
workload (gunicorn, level with it, needs a fork and Unix).
Both run the app in threads of one process, which the in-memory world requires.
"""

from __future__ import annotations

import logging
import select
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
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

from emulator.api.regions import partition_of
from emulator.core.world import World
from emulator.web import create_app
from emulator.web.edge import refusal

try:
    import resource
except ImportError:  # Windows: no limit on open files to raise
    resource = None

log = logging.getLogger("emulator.server")

# Requests run in this many threads. A connection holds none while it is idle or still
# sending: waitress reads each request whole before a thread takes it, and sends the answer
# from a buffer after. The world's lock serializes changes, so more would only wait.
THREADS = 8
# Clients keep idle connections open (each boto3 client has its own pool, and a test suite
# makes many clients). At the limit, a newcomer takes the place of the connection that has
# been idle longest (see _Connections), so idle ones never lock anyone out.
CONNECTION_LIMIT = 1000
# An idle keep-alive connection, or a half-sent request that stopped sending, is closed
# after this many seconds without a byte.
IDLE_TIMEOUT = 60
# A request must arrive whole within this many seconds of its first byte, however slowly
# its bytes trickle in (a slowloris); 10 MiB in 30 s is 350 KB/s, below any real network.
REQUEST_TIMEOUT = 30
# How often (seconds) those two timeouts are checked: a connection may outlive them by this.
SWEEP_INTERVAL = 5
# waitress: a connection holds a socket, and a temporary file each for a request body over
# 512 KiB and an answer over 1 MiB. The spare ones are for the state file, logs, imports.
FILES_PER_CONNECTION = 3
SPARE_FILES = 64
# How often the waitress loop looks whether it was asked to stop (seconds).
STOP_POLL = 0.25


@dataclass(frozen=True)
class Limits:
    """What clients may hold of the server, and for how long (docs/serving.md)."""

    threads: int = THREADS
    connections: int = CONNECTION_LIMIT
    idle_timeout: int = IDLE_TIMEOUT
    request_timeout: int = REQUEST_TIMEOUT
    sweep_interval: int = SWEEP_INTERVAL


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
    # When the first byte of the request being read arrived (for REQUEST_TIMEOUT).
    request_started = 0.0

    def received(self, data: bytes) -> bool:
        if self.request is None and data:
            self.request_started = time.time()
        return super().received(data)

    def send_continue(self) -> None:
        # waitress marks the request unfinished after a 100 Continue, waiting for a body; a
        # request that has none (Expect with Content-Length 0) would then wait forever.
        if self.request.completed:
            self.request.expect_continue = False
            return
        super().send_continue()


@dataclass
class _Connections:
    """Keeps the server answering new clients whatever idle or slow ones hold. Run by the
    loop's thread between its passes (waitress reads, writes and closes channels only in
    them); a channel whose request a thread is serving is never touched.

    - At the connection limit, while a client waits to connect, the connection that has been
      idle longest (no request queued or running, nothing left to send) is closed to make
      room. A connection in use is never closed; one between requests is closed only after
      every connection idle longer than it.
    - A request still arriving ``request_timeout`` after its first byte is cut off
      (waitress's own ``channel_timeout`` closes connections silent for ``idle_timeout``).
    """

    map: dict
    limit: int
    limits: Limits
    _next_sweep: float = 0.0
    _someone_waits: Callable[[], bool] = field(init=False)

    def __post_init__(self) -> None:
        listening = [d.socket for d in self.map.values() if isinstance(d, BaseWaitressServer)]
        if hasattr(select, "poll"):
            # Not select(): past 1,024 open files a listening socket's number may be higher.
            poller = select.poll()
            for sock in listening:
                poller.register(sock, select.POLLIN)
            self._someone_waits = lambda: bool(poller.poll(0))
        else:  # Windows
            self._someone_waits = lambda: bool(select.select(listening, [], [], 0)[0])

    def tend(self) -> None:
        now = time.time()
        if now >= self._next_sweep:
            self._next_sweep = now + self.limits.sweep_interval
            self._cut_off_slow_requests(now)
        if len(self.map) >= self.limit and self._someone_waits():
            self._close_longest_idle()

    def _channels(self) -> list[_Channel]:
        return [d for d in self.map.values() if isinstance(d, _Channel)]

    def _cut_off_slow_requests(self, now: float) -> None:
        cutoff = now - self.limits.request_timeout
        for channel in self._channels():
            slow = channel.request is not None and channel.request_started < cutoff
            if slow and not channel.requests:
                channel.will_close = True

    def _close_longest_idle(self) -> None:
        idle = [
            channel
            for channel in self._channels()
            if not (
                channel.requests
                or channel.total_outbufs_len
                or channel.will_close
                or channel.close_when_flushed
            )
        ]
        if idle:
            min(idle, key=lambda channel: channel.last_activity).handle_close()


def _open_files(wanted: int) -> int:
    """Raise this process's soft limit on open files toward ``wanted`` (at most the hard
    limit); answer the soft limit in effect."""
    if resource is None:
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return wanted
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError) as exc:
            log.warning("cannot raise the limit on open files from %d: %s", soft, exc)
    return soft


def connection_limit(limits: Limits) -> int:
    """``limits.connections``, or fewer when the open-file limit cannot hold them: past it,
    accept() fails and waitress would spin on a listening socket it cannot serve."""
    available = _open_files(limits.connections * FILES_PER_CONNECTION + SPARE_FILES)
    limit = min(limits.connections, (available - SPARE_FILES) // FILES_PER_CONNECTION)
    if limit < limits.connections:
        log.warning("%d open files allowed: serving at most %d connections", available, limit)
    return max(limit, 1)


class WaitressListener:
    def __init__(self, app: Flask, host: str, port: int, limits: Limits | None = None) -> None:
        limits = limits or Limits()
        self._map: dict = {}
        self.connection_limit = connection_limit(limits)
        self._server = create_server(
            app,
            map=self._map,
            host=host,
            port=port,
            threads=limits.threads,
            connection_limit=self.connection_limit,
            channel_timeout=limits.idle_timeout,
            cleanup_interval=limits.sweep_interval,
            # waitress refuses lengths >= its limit, Flask those > its own.
            max_request_body_size=app.config["MAX_CONTENT_LENGTH"] + 1,
            ident="ami-emulator",
        )
        for dispatcher in self._map.values():
            if isinstance(dispatcher, BaseWaitressServer):
                dispatcher.channel_class = _Channel
        self._connections = _Connections(self._map, self.connection_limit, limits)
        listening = getattr(self._server, "effective_listen", None) or [
            (self._server.effective_host, self._server.effective_port)
        ]
        self.host, self.port = listening[0][0], int(listening[0][1])
        self._stopping = threading.Event()

    def serve_forever(self) -> None:
        try:
            while self._map and not self._stopping.is_set():
                self._connections.tend()
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


def build_server(
    app: Flask, host: str, port: int, *, debug: bool = False, limits: Limits | None = None
) -> Listener:
    if debug:
        return WerkzeugListener(app, host, port)
    return WaitressListener(app, host, port, limits)


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
    world: World | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    limits: Limits | None = None,
) -> RunningServer:
    """Port 0 picks a free port; the answer says which."""
    world = world or World(partition_of=partition_of)
    server = build_server(create_app(world), host, port, limits=limits)
    thread = threading.Thread(target=server.serve_forever, name="ami-emulator", daemon=True)
    thread.start()
    return RunningServer(world, server, thread)
