"""The instructor's page of a classroom, ``/_emulator/classroom/``: the worlds, and resets.

``GET /`` is the page (every world with its last activity, a reset button each, and one for
all); ``GET /worlds`` the same as JSON; ``POST /reset``, ``POST /worlds/<name>/reset`` and
``POST /worlds/<name>/remove`` change them. A browser form gets a redirect back to the page;
other clients get JSON.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, jsonify, redirect, render_template, request

from emulator.web.worlds import NAME_RULE, PREFIX, Classroom

PATH = "/_emulator/classroom"
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})

blueprint = Blueprint("instructor", __name__, template_folder="templates")


def _classroom() -> Classroom:
    return current_app.extensions["classroom"]


def _answer(payload: dict, status: int = 200) -> Response | tuple[Response, int]:
    if request.mimetype in FORM_TYPES and status < 400:
        return redirect(f"{request.script_root}{PATH}/", code=303)
    return jsonify(payload), status


def _when(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


@blueprint.get("/")
def page() -> str:
    classroom, now = _classroom(), time.time()
    rows = [
        {
            **entry,
            "endpoint": f"{request.host_url}{PREFIX[1:]}{entry['name']}/",
            "console": f"{request.host_url}{PREFIX[1:]}{entry['name']}/_emulator/console/",
            "created_text": _when(entry["created"]),
            "last_text": _when(entry["last_activity"]),
            "idle": round(now - entry["last_activity"]),
        }
        for entry in classroom.listing()
    ]
    return render_template(
        "classroom/instructor.html",
        rows=rows,
        max_worlds=classroom.max_worlds,
        example=f"{request.host_url}{PREFIX[1:]}NAME/",
        name_rule=NAME_RULE,
    )


@blueprint.get("/worlds")
def worlds() -> Response:
    classroom = _classroom()
    return jsonify(worlds=classroom.listing(), max_worlds=classroom.max_worlds)


@blueprint.post("/reset")
def reset_all() -> Response | tuple[Response, int]:
    classroom = _classroom()
    names = classroom.names()
    for name in names:
        seat = classroom.get(name)
        if seat is not None:
            with seat.world.lock:
                seat.world.reset()
    return _answer({"status": "reset", "worlds": names})


@blueprint.post("/worlds/<name>/reset")
def reset_one(name: str) -> Response | tuple[Response, int]:
    seat = _classroom().get(name)
    if seat is None:
        return _answer({"error": f"There is no world named {name[:60]!r} in this classroom."}, 404)
    with seat.world.lock:
        seat.world.reset()
    return _answer({"status": "reset", "world": name})


@blueprint.post("/worlds/<name>/remove")
def remove_one(name: str) -> Response | tuple[Response, int]:
    if not _classroom().remove(name):
        return _answer({"error": f"There is no world named {name[:60]!r} in this classroom."}, 404)
    return _answer({"status": "removed", "world": name})
