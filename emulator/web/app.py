"""``create_app``: one Flask app around one World."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, g, request

from emulator.api.registry import load_all
from emulator.core.world import World
from emulator.web import admin, aws

MAX_BODY_BYTES = 10 * 1024 * 1024
# Admin endpoints that replace the world.
ADMIN_CHANGES = frozenset({"admin.reset", "admin.put_state"})


def create_app(
    world: World | None = None,
    *,
    max_body_bytes: int = MAX_BODY_BYTES,
    verify_signatures: bool = False,
    on_change: Callable[[], None] | None = None,
) -> Flask:
    """``verify_signatures``: refuse requests signed with a wrong secret for a key in
    ``world.config.secret_keys``. ``on_change``: called after each request that changed the
    world, before its answer is sent (persistence hooks in here)."""
    load_all()
    app = Flask("emulator")
    app.config["MAX_CONTENT_LENGTH"] = max_body_bytes
    app.config["VERIFY_SIGNATURES"] = verify_signatures
    app.extensions["world"] = world or World()
    app.register_blueprint(aws.blueprint)
    app.register_blueprint(admin.blueprint, url_prefix="/_emulator")
    if on_change is not None:
        hook = on_change

        @app.after_request
        def after_change(response: Response) -> Response:
            changed = g.get("changed_world", False) or request.endpoint in ADMIN_CHANGES
            if changed and response.status_code < 400:
                hook()
            return response

    return app
