"""What a browser may do with the emulator: Host check, cross-site refusal, CORS, headers.

The Host check closes DNS rebinding; requests made by pages of other sites are refused;
CORS is for the origins the operator opted in (``--cors-origin``); the console and admin
answers carry security headers.

SDKs and the AWS CLI send neither ``Origin`` nor ``Sec-Fetch-Site``, and name the emulator by
the address they were given, so none of this touches them.
"""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from emulator.protocol.dispatch import WireRequest
from emulator.protocol.refusal import refusal

log = logging.getLogger("emulator.requests")

AWS_PATH = "/"
# Outside the AWS endpoint (admin, console), requests by these methods only read; the others
# (reset, PUT state, console forms) may change the world.
READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Bound to one of these, the server answers on every address of the machine.
EVERY_INTERFACE = frozenset({"", "0.0.0.0", "::"})
FOREIGN_SITES = frozenset({"cross-site", "same-site"})
DEFAULT_PORTS = {"http": 80, "https": 443}
# What the AWS SDKs (JavaScript v3 among them) put on a request.
SDK_HEADERS = (
    "authorization",
    "content-type",
    "x-amz-date",
    "x-amz-target",
    "x-amz-security-token",
    "x-amz-user-agent",
    "x-amz-content-sha256",
    "amz-sdk-invocation-id",
    "amz-sdk-request",
)
EXPOSED_HEADERS = "x-amzn-RequestId"
PREFLIGHT_MAX_AGE = "600"
CONSOLE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
ADMIN_CSP = "default-src 'none'; frame-ancestors 'none'"
_HOST = re.compile(r"(?:\[(?P<v6>[0-9a-f:.]+)\]|(?P<name>[a-z0-9._-]+))(?::[0-9]{0,5})?")
_NAME = re.compile(r"[a-z0-9_-]+(\.[a-z0-9_-]+)*")
_SHOWN = 100  # characters of a header value quoted in a refusal


def origin_of(text: str) -> str | None:
    """``scheme://host:port`` (lower case, the port always written), or None when ``text``
    is not an http(s) origin."""
    try:
        parts = urlsplit(text.strip())
        port = parts.port
    except ValueError:
        return None
    if (
        parts.scheme not in DEFAULT_PORTS
        or not parts.hostname
        or parts.path
        or parts.query
        or parts.fragment
        or "@" in parts.netloc
    ):
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}:{port or DEFAULT_PORTS[parts.scheme]}"


def host_name(text: str) -> str | None:
    """A host name or address as ``--allowed-host`` takes it (no port), lower case; None
    when it is neither."""
    value = text.strip().lower().removeprefix("[").removesuffix("]")
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return value if _NAME.fullmatch(value) else None


@dataclass(frozen=True)
class BrowserPolicy:
    names: frozenset[str]  # allowed Host names, lower case
    addresses: frozenset[ipaddress.IPv4Address | ipaddress.IPv6Address]
    every_address: bool  # bound to every interface: any address literal is a Host
    cors_origins: frozenset[str]  # as origin_of writes them

    @classmethod
    def of(cls, allowed_hosts: Iterable[str], cors_origins: Iterable[str]) -> BrowserPolicy:
        """``allowed_hosts``: names and addresses (the bound one among them; 0.0.0.0 or ::
        means every address). Raises ValueError for a value that is not a host or origin."""
        names, addresses, every = set(), set(), False
        for text in allowed_hosts:
            if text.strip() in EVERY_INTERFACE:
                every = True
                continue
            name = host_name(text)
            if name is None:
                raise ValueError(f"{text!r} is not a host name or address")
            try:
                addresses.add(ipaddress.ip_address(name))
            except ValueError:
                names.add(name)
        origins = set()
        for text in cors_origins:
            origin = origin_of(text)
            if origin is None:
                raise ValueError(f"{text!r} is not an origin (scheme://host[:port])")
            origins.add(origin)
        return cls(frozenset(names), frozenset(addresses), every, frozenset(origins))

    def host_allowed(self, header: str | None) -> bool:
        """A loopback name or address, an allowed one, or (bound to every interface) any
        address. No Host at all is an HTTP/1.0 client, never a browser."""
        if header is None:
            return True
        match = _HOST.fullmatch(header.strip().lower())
        if match is None:
            return False
        name = match["name"]
        if name is not None and (name == "localhost" or name in self.names):
            return True
        try:
            address = ipaddress.ip_address(match["v6"] or name)
        except ValueError:
            return False
        if match["v6"] and address.version != 6:
            return False
        return address.is_loopback or self.every_address or address in self.addresses

    def foreign(self, origin: str | None, fetch_site: str | None, own: str | None) -> str | None:
        """Why a request comes from a page of another site, in words; None when it does not
        (or comes from an origin opted in)."""
        seen = origin_of(origin) if origin is not None else None
        if seen is not None and seen in self.cors_origins:
            return None
        if fetch_site is not None and fetch_site.strip().lower() in FOREIGN_SITES:
            return f"a page of another site sent it (Sec-Fetch-Site: {fetch_site[:_SHOWN]})"
        if origin is not None and (seen is None or seen != own):
            return f"a page of another origin sent it (Origin: {origin[:_SHOWN]})"
        return None


