"""Requests for an AWS service this emulator does not serve, answered in that service's protocol.

A request names its service by the signing name of its SigV4 credential scope (``s3``,
``ssm``, ``iam``, ``monitoring``, ...). The answer is an
error its SDK can read: JSON (with ``x-amzn-ErrorType``) for JSON and REST-JSON callers,
Smithy RPC v2 CBOR for CBOR callers, Query XML for ``Action=`` callers, and REST-XML for
S3-style callers; its message names the services this emulator serves. The code is
``NotImplemented`` with HTTP 501, which SDKs do not retry.
"""

from __future__ import annotations

import json
from functools import cache
from urllib.parse import parse_qsl

import botocore.session
from botocore.exceptions import UnknownServiceError
from botocore.model import ServiceModel

from emulator.protocol import xml_writer
from emulator.protocol.dispatch import WireRequest, WireResponse, new_request_id
from emulator.protocol.identity import Scope
from emulator.protocol.models import SERVICES, json_targets, service_model

CODE = "NotImplemented"
STATUS = 501
_CBOR = "rpc-v2-cbor"


@cache
def _model(name: str) -> ServiceModel | None:
    """The botocore model named ``name``, if botocore has one (it knows every AWS service)."""
    try:
        return botocore.session.get_session().get_service_model(name)
    except UnknownServiceError:
        return None


@cache
def _served_signing_names() -> frozenset[str]:
    return frozenset(service_model(s).signing_name for s in SERVICES)


@cache
def served_names() -> str:
    """The services this emulator serves, in words: "Amazon EC2 (ec2), ..."."""
    names = [f"{service_model(s).metadata.get('serviceAbbreviation', s)} ({s})" for s in SERVICES]
    return ", ".join(names[:-1]) + " and " + names[-1]


def unserved_service(request: WireRequest, scope: Scope) -> str | None:
    """The signing name of the service a request is for when this emulator does not serve
    it, else None. Every SDK signs, so a well-formed credential scope names the service; a
    name botocore does not know, or a malformed signature, goes the usual way (and is
    refused there), and a JSON request whose target is a served service's is served."""
    name = scope.service
    # The served services sign with their own names: their requests cost no lookup here.
    if not name or name in SERVICES or scope.problem:
        return None
    target = request.headers.get("x-amz-target")
    if target is not None and target.rpartition(".")[0] in json_targets():
        return None
    if name in _served_signing_names():
        return None
    return name if _model(name) is not None or name in _endpoint_prefixes() else None


@cache
def _endpoint_prefixes() -> frozenset[str]:
    """The names botocore's endpoint data gives AWS's services (``monitoring`` for
    CloudWatch, ...): the signing names that are no model's name."""
    data = botocore.session.get_session().get_data("endpoints")
    return frozenset(name for partition in data["partitions"] for name in partition["services"])


def message(service: str) -> str:
    model = _model(service)
    name = f"{model.metadata['serviceFullName']} ({service})" if model else service
    return (
        f"{name} is not served by this emulator. It serves {served_names()}; point this "
        f"client at AWS, or at an emulator of {service}, for {service} calls."
    )


def answer(request: WireRequest, scope: Scope, service: str) -> WireResponse:
    """The error in the protocol the caller spoke, as its SDK parses it."""
    request_id = new_request_id()
    text = message(service)
    headers = {"x-amzn-RequestId": request_id, "x-amzn-ErrorType": CODE}
    content_type = request.headers.get("content-type", "").partition(";")[0].strip()
    params = _query_params(request, content_type)
    model = _model(service)
    protocol = model.metadata["protocol"] if model else ""
    if request.headers.get("smithy-protocol") == _CBOR:
        headers |= {"Content-Type": "application/cbor", "smithy-protocol": _CBOR}
        body = cbor_text_map({"__type": CODE, "message": text})
    elif "x-amz-target" in request.headers or "json" in content_type:
        headers["Content-Type"] = content_type or "application/x-amz-json-1.1"
        body = json.dumps({"__type": CODE, "message": text}).encode()
    elif "Action" in params:
        namespace = (model.metadata.get("xmlNamespace") if model else None) or (
            f"https://{service}.amazonaws.com/doc/"
        )
        headers["Content-Type"] = "text/xml"
        body = xml_writer.query_error(namespace, CODE, text, request_id).encode()
    elif protocol == "rest-xml":
        headers["Content-Type"] = "application/xml"
        body = xml_writer.rest_xml_error(CODE, text, request_id).encode()
    else:
        headers["Content-Type"] = "application/json"
        body = json.dumps({"__type": CODE, "message": text}).encode()
    return WireResponse(
        STATUS,
        headers,
        body,
        service,
        params.get("Action", ""),
        region=scope.region,
        error_code=CODE,
    )


def _query_params(request: WireRequest, content_type: str) -> dict[str, str]:
    """A Query caller's parameters (the query string, then a form body), first one winning."""
    pairs = list(request.query)
    if request.body and content_type in ("", "application/x-www-form-urlencoded"):
        pairs += parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True)
    return dict(reversed(pairs))


def cbor_text_map(values: dict[str, str]) -> bytes:
    """A CBOR map of text strings (RFC 8949: major types 5 and 3), all an error needs."""
    out = bytearray(_cbor_head(5, len(values)))
    for key, value in values.items():
        for text in (key, value):
            raw = text.encode()
            out += _cbor_head(3, len(raw)) + raw
    return bytes(out)


def _cbor_head(major: int, length: int) -> bytes:
    if length < 24:
        return bytes([major << 5 | length])
    for extra, size in ((24, 1), (25, 2), (26, 4)):
        if length < 1 << (8 * size):
            return bytes([major << 5 | extra]) + length.to_bytes(size, "big")
    return bytes([major << 5 | 27]) + length.to_bytes(8, "big")
