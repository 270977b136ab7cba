"""Command handlers: thin functions that call one action each.

Each module has ``HANDLERS``, a table from a command's name (``backup run``)
to the function that runs it; the command's options and help are in the
module of the same name in ``opskit.grammar``. Handlers take the AppContext
and the parsed arguments and return an Outcome; the work itself is in
``opskit.actions`` (importable without argparse, used by the demo and the
scheduler too).
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from opskit.grammar import COMMAND_MODULES, modules_for

Handler = Callable[[Any, argparse.Namespace], Any]


def handler_for(command_name: str) -> Handler:
    """The function that runs ``command_name``; raises KeyError for a name no table has."""
    for module_name in (*modules_for(command_name.split()), *COMMAND_MODULES):
        handlers: dict[str, Handler] = importlib.import_module(
            f"opskit.commands.{module_name}"
        ).HANDLERS
        if command_name in handlers:
            return handlers[command_name]
    raise KeyError(command_name)


def settings_only(command_name: str) -> bool:
    """Whether ``command_name`` reads only the history store: its module names it in
    ``SETTINGS_ONLY``, and it then runs on ``AppContext.settings`` without the whole config."""
    for module_name in modules_for(command_name.split()):
        module = importlib.import_module(f"opskit.commands.{module_name}")
        if command_name in getattr(module, "SETTINGS_ONLY", ()):
            return True
    return False


@contextmanager
def terminal_progress(args: argparse.Namespace, *, steps: bool = False) -> Iterator[Any]:
    """Progress on stderr when a person watches (a terminal, human output); else None.

    ``steps``: spinners for work of unknown size; otherwise bars fed by restic's figures.
    """
    import sys

    if getattr(args, "format", "human") != "human" or not sys.stderr.isatty() or args.quiet:
        yield None
        return
    from opskit.output import progress_reporter, steps_reporter

    with steps_reporter() if steps else progress_reporter() as report:
        yield report


def body_text(args: argparse.Namespace) -> str | None:
    """A text given with ``--body TEXT`` or read from ``--body-file FILE`` (UTF-8)."""
    from pathlib import Path

    from opskit.errors import UsageError

    path = getattr(args, "body_file", None)
    if path is None:
        return getattr(args, "body", None)
    try:
        return Path(path).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "not UTF-8 text"
        raise UsageError(f"--body-file {path}: {reason}") from None