def install(app: Flask, policy: BrowserPolicy) -> None:
    app.extensions["browser_policy"] = policy
    app.before_request(_guard)
    app.after_request(_answer_headers)


def _policy() -> BrowserPolicy:
    return current_app.extensions["browser_policy"]


def _guard() -> Response | None:
    policy, environ = _policy(), request.environ
    host = environ.get("HTTP_HOST")
    if not policy.host_allowed(host):
        return _refuse(
            f"its Host header {(host or '')[:_SHOWN]!r} is not a name of this emulator (a page "
            "whose name was made to resolve to it would send that)",
            "Use a loopback address, or start the emulator with --allowed-host NAME.",
        )
    origin = environ.get("HTTP_ORIGIN")
    if (
        request.method == "OPTIONS"
        and origin is not None
        and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in environ
    ):
        return _preflight(policy, origin)
    if request.path != AWS_PATH and request.method in READING_METHODS:
        return None
    own = origin_of(f"{request.scheme}://{host}") if host else None
    why = policy.foreign(origin, environ.get("HTTP_SEC_FETCH_SITE"), own)
    if why is None:
        return None
    return _refuse(why, "Start the emulator with --cors-origin ORIGIN to let that page call it.")


def _preflight(policy: BrowserPolicy, origin: str) -> Response:
    if origin_of(origin) not in policy.cors_origins:
        return _refuse(
            f"it is a CORS preflight from {origin[:_SHOWN]!r}, an origin not opted in",
            "Start the emulator with --cors-origin ORIGIN to let that page call it.",
        )
    try:
        methods = current_app.url_map.bind_to_environ(request.environ).allowed_methods()
    except HTTPException:
        methods = []
    answer = Response(status=204)
    del answer.headers["Content-Type"]
    answer.headers.update(
        {
            "Access-Control-Allow-Origin": origin,
            "Access-Control-Allow-Methods": ", ".join(sorted(methods)),
            "Access-Control-Allow-Headers": ", ".join(SDK_HEADERS),
            "Access-Control-Max-Age": PREFLIGHT_MAX_AGE,
        }
    )
    return answer


def _refuse(why: str, advice: str) -> Response:
    """A 403 saying why and what to do: in the caller's protocol on the AWS endpoint, JSON
    elsewhere; logged as a request line with the reason."""
    message = f"ami-emulator refused this request: {why}. {advice}"
    if request.path != AWS_PATH:
        log.warning("- - %s %s 403 refused: %s", request.method, request.path[:_SHOWN], why)
        answer = jsonify(error=message)
        answer.status_code = 403
        return answer
    try:
        body = request.get_data(cache=False)
    except HTTPException:  # over the size limit: the headers and query say enough
        body = b""
    wire = WireRequest(
        request.method,
        {name.lower(): value for name, value in request.headers.items()},
        list(request.args.items(multi=True)),
        body,
    )
    answer = refusal(wire, message)
    log.warning(
        "- - %s.%s 403 %s refused: %s",
        answer.service or "-",
        answer.operation or "-",
        answer.error_code,
        why,
    )
    return Response(answer.body, status=answer.status, headers=answer.headers)


def _answer_headers(response: Response) -> Response:
    if request.path != AWS_PATH:
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        console = request.blueprint == "console"
        response.headers.setdefault(
            "Content-Security-Policy", CONSOLE_CSP if console else ADMIN_CSP
        )
    policy = _policy()
    if policy.cors_origins:
        # The answer depends on the Origin (allowed, refused), so caches must keep them apart.
        response.vary.add("Origin")
        origin = request.environ.get("HTTP_ORIGIN")
        allowed = origin is not None and origin_of(origin) in policy.cors_origins
        if allowed and "Access-Control-Allow-Origin" not in response.headers:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    return response
