"""Every subcommand and option of ``ami-emulator`` says what it does in ``--help``."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from emulator.cli import parser


def _actions(
    top: argparse.ArgumentParser, path: str = "ami-emulator"
) -> Iterator[tuple[str, argparse.Action]]:
    for action in top._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, sub in action.choices.items():
                yield f"{path} {name}", argparse.Action([name], name, help=helps.get(name))
                yield from _actions(sub, f"{path} {name}")
        yield path, action


def test_every_subcommand_and_option_has_help() -> None:
    walked = list(_actions(parser()))
    missing = [
        f"{path} {'/'.join(action.option_strings) or action.dest}"
        for path, action in walked
        if not (action.help and action.help.strip()) or action.help == argparse.SUPPRESS
    ]
    assert missing == []
    names = {path for path, _ in walked}
    assert {"ami-emulator serve", "ami-emulator dump", "ami-emulator check"} <= names
    assert len(walked) > 25  # the walk reached the subcommands' options
