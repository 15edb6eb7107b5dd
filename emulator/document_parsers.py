"""Reading JSON and YAML documents with JSON's types only, bounded, with each key's line.

The documents are scenarios, snapshots and the state file; nesting and size are bounded
while parsing, and the line of every key is kept for error messages.

YAML can say more than JSON: dates and times, ``!!binary``, sets, ordered maps, language
tags, keys that are not strings, and aliases that repeat (or contain) a node. A document here
may only hold what JSON holds, so the first such value is refused at its line; aliases stay
allowed, but the document they expand to is bounded like any other.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from emulator.core.snapshots.schema import MAX_DEPTH, MAX_ITEMS

_REFUSED_TAGS = {
    "tag:yaml.org,2002:timestamp": "a date or time is not a JSON type; quote it to keep it "
    "as a string",
    "tag:yaml.org,2002:binary": "!!binary data is not a JSON type",
    "tag:yaml.org,2002:set": "a set is not a JSON type; write a list",
    "tag:yaml.org,2002:omap": "an ordered map is not a JSON type; write a mapping",
    "tag:yaml.org,2002:pairs": "!!pairs is not a JSON type; write a mapping",
}


class DocumentSyntaxError(ValueError):
    """Text that is not a document we read; ``line`` (1-based) when known."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _Refused(yaml.MarkedYAMLError):
    """A YAML value or structure outside what a document may hold."""

    def __init__(self, problem: str, mark: yaml.Mark) -> None:
        super().__init__(problem=problem, problem_mark=mark)


def _refuse_tag(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    short = node.tag.replace("tag:yaml.org,2002:", "!!")
    problem = _REFUSED_TAGS.get(node.tag, f"the tag {short} is not a JSON type")
    raise _Refused(problem, node.start_mark)


def _float(loader: yaml.SafeLoader, node: yaml.Node) -> float:
    value = yaml.SafeLoader.construct_yaml_float(loader, node)
    if value != value or value in (float("inf"), float("-inf")):
        raise _Refused(f"{node.value} is not a JSON number", node.start_mark)
    return value


class JsonTypesLoader(yaml.SafeLoader):
    """PyYAML's safe loader, less everything JSON cannot hold, with bounded expansion."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._open: list[list[int]] = []  # per node being composed: [values, containers]
        self._sizes: dict[int, tuple[int, int]] = {}  # anchored node -> (values, containers)
        self._values = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            node = super().compose_node(parent, index)
            size = self._sizes.get(id(node))
            if size is None:
                raise _Refused("an alias inside the node it names makes a cycle", event.start_mark)
            self._count(size, event.start_mark)
        else:
            container = isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent))
            self._count((1, int(container)), event.start_mark)
            self._open.append([0, 0])
            node = super().compose_node(parent, index)
            values, containers = self._open.pop()
            size = (values + 1, containers + container)
            if event.anchor is not None:
                self._sizes[id(node)] = size
        if self._open:
            self._open[-1][0] += size[0]
            self._open[-1][1] = max(self._open[-1][1], size[1])
        return node

    def _count(self, size: tuple[int, int], mark: yaml.Mark) -> None:
        """``size`` (values, containers) more, nested under the nodes being composed."""
        if len(self._open) + size[1] > MAX_DEPTH:
            raise _Refused(f"nested deeper than {MAX_DEPTH} levels", mark)
        self._values += size[0]
        if self._values > MAX_ITEMS:
            raise _Refused(f"the document holds more than {MAX_ITEMS} values", mark)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        mapping = super().construct_mapping(node, deep=deep)
        for key_node, _ in node.value:
            key = self.construct_object(key_node)
            # An unquoted account id is read as a number; the scenario reader accepts it.
            if isinstance(key, bool) or not isinstance(key, (str, int)):
                raise _Refused(
                    f"a mapping key must be a string, not {type(key).__name__}",
                    key_node.start_mark,
                )
        return mapping


for _tag in _REFUSED_TAGS:
    JsonTypesLoader.add_constructor(_tag, _refuse_tag)
JsonTypesLoader.add_constructor(None, _refuse_tag)
JsonTypesLoader.add_constructor("tag:yaml.org,2002:float", _float)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def parse_json(text: str) -> Any:
    """The value of a JSON text; ``DocumentSyntaxError`` with the line of the first fault."""
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise DocumentSyntaxError(exc.lineno, f"not valid JSON: {exc.msg}") from None
    except ValueError as exc:
        raise DocumentSyntaxError(None, f"not valid JSON: {exc}") from None
    except RecursionError:
        raise DocumentSyntaxError(None, f"nested deeper than {MAX_DEPTH} levels") from None


def parse_yaml(text: str) -> tuple[Any, dict[str, int]]:
    """The value of a YAML text and the line of every key path (``a.b[2].c``)."""
    loader = JsonTypesLoader(text)
    try:
        node = loader.get_single_node()
        data = None if node is None else loader.construct_document(node)
    except _Refused as exc:
        raise DocumentSyntaxError(exc.problem_mark.line + 1, exc.problem) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise DocumentSyntaxError(line, f"not valid YAML: {exc}") from None
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    if node is not None:
        _lines(node, "", lines, set())
    return data, lines


def _lines(node: yaml.Node, path: str, lines: dict[str, int], seen: set[int]) -> None:
    """Each node once: what an alias repeats is found at the line of the key naming it."""
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = f"{path}.{key.value}" if path else str(key.value)
            lines[child] = key.start_mark.line + 1
            _lines(value, child, lines, seen)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            child = f"{path}[{i}]"
            lines[child] = item.start_mark.line + 1
            _lines(item, child, lines, seen)


def _parent(path: str) -> str:
    """``a.b[2].c`` -> ``a.b[2]`` -> ``a.b`` -> ``a`` -> ``""``."""
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""


def line_of(path: str, lines: dict[str, int]) -> int | None:
    """The line of ``path``, or of the nearest key around it that has one."""
    while path and path not in lines:
        path = _parent(path)
    return lines.get(path)
