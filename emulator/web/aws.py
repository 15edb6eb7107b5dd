"""The AWS endpoint: ``POST /`` (and ``GET /?Action=...``) for every emulated service."""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import parse_qsl

from flask import Blueprint, Response, current_app, g, request
from werkzeug.exceptions import RequestEntityTooLarge

from emulator.api.errors import AwsError
from emulator.api.registry import is_read_only
from emulator.protocol.dispatch import WireRequest, dispatch
from emulator.protocol.identity import credential_scope
from emulator.protocol.json_protocol import CONTENT_TYPE, dump_error
from emulator.protocol.signature import check, rejection
from emulator.protocol.xml_writer import ec2_error

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
    world = current_app.extensions["world"]
    # One reading of the caller, for the check and for the call alike.
    scope = credential_scope(wire.headers, wire.query)
    refusal = None
    if current_app.config["VERIFY_SIGNATURES"]:
        refusal = check(
            world,
            wire,
            request.path,
            scope,
            now=time.time(),
            allow_unverified=current_app.config["ALLOW_UNVERIFIED_KEYS"],
        )
    answer = rejection(wire, scope, refusal) if refusal else dispatch(world, wire, scope)
    g.changed_world = answer.status < 400 and not is_read_only(answer.operation)
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
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    err = AwsError(
        "RequestEntityTooLarge", f"The request body exceeds the limit of {limit} bytes.", 413
    )
    if request.headers.get("X-Amz-Target"):
        body = dump_error(err.code, err.message, {})
        return Response(body, status=err.status, content_type=CONTENT_TYPE)
    return Response(
        ec2_error(err.code, err.message, "0"),
        status=err.status,
        content_type="text/xml;charset=UTF-8",
    )
