"""Docs that are generated from code must match the code."""

from __future__ import annotations

from pathlib import Path

from emulator.docgen import render

ROOT = Path(__file__).resolve().parents[2]


def test_supported_operations_page_is_current() -> None:
    page = (ROOT / "docs" / "operations.md").read_text()
    assert page == render(), "docs/operations.md is stale: run `make docs`"


def test_every_handler_has_a_summary_for_the_page() -> None:
    for line in render().splitlines():
        if line.startswith("| `"):
            assert not line.endswith("|  |"), line
