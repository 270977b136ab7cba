"""A command line builds only its own command's grammar, and parses exactly as the whole would."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import shlex
from typing import Any

import pytest

from opskit.grammar import COMMAND_MODULES, Parser, build_parser, common_options, modules_for


def first_words(module: str) -> set[str]:
    parser = Parser(prog="opskit")
    subparsers = parser.add_subparsers()
    importlib.import_module(f"opskit.grammar.{module}").register(subparsers, common_options(False))
    return set(subparsers.choices)


@pytest.mark.parametrize("module", COMMAND_MODULES)
def test_each_module_names_the_first_words_it_adds(module: str) -> None:
    declared = getattr(importlib.import_module(f"opskit.grammar.{module}"), "WORDS", None)

    assert declared is None or set(declared) == first_words(module)


def test_a_module_naming_no_words_is_always_built(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(importlib.import_module("opskit.grammar.history"), "WORDS")

    assert "history" in modules_for(["backup", "run"])
    assert modules_for(["backup", "run"]) == ("backup", "history")


def example_lines() -> list[list[str]]:
    """Every example in every command's help, as words after ``opskit``."""
    lines = []
    pending = [build_parser()]
    while pending:
        parser = pending.pop()
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                pending.extend(action.choices.values())
        for line in (parser.epilog or "").splitlines():
            try:
                words = shlex.split(line.strip(), comments=True)
            except ValueError:
                continue  # prose, not a command line
            if words[:1] == ["opskit"] and "|" not in words and ">" not in words:
                lines.append(words[1:])
    return lines


def parsed(arguments: list[str], whole: bool) -> dict[str, Any] | str:
    try:
        found = (build_parser() if whole else build_parser(arguments)).parse_args(arguments)
    except Exception as error:  # noqa: BLE001 - the refusal itself is compared
        return f"{error.__class__.__name__}: {error}"
    return {key: value for key, value in vars(found).items() if key != "help_parser"}


@pytest.mark.parametrize("arguments", example_lines(), ids=" ".join)
def test_each_example_parses_as_with_the_whole_grammar(arguments: list[str]) -> None:
    assert parsed(arguments, whole=False) == parsed(arguments, whole=True)


@pytest.mark.parametrize(
    "arguments",
    [
        ["--config", "x.yaml", "--format", "json", "backup", "run"],
        ["-c", "x.yaml", "check", "web", "--only", "http"],
        ["history", "--format", "csv", "--limit", "5"],
        ["nosuchcommand"],
        ["backup", "nosuch"],
    ],
)
def test_options_before_the_command_and_mistakes_parse_alike(arguments: list[str]) -> None:
    assert parsed(arguments, whole=False) == parsed(arguments, whole=True)


@pytest.mark.parametrize(
    "arguments",
    [[], ["--help"], ["-h", "history"], ["-vh", "backup", "run"], ["--format", "json"]],
    ids=repr,
)
def test_a_line_with_no_command_to_enter_lists_every_command_as_the_whole_does(
    arguments: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    def shown(parser: Parser) -> str:
        asks_help = any("h" in word for word in arguments)
        with pytest.raises(SystemExit) if asks_help else contextlib.nullcontext():
            parser.parse_args(arguments)
        return capsys.readouterr().out + parser.format_help()

    assert shown(build_parser(arguments)) == shown(build_parser())
    assert "history" in build_parser(arguments).format_help()


def test_options_taking_values_are_not_the_command_word() -> None:
    assert modules_for(["--lang", "en", "history"]) == ("history",)
    assert modules_for(["--format", "json", "-c", "x.yaml", "history"]) == ("history",)
