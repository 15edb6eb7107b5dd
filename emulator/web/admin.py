"""Admin endpoints under ``/_emulator/``: health, reset, state, scenario, explain, access, clock."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, g, jsonify, request

from emulator.core.clock import iso, parse_time
from emulator.core.errors import InvalidValue
from emulator.core.explain import access, explain, explain_access
from emulator.core.scenario import load_into
from emulator.core.snapshots.form import check_snapshot, is_snapshot
from emulator.core.snapshots.redaction import redact
from emulator.core.snapshots.schema import DocumentError, check_bounds
from emulator.core.world import World
from emulator.document_parsers import DocumentSyntaxError, line_of, parse_json, parse_yaml
from emulator.scenario_files import dump_text, load_demo_into
from emulator.web.worlds import current_world

blueprint = Blueprint("admin", __name__)


def _world() -> World:
    return current_world()


def _problem(message: str, status: int = 400) -> tuple[Response, int]:
    return jsonify(error=message), status


@blueprint.get("/health")
def health():
    """200 while the world can change; 503 with the reason while the state file cannot be
    saved (state-changing requests are refused meanwhile)."""
    world = g.world  # None at a classroom's top level, which saves nothing
    refused = world.writes_refused if world is not None else None
    if refused:
        return jsonify(status="unavailable", reason=refused), 503
    return jsonify(status="ok")


@blueprint.post("/reset")
def reset():
    """Back to the scenario the server started from (the demo world, a file, or empty), or
    the last one loaded; ``?to=demo``: to the built-in demo world, which later resets then
    return to."""
    target = request.args.get("to")
    if target not in (None, "demo"):
        return _problem("to must be demo (or left out: back to what the server started from)")
    world = _world()
    with world.lock:
        if target == "demo":
            load_demo_into(world)
        else:
            world.reset()
    return jsonify(status="reset")


@blueprint.get("/state")
def get_state():
    """Everything, in the emulator's own snapshot form (what --state-file holds), with the
    secrets redacted; PUT it back and the world keeps the secrets it holds."""
    world = _world()
    with world.lock:
        return jsonify(redact(world.to_dict()))


@blueprint.put("/state")
def put_state():
    """Load a snapshot from GET /state, or a scenario (JSON or YAML); all or nothing: the
    whole body is checked before anything is replaced."""
    try:
        data, lines = _parse_body(request.get_data(as_text=True))
    except DocumentSyntaxError as exc:
        return _refused(f"Invalid body: {exc.message}", line=exc.line)
    if not isinstance(data, dict):
        return _problem(
            "Body must be a mapping: a snapshot from GET /_emulator/state, or a scenario"
        )
    snapshot = is_snapshot(data)
    world = _world()
    try:
        # A bad snapshot (or an oversized scenario) is refused without taking the lock.
        if snapshot:
            check_snapshot(data)
        else:
            check_bounds(data)
        with world.lock:
            if snapshot:
                world.load(data)
                world.set_baseline()
            else:
                load_into(world, data)
    except DocumentError as err:
        what = "snapshot" if snapshot else "scenario"
        return _refused(f"Invalid {what}: {err}", path=err.path, line=line_of(err.path, lines))
    return jsonify(status="loaded")


def _parse_body(text: str) -> tuple[Any, dict[str, int]]:
    """JSON when the body is JSON (fast, and what GET /state gives), else YAML."""
    try:
        return parse_json(text), {}
    except DocumentSyntaxError:
        if request.mimetype == "application/json":
            raise
    return parse_yaml(text)


def _refused(message: str, **where: Any) -> tuple[Response, int]:
    """A 400 naming the key path and line of the first error, when they are known."""
    return jsonify(error=message, **{k: v for k, v in where.items() if v}), 400


@blueprint.get("/scenario")
def get_scenario():
    """The world as a scenario file (YAML; ``?format=json`` for JSON)."""
    fmt = request.args.get("format", "yaml")
    if fmt not in ("yaml", "json"):
        return _problem("format must be yaml or json")
    world = _world()
    with world.lock:
        text = dump_text(world, fmt)
    mime = "application/json" if fmt == "json" else "application/yaml"
    return Response(text, mimetype=mime)


def _required(*names: str) -> dict[str, str] | tuple[Response, int]:
    values = {name: request.args.get(name, "").strip() for name in names}
    missing = [name for name, value in values.items() if not value]
    if missing:
        return _problem(f"Missing query parameter(s): {', '.join(missing)}")
    return values


EXPLAIN_ACCESS = ("principal", "action", "resource")


@blueprint.get("/explain")
def get_explain():
    """``?image=ami-…&account=…&region=…``: may that account launch it, and through which grant.
    With ``principal``, ``action`` and ``resource``: the whole decision, layer by layer."""
    if any(request.args.get(name) for name in EXPLAIN_ACCESS):
        return _explain_access()
    args = _required("image", "account")
    if isinstance(args, tuple):
        return args
    world = _world()
    region = request.args.get("region") or world.config.default_region
    with world.lock:
        return Response(
            json.dumps(explain(world, args["image"], args["account"], region), indent=2),
            mimetype="application/json",
        )


def _explain_access() -> Response | tuple[Response, int]:
    """``?principal=…&action=…[&resource=ARN][&image=ami-…][&region=…]``: the principal is
    an account id (its root user), a user, role or assumed-role ARN; ``account`` stands for
    a missing principal and ``image`` for a missing resource, as in the launch question."""
    world = _world()
    region = request.args.get("region") or world.config.default_region
    principal = request.args.get("principal") or request.args.get("account")
    action = request.args.get("action") or "ec2:RunInstances"
    resource = request.args.get("resource") or None
    if not principal:
        return _problem("Missing query parameter(s): principal")
    if resource is None and request.args.get("image"):
        partition = world.partition_of(region)
        resource = f"arn:{partition}:ec2:{region}::image/{request.args['image']}"
    with world.lock:
        try:
            answer = explain_access(world, principal, action, resource, region)
        except InvalidValue as err:
            if err.reason != "explain":
                raise
            return _problem(err.details["message"])
    return Response(json.dumps(answer, indent=2), mimetype="application/json")


@blueprint.get("/access")
def get_access():
    """``?image=ami-…&region=…``: every known account and whether it may launch the image."""
    args = _required("image")
    if isinstance(args, tuple):
        return args
    world = _world()
    region = request.args.get("region") or world.config.default_region
    with world.lock:
        answer = access(world, args["image"], region)
    if not answer["exists"]:
        return _problem(f"{args['image']} does not exist in {region}", 404)
    return Response(json.dumps(answer, indent=2), mimetype="application/json")


@blueprint.get("/clock")
def get_clock():
    """The emulator's time (``now``), real time, the offset between them, and whether the
    clock is stopped."""
    world = _world()
    with world.lock:
        return jsonify(world.clock.state())


CLOCK_KEYS = {"advance_seconds", "now", "frozen", "force"}


@blueprint.post("/clock")
def post_clock():
    """``{"advance_seconds": N}`` or ``{"now": "<ISO 8601>"}``, with ``"frozen": true`` to stop
    it there (false to let it run). A move that would put the clock before the latest event
    the world recorded is refused (409, naming the event) unless ``"force": true``."""
    try:
        body = parse_json(request.get_data(as_text=True))
    except DocumentSyntaxError as exc:
        return _problem(f"Invalid body: {exc.message}")
    if not isinstance(body, dict):
        return _problem('Body must be a JSON object: {"advance_seconds": N} or {"now": "..."}')
    unknown = sorted(set(body) - CLOCK_KEYS)
    if unknown:
        return _problem(f"Unknown key(s): {', '.join(map(str, unknown))}")
    if ("advance_seconds" in body) == ("now" in body):
        return _problem("Give exactly one of advance_seconds and now")
    for flag in ("frozen", "force"):
        if flag in body and not isinstance(body[flag], bool):
            return _problem(f"{flag} must be true or false")
    world = _world()
    with world.lock:
        try:
            if "now" in body:
                target = world.clock.target(now=parse_time(body["now"]))
            else:
                advance = body["advance_seconds"]
                if isinstance(advance, bool) or not isinstance(advance, (int, float)):
                    return _problem("advance_seconds must be a number")
                target = world.clock.target(advance=float(advance))
        except (TypeError, ValueError, OverflowError) as exc:
            return _problem(f"Invalid time: {exc}")
        event = world.move_clock(target, body.get("frozen"), bool(body.get("force")))
        if event is not None:
            return jsonify(
                error=(
                    f"Moving the clock to {iso(target)} would put it before {event.what}"
                    f' at {iso(event.at)}; send "force": true to move it anyway.'
                ),
                event={"what": event.what, "at": iso(event.at)},
            ), 409
        return jsonify(world.clock.state())
