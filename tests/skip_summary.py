"""The end of a test run says which groups of tests were skipped and how to run them."""

from __future__ import annotations

import pytest

# Marker -> what running its tests needs (the README lists the same).
HOW_TO_ENABLE = {
    "browser": "install Debian's chromium and chromium-driver packages",
    "docker": "start a Docker daemon the current user may use",
}


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = terminalreporter.stats.get("skipped", [])
    for marker, how in HOW_TO_ENABLE.items():
        count = sum(1 for report in skipped if marker in getattr(report, "keywords", {}))
        if count:
            plural = "test" if count == 1 else "tests"
            terminalreporter.write_line(f"{how} to run the {count} {marker} {plural}")
