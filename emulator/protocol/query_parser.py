"""Form-encoded requests (EC2 and Query protocols) -> params by the operation's input shape.

This is the mirror image of botocore's ``QuerySerializer`` / ``EC2Serializer``: keys like
``LaunchPermission.Add.2.OrganizationArn`` are split on dots into a tree, then the tree is
read member by member, so every name the model does not know is reported, not ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from botocore.model import ListShape, MapShape, Shape, StructureShape

from emulator.protocol.errors import ProtocolError, invalid, missing, unknown
from emulator.protocol.scalars import text_to_scalar

# Keys that carry signing or routing, never operation input.
_ENVELOPE = {
    "Action",
    "Version",
    "AWSAccessKeyId",
    "Signature",
    "SignatureMethod",
    "SignatureVersion",
    "Timestamp",
    "Expires",
    "SecurityToken",
}
# An index beyond this is not a list anyone sends; refuse it before sorting huge numbers.
MAX_LIST_INDEX = 100_000


class _Node:
    __slots__ = ("children", "value")

    def __init__(self) -> None:
        self.value: str | None = None
        self.children: dict[str, _Node] = {}


def build_tree(pairs: Iterable[tuple[str, str]]) -> _Node:
    """Split each key on dots; the first value of a repeated key wins."""
    root = _Node()
    for key, value in pairs:
        if key in _ENVELOPE or key.startswith("X-Amz-"):
            continue
        node = root
        for part in key.split("."):
            if not part:
                raise unknown(key)
            node = node.children.setdefault(part, _Node())
        if node.value is None:
            node.value = value
    return root


def parse_params(
    pairs: Iterable[tuple[str, str]], shape: StructureShape | None, *, ec2: bool
) -> dict:
    tree = build_tree(pairs)
    if shape is None:
        if tree.children:
            raise unknown(next(iter(tree.children)))
        return {}
    return _Reader(ec2).structure(tree, shape, "")


class _Reader:
    def __init__(self, ec2: bool) -> None:
        self.ec2 = ec2

    def wire_name(self, shape: Shape, default: str) -> str:
        ser = shape.serialization
        if self.ec2:
            if "queryName" in ser:
                return ser["queryName"]
            if "name" in ser:
                return ser["name"][0].upper() + ser["name"][1:]
            return default
        return ser.get("name", default)

    def value(self, node: _Node, shape: Shape, path: str) -> Any:
        if isinstance(shape, StructureShape):
            return self.structure(node, shape, path)
        if isinstance(shape, ListShape):
            return self.list(node, shape, path)
        if isinstance(shape, MapShape):
            return self.map(node, shape, path)
        if node.children:
            raise unknown(f"{path}.{next(iter(node.children))}")
        return text_to_scalar(shape.type_name, node.value or "", path)

    def structure(self, node: _Node, shape: StructureShape, path: str) -> dict:
        if node.value not in (None, "") and path:
            raise invalid(path, node.value)
        out: dict[str, Any] = {}
        seen: set[str] = set()
        for name, member in shape.members.items():
            wire = self.wire_name(member, name)
            child = node.children.get(wire)
            if child is None:
                continue
            seen.add(wire)
            out[name] = self.value(child, member, f"{path}.{wire}" if path else wire)
        for wire in node.children:
            if wire not in seen:
                raise unknown(f"{path}.{wire}" if path else wire)
        for name in shape.required_members:
            if name not in out:
                wire = self.wire_name(shape.members[name], name)
                raise missing(f"{path}.{wire}" if path else wire)
        return out

    def list(self, node: _Node, shape: ListShape, path: str) -> list:
        items = node
        if not self.ec2 and not shape.serialization.get("flattened"):
            # Query protocol: ``Prefix.member.N``; a bare ``Prefix=`` is the empty list.
            member_key = shape.member.serialization.get("name", "member")
            for wire in set(node.children) - {member_key}:
                raise unknown(f"{path}.{wire}")
            items = node.children.get(member_key, _Node())
        if not items.children:
            if node.value in (None, ""):
                return []
            raise invalid(path, node.value)
        return [
            self.value(child, shape.member, f"{path}.{i}") for i, child in _indexed(items, path)
        ]

    def map(self, node: _Node, shape: MapShape, path: str) -> dict:
        entries = (
            node if shape.serialization.get("flattened") else node.children.get("entry", _Node())
        )
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        out = {}
        for i, entry in _indexed(entries, path):
            if set(entry.children) - {key_name, value_name}:
                raise unknown(f"{path}.{i}")
            key_node = entry.children.get(key_name)
            if key_node is None:
                raise missing(f"{path}.{i}.{key_name}")
            key = self.value(key_node, shape.key, f"{path}.{i}.{key_name}")
            value_node = entry.children.get(value_name, _Node())
            out[key] = self.value(value_node, shape.value, f"{path}.{i}.{value_name}")
        return out


def _indexed(node: _Node, path: str) -> list[tuple[int, _Node]]:
    """Children keyed 1..N, in index order; gaps are tolerated, junk is not."""
    indexed = []
    for key, child in node.children.items():
        if not (key.isascii() and key.isdigit()) or not 1 <= int(key) <= MAX_LIST_INDEX:
            raise ProtocolError("invalid_parameter_value", name=f"{path}.{key}", value=key)
        indexed.append((int(key), child))
    indexed.sort(key=lambda pair: pair[0])
    return indexed
