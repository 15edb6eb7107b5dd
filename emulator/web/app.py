"""``create_app``: one Flask app around one World."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, g, jsonify, request

from emulator.api.registry import load_all
from emulator.core.world import World
from emulator.web import admin, aws
from emulator.web.console import blueprint as console_blueprint

MAX_BODY_BYTES = 10 * 1024 * 1024
# Outside the AWS endpoint (admin, console), requests by these methods only read; the others
# (reset, PUT state, console forms) may change the world.
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def create_app(
    world: World | None = None,
    *,
    max_body_bytes: int = MAX_BODY_BYTES,
    verify_signatures: bool = False,
    on_change: Callable[[], None] | None = None,
    console: bool = True,
) -> Flask:
    """``verify_signatures``: refuse requests signed with a wrong secret for a key in
    ``world.config.secret_keys``. ``on_change``: called after each request that changed the
    world, before its answer is sent (persistence hooks in here). ``console``: serve the web
    console at ``/_emulator/console/``."""
    load_all()
    app = Flask("emulator")
    app.config["MAX_CONTENT_LENGTH"] = max_body_bytes
    app.config["VERIFY_SIGNATURES"] = verify_signatures
    app.extensions["world"] = world or World()
    app.register_blueprint(aws.blueprint)
    app.register_blueprint(admin.blueprint, url_prefix="/_emulator")
    if console:
        app.register_blueprint(console_blueprint, url_prefix="/_emulator/console")

    @app.before_request
    def refuse_changes_while_unsaved() -> tuple[Response, int] | None:
        """While the state file cannot be saved, admin and console writes are refused (AWS
        writes are, by the dispatcher)."""
        refused = app.extensions["world"].writes_refused
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
