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
        error_logs=tuple(args.error_log),
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


def _fail2ban(context: AppContext, args: argparse.Namespace) -> Outcome:
    from pathlib import Path

    from opskit.logs.fail2ban import JAIL, write_config

    written = write_config(Path(args.dir), list(args.log_path), force=args.force)
    messages = [f"wrote {path}" for path in written]
    messages.append(f"check it: fail2ban-client -d | grep {JAIL}; then: fail2ban-client reload")
    return Outcome(command="logs fail2ban-config", messages=messages, data={"files": written})


def _check(context: AppContext, args: argparse.Namespace) -> Outcome:
    from opskit.actions.logs import check_logs

    return check_logs(context, args.sites, args.jobs or context.config.logs.jobs, args.shard)


# What each command runs, by its name (the grammar is in opskit.grammar.logs).
HANDLERS: dict[str, Handler] = {
    "logs analyze": _analyze,
    "logs fail2ban-config": _fail2ban,
    "check logs": _check,
}
