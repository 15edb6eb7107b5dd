"""A request refused before dispatch, answered in the protocol its caller spoke.

The codes are the ones each service uses for a caller that may not do what it asks: EC2's
``UnauthorizedOperation``, STS's ``AccessDenied``, and ``AccessDeniedException`` for the JSON
services (Organizations, KMS); all with HTTP 403, which SDKs do not retry.
"""

from __future__ import annotations

from emulator.protocol import json_protocol, xml_writer
from emulator.protocol.dispatch import STS_VERSION, WireRequest, WireResponse, new_request_id
from emulator.protocol.identity import credential_scope
from emulator.protocol.models import json_targets, service_model
from emulator.protocol.operation_name import operation_name, query_params

XML = "text/xml;charset=UTF-8"


def refusal(request: WireRequest, message: str, status: int = 403) -> WireResponse:
    request_id = new_request_id()
    answer = WireResponse(
        status, {"x-amzn-RequestId": request_id}, b"", operation=operation_name(request)
    )
    target = request.headers.get("x-amz-target")
    params = {} if target else query_params(request)
    if target:
        answer.service = json_targets().get(target.rpartition(".")[0], "")
        answer.error_code = "AccessDeniedException"
        answer.headers["Content-Type"] = json_protocol.CONTENT_TYPE
        answer.body = json_protocol.dump_error(answer.error_code, message, {})
    elif (
        params.get("Version") == STS_VERSION
        or credential_scope(request.headers, request.query).service == "sts"
    ):
        answer.service, answer.error_code = "sts", "AccessDenied"
        answer.headers["Content-Type"] = XML
        namespace = service_model("sts").metadata["xmlNamespace"]
        answer.body = xml_writer.query_error(
            namespace, answer.error_code, message, request_id
        ).encode()
    else:
        answer.service, answer.error_code = "ec2", "UnauthorizedOperation"
        answer.headers["Content-Type"] = XML
        answer.body = xml_writer.ec2_error(answer.error_code, message, request_id).encode()
    return answer
