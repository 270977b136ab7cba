"""The command-line grammar: every command's name, options and help, as argparse data.

One module per command group, each with ``register(subparsers, common)``.
It names commands, never their handlers (``opskit.commands`` maps each
command name to the function that runs it), so whatever must know what
opskit accepts on a command line, such as the check of a scheduled job's
words in the config, reads it here without importing an edge.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from opskit import __version__
from opskit.errors import UsageError

# The order here is the order of `opskit --help`: first steps, daily work, the rest.
# Each name is a module here (its grammar) and in opskit.commands (its handlers).
COMMAND_MODULES = (
    "setup",
    "config",
    "check",
    "web",
    "security",
    "logs",
    "audit",
    "backup",
    "report",
    "incidents",
    "uat",
    "request",
    "content",
    "policy",
    "procedures",
    "schedule",
    "hosts",
    "history",
    "store",
    "notify",
    "console",
    "users",
    "signing",
)

DESCRIPTION = """\
opskit runs the IT and website SOP of a court (Pengadilan Agama): backups,
website and server checks, incident reports to the person responsible.
Every check exits with the Nagios code of its worst result:
0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also for usage and config errors)."""

EPILOG = """\
first steps:
  opskit demo                      try everything on a built-in demo
  opskit init                      write a commented opskit.yaml (mode 0600)
  opskit config validate           check it; every error with its line
  opskit hosts trust web1          accept an SSH server's host key once

every day, by hand or by itself:
  opskit check web                 websites: up, TLS, domain, spam injection (F1, F4)
  opskit check security            firewall, open ports, SSH, antivirus, updates (D1, D5)
  opskit backup run                back up files and databases with restic (D7, F2)
  opskit report daily --send       the daily situation report to the penanggung jawab
  opskit schedule install --systemd    run all of it on schedule (`opskit run`)

Run `opskit COMMAND --help` for the options and examples of a command."""


class Parser(argparse.ArgumentParser):
    """argparse that raises UsageError (exit 3, one line) instead of exiting 2.

    Every usage error points to the help of the command it is about: words
    no command knows are judged by the command that was chosen, not by
    ``opskit`` itself as argparse would.
    """

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message, details=[f"see `{self.prog} --help`"])

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> argparse.Namespace:
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            chosen = getattr(parsed, "help_parser", None) or self
            chosen.error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed


def common_options(with_defaults: bool) -> argparse.ArgumentParser:
    """Options every command accepts, before or after the command name."""
    default = (lambda value: value) if with_defaults else (lambda value: argparse.SUPPRESS)
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("common options")
    group.add_argument(
        "-c",
        "--config",
        metavar="PATH",
        default=default(None),
        help="config file (default: $OPSKIT_CONFIG, ./opskit.yaml, then the user config dir)",
    )
    group.add_argument(
        "--format",
        choices=("human", "json", "jsonl", "csv"),
        default=default("human"),
        help="human: tables for people; json: one versioned envelope on stdout; "
        "jsonl, csv: one row per line, as read (opskit history)",
    )
    group.add_argument(
        "--lang",
        choices=("id", "en"),
        default=default(None),
        help="language of findings and documents: id (Bahasa Indonesia) or en "
        "(default: organisation.language, else id)",
    )
    group.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=default(0),
        help="more log detail on stderr (-vv for debug)",
    )
    group.add_argument(
        "-q", "--quiet", action="store_true", default=default(False), help="only errors on stderr"
    )
    return parent


# Common options that take a value, skipped when looking for the command's first word.
_VALUED = ("-c", "--config", "--format", "--lang")


def _first_word(arguments: Sequence[str]) -> tuple[str | None, bool]:
    """The command line's first word (None if it has none), and whether help is asked before it."""
    index = 0
    helped = False
    while index < len(arguments):
        word = arguments[index]
        if word in _VALUED:
            index += 2
            continue
        if not word.startswith("-"):
            return word, helped
        helped = helped or _asks_help(word)
        index += 1
    return None, helped


def _asks_help(word: str) -> bool:
    """``-h``, ``--help`` as argparse reads it (a prefix such as ``--he``, or ``-vh``)."""
    if word.startswith("--"):
        return len(word) > 3 and "--help".startswith(word)
    return "h" in word[1:] and set(word[1:]) <= {"h", "v", "q"}


def modules_for(arguments: Sequence[str] | None) -> tuple[str, ...]:
    """The grammar modules a command line needs: those adding its first word, else all.

    Each module names the first words it adds in ``WORDS`` (a test keeps them
    true); one that names none is always taken. Building only what a command
    line names spares every run the parsers of all other commands.
    """
    import importlib

    word = _first_word(arguments or ())[0]
    if word is None:
        return COMMAND_MODULES
    declared = {
        name: getattr(importlib.import_module(f"opskit.grammar.{name}"), "WORDS", None)
        for name in COMMAND_MODULES
    }
    if not any(word in (added or ()) for added in declared.values()):
        return COMMAND_MODULES  # not a command: the whole grammar names the choices
    return tuple(name for name, added in declared.items() if added is None or word in added)


