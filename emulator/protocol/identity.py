"""Who a request says it is and how it says it signed: the one reader of every SigV4 form.

Reading is lenient and verifying strict: this module takes apart an ``Authorization``
header however it is spelled, or a presigned query, and reports what it could not make sense
of in ``problem``. The caller's key, Region and service come from here both for dispatch and
for signature.py, so no request can be checked under one reading and served under another.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

ALGORITHM = "AWS4-HMAC-SHA256"
TIMESTAMP = "%Y%m%dT%H%M%SZ"  # ISO 8601 basic, as SigV4 signs it
MAX_EXPIRES = 7 * 24 * 3600  # the longest X-Amz-Expires SigV4 allows: a week
HEADER, QUERY = "header", "query"

_CREDENTIAL = re.compile(
    r"^(?P<key>[^/]+)/(?P<date>[0-9]{8})/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request$"
)
_TIMESTAMP = re.compile(r"^[0-9]{8}T[0-9]{6}Z$")
_SPACE = re.compile(r"\s+")
_SEPARATOR = re.compile(r"[\s,]+")  # between the header's parts: commas, spaces, or both
_HEADER_PARTS = ("Credential", "SignedHeaders", "Signature")
# A query naming any of these is presigned (X-Amz-Date or a token alone is not).
_PRESIGNING = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-SignedHeaders")
_QUERY_PARAMS = (*_PRESIGNING, "X-Amz-Date", "X-Amz-Expires", "X-Amz-Security-Token")


@dataclass(frozen=True)
class Scope:
    """What the request claims, none of it verified: the credential scope (key, Region,
    service) and, for signature.py, the parts of the signature."""

    access_key: str = ""
    region: str = ""
    service: str = ""
    form: str = ""  # HEADER, QUERY, or "" when the request carries no signature
    scope: str = ""  # date/region/service/aws4_request, as signed
    signed_headers: tuple[str, ...] = ()
    signature: str = ""
    timestamp: str = ""  # ISO 8601 basic: X-Amz-Date, or the Date header converted
    expires: int | None = None  # a presigned URL's X-Amz-Expires, in seconds
    token: str = ""  # X-Amz-Security-Token
    problem: str = ""  # why the signature cannot be checked; "" when it is well formed


def credential_scope(headers: Mapping[str, str], query: Sequence[tuple[str, str]]) -> Scope:
    """From ``Authorization`` (headers by lower-case name) or a presigned URL's ``X-Amz-*``
    parameters. The key, Region and service are read even from a malformed signature (so
    identity without verification is as lenient as ever); ``problem`` says what is wrong."""
    authorization = headers.get("authorization", "").strip()
    params: dict[str, str] = {}
    problems: list[str] = []
    for name, value in query:
        if name in _QUERY_PARAMS:
            if name in params:
                problems.append(f"The query string has more than one '{name}'.")
            params[name] = value
    presigned = any(name in params for name in _PRESIGNING)
    if authorization:
        scope = _from_header(authorization, headers, problems)
        if presigned:
            problems.append(
                "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter "
                "or the Authorization header should be specified."
            )
            if not scope.access_key:  # as ever: the header's credential, else the query's
                query_scope = _from_query(params, [])
                scope = replace(
                    scope,
                    access_key=query_scope.access_key,
                    region=query_scope.region,
                    service=query_scope.service,
                )
    elif presigned:
        scope = _from_query(params, problems)
    else:
        return Scope()
    return replace(scope, problem=" ".join(problems)) if problems else scope


def _credential(value: str | None, problems: list[str]) -> dict[str, str]:
    """``KEY/YYYYMMDD/REGION/SERVICE/aws4_request`` as Scope fields."""
    if value is None:
        return {}
    match = _CREDENTIAL.match(value)
    if match is None:
        problems.append(
            f"Credential '{value}' is not ACCESS_KEY/YYYYMMDD/REGION/SERVICE/aws4_request."
        )
        return {}
    return {
        "access_key": match["key"],
        "region": match["region"],
        "service": match["service"],
        "scope": value.partition("/")[2],
    }


def _signed(value: str | None, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    names = tuple(value.split(";"))
    if "host" not in names:
        problems.append("'Host' must be a 'SignedHeader' in the AWS Authorization.")
    return names


def _from_header(authorization: str, headers: Mapping[str, str], problems: list[str]) -> Scope:
    first, *rest = _SPACE.split(authorization, maxsplit=1)
    algorithm, text = ("", authorization) if "=" in first else (first, "".join(rest))
    if algorithm != ALGORITHM:
        problems.append(
            f"Unsupported AWS 'algorithm': '{algorithm}' (expected {ALGORITHM})."
            if algorithm
            else f"Authorization header requires the algorithm {ALGORITHM}."
        )
    parts: dict[str, str] = {}
    for part in _SEPARATOR.split(text):
        if not part:
            continue
        name, equals, value = part.partition("=")
        if not equals:
            problems.append(
                f"'{part}' not a valid key=value pair (missing equal-sign) in Authorization header."
            )
        elif name not in _HEADER_PARTS:
            problems.append(f"Authorization header has an unknown part '{name}'.")
        elif name in parts:
            problems.append(f"Authorization header has more than one '{name}'.")
        else:
            parts[name] = value
    problems.extend(
        f"Authorization header requires '{name}' parameter."
        for name in _HEADER_PARTS
        if name not in parts
    )
    return Scope(
        form=HEADER,
        signed_headers=_signed(parts.get("SignedHeaders"), problems),
        signature=parts.get("Signature", ""),
        timestamp=_header_timestamp(headers, problems),
        token=headers.get("x-amz-security-token", ""),
        **_credential(parts.get("Credential"), problems),
    )


def _header_timestamp(headers: Mapping[str, str], problems: list[str]) -> str:
    """X-Amz-Date, else the Date header (RFC 1123, as botocore sends it) in ISO basic form."""
    if "x-amz-date" in headers:
        return _timestamp(headers["x-amz-date"], problems)
    if "date" in headers:
        try:
            moment = parsedate_to_datetime(headers["date"])
        except (TypeError, ValueError):
            problems.append(f"Date header '{headers['date']}' is not an HTTP date.")
            return ""
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC)
        return moment.strftime(TIMESTAMP)
    problems.append(
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
    )
    return ""


def _timestamp(value: str | None, problems: list[str]) -> str:
    if value is None:
        return ""
    try:
        if not _TIMESTAMP.match(value):
            raise ValueError(value)
        # A real moment, not only the right digits: what strptime accepts, built directly
        # (strptime costs ten times as much, on every request).
        datetime(
            int(value[0:4]),
            int(value[4:6]),
            int(value[6:8]),
            int(value[9:11]),
            int(value[11:13]),
            int(value[13:15]),
        )
    except ValueError:
        problems.append(f"X-Amz-Date '{value}' is not a time YYYYMMDD'T'HHMMSS'Z'.")
        return ""
    return value


def _from_query(params: Mapping[str, str], problems: list[str]) -> Scope:
    if any(name not in params for name in (*_PRESIGNING, "X-Amz-Date")):
        problems.append(
            "AWS query-string parameters must include 'X-Amz-Algorithm', 'X-Amz-Credential', "
            "'X-Amz-Signature', 'X-Amz-Date', 'X-Amz-SignedHeaders'."
        )
    algorithm = params.get("X-Amz-Algorithm", ALGORITHM)
    if algorithm != ALGORITHM:
        problems.append(f"X-Amz-Algorithm only supports '{ALGORITHM}', not '{algorithm}'.")
    return Scope(
        form=QUERY,
        signed_headers=_signed(params.get("X-Amz-SignedHeaders"), problems),
        signature=params.get("X-Amz-Signature", ""),
        timestamp=_timestamp(params.get("X-Amz-Date"), problems),
        expires=_expires(params.get("X-Amz-Expires"), problems),
        token=params.get("X-Amz-Security-Token", ""),
        **_credential(params.get("X-Amz-Credential"), problems),
    )


def _expires(value: str | None, problems: list[str]) -> int | None:
    """Without X-Amz-Expires a presigned URL is held to the 15 minutes any request gets."""
    if value is None:
        return None
    if not value.isdigit() or not 0 < int(value) <= MAX_EXPIRES:
        problems.append(
            f"X-Amz-Expires '{value}' must be a whole number of seconds from 1 to "
            f"{MAX_EXPIRES} (a week)."
        )
        return None
    return int(value)
