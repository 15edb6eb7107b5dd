"""JSON 1.1 requests and answers, checked and converted by the operation's shapes.

The mirror image of botocore's ``JSONSerializer`` / ``JSONParser``: the body must be a
JSON object whose members have the types the input shape names; timestamps travel as
epoch seconds, blobs as base64.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from emulator.protocol.errors import ProtocolError, invalid, missing
from emulator.protocol.scalars import check_text, parse_timestamp

CONTENT_TYPE = "application/x-amz-json-1.1"
# No input of Organizations or KMS nests deeper than a few levels; a limit well above them
# keeps a hostile body from reaching Python's recursion limit (a RecursionError, a 500).
MAX_DEPTH = 64
_TOO_DEEP = f"Body must not nest deeper than {MAX_DEPTH} levels"


def is_json_request(headers: Mapping[str, str]) -> bool:
    """JSON callers send ``X-Amz-Target`` (even an empty one) or a JSON ``Content-Type``;
    every other caller speaks the Query protocol. ``headers``: by lower-case name."""
    if "x-amz-target" in headers:
        return True
    media = headers.get("content-type", "").partition(";")[0].strip().lower()
    return media.startswith("application/x-amz-json") or media == "application/json"


def parse_body(body: bytes, shape: StructureShape | None) -> dict:
    try:
        data = json.loads(body.decode("utf-8")) if body.strip() else {}
    except RecursionError:
        raise ProtocolError("malformed_body", detail=_TOO_DEEP) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise ProtocolError("malformed_body", detail=f"Body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ProtocolError("malformed_body", detail="Body must be a JSON object")
    if _deeper_than(data, MAX_DEPTH):
        raise ProtocolError("malformed_body", detail=_TOO_DEEP)
    if shape is None:
        return {}
    return _structure(data, shape, "")


def _deeper_than(data: dict, limit: int) -> bool:
    """Level by level, without recursion; the work is bounded by the number of containers."""
    level: list[Any] = [data]
    for _ in range(limit):
        inner: list[Any] = []
        for container in level:
            values = container.values() if isinstance(container, dict) else container
            inner.extend(v for v in values if isinstance(v, (dict, list)))
        if not inner:
            return False
        level = inner
    return True


def _value(value: Any, shape: Shape, path: str) -> Any:
    kind = shape.type_name
    if isinstance(shape, StructureShape):
        if not isinstance(value, dict):
            raise invalid(path, value)
        return _structure(value, shape, path)
    if isinstance(shape, ListShape):
        if not isinstance(value, list):
            raise invalid(path, value)
        return [_value(v, shape.member, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(shape, MapShape):
        if not isinstance(value, dict):
            raise invalid(path, value)
        return {
            _value(k, shape.key, path): _value(v, shape.value, f"{path}.{k}")
            for k, v in value.items()
        }
    if kind == "string":
        if not isinstance(value, str):
            raise invalid(path, value)
        return check_text(value, path)
    if kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise invalid(path, value)
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise invalid(path, value)
        return value
    if kind in ("float", "double"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise invalid(path, value)
        return float(value)
    if kind == "timestamp":
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise invalid(path, value)
        try:
            return parse_timestamp(value)
        except (AttributeError, TypeError, ValueError, OverflowError, OSError):
            raise invalid(path, value) from None
    if kind == "blob":
        try:
            return base64.b64decode(value, validate=True)
        except (TypeError, ValueError, binascii.Error):
            raise invalid(path, value) from None
    return value


def _structure(data: dict, shape: StructureShape, path: str) -> dict:
    out = {}
    for name, member in shape.members.items():
        wire = member.serialization.get("name", name)
        if data.get(wire) is not None:
            out[name] = _value(data[wire], member, f"{path}.{wire}" if path else wire)
    for name in shape.required_members:
        if name not in out:
            raise missing(f"{path}.{name}" if path else name)
    return out


def dump_result(shape: StructureShape | None, result: dict | None) -> bytes:
    if shape is None or not result:
        return b"{}"
    return json.dumps(_out(result, shape), separators=(",", ":")).encode()


def dump_error(code: str, message: str, extra: dict[str, Any]) -> bytes:
    return json.dumps({"__type": code, "message": message, **extra}).encode()


def _out(value: Any, shape: Shape) -> Any:
    if isinstance(shape, StructureShape):
        return {
            member.serialization.get("name", name): _out(value[name], member)
            for name, member in shape.members.items()
            if value.get(name) is not None
        }
    if isinstance(shape, ListShape):
        return [_out(v, shape.member) for v in value]
    if isinstance(shape, MapShape):
        return {k: _out(v, shape.value) for k, v in value.items()}
    if shape.type_name == "timestamp" and isinstance(value, datetime):
        return value.timestamp()
    if shape.type_name == "blob":
        raw = value.encode() if isinstance(value, str) else value
        return base64.b64encode(raw).decode()
    return value
