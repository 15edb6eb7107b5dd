"""Fenced code blocks of a Markdown file, with their line, language and directives."""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
DIRECTIVE = re.compile(r"^\s*<!--\s*docs-test:(?P<words>.*?)-->\s*$")


class MarkdownError(Exception):
    """A Markdown file whose fences cannot be read (e.g. a block that is never closed)."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"{line}: {message}")
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Block:
    """One fenced block. ``line`` is the line of the opening fence (1-based)."""

    path: Path
    line: int
    lang: str
    body: str
    directives: frozenset[str] = field(default_factory=frozenset)
    options: dict[str, str] = field(default_factory=dict)

    @property
    def first_line(self) -> str:
        return self.body.split("\n", 1)[0].strip()

    def file_name(self) -> str | None:
        """``NAME`` when the block starts with a ``# NAME`` comment naming a file."""
        match = re.fullmatch(r"#\s*([\w.-]+\.(?:py|ya?ml|json|sh))", self.first_line)
        return match[1] if match else None


def _directives(lines: list[str], fence_index: int) -> tuple[frozenset[str], dict[str, str]]:
    """Words of the ``<!-- docs-test: ... -->`` comments on the lines right above a fence."""
    words: list[str] = []
    i = fence_index - 1
    while i >= 0 and (match := DIRECTIVE.match(lines[i])):
        words += match["words"].split()
        i -= 1
    flags = frozenset(w for w in words if "=" not in w)
    options = dict(w.split("=", 1) for w in words if "=" in w)
    return flags, options


def read_blocks(path: Path) -> list[Block]:
    lines = path.read_text().split("\n")
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if opening is None:
            i += 1
            continue
        fence, indent = opening["fence"], len(opening["indent"])
        closing = re.compile(rf"^ *{re.escape(fence[0])}{{{len(fence)},}}\s*$")
        end = i + 1
        while end < len(lines) and not closing.match(lines[end]):
            end += 1
        if end == len(lines):
            raise MarkdownError(i + 1, "this code block is never closed")
        body = "\n".join(
            line[indent:] if line[:indent].isspace() else line for line in lines[i + 1 : end]
        )
        flags, options = _directives(lines, i)
        info = opening["info"].strip().split()
        blocks.append(
            Block(
                path,
                i + 1,
                info[0].lower() if info else "",
                textwrap.dedent(body) + "\n",
                flags,
                options,
            )
        )
        i = end + 1
    return blocks
