"""Answers in XML (EC2 and Query protocols), written by walking the output shape.

The mirror image of botocore's ``QueryParser`` / ``EC2QueryParser``: element names come
from each member's ``locationName`` (or its member name), lists are wrapped in their
member's name (``item`` for EC2, ``member`` for Query), scalars are written as text.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from botocore.model import ListShape, MapShape, Shape, StructureShape

from emulator.protocol.scalars import scalar_to_text

EC2_NAMESPACE = "http://ec2.amazonaws.com/doc/2016-11-15/"
_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'


def ec2_response(operation: str, shape: StructureShape | None, result: dict | None,
                 request_id: str) -> str:
    out = [_DECL, f'<{operation}Response xmlns="{EC2_NAMESPACE}">',
           f"<requestId>{request_id}</requestId>"]
    if shape is None:
        out.append("<return>true</return>")
    else:
        _members(out, shape, result or {})
    out.append(f"</{operation}Response>")
    return "".join(out)


def ec2_error(code: str, message: str, request_id: str) -> str:
    return (f"{_DECL}<Response><Errors><Error><Code>{escape(code)}</Code>"
            f"<Message>{escape(message)}</Message></Error></Errors>"
            f"<RequestID>{request_id}</RequestID></Response>")


def query_response(operation: str, namespace: str, shape: StructureShape | None,
                   result: dict | None, request_id: str) -> str:
    out = [_DECL, f'<{operation}Response xmlns="{namespace}">']
    if shape is not None:
        wrapper = shape.serialization.get("resultWrapper", f"{operation}Result")
        out.append(f"<{wrapper}>")
        _members(out, shape, result or {})
        out.append(f"</{wrapper}>")
    out.append(f"<ResponseMetadata><RequestId>{request_id}</RequestId></ResponseMetadata>")
    out.append(f"</{operation}Response>")
    return "".join(out)


def query_error(namespace: str, code: str, message: str, request_id: str,
                sender: bool = True) -> str:
    kind = "Sender" if sender else "Receiver"
    return (f'{_DECL}<ErrorResponse xmlns="{namespace}"><Error><Type>{kind}</Type>'
            f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>")


def _members(out: list[str], shape: StructureShape, value: dict) -> None:
    for name, member in shape.members.items():
        item = value.get(name)
        if item is None:
            continue
        if isinstance(member, ListShape) and member.serialization.get("flattened"):
            tag = member.member.serialization.get("name", member.serialization.get("name", name))
            for element in item:
                _element(out, tag, member.member, element)
        else:
            _element(out, member.serialization.get("name", name), member, item)


def _element(out: list[str], tag: str, shape: Shape, value: Any) -> None:
    if isinstance(shape, StructureShape):
        out.append(f"<{tag}>")
        _members(out, shape, value)
        out.append(f"</{tag}>")
    elif isinstance(shape, ListShape):
        inner = shape.member.serialization.get("name", "member")
        out.append(f"<{tag}>")
        for element in value:
            _element(out, inner, shape.member, element)
        out.append(f"</{tag}>")
    elif isinstance(shape, MapShape):
        key_tag = shape.key.serialization.get("name", "key")
        value_tag = shape.value.serialization.get("name", "value")
        out.append(f"<{tag}>")
        for key, element in value.items():
            out.append("<entry>")
            _element(out, key_tag, shape.key, key)
            _element(out, value_tag, shape.value, element)
            out.append("</entry>")
        out.append(f"</{tag}>")
    else:
        out.append(f"<{tag}>{escape(scalar_to_text(shape.type_name, value))}</{tag}>")
