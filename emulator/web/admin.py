"""Admin endpoints under ``/_emulator/``: health, reset, state."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

blueprint = Blueprint("admin", __name__)


def _world():
    return current_app.extensions["world"]


@blueprint.get("/health")
def health():
    return jsonify(status="ok")


@blueprint.post("/reset")
def reset():
    world = _world()
    with world.lock:
        world.reset()
    return jsonify(status="reset")


@blueprint.get("/state")
def get_state():
    world = _world()
    with world.lock:
        return jsonify(world.to_dict())


@blueprint.put("/state")
def put_state():
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return jsonify(error="Body must be a JSON object made by GET /_emulator/state"), 400
    world = _world()
    with world.lock:
        saved = world.to_dict()
        try:
            world.load(data)
        except (KeyError, TypeError, ValueError) as exc:
            world.load(saved)
            return jsonify(error=f"Invalid state: {exc}"), 400
    return jsonify(status="loaded")
