"""The AWS endpoint: ``POST /`` (and ``GET /?Action=...``) for every emulated service."""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import parse_qsl

from flask import Blueprint, Response, current_app, g, request
from werkzeug.exceptions import RequestEntityTooLarge

from emulator.api.registry import is_read_only
from emulator.protocol.dispatch import WireRequest, WireResponse, dispatch
from emulator.protocol.identity import credential_scope
from emulator.protocol.refusal import rejection
from emulator.protocol.signature import check
from emulator.protocol.unserved import answer as unserved_answer
from emulator.protocol.unserved import unserved_service
from emulator.web.edge import refusal
from emulator.web.worlds import WORLD_KEY, current_world, signed_path

blueprint = Blueprint("aws", __name__)
log = logging.getLogger("emulator.requests")


@blueprint.route("/", methods=["GET", "POST"])
def endpoint() -> Response:
    started = time.perf_counter()
    try:
        body = request.get_data(cache=False)
    except RequestEntityTooLarge:
        return _too_large()
    environ = request.environ
    wire = WireRequest(
        method=request.method,
        headers=_headers(environ),
        query=parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True),
        body=body,
    )
    world = current_world()
    # One reading of the caller, for the check and for the call alike.
    scope = credential_scope(wire.headers, wire.query)
    service = unserved_service(wire, scope)
    if service is not None:
        # Another AWS service: nothing here acts on it, so it is told so before any check.
        return _logged(unserved_answer(wire, scope, service), started)
    refused = None
    if current_app.config["VERIFY_SIGNATURES"]:
        refused = check(
            world,
            wire,
            signed_path(),
            scope,
            now=time.time(),
            allow_unverified=current_app.config["ALLOW_UNVERIFIED_KEYS"],
        )
    answer = rejection(wire, scope, refused) if refused else dispatch(world, wire, scope)
    g.changed_world = answer.status < 400 and not is_read_only(answer.operation)
    return _logged(answer, started)


def _logged(answer: WireResponse, started: float) -> Response:
    # In a classroom, the caller is named with its world: "w/alice:123456789012".
    world_name = request.environ.get(WORLD_KEY)
    caller = answer.account or "-"
    log.info(
        "%s %s %s.%s %d%s %.1fms",
        f"w/{world_name}:{caller}" if world_name else caller,
        answer.region or "-",
        answer.service,
        answer.operation or "-",
        answer.status,
        f" {answer.error_code}" if answer.error_code else "",
        (time.perf_counter() - started) * 1000,
    )
    return Response(answer.body, status=answer.status, headers=answer.headers)


def _headers(environ: dict[str, Any]) -> dict[str, str]:
    """Request headers by lower-case name, read from the WSGI environ directly (werkzeug's
    ``Headers`` view costs more on this hot path and the dispatcher needs a plain dict)."""
    headers = {
        key[5:].replace("_", "-").lower(): value
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").lower()] = environ[key]
    return headers


def _too_large() -> Response:
    environ = request.environ
    answer = refusal(
        request.method,
        request.path,
        _headers(environ),
        parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True),
        413,
        limit=str(current_app.config["MAX_CONTENT_LENGTH"]),
    )
    return Response(answer.body, status=answer.status, headers=answer.headers)
