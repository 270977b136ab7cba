"""``opskit run``: start every job that is due, each in its own opskit process.

A job runs as a child process (``opskit --format json <command>``) so it
can be stopped at its timeout and a crash stays inside it; its JSON
envelope gives its status. A per-job lock means two ``opskit run`` (cron
firing again while a slow backup still runs) never run the same job at
once: the second says what it skipped. The job's processes hold that lock
as well, so a job whose ``opskit run`` was killed is still never started
twice. One failing job never stops the
others; the exit status is the worst of them.
"""

from __future__ import annotations

import json
import shlex
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from opskit import execute
from opskit.config.schema import Config, Job
from opskit.context import AppContext
from opskit.errors import CommandError, ConfigError, UsageError
from opskit.locking import Held, LockBusy, hold
from opskit.outcome import Outcome
from opskit.result import Status, utc_now, worst
from opskit.scheduling.jobs import JobState, is_due, next_fire, ordered
from opskit.sharding import parse_shard
from opskit.store import Store

STATE_NAMESPACE = "schedule.jobs"
SHARDABLE_PREFIX = "check "


@dataclass(frozen=True)
class JobRun:
    name: str
    command: str
    status: Status
    exit_code: int | None
    duration_seconds: float
    note: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "command": self.command,
            "status": self.status.value,
            "exit_code": self.exit_code,
            "duration_seconds": round(self.duration_seconds, 2),
            "note": self.note,
        }


def job_states(
    store: Store, jobs: list[Job], now: datetime, part: Any = None
) -> dict[str, JobState]:
    """Each job's state (of this shard's runner, see ``slot_key``), by the job's name; a job
    seen for the first time is remembered from now."""
    saved = store.state_items(STATE_NAMESPACE)
    states = {}
    for job in jobs:
        key = slot_key(store, job, part)
        if key in saved:
            states[job.name] = JobState.from_dict(saved[key])
        else:
            states[job.name] = JobState(first_seen=now)
            store.put_state(STATE_NAMESPACE, key, states[job.name].to_dict())
    return states


def run_jobs(
    context: AppContext,
    *,
    only: str | None = None,
    catch_up: str | None = None,
    shard: str | None = None,
    metrics_file: str | None = None,
    no_checks: bool = False,
) -> Outcome:
    config, store, now = context.config, context.store(), utc_now()
    part = parse_shard(shard)
    jobs = config.schedule.jobs
    states = job_states(store, jobs, now, part)
    if only is not None:
        chosen = [job for job in jobs if job.name == only]
        if not chosen:
            names = ", ".join(job.name for job in jobs) or "none"
            raise ConfigError(f"no job named {only!r} in schedule.jobs (jobs: {names})")
    else:
        chosen = [
            job
            for job in ordered(jobs)
            if is_due(job, states[job.name], now, context.timezone, catch_up)
        ]
    messages = []
    runs: list[JobRun] = []
    for job in chosen:
        if part is not None and not job.run.startswith(SHARDABLE_PREFIX):
            messages.append(f"skipped {job.name}: only check jobs run on a shard ({part})")
            continue
        if no_checks and job.run.startswith(SHARDABLE_PREFIX):
            continue
        key = slot_key(store, job, part)
        try:
            with (
                hold(
                    config.state_dir / "locks" / f"job-{job.name}.lock", f"job {job.name}"
                ) as held,
                store.claim(f"job:{key}") as claimed,
            ):
                if not claimed:
                    messages.append(f"skipped {job.name}: a runner on another machine runs it now")
                    continue
                if held.took_over:
                    pid = (held.previous or {}).get("pid")
                    messages.append(
                        f"{job.name}: took over the lock of pid {pid}, which died holding it"
                    )
                # Another `opskit run` may have run it while this one worked on earlier jobs.
                state = JobState.from_dict(store.get_state(STATE_NAMESPACE, key))
                if only is None and not is_due(job, state, utc_now(), context.timezone, catch_up):
                    messages.append(f"skipped {job.name}: another `opskit run` already ran it")
                    continue
                # The job's processes hold the lock too: it outlives this run if it is killed.
                with execute.handing_down(held.descriptor):
                    runs.append(_run_one(context, job, state, part, held, key=key))
        except LockBusy as busy:
            messages.append(f"skipped {job.name}: {busy.message}")
    target = metrics_file or (
        str(config.schedule.metrics_file) if config.schedule.metrics_file else None
    )
    if target:
        from opskit.scheduling.metrics import write_metrics

        write_metrics(Path(target), config, store)
        messages.append(f"metrics written to {target}")
    if not chosen:
        messages.append("no job is due; `opskit schedule show` lists when each runs next")
    return Outcome(
        command="run",
        data={"jobs": [run.to_dict() for run in runs]},
        view="jobs",
        messages=messages,
        status=worst((run.status for run in runs), default=Status.OK),
    )


