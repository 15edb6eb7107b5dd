"""The AWS endpoint: ``POST /`` (and ``GET /?Action=...``) for every emulated service."""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import parse_qsl

from flask import Blueprint, Response, current_app, g, request
from werkzeug.exceptions import RequestEntityTooLarge

from emulator.protocol.dispatch import WireRequest, dispatch
from emulator.protocol.signature import is_forged, rejection
from emulator.web.edge import refusal

blueprint = Blueprint("aws", __name__)
log = logging.getLogger("emulator.requests")
# Operations whose names start so only read; every other one may change the world.
READ_ONLY_PREFIXES = ("Describe", "List", "Get")


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
    world = current_app.extensions["world"]
    if current_app.config["VERIFY_SIGNATURES"] and is_forged(
        world.config.secret_keys, wire, request.path
    ):
        answer = rejection(wire)
    else:
        answer = dispatch(world, wire)
    g.changed_world = answer.status < 400 and not answer.operation.startswith(READ_ONLY_PREFIXES)
    log.info(
        "%s %s %s.%s %d%s %.1fms",
        answer.account or "-",
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
