"""SigV4 verification (``--verify-signatures``): proven with the key's secret, or refused.

A request that names a key is proven with that key's secret, or refused in AWS's words;
it never acts as the key's account unproven.

The secret is an AssumeRole session's (whose token must come with it), an IAM user access
key's, or one the operator configured. The canonical request, string to sign and signing
key follow the SigV4 specification. Timestamps are held to real time (``time.time()``),
never to the world's clock, which only decides when sessions expire.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from emulator.core.world import World
from emulator.protocol import auth_errors
from emulator.protocol.dispatch import WireRequest
from emulator.protocol.identity import ALGORITHM, QUERY, TIMESTAMP, Scope

MAX_SKEW = timedelta(minutes=15)


@dataclass(frozen=True)
class Refusal:
    reason: str  # one of auth_errors' reasons
    detail: str = ""  # the message, where the protocol's answer has none of its own


def _encode(text: str) -> str:
    return quote(text, safe="-_.~")


def canonical_request(request: WireRequest, path: str, signed: Scope) -> str:
    pairs = [
        (k, v) for k, v in request.query if not (signed.form == QUERY and k == "X-Amz-Signature")
    ]
    query = "&".join(f"{k}={v}" for k, v in sorted((_encode(k), _encode(v)) for k, v in pairs))
    headers = "".join(
        f"{name}:{' '.join(request.headers.get(name.lower(), '').split())}\n"
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


def expected_signature(secret: str, signed: Scope, canonical: str) -> str:
    string_to_sign = "\n".join(
        [ALGORITHM, signed.timestamp, signed.scope, _sha256(canonical.encode())]
    )
    key = ("AWS4" + secret).encode()
    for part in signed.scope.split("/"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _same(given: str, expected: str) -> bool:
    """Constant time, and safe for any text a client sends (compare_digest refuses non-ASCII
    str)."""
    return hmac.compare_digest(given.encode(), expected.encode())


def signature_matches(secret: str, request: WireRequest, path: str, signed: Scope) -> bool:
    """The signature is the one ``secret`` makes, over this very request and body."""
    declared = request.headers.get("x-amz-content-sha256")
    if declared is not None and declared != _sha256(request.body):
        return False  # a declared body hash must be the body's, so the body cannot be swapped
    expected = expected_signature(secret, signed, canonical_request(request, path, signed))
    return _same(signed.signature, expected)


def check(
    world: World,
    request: WireRequest,
    path: str,
    signed: Scope,
    *,
    now: float,
    allow_unverified: bool = False,
) -> Refusal | None:
    """None when the request may go on as ``signed.access_key`` (or, unsigned, as the
    default account); else why it is refused. ``allow_unverified`` lets keys that have no
    secret (and unsigned requests) act unproven, as without verification."""
    if not signed.form:
        return None if allow_unverified else Refusal(auth_errors.MISSING)
    if signed.problem:
        return Refusal(auth_errors.INCOMPLETE, signed.problem)
    stale = _stale(signed, datetime.fromtimestamp(now, UTC))
    if stale is not None:
        return stale
    session = world.sessions.get(signed.access_key)
    if session is not None:
        if not _same(signed.token, session.token):
            return Refusal(auth_errors.UNKNOWN_KEY)
        secret = session.secret_key
    else:
        user_key = world.iam.key(signed.access_key)
        configured = (
            user_key.secret
            if user_key is not None
            else world.config.secret_keys.get(signed.access_key)
        )
        if signed.token or (configured is None and not allow_unverified):
            # A token the emulator never issued for this key, or a key it cannot prove.
            return Refusal(auth_errors.UNKNOWN_KEY)
        if configured is None:
            return None
        secret = configured
    date = signed.timestamp[:8]
    if signed.scope[:8] != date:
        return Refusal(
            auth_errors.MISMATCH,
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
            f"from HTTP: '{signed.scope[:8]}' != '{date}', from '{signed.timestamp}'.",
        )
    if not signature_matches(secret, request, path, signed):
        return Refusal(auth_errors.MISMATCH)
    return None


def _stale(signed: Scope, now: datetime) -> Refusal | None:
    """A request signed more than 15 minutes from now, or a presigned URL past its expiry."""
    moment = datetime.strptime(signed.timestamp, TIMESTAMP).replace(tzinfo=UTC)
    stamp = now.strftime(TIMESTAMP)
    # Differences, not sums: a timestamp near year 9999 must not overflow.
    if moment - now > MAX_SKEW:
        return Refusal(
            auth_errors.SKEWED,
            f"Signature not yet current: {signed.timestamp} is still later than "
            f"{(now + MAX_SKEW).strftime(TIMESTAMP)} ({stamp} + 15 min.)",
        )
    if signed.expires is not None:
        if now - moment > timedelta(seconds=signed.expires):
            return Refusal(
                auth_errors.URL_EXPIRED,
                f"Signature expired: {signed.timestamp} is now earlier than "
                f"{(now - timedelta(seconds=signed.expires)).strftime(TIMESTAMP)} "
                f"({stamp} - {signed.expires} sec.)",
            )
    elif now - moment > MAX_SKEW:
        return Refusal(
            auth_errors.SKEWED,
            f"Signature expired: {signed.timestamp} is now earlier than "
            f"{(now - MAX_SKEW).strftime(TIMESTAMP)} ({stamp} - 15 min.)",
        )
    return None
