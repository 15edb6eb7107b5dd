"""The pages point only at what a reader of the repository has: files inside it, and
install commands that work (the package is on no package index)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\((?P<target>[^)\s#]+)(?:#[^)]*)?\)")
RELATIVE_PATH = re.compile(r"`(?P<path>\.\./[^`\s]+)`")
# `pip install ami-emulator` would ask PyPI, where there is no such package of ours.
FROM_AN_INDEX = re.compile(r"pip install (?:-U |--upgrade )?['\"]?ami-emulator\b")


def _ids(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("page", PAGES, ids=_ids)
def test_links_and_paths_stay_in_the_repository(page: Path) -> None:
    text = page.read_text()
    targets = [m["target"] for m in LINK.finditer(text) if "://" not in m["target"]]
    targets = [t for t in targets if not t.startswith("mailto:")]
    targets += [m["path"] for m in RELATIVE_PATH.finditer(text)]
    outside, missing = [], []
    for target in targets:
        resolved = (page.parent / target).resolve()
        if not resolved.is_relative_to(ROOT):
            outside.append(target)
        elif not resolved.exists():
            missing.append(target)
    assert outside == [], f"{_ids(page)} points outside the repository"
    assert missing == [], f"{_ids(page)} points at files that do not exist"


@pytest.mark.parametrize("page", PAGES, ids=_ids)
def test_install_commands_do_not_ask_a_package_index(page: Path) -> None:
    found = [line for line in page.read_text().splitlines() if FROM_AN_INDEX.search(line)]
    assert found == [], f"{_ids(page)}: the package is on no index; use pip install . or git+"


def test_the_reference_check_sees_a_link_outside(tmp_path: Path) -> None:
    """The patterns above find what they must (a check that cannot fail proves nothing)."""
    text = (
        "[the text](../../shared/spec/reference.md#x), `../shared/x.md`, pip install ami-emulator"
    )
    assert [m["target"] for m in LINK.finditer(text)] == ["../../shared/spec/reference.md"]
    assert [m["path"] for m in RELATIVE_PATH.finditer(text)] == ["../shared/x.md"]
    assert FROM_AN_INDEX.search(text)
