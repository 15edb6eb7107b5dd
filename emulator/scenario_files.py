"""Reading scenario files (YAML or JSON) with line numbers, and writing them back."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from emulator.core.scenario import ScenarioError, build, dump, load_into
from emulator.core.world import World

DEMO = "demo.yaml"


class ScenarioFileError(Exception):
    """A scenario file that cannot be read or built, located by file, line and key."""


def demo_text() -> str:
    return resources.files("emulator.scenarios").joinpath(DEMO).read_text()


def parse(text: str, source: str) -> tuple[Any, dict[str, int]]:
    """The data in ``text`` and the line of every key path, for error messages."""
    if source.endswith(".json"):
        try:
            return json.loads(text), {}
        except json.JSONDecodeError as exc:
            raise ScenarioFileError(f"{source}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise ScenarioFileError(f"{source}{line}: not valid YAML: {exc}") from None
    lines: dict[str, int] = {}
    if node is not None:
        _lines(node, "", lines)
    return data, lines


def _lines(node: yaml.Node, path: str, lines: dict[str, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = f"{path}.{key.value}" if path else str(key.value)
            lines[child] = key.start_mark.line + 1
            _lines(value, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            child = f"{path}[{i}]"
            lines[child] = item.start_mark.line + 1
            _lines(item, child, lines)


def _parent(path: str) -> str:
    """``a.b[2].c`` -> ``a.b[2]`` -> ``a.b`` -> ``a`` -> ``""``."""
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""


def _locate(err: ScenarioError, source: str, lines: dict[str, int]) -> ScenarioFileError:
    path = err.path
    while path and path not in lines:  # the nearest enclosing key that has a line
        path = _parent(path)
    line = f":{lines[path]}" if path in lines else ""
    return ScenarioFileError(f"{source}{line}: {err.path or '(top)'}: {err.message}")


def check_text(text: str, source: str) -> World:
    """Build the scenario in ``text`` into a new World, or say exactly what is wrong."""
    data, lines = parse(text, source)
    try:
        return build(data)
    except ScenarioError as err:
        raise _locate(err, source, lines) from None


def load_text_into(world: World, text: str, source: str) -> None:
    data, lines = parse(text, source)
    try:
        load_into(world, data)
    except ScenarioError as err:
        raise _locate(err, source, lines) from None


def load_file_into(world: World, path: str | Path) -> None:
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise ScenarioFileError(f"{path}: cannot read: {exc.strerror}") from None
    load_text_into(world, text, str(path))


def load_demo_into(world: World) -> None:
    load_text_into(world, demo_text(), DEMO)


def dump_text(world: World, fmt: str = "yaml") -> str:
    data = dump(world)
    if fmt == "json":
        return json.dumps(data, indent=2) + "\n"
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False)
