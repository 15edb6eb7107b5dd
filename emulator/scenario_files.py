"""Reading scenario files (YAML or JSON) with line numbers, and writing them back."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from emulator.core.scenario import build, dump, load_into
from emulator.core.snapshots.schema import DocumentError
from emulator.core.world import World
from emulator.document_parsers import DocumentSyntaxError, line_of, parse_json, parse_yaml

DEMO = "demo.yaml"


class ScenarioFileError(Exception):
    """A scenario file that cannot be read or built, located by file, line and key."""


def demo_text() -> str:
    return resources.files("emulator.scenarios").joinpath(DEMO).read_text()


def parse(text: str, source: str) -> tuple[Any, dict[str, int]]:
    """The data in ``text`` and the line of every key path, for error messages. Only JSON's
    types are read (a YAML date or ``!!binary`` is an error at its line)."""
    try:
        if source.endswith(".json"):
            return parse_json(text), {}
        return parse_yaml(text)
    except DocumentSyntaxError as exc:
        line = f":{exc.line}" if exc.line else ""
        raise ScenarioFileError(f"{source}{line}: {exc.message}") from None


def _locate(err: DocumentError, source: str, lines: dict[str, int]) -> ScenarioFileError:
    line = line_of(err.path, lines)
    where = f":{line}" if line else ""
    return ScenarioFileError(f"{source}{where}: {err.path or '(top)'}: {err.message}")


def check_text(text: str, source: str) -> World:
    """Build the scenario in ``text`` into a new World, or say exactly what is wrong."""
    data, lines = parse(text, source)
    try:
        return build(data)
    except DocumentError as err:
        raise _locate(err, source, lines) from None


def load_text_into(world: World, text: str, source: str) -> None:
    data, lines = parse(text, source)
    try:
        load_into(world, data)
    except DocumentError as err:
        raise _locate(err, source, lines) from None


def load_file_into(world: World, path: str | Path) -> None:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ScenarioFileError(f"{path}: cannot read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ScenarioFileError(f"{path}: not a scenario file: not UTF-8 text") from None
    load_text_into(world, text, str(path))


def load_demo_into(world: World) -> None:
    load_text_into(world, demo_text(), DEMO)


def dump_text(world: World, fmt: str = "yaml") -> str:
    data = dump(world)
    if fmt == "json":
        return json.dumps(data, indent=2) + "\n"
    return yaml.safe_dump(data, sort_keys=False, default_flow_style=False)
