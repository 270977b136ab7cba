"""Run a scheduled job or a check now, on behalf of a person, without waiting for it.

The work runs as its own ``opskit`` process (the same one the scheduler
starts), so a job's lock still keeps it from running twice, and its results
land in history like any other run.
"""

from __future__ import annotations

import sys
from typing import Any

from opskit import audit, execute
from opskit.context import AppContext
from opskit.errors import UsageError
from opskit.identity import Actor
from opskit.permissions import require
from opskit.result import utc_now

# Checks a person may start from the console, by their command.
CHECKS = ("check web", "check host", "check security", "check backup", "check logs")


def choices(context: AppContext) -> dict[str, Any]:
    return {"jobs": [job.name for job in context.config.schedule.jobs], "checks": list(CHECKS)}


def start(context: AppContext, actor: Actor, *, job: str | None, check: str | None) -> str:
    """Start the job or check; returns what was started, as a person would name it."""
    config = context.config
    if job:
        require(config, actor, "jobs.run")
        if job not in {item.name for item in config.schedule.jobs}:
            raise UsageError(f"no scheduled job named {job!r}")
        arguments, what, action = ["run", "--job", job], job, "jobs.run"
    elif check in CHECKS:
        require(config, actor, "checks.run")
        arguments, what, action = check.split(), f"opskit {check}", "checks.run"
    else:
        raise UsageError("choose a job or a check to run")
    now = utc_now()
    argv = [
        sys.executable,
        "-P",
        "-m",
        "opskit",
        "--config",
        str(config.source),
        "--format",
        "json",
        *arguments,
    ]
    log = config.state_dir / "console" / "runs" / f"{now:%Y%m%dT%H%M%S%f}.log"
    pid = execute.start_detached(argv, log)
    audit.append(context.store(), actor, action, now, object=what, detail=f"pid {pid}")
    return what
