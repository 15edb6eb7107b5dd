"""Every module says what it holds in one line, and every package states its rule."""

from __future__ import annotations

import ast
from pathlib import Path

import emulator

PACKAGE = Path(emulator.__file__).parent


def _docstrings() -> dict[str, str]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        found[name] = ast.get_docstring(ast.parse(path.read_text())) or ""
    return found


def test_every_module_starts_with_a_one_line_summary() -> None:
    for name, doc in _docstrings().items():
        assert doc, f"{name}: no docstring"
        assert "\n" not in doc.split("\n\n")[0], f"{name}: the summary is more than one line"


def test_every_package_states_its_rule() -> None:
    packages = {n: d for n, d in _docstrings().items() if n.endswith("__init__.py")}
    assert len(packages) > 10
    for name, doc in packages.items():
        if name == "scenarios/__init__.py":  # package data only: no code, no rule
            continue
        assert len(doc.split("\n\n")) >= 2, f"{name}: no rule under the summary"
