"""Which World a request acts on: the app's one, or in classroom mode the one its path names.

In classroom mode (``ami-emulator serve --classroom``) ``/w/<name>/`` in front of any path
selects the world ``<name>``: ``/w/alice/`` is Alice's AWS endpoint, and
``/w/alice/_emulator/console/`` her console. A world is made on its first request, from the
classroom's scenario, and lives in memory as long as the server. Nothing is shared between
worlds but the code: each has its own state, settings, ids, clock and baseline to reset to.

The prefix is moved from ``PATH_INFO`` to ``SCRIPT_NAME`` before Flask routes the request,
so every route, ``url_for`` link and cookie path of a world is the single-world one under
its prefix.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException

from emulator.api.errors import AwsError
from emulator.api.regions import partition_of
from emulator.core.world import World
from emulator.protocol.dispatch import WireRequest
from emulator.protocol.refusal import answer_error

PREFIX = "/w/"
NAME = re.compile(r"[a-z0-9-]{1,40}")
NAME_RULE = "1 to 40 lower-case letters, digits and hyphens"
WORLD_KEY = "ami_emulator.world"  # the WSGI environ key holding the name in the path
PATH_KEY = "ami_emulator.path"  # ... and the whole path, as the client signed it
MAX_WORLDS = 100
# Top-level paths a classroom answers itself; the rest need a world's prefix.
TOP_LEVEL_ENDPOINTS = frozenset({"admin.health"})
TOP_LEVEL_BLUEPRINTS = frozenset({"instructor"})
# The code each service answers when the path names no world it can have, and when the
# classroom is full; 400s, which SDKs do not retry.
_NO_WORLD = {"organizations": "InvalidInputException", "kms": "NotFoundException"}
_FULL = {
    "ec2": "ResourceLimitExceeded",
    "organizations": "ConstraintViolationException",
    "kms": "LimitExceededException",
}
_QUERY_DEFAULT = "InvalidRequest"


class NoWorld(Exception):
    """Why a request cannot have a world: its name, or a full classroom (``full``)."""

    def __init__(self, message: str, *, full: bool = False) -> None:
        super().__init__(message)
        self.full = full


@dataclass
class Seat:
    """One world of the classroom and when it was last used."""

    world: World
    created: float
    last_activity: float
    requests: int = 0


@dataclass
class Classroom:
    """The worlds of one server by name, each made on first use by ``make``."""

    make: Callable[[], World]
    max_worlds: int = MAX_WORLDS
    seats: dict[str, Seat] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def seat(self, name: str, now: float | None = None) -> Seat:
        """The world named ``name``, made now if it is new; its activity recorded. Raises
        NoWorld for a bad name, or a new one past ``max_worlds``."""
        if not NAME.fullmatch(name):
            raise NoWorld(f"{name[:60]!r} is not a world name: a name is {NAME_RULE}")
        now = time.time() if now is None else now
        with self.lock:
            seat = self.seats.get(name)
            if seat is None:
                if len(self.seats) >= self.max_worlds:
                    raise NoWorld(
                        f"this classroom holds at most {self.max_worlds} worlds, and all are "
                        f"in use: the instructor can remove one at /_emulator/classroom/, or "
                        "restart the server with a larger --classroom-max-worlds",
                        full=True,
                    )
                seat = self.seats[name] = Seat(self.make(), now, now)
            seat.last_activity = now
            seat.requests += 1
            return seat

    def names(self) -> list[str]:
        with self.lock:
            return sorted(self.seats)

    def get(self, name: str) -> Seat | None:
        with self.lock:
            return self.seats.get(name)

    def remove(self, name: str) -> bool:
        with self.lock:
            return self.seats.pop(name, None) is not None

    def listing(self) -> list[dict[str, Any]]:
        """Each world's name, creation, last activity (epoch seconds) and request count."""
        with self.lock:
            seats = sorted(self.seats.items())
        return [
            {
                "name": name,
                "created": seat.created,
                "last_activity": seat.last_activity,
                "requests": seat.requests,
            }
            for name, seat in seats
        ]


class WorldPrefix:
    """WSGI middleware: ``/w/<name>/rest`` is served as ``/rest`` under the script root
    ``/w/<name>``, with the name kept in the environ for ``select_world``."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO", "")
        if path.startswith(PREFIX):
            name, slash, rest = path[len(PREFIX) :].partition("/")
            environ[WORLD_KEY], environ[PATH_KEY] = name, path
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + PREFIX + name
            # ``/w/alice`` (botocore's path for an endpoint_url without the last slash) is
            # the AWS endpoint too.
            environ["PATH_INFO"] = slash + rest or "/"
        return self.app(environ, start_response)


def install(app: Flask, classroom: Classroom | None) -> None:
    """Run before every other hook but the browser guard's."""
    if classroom is not None:
        app.extensions["classroom"] = classroom
        app.wsgi_app = WorldPrefix(app.wsgi_app)  # type: ignore[method-assign]
    app.before_request(select_world)


def current_world() -> World:
    """The World of the request being served."""
    return g.world


def signed_path() -> str:
    """The path the client signed: the whole of it, a world's prefix included."""
    return request.environ.get(PATH_KEY) or request.path


def select_world() -> Response | tuple[Response, int] | None:
    classroom: Classroom | None = current_app.extensions.get("classroom")
    if classroom is None:
        g.world = current_app.extensions["world"]
        return None
    name = request.environ.get(WORLD_KEY)
    if name is None:
        if request.endpoint in TOP_LEVEL_ENDPOINTS or request.blueprint in TOP_LEVEL_BLUEPRINTS:
            g.world = None
            return None
        return _refuse(
            NoWorld(
                "this emulator serves a classroom: each trainee's endpoint is "
                f"{request.host_url}w/<name>/ (the name is {NAME_RULE}), and the instructor's "
                f"page is {request.host_url}_emulator/classroom/"
            )
        )
    try:
        g.world = classroom.seat(name).world
    except NoWorld as exc:
        return _refuse(exc)
    return None


def _refuse(exc: NoWorld) -> Response | tuple[Response, int]:
    """AWS-shaped on the AWS endpoint (in the caller's protocol), JSON elsewhere."""
    message = str(exc)
    if request.path != "/":
        return jsonify(error=message), 400
    codes = _FULL if exc.full else _NO_WORLD
    try:
        body = request.get_data(cache=False)
    except HTTPException:  # over the size limit: the headers and query say enough
        body = b""
    wire = WireRequest(
        request.method,
        {name.lower(): value for name, value in request.headers.items()},
        list(request.args.items(multi=True)),
        body,
    )
    answer = answer_error(
        wire, lambda service: AwsError(codes.get(service, _QUERY_DEFAULT), message, 400)
    )
    return Response(answer.body, status=answer.status, headers=answer.headers)


def worlds_like(snapshot: dict[str, Any], pinned: dict[str, Any]) -> Callable[[], World]:
    """A maker of worlds that start as ``snapshot`` and reset to it. The snapshot is shared
    as every world's baseline: loading never keeps a reference into its document (a single
    world's ``reset`` relies on that too), so no world's changes reach it."""

    def make() -> World:
        world = World(pinned=pinned, partition_of=partition_of)
        world.load(snapshot)
        world.baseline = snapshot
        return world

    return make
