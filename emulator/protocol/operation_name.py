"""The operation a request asks for, read before dispatch, as dispatch will read it."""

from __future__ import annotations

from urllib.parse import parse_qsl

from emulator.protocol.dispatch import WireRequest


def query_params(request: WireRequest) -> dict[str, str]:
    """A Query request's parameters, from the query string then the form body; the first of
    a repeated name wins, as in dispatch. A body that is not UTF-8 is read as far as it goes."""
    pairs = list(request.query)
    if request.body:
        pairs += parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True)
    return dict(reversed(pairs))


def operation_name(request: WireRequest) -> str:
    """The ``X-Amz-Target`` suffix of a JSON call, else the Query ``Action``; "" when none."""
    target = request.headers.get("x-amz-target")
    if target:
        return target.rpartition(".")[2]
    return query_params(request).get("Action", "")
