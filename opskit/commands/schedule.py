"""``opskit run``, ``opskit schedule ...`` and ``opskit check schedule``."""

from __future__ import annotations

import argparse

from opskit.commands import Handler
from opskit.context import AppContext
from opskit.outcome import Outcome


def _run(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.scheduling.runner import run_jobs

    return run_jobs(
        context,
        only=args.job,
        catch_up=args.catch_up,
        shard=args.shard,
        metrics_file=args.metrics,
        no_checks=args.no_checks,
    )


def _show(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.scheduling.runner import schedule_table

    return schedule_table(context)


def _install(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.schedule import install_schedule

    return install_schedule(
        context,
        method="cron" if args.cron else "systemd",
        every_minutes=args.every,
        env_file=args.env_file,
        output=args.output,
        user=args.user,
        console=args.console,
    )


def _uninstall(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.schedule import uninstall_schedule

    return uninstall_schedule(context, method="cron" if args.cron else "systemd", user=args.user)


def _github(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.schedule import github

    return github(args.every, args.shards, args.output, context, status_page=args.status_page)


def _check(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.schedule import check_schedule

    return check_schedule(context)


# What each command runs, by its name (the grammar is in opskit.grammar.schedule).
HANDLERS: dict[str, Handler] = {
    "run": _run,
    "schedule show": _show,
    "schedule install": _install,
    "schedule uninstall": _uninstall,
    "schedule github": _github,
    "check schedule": _check,
}
