"""Who is calling, from the SigV4 credential scope (signature.py checks signatures)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

_CREDENTIAL = re.compile(
    r"Credential=(?P<key>[^/,\s]+)/(?P<date>\d{8})/(?P<region>[^/,\s]+)/(?P<service>[^/,\s]+)/aws4_request"
)


@dataclass(frozen=True)
class Scope:
    access_key: str = ""
    region: str = ""
    service: str = ""


def credential_scope(headers: Mapping[str, str], query: Mapping[str, str]) -> Scope:
    """From ``Authorization: AWS4-HMAC-SHA256 Credential=AKID/date/region/service/...``
    or a presigned URL's ``X-Amz-Credential``; empty when the request is unsigned."""
    auth = headers.get("authorization", "")
    match = _CREDENTIAL.search(auth)
    if match is None and "X-Amz-Credential" in query:
        match = _CREDENTIAL.search("Credential=" + query["X-Amz-Credential"])
    if match is None:
        return Scope()
    return Scope(match["key"], match["region"], match["service"])
