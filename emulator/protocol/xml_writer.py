"""Answers in XML (EC2 and Query protocols), written by walking the output shape.

The mirror image of botocore's ``QueryParser`` / ``EC2QueryParser``: element names come
from each member's ``locationName`` (or its member name), lists are wrapped in their
member's name (``item`` for EC2, ``member`` for Query), scalars are written as text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape as _escape

from botocore.model import ListShape, MapShape, Shape, StructureShape

from emulator.protocol.scalars import scalar_to_text

EC2_NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/"
_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'
# Characters XML 1.0 cannot carry at all, even escaped (a request may hold them, and messages
# and stored values echo requests); they are written as U+FFFD.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SPECIAL = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape(text: str) -> str:
    if _SPECIAL.search(text) is None:
        return text  # the common case, found in one pass
    return _escape(_NOT_XML.sub("\ufffd", text))


def ec2_response(
    operation: str, shape: StructureShape | None, result: dict | None, request_id: str
) -> str:
    out = [
        _DECL,
        f'<{operation}Response xmlns="{EC2_NAMESPACE}">',
        f"<requestId>{request_id}</requestId>",
    ]
    if shape is None:
        out.append("<return>true</return>")
    else:
        _members(out, shape, result or {})
    out.append(f"</{operation}Response>")
    return "".join(out)


def ec2_error(code: str, message: str, request_id: str) -> str:
    return (
        f"{_DECL}<Response><Errors><Error><Code>{escape(code)}</Code>"
        f"<Message>{escape(message)}</Message></Error></Errors>"
        f"<RequestID>{request_id}</RequestID></Response>"
    )


def query_response(
    operation: str,
    namespace: str,
    shape: StructureShape | None,
    result: dict | None,
    request_id: str,
) -> str:
    out = [_DECL, f'<{operation}Response xmlns="{namespace}">']
    if shape is not None:
        wrapper = shape.serialization.get("resultWrapper", f"{operation}Result")
        out.append(f"<{wrapper}>")
        _members(out, shape, result or {})
        out.append(f"</{wrapper}>")
    out.append(f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>")
    out.append(f"</{operation}Response>")
    return "".join(out)


def query_error(
    namespace: str, code: str, message: str, request_id: str, sender: bool = True
) -> str:
    kind = "Sender" if sender else "Receiver"
    return (
        f'{_DECL}<ErrorResponse xmlns="{namespace}"><Error><Type>{kind}</Type>'
        f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
        f"<RequestId>{request_id}</RequestId></ErrorResponse>"
    )


def rest_xml_error(code: str, message: str, request_id: str) -> str:
    """S3's error document (REST-XML), which botocore's REST-XML parser reads."""
    return (
        f"{_DECL}<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
        f"<RequestId>{request_id}</RequestId></Error>"
    )


Writer = Callable[[list[str], Any], None]
# One writer per (shape, tag), made on first use: the walk over the shape happens once, and
# writing an answer is then a few appends per value (DescribeImages answers thousands).
_WRITERS: dict[tuple[Shape, str], Writer] = {}


def _members(out: list[str], shape: StructureShape, value: dict) -> None:
    _writer(shape, "")(out, value)


def _writer(shape: Shape, tag: str) -> Writer:
    """Writes ``<tag>value</tag>``; for a structure with an empty tag, only its members."""
    key = (shape, tag)
    writer = _WRITERS.get(key)
    if writer is None:
        writer = _WRITERS[key] = _make_writer(shape, tag)
    return writer


def _make_writer(shape: Shape, tag: str) -> Writer:
    opening, closing = (f"<{tag}>", f"</{tag}>") if tag else ("", "")
    if isinstance(shape, StructureShape):
        return _structure_writer(shape, opening, closing)
    if isinstance(shape, ListShape):
        inner = shape.member.serialization.get("name", "member")
        return _list_writer(shape.member, inner, opening, closing)
    if isinstance(shape, MapShape):
        return _map_writer(shape, opening, closing)
    return _scalar_writer(shape.type_name, opening, closing)


# Shapes may be recursive, so a writer looks up its children's writers on its first use
# (then keeps them); two threads racing there make the same tuple, so either one may win.


def _structure_writer(shape: StructureShape, opening: str, closing: str) -> Writer:
    resolved: list[tuple[tuple[str, Writer], ...]] = []

    def children() -> tuple[tuple[str, Writer], ...]:
        members = []
        for name, member in shape.members.items():
            if isinstance(member, ListShape) and member.serialization.get("flattened"):
                ser = member.member.serialization
                inner = ser.get("name", member.serialization.get("name", name))
                members.append((name, _list_writer(member.member, inner, "", "")))
            else:
                members.append((name, _writer(member, member.serialization.get("name", name))))
        return tuple(members)

    def write(out: list[str], value: dict) -> None:
        if not resolved:
            resolved[:] = [children()]
        out.append(opening)
        for name, member_writer in resolved[0]:
            item = value.get(name)
            if item is not None:
                member_writer(out, item)
        out.append(closing)

    return write


def _list_writer(member: Shape, inner: str, opening: str, closing: str) -> Writer:
    resolved: list[Writer] = []

    def write(out: list[str], value: list) -> None:
        if not resolved:
            resolved[:] = [_writer(member, inner)]
        element = resolved[0]
        out.append(opening)
        for item in value:
            element(out, item)
        out.append(closing)

    return write


def _map_writer(shape: MapShape, opening: str, closing: str) -> Writer:
    resolved: list[tuple[Writer, Writer]] = []

    def write(out: list[str], value: dict) -> None:
        if not resolved:
            resolved[:] = [
                (
                    _writer(shape.key, shape.key.serialization.get("name", "key")),
                    _writer(shape.value, shape.value.serialization.get("name", "value")),
                )
            ]
        key_writer, value_writer = resolved[0]
        out.append(opening)
        for key, item in value.items():
            out.append("<entry>")
            key_writer(out, key)
            value_writer(out, item)
            out.append("</entry>")
        out.append(closing)

    return write


def _scalar_writer(type_name: str, opening: str, closing: str) -> Writer:
    if type_name == "string":

        def write(out: list[str], value: Any) -> None:
            out.append(f"{opening}{escape(str(value))}{closing}")

    else:

        def write(out: list[str], value: Any) -> None:
            out.append(f"{opening}{escape(scalar_to_text(type_name, value))}{closing}")

    return write
