"""SigV4 signature checking, for access keys whose secret the emulator was given.

The canonical request, string to sign and signing key follow the SigV4 specification; a
request is accepted when the signature it carries equals the one computed from the configured
secret. Requests that are unsigned, or signed with a key that has no configured secret, are
not checked (``check`` answers None).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote

from emulator.protocol import json_protocol, xml_writer
from emulator.protocol.dispatch import WireRequest, WireResponse
from emulator.protocol.models import service_model

ALGORITHM = "AWS4-HMAC-SHA256"
_AUTHORIZATION = re.compile(
    ALGORITHM + r"\s+Credential=(?P<credential>[^,\s]+),\s*SignedHeaders=(?P<signed>[^,\s]+),"
    r"\s*Signature=(?P<signature>[0-9a-fA-F]+)"
)
_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation "
    "for details."
)


@dataclass(frozen=True)
class Signature:
    """What a signed request claims: its key, scope, timestamp, headers and signature."""

    access_key: str
    scope: str  # date/region/service/aws4_request
    amz_date: str
    signed_headers: tuple[str, ...]
    signature: str
    presigned: bool


def read_signature(headers: Mapping[str, str], query: Mapping[str, str]) -> Signature | None:
    """From the ``Authorization`` header, or a presigned URL's ``X-Amz-*`` parameters."""
    match = _AUTHORIZATION.search(headers.get("authorization", ""))
    if match is not None:
        credential, signed, signature = match["credential"], match["signed"], match["signature"]
        amz_date, presigned = headers.get("x-amz-date", ""), False
    elif query.get("X-Amz-Algorithm") == ALGORITHM and "X-Amz-Signature" in query:
        credential, signed = query.get("X-Amz-Credential", ""), query.get("X-Amz-SignedHeaders", "")
        signature, amz_date, presigned = query["X-Amz-Signature"], query.get("X-Amz-Date", ""), True
    else:
        return None
    access_key, _, scope = credential.partition("/")
    return Signature(
        access_key, scope, amz_date, tuple(signed.lower().split(";")), signature.lower(), presigned
    )


def _encode(text: str) -> str:
    return quote(text, safe="-_.~")


def canonical_request(request: WireRequest, path: str, signed: Signature) -> str:
    pairs = [(k, v) for k, v in request.query if not (signed.presigned and k == "X-Amz-Signature")]
    query = "&".join(f"{k}={v}" for k, v in sorted((_encode(k), _encode(v)) for k, v in pairs))
    headers = "".join(
        f"{name}:{' '.join(request.headers.get(name, '').split())}\n"
        for name in signed.signed_headers
    )
    payload = request.headers.get("x-amz-content-sha256") or _sha256(request.body)
    return "\n".join(
        [
            request.method.upper(),
            quote(path or "/", safe="/~"),
            query,
            headers,
            ";".join(signed.signed_headers),
            payload,
        ]
    )


def expected_signature(secret: str, signed: Signature, canonical: str) -> str:
    string_to_sign = "\n".join(
        [ALGORITHM, signed.amz_date, signed.scope, _sha256(canonical.encode())]
    )
    key = ("AWS4" + secret).encode()
    for part in signed.scope.split("/"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _payload_matches(request: WireRequest) -> bool:
    """A declared body hash must be the body's (so the body cannot be swapped)."""
    declared = request.headers.get("x-amz-content-sha256")
    return declared is None or declared == _sha256(request.body)


def is_forged(secrets: Mapping[str, str], request: WireRequest, path: str) -> bool:
    """True when the request is signed with a key in ``secrets`` and the signature is wrong."""
    signed = read_signature(request.headers, dict(request.query))
    if signed is None or signed.access_key not in secrets:
        return False
    if not signed.amz_date or len(signed.scope.split("/")) != 4 or not _payload_matches(request):
        return True
    expected = expected_signature(
        secrets[signed.access_key], signed, canonical_request(request, path, signed)
    )
    return not hmac.compare_digest(expected, signed.signature)


def rejection(request: WireRequest) -> WireResponse:
    """The answer to a forged request, in the protocol and with the code its service uses."""
    request_id = str(uuid.uuid4())
    signed = read_signature(request.headers, dict(request.query))
    scope = signed.scope.split("/") if signed else []
    service, region = (scope[2], scope[1]) if len(scope) == 4 else ("", "")
    answer = WireResponse(
        0, {"x-amzn-RequestId": request_id}, b"", service, _operation(request), region=region
    )
    if request.headers.get("x-amz-target"):
        # JSON services: no code in the Organizations or KMS models means a bad signature
        # (AccessDeniedException is an IAM denial), so the one AWS answers with.
        answer.status, answer.error_code = 400, "InvalidSignatureException"
        answer.headers["Content-Type"] = json_protocol.CONTENT_TYPE
        answer.body = json_protocol.dump_error(answer.error_code, _MISMATCH, {})
    elif service == "sts":
        answer.service = "sts"
        answer.status, answer.error_code = 403, "SignatureDoesNotMatch"
        answer.headers["Content-Type"] = "text/xml;charset=UTF-8"
        namespace = service_model("sts").metadata["xmlNamespace"]
        answer.body = xml_writer.query_error(
            namespace, answer.error_code, _MISMATCH, request_id
        ).encode()
    else:
        answer.service = "ec2"
        answer.status, answer.error_code = 401, "AuthFailure"
        answer.headers["Content-Type"] = "text/xml;charset=UTF-8"
        answer.body = xml_writer.ec2_error(
            answer.error_code,
            "AWS was not able to validate the provided access credentials",
            request_id,
        ).encode()
    return answer


def _operation(request: WireRequest) -> str:
    """For the request log: the operation the forged request asked for."""
    target = request.headers.get("x-amz-target")
    if target:
        return target.rpartition(".")[2]
    pairs = list(request.query) + parse_qsl(request.body.decode("utf-8", "replace"))
    return dict(reversed(pairs)).get("Action", "")
