"""Answers to requests refused before any route runs, by waitress or by Flask's routing.

Outside ``/_emulator/`` every path belongs to the AWS endpoint, so a refusal there is
AWS-shaped in the caller's protocol (``dispatch.refuse``); under ``/_emulator/`` it is the
admin API's ``{"error": ...}`` JSON; the console keeps its own HTML pages.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

from emulator.api.errors import EDGE_MESSAGES
from emulator.protocol.dispatch import WireRequest, WireResponse
from emulator.protocol.refusal import refuse

log = logging.getLogger("emulator.requests")
ADMIN_PREFIX = "/_emulator"
CONSOLE_PREFIX = "/_emulator/console"
# A path is echoed in the message; this much of it is enough to recognise it.
PATH_SHOWN = 200
ADMIN_MESSAGES = {
    **EDGE_MESSAGES,
    "unknown_path": "There is no admin endpoint at {path}.",
    "method_not_allowed": "The HTTP method {method} is not allowed at {path}.",
}
ADMIN_INTERNAL = "Internal error; the emulator's log has the details."


def reason_for(status: int) -> str:
    """The catalogue reason for a refusal with this HTTP status."""
    return {
        404: "unknown_path",
        405: "method_not_allowed",
        413: "body_too_large",
    }.get(status, "malformed_request")


def refusal(
    method: str,
    path: str,
    headers: Mapping[str, str],
    query: list[tuple[str, str]],
    status: int,
    **details: str,
) -> WireResponse:
    """``headers`` by lower-case name. ``details`` fill the reason's message: ``detail``
    (what could not be read) and ``limit`` (the body limit); method and path come from the
    request."""
    details = {"method": method[:PATH_SHOWN], "path": path[:PATH_SHOWN], **details}
    reason = reason_for(status)
    if is_admin(path):
        message = ADMIN_INTERNAL if status >= 500 else ADMIN_MESSAGES[reason].format(**details)
        body = json.dumps({"error": message}).encode()
        return WireResponse(status, {"Content-Type": "application/json"}, body)
    wire = WireRequest(method=method, headers=dict(headers), query=query)
    answer = refuse(wire, status, reason, **details)
    log.info(
        "- - %s.%s %d %s", answer.service or "-", answer.operation or "-", status, answer.error_code
    )
    return answer


def is_admin(path: str) -> bool:
    return path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/")


def register_error_handlers(app: Flask) -> None:
    """Flask's own answers to errors are HTML pages; these replace them (and turn any
    unexpected failure into a 500 of the same shape, its traceback only in the log)."""
    app.register_error_handler(HTTPException, _http_error)
    app.after_request(_empty_options_answer)


def _empty_options_answer(response: Response) -> Response:
    """Flask answers OPTIONS itself with an empty body labelled HTML; an empty body has no
    type."""
    if request.method == "OPTIONS" and not response.is_streamed and not response.get_data():
        response.headers.pop("Content-Type", None)
    return response


def _http_error(exc: HTTPException) -> Response | HTTPException:
    path = request.path
    if path.startswith(CONSOLE_PREFIX) and "console" in current_app.blueprints:
        return exc
    status = exc.code or 500
    headers = {k.lower(): v for k, v in request.headers.items()}
    answer = refusal(
        request.method,
        path,
        headers,
        list(request.args.items(multi=True)),
        status,
        detail=exc.description or exc.name,
        limit=str(current_app.config["MAX_CONTENT_LENGTH"]),
    )
    response = Response(answer.body, status=answer.status, headers=answer.headers)
    allow = dict(exc.get_headers()).get("Allow")
    if allow:
        response.headers["Allow"] = allow
    return response
