"""Command groups: argparse definitions and thin handlers that call actions.

Each module has ``register(subparsers, common)``. Handlers take the
AppContext and the parsed arguments and return an Outcome; the work itself
is in ``opskit.actions`` (importable without argparse, used by the demo and
the scheduler too).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any

Handler = Callable[[Any, argparse.Namespace], Any]


def add_group(subparsers: Any, name: str, help_text: str, description: str | None = None) -> Any:
    """A command group (``opskit hosts``); without a subcommand it prints its help.

    Asking again for a group that exists returns the same one, so feature
    modules can each add their command to a shared group (``check web``,
    ``check backup``) without editing one another.
    """
    groups: dict[str, Any] = subparsers.__dict__.setdefault("opskit_groups", {})
    if name in groups:
        return groups[name]
    group = subparsers.add_parser(
        name,
        help=help_text,
        description=description or help_text,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    group.set_defaults(handler=None, help_parser=group)
    groups[name] = group.add_subparsers(
        title="commands", metavar="COMMAND", parser_class=type(group)
    )
    return groups[name]


def add_command(
    subparsers: Any,
    common: argparse.ArgumentParser,
    name: str,
    handler: Handler,
    *,
    command_name: str,
    help_text: str,
    description: str | None = None,
    examples: Sequence[str] = (),
) -> argparse.ArgumentParser:
    """A runnable command with the common options and an examples section in its help."""
    epilog = "examples:\n" + "\n".join(f"  {line}" for line in examples) if examples else None
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        parents=[common],
        help=help_text,
        description=description or help_text,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(handler=handler, command_name=command_name)
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
