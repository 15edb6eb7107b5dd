"""One request in, one answer out: route, identify, parse, call the handler, serialize.

Takes and returns plain values (no HTTP framework), so the same path serves the Flask
app and in-process callers.
"""

from __future__ import annotations

import logging
import random
import uuid
from dataclasses import dataclass, field
from urllib.parse import parse_qsl

from emulator.api.errors import AwsError
from emulator.api.json_errors import JSON_ERRORS
from emulator.api.regions import is_known, unknown_region
from emulator.api.registry import CATALOGUES, REGISTRY, Call, check_gates, is_read_only
from emulator.core.commit import DryRunPassed, dry_run
from emulator.core.errors import CoreError
from emulator.core.world import World
from emulator.protocol import json_protocol, xml_writer
from emulator.protocol.auth_errors import TOKEN_EXPIRED, refusal
from emulator.protocol.errors import ProtocolError
from emulator.protocol.identity import Scope, credential_scope
from emulator.protocol.models import json_targets, operation_model, service_model
from emulator.protocol.query_parser import parse_params

log = logging.getLogger("emulator")

STS_VERSION = "2011-06-15"
IAM_VERSION = "2010-05-08"
DRY_RUN = AwsError("DryRunOperation", "Request would have succeeded, but DryRun flag is set.", 412)
# KMS answers a dry run with its own code and words (KMS Developer Guide, "Testing your
# permissions").
KMS_DRY_RUN = AwsError(
    "DryRunOperationException",
    "The request would have succeeded, but the DryRun option is set.",
    412,
)
INTERNAL_MESSAGE = "We encountered an internal error. Please try again."
UNAVAILABLE_MESSAGE = "The request has failed due to a temporary failure of the server."
# The 500 code each service's model names for its own failures; EC2 and STS use InternalError.
INTERNAL_CODES = {"organizations": "ServiceException", "kms": "KMSInternalException"}


def internal_error(service: str) -> AwsError:
    return AwsError(INTERNAL_CODES.get(service, "InternalError"), INTERNAL_MESSAGE, 500)


@dataclass
class WireRequest:
    method: str
    headers: dict[str, str]  # lower-case names
    query: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


@dataclass
class WireResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    # What the request log line reports.
    service: str = ""
    operation: str = ""
    account: str = ""
    region: str = ""
    error_code: str = ""


# Its own generator, so that seeding the global one (as test tools do) repeats no ids.
_REQUEST_IDS = random.Random()


def new_request_id() -> str:
    """A random version-4 UUID. Not ``uuid.uuid4()``: its ``os.urandom`` lets go of the GIL,
    and under load each request then waits to get it back (ids need not be secret)."""
    return str(uuid.UUID(int=_REQUEST_IDS.getrandbits(128), version=4))


def dispatch(world: World, request: WireRequest, scope: Scope | None = None) -> WireResponse:
    """``scope``: the caller as the edge read (and maybe verified) it; read here if None."""
    request_id = new_request_id()
    if scope is None:
        scope = credential_scope(request.headers, request.query)
    if json_protocol.is_json_request(request.headers):
        target = request.headers.get("x-amz-target", "")
        return _json_call(world, request, scope, target, request_id)
    return _query_call(world, request, scope, request_id)


def _json_call(
    world: World, request: WireRequest, scope: Scope, target: str, request_id: str
) -> WireResponse:
    prefix, _, name = target.rpartition(".")
    service = json_targets().get(prefix, "")
    headers = {"Content-Type": json_protocol.CONTENT_TYPE, "x-amzn-RequestId": request_id}
    response = WireResponse(200, headers, b"", service, name)
    try:
        if not service:
            raise JSON_ERRORS.to_aws(ProtocolError("unknown_target", target=target[:200]))
        op = operation_model(service, name)
        if op is None:
            raise ProtocolError("invalid_action", action=name)
        params = json_protocol.parse_body(request.body, op.input_shape)
        result = _invoke(world, service, name, params, scope, request_id, response)
        response.body = json_protocol.dump_result(op.output_shape, result)
    except Exception as exc:  # every failure becomes an AWS-shaped answer
        err = _as_aws(service, exc, request_id)
        response.status, response.error_code = err.status, err.code
        response.body = json_protocol.dump_error(err.code, err.message, err.extra)
    return response


