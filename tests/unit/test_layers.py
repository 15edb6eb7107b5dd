"""The layering rule: the core is pure and imports nothing from the edges."""

from __future__ import annotations

import ast
from pathlib import Path

import emulator

PACKAGE = Path(emulator.__file__).parent
FORBIDDEN_IN_CORE = {
    "flask",
    "werkzeug",
    "botocore",
    "boto3",
    "xmltodict",
    "emulator.api",
    "emulator.protocol",
    "emulator.web",
}


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_imports_no_framework_and_no_upper_layer() -> None:
    core_files = sorted((PACKAGE / "core").rglob("*.py"))
    assert core_files
    offenders = {
        f"{path.relative_to(PACKAGE)}: {name}"
        for path in core_files
        for name in imported_modules(path)
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN_IN_CORE)
    }
    assert not offenders


def test_the_check_itself_catches_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from flask import Flask\nimport botocore.model\n")
    assert {"flask", "botocore.model"} <= imported_modules(bad)


def test_api_does_not_import_web_or_protocol() -> None:
    for path in sorted((PACKAGE / "api").rglob("*.py")):
        for name in imported_modules(path):
            assert not name.startswith(("emulator.web", "emulator.protocol", "flask")), path