def top_level_only(arguments: Sequence[str] | None) -> bool:
    """Whether parsing ``arguments`` never enters a command's own parser.

    So it is with no command word at all (``opskit``, ``opskit --version``),
    or with help asked before it (``opskit --help``, ``opskit -h history``):
    argparse then reads only ``opskit``'s own options and the list of its
    commands, so the commands' parsers need not exist.
    """
    if arguments is None:
        return False
    word, helped = _first_word(arguments)
    return word is None or helped


def build_parser(arguments: Sequence[str] | None = None) -> Parser:
    """The ``opskit`` grammar (only what ``arguments`` needs, when given); a parsed command
    carries its ``command_name``."""
    import importlib

    parser = Parser(
        prog="opskit",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common_options(with_defaults=True)],
    )
    parser.add_argument("--version", action="version", version=f"opskit {__version__}")
    parser.set_defaults(command_name=None, help_parser=parser)
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=Parser)
    listed_only = top_level_only(arguments)
    subparsers.opskit_top_level_only = listed_only  # type: ignore[attr-defined]
    leaf_options = common_options(with_defaults=False)
    for module_name in COMMAND_MODULES if listed_only else modules_for(arguments):
        importlib.import_module(f"opskit.grammar.{module_name}").register(subparsers, leaf_options)
    return parser


class _Unbuilt:
    """A command's parser left unbuilt (see ``top_level_only``): it takes every call and
    returns itself, so a grammar module registers into it unchanged."""

    def __getattr__(self, name: str) -> Any:
        return self._take

    def _take(self, *args: Any, **kwargs: Any) -> _Unbuilt:
        return self


_UNBUILT = _Unbuilt()


def _only_listed(subparsers: Any, name: str, help_text: str) -> bool:
    """In a top-level-only grammar, list ``name`` among the commands and build nothing more."""
    if isinstance(subparsers, _Unbuilt):
        return True
    if not getattr(subparsers, "opskit_top_level_only", False):
        return False
    subparsers.add_parser(name, help=help_text)
    return True


def add_group(subparsers: Any, name: str, help_text: str, description: str | None = None) -> Any:
    """A command group (``opskit hosts``); without a subcommand it prints its help.

    Asking again for a group that exists returns the same one, so feature
    modules can each add their command to a shared group (``check web``,
    ``check backup``) without editing one another.
    """
    groups: dict[str, Any] = (
        {}
        if isinstance(subparsers, _Unbuilt)
        else subparsers.__dict__.setdefault("opskit_groups", {})
    )
    if name in groups:
        return groups[name]
    if _only_listed(subparsers, name, help_text):
        groups[name] = _UNBUILT
        return _UNBUILT
    group = subparsers.add_parser(
        name,
        help=help_text,
        description=description or help_text,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    group.set_defaults(command_name=None, help_parser=group)
    groups[name] = group.add_subparsers(
        title="commands", metavar="COMMAND", parser_class=type(group)
    )
    return groups[name]


def add_command(
    subparsers: Any,
    common: argparse.ArgumentParser,
    name: str,
    *,
    command_name: str,
    help_text: str,
    description: str | None = None,
    examples: Sequence[str] = (),
) -> argparse.ArgumentParser:
    """A runnable command with the common options and an examples section in its help."""
    if _only_listed(subparsers, name, help_text):
        return _UNBUILT  # type: ignore[return-value]
    epilog = "examples:\n" + "\n".join(f"  {line}" for line in examples) if examples else None
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        parents=[common],
        help=help_text,
        description=description or help_text,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(command_name=command_name, help_parser=parser)
    return parser


def add_jobs_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-j",
        "--jobs",
        type=positive_int,
        default=8,
        metavar="N",
        help="how many hosts or sites to work on at once (default 8)",
    )


def by_option(
    parser: argparse.ArgumentParser,
    *,
    required: bool = True,
    help_text: str = "who takes the step (a person in people[])",
) -> None:
    """``--by NAME``: the person a procedure step is taken as, at the terminal."""
    parser.add_argument("--by", required=required, metavar="NAME", help=help_text)


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def check_group(subparsers: Any) -> Any:
    """The shared ``opskit check`` group every area adds its check command to."""
    return add_group(
        subparsers, "check", "run checks; exit code = worst status (Nagios convention)"
    )


def add_shard_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--shard",
        metavar="I/N",
        help="only the targets of shard I of N (stable across runs), e.g. 2/4",
    )
