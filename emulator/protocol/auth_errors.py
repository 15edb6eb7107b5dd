"""How AWS refuses a caller it cannot authenticate, per protocol and reason.

One code, status and message per protocol (EC2, STS's Query, the JSON services) for each
reason.
"""

from __future__ import annotations

from emulator.api.errors import AwsError

EC2, STS, JSON = "ec2", "sts", "json"

MISSING = "missing"  # no signature at all
INCOMPLETE = "incomplete"  # a signature that cannot be read
UNKNOWN_KEY = "unknown_key"  # a key with no secret, or a token that is not the key's
MISMATCH = "mismatch"  # the signature is not the one the secret makes
SKEWED = "skewed"  # the timestamp is more than 15 minutes from now
URL_EXPIRED = "url_expired"  # a presigned URL past X-Amz-Date + X-Amz-Expires
TOKEN_EXPIRED = "token_expired"  # an AssumeRole session past its Expiration

_CREDENTIALS = "AWS was not able to validate the provided access credentials"
_INVALID_TOKEN = "The security token included in the request is invalid"
_EXPIRED_TOKEN = "The security token included in the request is expired"
_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation "
    "for details."
)
_REQUEST_EXPIRED = "Request has expired."

# reason -> protocol -> (code, HTTP status, message; None: the detail the caller gives)
_ANSWERS: dict[str, dict[str, tuple[str, int, str | None]]] = {
    MISSING: {
        EC2: (
            "MissingAuthenticationToken",
            401,
            "The request must contain either a valid (registered) AWS access key ID or "
            "X.509 certificate.",
        ),
        STS: ("MissingAuthenticationToken", 403, "Request is missing Authentication Token"),
        JSON: ("MissingAuthenticationTokenException", 400, "Missing Authentication Token"),
    },
    INCOMPLETE: {
        EC2: ("IncompleteSignature", 400, None),
        STS: ("IncompleteSignature", 400, None),
        JSON: ("IncompleteSignatureException", 400, None),
    },
    UNKNOWN_KEY: {
        EC2: ("AuthFailure", 401, _CREDENTIALS),
        STS: ("InvalidClientTokenId", 403, _INVALID_TOKEN),
        JSON: ("UnrecognizedClientException", 400, _INVALID_TOKEN + "."),
    },
    MISMATCH: {
        EC2: ("AuthFailure", 401, _CREDENTIALS),
        STS: ("SignatureDoesNotMatch", 403, _MISMATCH),
        JSON: ("InvalidSignatureException", 400, _MISMATCH),
    },
    SKEWED: {
        EC2: ("RequestExpired", 400, _REQUEST_EXPIRED),
        STS: ("SignatureDoesNotMatch", 403, None),
        JSON: ("InvalidSignatureException", 400, None),
    },
    URL_EXPIRED: {
        EC2: ("RequestExpired", 400, _REQUEST_EXPIRED),
        STS: ("SignatureDoesNotMatch", 403, None),
        JSON: ("InvalidSignatureException", 400, None),
    },
    TOKEN_EXPIRED: {
        # EC2 answers an expired session as it answers a stale request.
        EC2: ("RequestExpired", 400, _REQUEST_EXPIRED),
        STS: ("ExpiredToken", 403, _EXPIRED_TOKEN),
        JSON: ("ExpiredTokenException", 400, _EXPIRED_TOKEN),
    },
}


def protocol(service: str) -> str:
    """EC2 and STS by name; IAM answers as STS (both are AWS's Query services with the
    common errors); Organizations and KMS speak JSON."""
    if service == "iam":
        return STS
    return service if service in (EC2, STS) else JSON


def refusal(reason: str, service: str, detail: str = "") -> AwsError:
    code, status, message = _ANSWERS[reason][protocol(service)]
    return AwsError(code, message if message is not None else detail, status)
