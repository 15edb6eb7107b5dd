"""``create_app``: one Flask app around one World."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable

from flask import Flask, Response, g, jsonify, request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

from emulator.api.regions import partition_of
from emulator.api.registry import load_all
from emulator.core.world import World
from emulator.web import admin, aws, browser_guard, edge, instructor, worlds
from emulator.web.browser_guard import READING_METHODS, BrowserPolicy
from emulator.web.console import blueprint as console_blueprint
from emulator.web.worlds import Classroom

MAX_BODY_BYTES = 10 * 1024 * 1024
CONSOLE_PATH = "/_emulator/console"


def create_app(
    world: World | None = None,
    *,
    max_body_bytes: int = MAX_BODY_BYTES,
    verify_signatures: bool = False,
    allow_unverified_keys: bool = False,
    on_change: Callable[[], None] | None = None,
    console: bool = True,
    allowed_hosts: Iterable[str] = (),
    cors_origins: Iterable[str] = (),
    classroom: Classroom | None = None,
) -> Flask:
    """``verify_signatures``: a request acts only once its signature is proven with its key's
    secret (a configured one, or an AssumeRole session's); the rest are refused.
    ``allow_unverified_keys``: even so, keys with no secret (and unsigned requests) act
    unproven. ``on_change``: called after each request that changed the
    world, before its answer is sent (persistence hooks in here). ``console``: serve the web
    console at ``/_emulator/console/``. ``allowed_hosts``: Host names and addresses answered
    besides loopback ones (give the bound address; 0.0.0.0 or :: accepts every address).
    ``cors_origins``: browser origins (``scheme://host[:port]``) allowed to call, with CORS
    answers. ``classroom``: serve its worlds under ``/w/<name>/`` instead of ``world``
    (``emulator.web.worlds``), with the instructor's page at ``/_emulator/classroom/``.
    Raises ValueError for a value that is neither."""
    load_all()
    app = Flask("emulator")
    app.config["MAX_CONTENT_LENGTH"] = max_body_bytes
    app.config["VERIFY_SIGNATURES"] = verify_signatures
    app.config["ALLOW_UNVERIFIED_KEYS"] = allow_unverified_keys
    app.extensions["world"] = world or World(partition_of=partition_of)
    browser_guard.install(app, BrowserPolicy.of(allowed_hosts, cors_origins))
    worlds.install(app, classroom)
    if classroom is not None:
        app.register_blueprint(instructor.blueprint, url_prefix=instructor.PATH)
    app.register_blueprint(aws.blueprint)
    app.register_blueprint(admin.blueprint, url_prefix="/_emulator")
    if console:
        # The console's session (acting account, CSRF token) is signed with a key of this
        # app's own: sessions end with the process, and no two servers trust each other's.
        app.secret_key = secrets.token_bytes(32)
        app.session_interface = _ConsoleSessions()
        app.config.update(
            SESSION_COOKIE_NAME="ami_console_session",
            SESSION_COOKIE_SAMESITE="Strict",
            SESSION_COOKIE_HTTPONLY=True,
        )
        app.register_blueprint(console_blueprint, url_prefix=CONSOLE_PATH)
    edge.register_error_handlers(app)

    @app.before_request
    def refuse_changes_while_unsaved() -> tuple[Response, int] | None:
        """While the state file cannot be saved, admin and console writes are refused (AWS
        writes are, by the dispatcher)."""
        world = g.world
        refused = world.writes_refused if world is not None else None
        writing = request.method not in READING_METHODS
        if refused and writing and request.blueprint != aws.blueprint.name:
            return jsonify(error=f"Service unavailable: {refused}"), 503
        return None

    if on_change is not None:
        hook = on_change

        @app.after_request
        def after_change(response: Response) -> Response:
            if request.blueprint == aws.blueprint.name:
                changed = g.get("changed_world", False)
            else:
                changed = request.method not in READING_METHODS
            if changed and response.status_code < 400:
                hook()
            return response

    return app


class _ConsoleSessions(SecureCookieSessionInterface):
    """The console's cookie is sent to its own pages only, and trusted by them only: in a
    classroom, one world's (a session copied to another world's console is no session)."""

    def get_cookie_path(self, app: Flask) -> str:
        return request.script_root + CONSOLE_PATH

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        serializer = super().get_signing_serializer(app)
        if serializer is not None:
            serializer.salt = f"{self.salt} {request.script_root}".encode()
        return serializer
