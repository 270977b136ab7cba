"""``opskit schedule ...`` and ``opskit check schedule``."""

from __future__ import annotations

from pathlib import Path

from opskit.context import AppContext
from opskit.errors import OpskitError, UsageError
from opskit.outcome import Outcome
from opskit.paths import make_directory
from opskit.result import utc_now
from opskit.scheduling import emit, heartbeat, install
from opskit.scheduling.runner import job_states


def install_schedule(
    context: AppContext,
    *,
    method: str,
    every_minutes: int,
    env_file: str | None,
    output: str | None,
    user: str | None = None,
    console: bool = False,
) -> Outcome:
    config_path = context.config_file
    if console and method != "systemd":
        raise UsageError("--console installs a systemd service; use it with --systemd")
    environment = Path(env_file).expanduser() if env_file else None
    if output is not None and method != "systemd":
        raise UsageError("--output writes systemd unit files; it does not go with --cron")
    warning = install.environment_warning(config_path, environment)
    warnings = [warning] if warning else []
    if output is not None:
        written = install.write_units(
            Path(output).expanduser(), config_path, every_minutes, environment, console
        )
        return Outcome(
            command="schedule install",
            data={"written": [str(path) for path in written]},
            messages=[*(f"wrote {path}" for path in written), *warnings],
        )
    if method == "cron":
        line = install.install_cron(config_path, every_minutes, environment, user)
        owner = f"{user}'s" if user else "this user's"
        return Outcome(
            command="schedule install",
            data={"crontab": line},
            messages=[f"installed in {owner} crontab:", line, *warnings],
        )
    written = install.install_systemd(config_path, every_minutes, environment, console)
    return Outcome(
        command="schedule install",
        data={"written": [str(path) for path in written]},
        messages=[
            *(f"wrote {path}" for path in written),
            "enabled and started opskit.timer" + (" and opskit-console.service" if console else ""),
            *warnings,
        ],
    )


def uninstall_schedule(context: AppContext, *, method: str, user: str | None = None) -> Outcome:
    if method == "cron":
        removed = install.uninstall_cron(user)
        text = (
            "removed opskit's crontab line" if removed else "no opskit line in this user's crontab"
        )
        return Outcome(command="schedule uninstall", data={"removed": removed}, messages=[text])
    paths = install.uninstall_systemd()
    messages = [f"removed {path}" for path in paths] or ["no opskit systemd units installed"]
    return Outcome(
        command="schedule uninstall",
        data={"removed": [str(path) for path in paths]},
        messages=messages,
    )


def github(
    every_minutes: int,
    shards: int,
    output: str | None,
    context: AppContext | None = None,
    *,
    status_page: bool = False,
) -> Outcome:
    text = emit.github_workflow(every_minutes, shards, status_page)
    messages = local_job_warnings(context)
    if output is None:
        return Outcome(
            command="schedule github", data={"text": text}, view="text", messages=messages
        )
    path = Path(output).expanduser()
    try:
        make_directory(path.parent)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise OpskitError(f"cannot write {path}: {error.strerror or error}") from None
    return Outcome(
        command="schedule github", data={"path": str(path)}, messages=[f"wrote {path}", *messages]
    )


# Commands that work on inventory hosts, and so on "local" (always in the inventory).
HOST_WORK = {
    "backup": {"run", "verify", "prune"},
    "check": {
        "host",
        "security",
        "firewall",
        "ports",
        "ssh",
        "antivirus",
        "updates",
        "webfiles",
        "code",
        "logs",
        "backup",
    },
}


def local_job_warnings(context: AppContext | None) -> list[str]:
    """Jobs in the config that would work on GitHub's runner instead of the office's machine."""
    from opskit.errors import ConfigError

    if context is None:
        return []
    try:
        jobs = context.config.schedule.jobs
    except ConfigError:
        return []
    risky = [
        job.name
        for job in jobs
        if len(words := job.run.split()) > 1 and words[1] in HOST_WORK.get(words[0], set())
    ]
    if not risky:
        return []
    return [
        f"note: on GitHub these jobs would work on the runner, not on your server: "
        f"{', '.join(risky)} (keep them in cron or systemd there, or name remote hosts only)"
    ]


def check_schedule(context: AppContext) -> Outcome:
    """``schedule.heartbeat`` for every job: has it run within its interval?"""
    config, now = context.config, utc_now()
    states = job_states(context.store(), config.schedule.jobs, now)
    results = [
        heartbeat.evaluate(job, states[job.name], now, context.timezone)
        for job in config.schedule.jobs
    ]
    messages = [] if results else ["no jobs in schedule.jobs"]
    return Outcome(command="check schedule", results=results, messages=messages, record=True)
