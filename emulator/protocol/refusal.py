"""Requests refused before any operation runs, answered in the protocol their caller spoke.

One function, ``answer_error``, finds the caller's protocol and service (a JSON target or
Content-Type; else STS by credential scope or ``Version``; else EC2) and writes the error
there. The three kinds of refusal build on it: a signature that does not hold
(``auth_errors``), a request the HTTP layer cannot take (method, path, framing, size: the
services' catalogues), and a browser page of another site (the services' "access denied").
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl

from emulator.api.errors import AwsError
from emulator.api.json_errors import JSON_ERRORS
from emulator.api.registry import CATALOGUES
from emulator.protocol import auth_errors, json_protocol, unserved
from emulator.protocol.dispatch import (
    IAM_VERSION,
    STS_VERSION,
    WireRequest,
    WireResponse,
    internal_error,
    new_request_id,
    query_error,
)
from emulator.protocol.errors import ProtocolError
from emulator.protocol.identity import Scope, credential_scope
from emulator.protocol.models import json_targets
from emulator.protocol.signature import Refusal

XML = "text/xml;charset=UTF-8"
# A browser page of another site: each service's code for a caller that may not do this.
_DENIED = {"ec2": "UnauthorizedOperation", "sts": "AccessDenied", "iam": "AccessDenied"}
_JSON_DENIED = "AccessDeniedException"


def query_params(request: WireRequest) -> dict[str, str]:
    """A Query request's parameters, from the query string then the form body; the first of
    a repeated name wins, as in dispatch. A body that is not UTF-8 is read as far as it goes."""
    pairs = list(request.query)
    if request.body:
        pairs += parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True)
    return dict(reversed(pairs))


def answer_error(
    request: WireRequest, error_for: Callable[[str], AwsError], scope: Scope | None = None
) -> WireResponse:
    """``error_for`` gets the caller's service: ``ec2``, ``sts``, a JSON service's name, or
    "" for a JSON caller that names no known service."""
    request_id = new_request_id()
    scope = scope or credential_scope(request.headers, request.query)
    headers = {"x-amzn-RequestId": request_id}
    if json_protocol.is_json_request(request.headers):
        prefix, _, name = request.headers.get("x-amz-target", "").rpartition(".")
        service = json_targets().get(prefix, "")
        operation = name if service else ""
        err = error_for(service)
        headers["Content-Type"] = json_protocol.CONTENT_TYPE
        body = json_protocol.dump_error(err.code, err.message, err.extra)
    else:
        params = query_params(request)
        service = "sts" if scope.service == "sts" or params.get("Version") == STS_VERSION else "ec2"
        if service == "ec2" and (scope.service == "iam" or params.get("Version") == IAM_VERSION):
            service = "iam"
        operation = params.get("Action", "")
        err = error_for(service)
        headers["Content-Type"] = XML
        body = query_error(service, err, request_id)
    return WireResponse(
        err.status, headers, body, service, operation, region=scope.region, error_code=err.code
    )


def refusal(request: WireRequest, message: str, status: int = 403) -> WireResponse:
    """A browser page of another site, or a foreign Host: each service's access-denied code
    with HTTP 403, which SDKs do not retry."""
    return answer_error(
        request, lambda service: AwsError(_DENIED.get(service, _JSON_DENIED), message, status)
    )


def refuse(request: WireRequest, status: int, reason: str, **details: str) -> WireResponse:
    """A request the HTTP layer refuses (its method, path, framing or size), with its
    service's code for ``reason`` (a ``ProtocolError`` reason) and the HTTP layer's status.
    A request for a service this emulator does not serve (an S3 path, say) is told that."""
    scope = credential_scope(request.headers, request.query)
    service = unserved.unserved_service(request, scope)
    if service is not None:
        return unserved.answer(request, scope, service)

    def error_for(service: str) -> AwsError:
        if status >= 500:
            return internal_error(service)
        err = CATALOGUES.get(service, JSON_ERRORS).to_aws(ProtocolError(reason, **details))
        return AwsError(err.code, err.message, status, err.extra)

    return answer_error(request, error_for)


def rejection(request: WireRequest, signed: Scope, why: Refusal) -> WireResponse:
    """A signature that does not hold, with the code each protocol uses for ``why``."""

    def error_for(service: str) -> AwsError:
        return auth_errors.refusal(why.reason, service, why.detail)

    return answer_error(request, error_for, signed)
