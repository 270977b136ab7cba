"""``opskit init``, ``opskit demo`` and ``opskit paths``."""

from __future__ import annotations

import argparse

from opskit.commands import Handler
from opskit.context import AppContext
from opskit.outcome import Outcome


def _init(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.setup import init

    return init(args.config, args.force)


def _demo(context: AppContext, args: argparse.Namespace) -> Outcome:
    """The demo; at a terminal it then keeps its console open until Ctrl-C."""
    import sys
    from pathlib import Path

    from opskit.demo.run import demo

    outcome = demo(args.dir)
    if args.format != "human" or not (sys.stdin.isatty() and sys.stdout.isatty()):
        return outcome
    from opskit.console.server import Listen, serve
    from opskit.output import write_human

    write_human(outcome)
    sys.stdout.write("\nDemo sign-ins (login password), shown once here:\n")
    sys.stdout.write(Path(outcome.data["console"]["passwords_file"]).read_text())
    demo_context = AppContext(str(Path(args.dir).expanduser().resolve() / "opskit.yaml"))
    try:
        listen = Listen.choose(demo_context.config, port=_free_port(8080))
        sys.stdout.write(f"\nThe console is at {listen.url} (Ctrl-C stops it).\n")
        sys.stdout.flush()
        serve(demo_context, listen)
    finally:
        demo_context.close()
    return Outcome(command="demo", messages=["the demo's console has stopped"])


def _free_port(preferred: int) -> int:
    """``preferred`` if nothing listens there, else one the system chooses."""
    import socket

    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", preferred))
        except OSError:
            probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _paths(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.setup import paths

    return paths(context, args.name)


# What each command runs, by its name (the grammar is in opskit.grammar.setup).
HANDLERS: dict[str, Handler] = {
    "init": _init,
    "demo": _demo,
    "paths": _paths,
}
