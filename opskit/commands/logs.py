"""``opskit logs analyze FILE...`` and ``opskit check logs [SITE...]``."""

from __future__ import annotations

import argparse

from opskit.commands import Handler
from opskit.context import AppContext
from opskit.outcome import Outcome


def _analyze(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.logs import AnalyzeOptions, analyze_files

    options = AnalyzeOptions(
        log_format=args.log_format,
        since=args.since,
        until=args.until,
        rules_file=args.rules,
        allow=tuple(args.allow),
        allow_agents=tuple(args.allow_agent),
        verify_crawlers=args.verify_crawlers,
        resolver=args.resolver,
        jobs=args.jobs,
        timezone=args.timezone,
        login_paths=tuple(args.login_path),
    )
    return analyze_files(args.files, options)


def _check(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.logs import check_logs

    return check_logs(context, args.sites, args.jobs or context.config.logs.jobs, args.shard)


# What each command runs, by its name (the grammar is in opskit.grammar.logs).
HANDLERS: dict[str, Handler] = {
    "logs analyze": _analyze,
    "check logs": _check,
}
