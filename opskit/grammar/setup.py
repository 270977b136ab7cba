"""Options and help of ``opskit init``, ``opskit demo`` and ``opskit paths``."""

from __future__ import annotations

import argparse
from typing import Any

from opskit.grammar import add_command

# The first words of a command line this module adds (see opskit.grammar.modules_for).
WORDS = ("demo", "init", "paths")


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = add_command(
        subparsers,
        common,
        "init",
        command_name="init",
        help_text="write a commented sample opskit.yaml (mode 0600)",
        description="Write a commented sample configuration generated from the schema, mode 0600. "
        "It goes to --config if given, else $OPSKIT_CONFIG, else the user config directory "
        "(~/.config/opskit/opskit.yaml). An existing file is never overwritten without --force. "
        "It also creates the default local backup repository and its random 0600 password file "
        "in the state directory ($OPSKIT_STATE_DIR, else ~/.local/state/opskit).",
        examples=["opskit init", "opskit init --config /etc/opskit/opskit.yaml"],
    )
    parser.add_argument("--force", action="store_true", help="overwrite an existing file")

    parser = add_command(
        subparsers,
        common,
        "demo",
        command_name="demo",
        help_text="run every capability on a self-contained demo workspace",
        description="Build a demo workspace (own config, state and outputs, all on this machine) "
        "and run every capability opskit has on it, then say where the outputs are.",
        examples=["opskit demo", "opskit demo --dir /tmp/opskit-demo"],
    )
    parser.add_argument(
        "--dir", default="opskit-demo", help="workspace directory (default ./opskit-demo)"
    )

    from opskit.paths import PATH_NAMES

    parser = add_command(
        subparsers,
        common,
        "paths",
        command_name="paths",
        help_text="show where opskit keeps its config, state, history, playbooks and checks",
        examples=["opskit paths", 'fab -r "$(opskit paths playbooks)" -H admin@web1 facts'],
    )
    parser.add_argument("name", nargs="?", choices=PATH_NAMES, help="print only this path")
