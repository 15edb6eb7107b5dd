"""The docs test's own rules for a page read at a terminal: a block stops what it starts,
and no reset is hidden from the reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from emulator.core.world import World
from emulator.server import RunningServer
from tests.docs.markdown_blocks import Block
from tests.docs.test_code_blocks import BlockFailed, DocRun


def _block(body: str, lang: str = "sh", **options: str) -> Block:
    return Block(Path("page.md"), 1, lang, body, frozenset(), options)


def test_a_block_that_leaves_a_process_running_fails(
    ami_server: RunningServer, ami_world: World, tmp_path: Path
) -> None:
    run = DocRun(ami_server, ami_world, tmp_path)
    with pytest.raises(BlockFailed, match="left a process running in the background"):
        run.run(_block("sleep 60 > sleep.out 2>&1 &\n"))


def test_a_block_that_stops_what_it_started_passes(
    ami_server: RunningServer, ami_world: World, tmp_path: Path
) -> None:
    run = DocRun(ami_server, ami_world, tmp_path)
    run.run(_block("sleep 60 &\nkill %1 && wait %1 || true\necho done\n"))
    assert run.output == "done\n"


def test_a_hidden_reset_is_refused(
    ami_server: RunningServer, ami_world: World, tmp_path: Path
) -> None:
    run = DocRun(ami_server, ami_world, tmp_path)
    with pytest.raises(BlockFailed, match="a page shows its resets"):
        run.run(_block("echo hi\n", world="demo"))
