"""Example values for any botocore shape, so every operation can be round-tripped."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

STAMP = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
MAX_DEPTH = 5


def sample(shape: Shape, name: str = "v", depth: int = 0) -> Any:
    """A deterministic value of ``shape``; deep optional members are left out."""
    if isinstance(shape, StructureShape):
        if shape.is_document_type:
            return {"doc": name}
        out = {}
        for member_name, member in shape.members.items():
            if member.serialization.get("location") or member.serialization.get("eventheader"):
                continue
            if depth >= MAX_DEPTH and member_name not in shape.required_members:
                continue
            value = sample(member, member_name, depth + 1)
            # A structure cut off by the depth limit is empty and so is not on the wire at all.
            if _nothing(value) and member_name not in shape.required_members:
                continue
            out[member_name] = value
        return out
    if isinstance(shape, ListShape):
        return [sample(shape.member, f"{name}{i}", depth + 1) for i in (1, 2)]
    if isinstance(shape, MapShape):
        return {sample(shape.key, f"{name}key", depth + 1): sample(shape.value, name, depth + 1)}
    kind = shape.type_name
    if kind == "string":
        return shape.enum[0] if shape.enum else f"{name}-text"
    if kind in ("integer", "long"):
        return 7
    if kind in ("float", "double"):
        return 1.5
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return STAMP
    if kind == "blob":
        return b"blob-bytes"
    raise AssertionError(f"no sample for {kind}")


def _nothing(value: Any) -> bool:
    """An empty structure, or a list of nothing but empty structures."""
    if isinstance(value, dict):
        return not value
    return isinstance(value, list) and bool(value) and all(_nothing(v) for v in value)


def normalise(value: Any) -> Any:
    """Compare timestamps by instant, whatever tzinfo class a parser used."""
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, datetime):
        return value.timestamp()
    return value