def job_argv(config: Config, job: Job, shard: Any) -> list[str]:
    try:
        arguments = shlex.split(job.run)
    except ValueError as error:
        raise UsageError(f"schedule job {job.name}: cannot read its command: {error}") from None
    if shard is not None and job.run.startswith(SHARDABLE_PREFIX):
        arguments += ["--shard", str(shard)]
    # -P: a folder named opskit in the working directory must not stand in for this opskit.
    return [
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


def slot_key(store: Store, job: Job, part: Any) -> str:
    """Where a job's state is kept: per shard in a shared store, where every shard's runner
    keeps its own schedule in the same table; by the job's name alone in a court's own file."""
    if store.engine == "postgresql" and part is not None and job.run.startswith(SHARDABLE_PREFIX):
        return f"{job.name}@{part}"
    return job.name


def _run_one(
    context: AppContext, job: Job, state: JobState, shard: Any, held: Held, *, key: str
) -> JobRun:
    store = context.store()
    started = utc_now()
    store.put_state(STATE_NAMESPACE, key, {**state.to_dict(), "last_started": started.isoformat()})
    clock = time.monotonic()
    try:
        completed = execute.run(
            job_argv(context.config, job, shard),
            timeout_seconds=job.timeout_minutes * 60,
            inherit_environment=True,
            on_start=lambda pid: held.note(child_pid=pid),
        )
        status, note = _status_of(completed)
        exit_code: int | None = completed.exit_code
    except CommandError as error:
        # The message names the interpreter; the admin knows the job by its name and command.
        reason = error.message.removeprefix(f"{sys.executable} ")
        status, note, exit_code = (
            Status.UNKNOWN,
            f"job {job.name} (opskit {job.run}) {reason}",
            None,
        )
    duration = time.monotonic() - clock
    finished = JobState(
        first_seen=state.first_seen,
        last_started=started,
        last_finished=utc_now(),
        last_status=status.value,
        last_exit_code=exit_code,
        last_duration_seconds=duration,
    )
    store.put_state(STATE_NAMESPACE, key, finished.to_dict())
    return JobRun(job.name, job.run, status, exit_code, duration, note)


def _status_of(completed: execute.Completed) -> tuple[Status, str]:
    try:
        envelope = json.loads(completed.stdout)
        status = Status(envelope["status"])
    except (ValueError, KeyError, TypeError):
        tail = completed.stderr_tail.strip().splitlines()[-1:] or ["no output"]
        return Status.UNKNOWN, f"exit {completed.exit_code}: {tail[0]}"
    error = envelope.get("error") or {}
    counts: dict[str, int] = {}
    for result in envelope.get("results", []):
        counts[result["status"]] = counts.get(result["status"], 0) + 1
    note = error.get("message") or ", ".join(
        f"{count} {name}" for name, count in sorted(counts.items())
    )
    return status, note


def schedule_table(context: AppContext) -> Outcome:
    """``opskit schedule show``: every job, when it last ran and when it runs next."""
    config, now, zone = context.config, utc_now(), context.timezone
    states = job_states(context.store(), config.schedule.jobs, now)
    rows = []
    for job in ordered(config.schedule.jobs):
        state = states[job.name]
        rows.append(
            {
                "name": job.name,
                "cron": job.cron,
                "run": job.run,
                "next": next_fire(job.cron, now, zone).isoformat(),
                "last_started": state.last_started.astimezone(zone).isoformat()
                if state.last_started
                else None,
                "last_status": state.last_status,
                "due": is_due(job, state, now, zone),
            }
        )
    return Outcome(
        command="schedule show", data={"jobs": rows, "timezone": str(zone)}, view="schedule"
    )
