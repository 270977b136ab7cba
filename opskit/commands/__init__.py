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
from collections.abc import Callable
from typing import Any

from opskit.grammar import COMMAND_MODULES

Handler = Callable[[Any, argparse.Namespace], Any]


def handler_for(command_name: str) -> Handler:
    """The function that runs ``command_name``; raises KeyError for a name no table has."""
    for module_name in COMMAND_MODULES:
        handlers: dict[str, Handler] = importlib.import_module(
            f"opskit.commands.{module_name}"
        ).HANDLERS
        if command_name in handlers:
            return handlers[command_name]
    raise KeyError(command_name)
