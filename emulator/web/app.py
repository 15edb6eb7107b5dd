"""``create_app``: one Flask app around one World."""

from __future__ import annotations

from flask import Flask

from emulator.api.registry import load_all
from emulator.core.world import World
from emulator.web import admin, aws

MAX_BODY_BYTES = 10 * 1024 * 1024


def create_app(world: World | None = None, *, max_body_bytes: int = MAX_BODY_BYTES) -> Flask:
    load_all()
    app = Flask("emulator")
    app.config["MAX_CONTENT_LENGTH"] = max_body_bytes
    app.extensions["world"] = world or World()
    app.register_blueprint(aws.blueprint)
    app.register_blueprint(admin.blueprint, url_prefix="/_emulator")
    return app