def _query_call(world: World, request: WireRequest, scope: Scope, request_id: str) -> WireResponse:
    response = WireResponse(
        200, {"Content-Type": "text/xml;charset=UTF-8", "x-amzn-RequestId": request_id}, b"", "ec2"
    )
    try:
        pairs = list(request.query)
        if request.body:
            try:
                text = request.body.decode("utf-8")
            except UnicodeDecodeError:
                raise ProtocolError("malformed_body", detail="Body is not UTF-8") from None
            pairs += parse_qsl(text, keep_blank_values=True)
        first = dict(reversed(pairs))
        if scope.service == "sts" or first.get("Version") == STS_VERSION:
            response.service = "sts"
        elif scope.service == "iam" or first.get("Version") == IAM_VERSION:
            response.service = "iam"
        action = first.get("Action", "")
        response.operation = action
        if not action:
            raise AwsError("MissingAction", "The request must contain the parameter Action")
        op = operation_model(response.service, action)
        if op is None:
            raise AwsError(
                "InvalidAction", f"The action {action} is not valid for this web service."
            )
        params = parse_params(pairs, op.input_shape, ec2=response.service == "ec2")
        result = _invoke(world, response.service, action, params, scope, request_id, response)
        response.body = _query_result(response.service, action, op, result, request_id)
    except Exception as exc:  # every failure becomes an AWS-shaped answer
        err = _as_aws(response.service, exc, request_id)
        response.status, response.error_code = err.status, err.code
        response.body = query_error(response.service, err, request_id)
    return response


def _query_result(service, action, op, result, request_id) -> bytes:
    if service == "ec2":
        return xml_writer.ec2_response(action, op.output_shape, result, request_id).encode()
    namespace = service_model(service).metadata["xmlNamespace"]
    return xml_writer.query_response(
        action, namespace, op.output_shape, result, request_id
    ).encode()


def query_error(service: str, err: AwsError, request_id: str) -> bytes:
    if service == "ec2":
        return xml_writer.ec2_error(err.code, err.message, request_id).encode()
    namespace = service_model(service).metadata["xmlNamespace"]
    return xml_writer.query_error(
        namespace, err.code, err.message, request_id, sender=err.status < 500
    ).encode()


def _invoke(
    world: World,
    service: str,
    name: str,
    params: dict,
    scope: Scope,
    request_id: str,
    response: WireResponse,
) -> dict | None:
    handler = REGISTRY.get((service, name))
    if handler is None:
        raise ProtocolError("invalid_action", action=name)
    if world.sessions.expired(scope.access_key):
        raise refusal(TOKEN_EXPIRED, service)
    call = Call(
        world=world,
        account=world.account_for_key(scope.access_key),
        region=scope.region or world.config.default_region,
        request_id=request_id,
        service=service,
        operation=name,
        access_key=scope.access_key,
    )
    response.account, response.region = call.account, call.region
    if scope.region and not is_known(scope.region, world.config):
        raise unknown_region(service, scope.region)
    # The principal is read under the lock, like everything else of the world.
    with world.lock, world.acting_as(world.principal_for_key(call.access_key, call.partition)):
        if world.writes_refused is not None and not is_read_only(name):
            # The state file cannot be saved: nothing may change until it can again.
            raise AwsError("ServiceUnavailable", UNAVAILABLE_MESSAGE, 503)
        dry = params.pop("DryRun", False)
        # One gate for every call; a dry run is refused by it as the real call would be.
        check_gates(call, params)
        if not dry:
            return handler(call, params)
        # The operation makes every check, then stops at its commit point (core/commit.py):
        # a dry run costs what the checks cost and changes nothing. A read has no commit
        # point; it runs to the end and changes nothing either.
        try:
            with dry_run():
                handler(call, params)
        except DryRunPassed:
            pass
        raise KMS_DRY_RUN if service == "kms" else DRY_RUN


def _as_aws(service: str, exc: Exception, request_id: str) -> AwsError:
    if isinstance(exc, AwsError):
        return exc
    if isinstance(exc, (CoreError, ProtocolError)) and service in CATALOGUES:
        try:
            return CATALOGUES[service].to_aws(exc)
        except (KeyError, IndexError, ValueError):
            log.exception("request %s: no catalogue entry for %r", request_id, exc)
            return internal_error(service)
    log.exception("request %s failed", request_id)
    return internal_error(service)
