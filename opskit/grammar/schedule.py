"""Options and help of ``opskit run``, ``opskit schedule ...`` and ``opskit check schedule``."""

from __future__ import annotations

import argparse
from typing import Any

from opskit.grammar import add_command, add_group, add_shard_option, check_group, positive_int

# The first words of a command line this module adds (see opskit.grammar.modules_for).
WORDS = ("check", "run", "schedule")


def tick_minutes(text: str) -> int:
    """How often a scheduler wakes ``opskit run``: cron's */N and systemd's *:0/N only
    mean "every N minutes" for N from 1 to 59, and a longer tick is never needed."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 59:
        raise argparse.ArgumentTypeError(
            f"{text!r}: --every takes 1 to 59 minutes; opskit run decides which jobs are due, "
            "every 5 to 15 minutes is usual"
        )
    return value


def _scheduler_choice(parser: argparse.ArgumentParser) -> None:
    choice = parser.add_mutually_exclusive_group(required=True)
    choice.add_argument(
        "--cron", action="store_true", help="a crontab line (this user's, or --user's)"
    )
    choice.add_argument(
        "--systemd",
        action="store_true",
        help="a systemd service and timer (system-wide as root, else user units)",
    )
    parser.add_argument(
        "--user",
        metavar="NAME",
        help="with --cron as root: use this user's crontab (e.g. a service account)",
    )


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = add_command(
        subparsers,
        common,
        "run",
        command_name="run",
        help_text="run the scheduled jobs that are due (call this every few minutes)",
        description="Start every job in schedule.jobs whose time has come since it last ran, in "
        "order "
        "(backups, their verification, checks, then reports), each in its own process with its "
        "timeout. Missed runs run once (catch_up: once) or wait for the next time "
        "(catch_up: skip). "
        "A job still running from an earlier `opskit run` is skipped, not started twice. "
        "Exit status: the worst job's.",
        examples=[
            "opskit run",
            "opskit run --job daily-report",
            "opskit run --shard 2/4",
            "opskit run --metrics /var/lib/prometheus/node-exporter/opskit.prom",
        ],
    )
    parser.add_argument("--job", metavar="NAME", help="run this job now, due or not")
    parser.add_argument(
        "--catch-up", choices=("once", "skip"), help="override every job's catch_up policy"
    )
    add_shard_option(parser)
    parser.add_argument(
        "--no-checks", action="store_true", help="skip check jobs (e.g. after merging shards)"
    )
    parser.add_argument(
        "--metrics", metavar="FILE", help="write Prometheus metrics here afterwards"
    )

    group = add_group(
        subparsers, "schedule", "see and install the schedule that calls `opskit run`"
    )
    add_command(
        group,
        common,
        "show",
        command_name="schedule show",
        help_text="every job: its cron, when it last ran, when it runs next",
        examples=["opskit schedule show"],
    )
    parser = add_command(
        group,
        common,
        "install",
        command_name="schedule install",
        help_text="call `opskit run` every few minutes from cron or a systemd timer",
        examples=[
            "sudo opskit schedule install --systemd --env-file /etc/opskit/opskit.env",
            "opskit schedule install --cron --every 5",
            "opskit schedule install --systemd --output ./units   # only write the files",
        ],
    )
    _scheduler_choice(parser)
    parser.add_argument(
        "--every",
        type=tick_minutes,
        default=5,
        metavar="MINUTES",
        help="how often to call `opskit run` (default 5)",
    )
    parser.add_argument(
        "--env-file",
        metavar="FILE",
        help="a 0600 file of NAME=value lines: the variables the config's ${VAR}s and "
        "*_env keys name",
    )
    parser.add_argument(
        "--output", metavar="DIR", help="only write the systemd unit files into DIR"
    )
    parser.add_argument(
        "--console",
        action="store_true",
        help="with --systemd: also keep the web console (`opskit serve`) running as "
        "opskit-console.service",
    )
    parser = add_command(
        group,
        common,
        "uninstall",
        command_name="schedule uninstall",
        help_text="remove opskit's crontab line or systemd units",
        examples=["opskit schedule uninstall --cron"],
    )
    _scheduler_choice(parser)
    parser = add_command(
        group,
        common,
        "github",
        command_name="schedule github",
        help_text="print a GitHub Actions workflow that runs `opskit run` on a schedule",
        examples=[
            "opskit schedule github > .github/workflows/opskit.yml",
            "opskit schedule github --shards 4 --output .github/workflows/opskit.yml",
        ],
    )
    parser.add_argument(
        "--every",
        type=tick_minutes,
        default=15,
        metavar="MINUTES",
        help="how often (default 15; GitHub runs at most every 5 minutes)",
    )
    parser.add_argument(
        "--shards",
        type=positive_int,
        default=1,
        metavar="N",
        help="split the checks over N parallel jobs, then merge (default 1)",
    )
    parser.add_argument("--output", metavar="FILE", help="write the workflow here")
    parser.add_argument(
        "--status-page",
        action="store_true",
        help="also write the public status page each run and publish it on GitHub Pages",
    )

    add_command(
        check_group(subparsers),
        common,
        "schedule",
        command_name="check schedule",
        help_text="is every scheduled job running on time? (a stopped scheduler is CRITICAL)",
        examples=["opskit check schedule"],
    )
