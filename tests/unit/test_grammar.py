"""The grammar and the handler tables agree: every command runs something, nothing is orphaned."""

from __future__ import annotations

import argparse
import importlib

from opskit.commands import handler_for
from opskit.grammar import COMMAND_MODULES, build_parser


def leaf_command_names(parser: argparse.ArgumentParser) -> list[str]:
    names = []
    command_name = parser.get_default("command_name")
    if command_name:
        names.append(command_name)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                names += leaf_command_names(sub)
    return names


def test_every_command_of_the_grammar_has_exactly_one_handler() -> None:
    names = leaf_command_names(build_parser())
    tables = [
        importlib.import_module(f"opskit.commands.{module}").HANDLERS for module in COMMAND_MODULES
    ]

    assert len(names) == len(set(names)) > 50
    for name in names:
        assert sum(name in table for table in tables) == 1, name
        assert callable(handler_for(name))
    assert sorted(name for table in tables for name in table) == sorted(names)


def test_a_job_word_check_reads_the_grammar_without_the_cli() -> None:
    from opskit.config.load import job_command_problem

    assert job_command_problem("check web --only http") is None
    assert job_command_problem("check websites").startswith("not an opskit command")
    assert "group of commands" in job_command_problem("backup")
