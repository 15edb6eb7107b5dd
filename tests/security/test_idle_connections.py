"""Idle or slow connections cannot lock out other clients: past the connection limit a
newcomer takes the place of the connection idle longest, a request that trickles in is cut
off, a silent connection is closed, and a busy keep-alive connection is never the one closed.

Every socket is on 127.0.0.1, opened in bounded numbers within bounded time, and closed at
the end; each test has a server of its own, so no other test's connections are touched."""

from __future__ import annotations

import contextlib
import http.client
import json
import select
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from emulator.core.world import World
from emulator.server import Limits, RunningServer, start_in_thread

resource = pytest.importorskip("resource")

IDLE = 1_100
SLOW = 30
# Seconds within which a new client must be answered; refused ones waited minutes before.
PROMPT = 5.0
# Opening the sockets of one test may take at most this long.
OPENING = 30.0


def raise_own_file_limit(needed: int) -> None:
    """Both ends of every socket live in this process (the server runs in a thread)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return
    if hard != resource.RLIM_INFINITY and hard < needed:
        pytest.skip(f"needs {needed} open files, the hard limit is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


@pytest.fixture
def own_server() -> Iterator[RunningServer]:
    running = start_in_thread(World())
    yield running
    running.stop()


@pytest.fixture
def sockets() -> Iterator[list[socket.socket]]:
    """Sockets a test opens; all closed at its end, whatever happened."""
    opened: list[socket.socket] = []
    yield opened
    for sock in opened:
        sock.close()


def open_idle(server: RunningServer, count: int, into: list[socket.socket]) -> None:
    deadline = time.monotonic() + OPENING
    for _ in range(count):
        assert time.monotonic() < deadline, f"opened only {len(into)} sockets in {OPENING}s"
        into.append(socket.create_connection((server.server.host, server.server.port), 5))


@contextlib.contextmanager
def trickling(socks: list[socket.socket], every: float = 0.5) -> Iterator[None]:
    """Send each socket one more byte of a header that never ends, every ``every`` seconds,
    for as long as the block runs (at most OPENING + PROMPT seconds)."""
    stop = threading.Event()

    def trickle() -> None:
        deadline = time.monotonic() + OPENING + PROMPT
        while not stop.wait(every) and time.monotonic() < deadline:
            for sock in socks:
                with contextlib.suppress(OSError):
                    sock.send(b"a")

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def health(conn: http.client.HTTPConnection) -> None:
    conn.request("GET", "/_emulator/health")
    response = conn.getresponse()
    assert response.status == 200
    assert json.loads(response.read()) == {"status": "ok"}


def answer_time(server: RunningServer) -> float:
    started = time.monotonic()
    conn = http.client.HTTPConnection(server.server.host, server.server.port, timeout=PROMPT * 2)
    try:
        health(conn)
    finally:
        conn.close()
    return time.monotonic() - started


def test_idle_and_slow_connections_do_not_lock_out_a_new_client(own_server, sockets) -> None:
    raise_own_file_limit(2 * (IDLE + SLOW) + 512)
    slow: list[socket.socket] = []
    open_idle(own_server, SLOW, slow)
    sockets.extend(slow)
    for sock in slow:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: Trent")
    with trickling(slow):
        open_idle(own_server, IDLE, sockets)
        assert answer_time(own_server) < PROMPT


def test_a_busy_keep_alive_connection_is_not_the_one_closed(own_server, sockets) -> None:
    """It was opened before all the idle ones, yet each request makes it the most recently
    active: closing by age would take it first, closing by idleness takes it last."""
    raise_own_file_limit(2 * IDLE + 512)
    conn = http.client.HTTPConnection(own_server.server.host, own_server.server.port, timeout=10)
    try:
        health(conn)
        kept = conn.sock
        for _ in range(IDLE // 100):
            open_idle(own_server, 100, sockets)
            health(conn)
            assert conn.sock is kept
    finally:
        conn.close()


def closed_within(sock: socket.socket, seconds: float, trickle: bool) -> float | None:
    """Seconds until the server closed ``sock`` (None if it did not within ``seconds``),
    sending it a byte every 0.2 s when ``trickle``."""
    started = time.monotonic()
    while (elapsed := time.monotonic() - started) < seconds:
        if trickle:
            try:
                sock.send(b"a")
            except OSError:
                return elapsed
        if select.select([sock], [], [], 0.2)[0]:
            try:
                if sock.recv(4096) == b"":
                    return elapsed
            except OSError:
                return elapsed
    return None


@pytest.mark.parametrize("trickle", [True, False], ids=["trickling", "silent"])
def test_a_request_that_never_ends_is_cut_off(sockets, trickle: bool) -> None:
    """A slowloris keeps sending a header that never ends; a silent one stops. Short limits
    here; the real ones are in docs/serving.md."""
    limits = Limits(request_timeout=1, idle_timeout=1, sweep_interval=1)
    running = start_in_thread(World(), limits=limits)
    try:
        open_idle(running, 1, sockets)
        sockets[0].sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        took = closed_within(sockets[0], 10.0, trickle)
        assert took is not None, "the server kept a request that never ends"
        # The limit, plus at most two sweeps, plus a little.
        assert took < limits.request_timeout + 2 * limits.sweep_interval + 1.5
        assert answer_time(running) < PROMPT
    finally:
        running.stop()


def test_serving_raises_the_open_file_limit_to_hold_every_connection() -> None:
    """In a process of its own, started with a soft limit of 256 open files."""
    code = """
import json, resource
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))
from emulator.server import WaitressListener
from emulator.web import create_app
listener = WaitressListener(create_app(), "127.0.0.1", 0)
soft = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
print(json.dumps([listener.connection_limit, soft, hard]))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    limit, soft, hard = json.loads(done.stdout)
    needed = Limits().connections * 3 + 64
    if hard == resource.RLIM_INFINITY or hard >= needed:
        assert (limit, soft) == (Limits().connections, needed)
    else:  # as many as the hard limit holds, so accept() never runs out of descriptors
        assert (limit, soft) == ((hard - 64) // 3, hard)
