"""``opskit backup init|run|snapshots|restore|prune|verify|unlock`` and ``opskit check backup``."""

from __future__ import annotations

import argparse

from opskit.commands import Handler, terminal_progress
from opskit.context import AppContext
from opskit.outcome import Outcome


def _init(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.backup.init import init_repositories

    return init_repositories(context, args.names, create_bucket=args.create_bucket)


def _run(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.backup.run import run_backups
    from opskit.interrupt import terminate_as_interrupt

    with terminate_as_interrupt(), terminal_progress(args) as progress:
        return run_backups(context, args.sets, wait_seconds=args.wait, progress=progress)


def _snapshots(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.backup.snapshots import list_snapshots

    return list_snapshots(context, args.sets, args.repository)


def _restore(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.backup.restore import restore

    return restore(
        context,
        args.set,
        target_dir=args.target,
        repository_name=args.repository,
        snapshot=args.snapshot,
        database=args.database,
        includes=args.include,
        force=args.force,
    )


def _prune(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.backup.prune import prune

    return prune(context, args.sets)


def _verify(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.backup.verify import verify

    return verify(context, args.sets, only=args.only)


def _unlock(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.backup.locks import unlock

    return unlock(context, args.names)


def _check(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.backup.status import check_backups

    return check_backups(context, args.sets, args.shard)


# What each command runs, by its name (the grammar is in opskit.grammar.backup).
HANDLERS: dict[str, Handler] = {
    "backup init": _init,
    "backup run": _run,
    "backup snapshots": _snapshots,
    "backup restore": _restore,
    "backup prune": _prune,
    "backup verify": _verify,
    "backup unlock": _unlock,
    "check backup": _check,
}
