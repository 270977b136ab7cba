"""``opskit history``: what opskit found before, from the history store."""

from __future__ import annotations

from datetime import datetime, tzinfo
from pathlib import Path

from opskit.context import AppContext
from opskit.errors import NotFoundError, OpskitError, UsageError
from opskit.outcome import Outcome
from opskit.result import Status, utc_now
from opskit.store import ResultFilter
from opskit.timeutil import parse_moment


def history(
    context: AppContext,
    *,
    run_id: int | None = None,
    check_id: str | None = None,
    target: str | None = None,
    status: str | None = None,
    since: str | None = None,
    results: bool = False,
    limit: int = 50,
) -> Outcome:
    """Recent runs; or results when a run, a filter or ``results`` is given."""
    zone = context.timezone
    try:
        since_moment = parse_moment(since, utc_now(), zone) if since else None
        wanted_status = Status.parse(status) if status else None
    except ValueError as error:
        raise UsageError(str(error)) from None
    store = context.store()
    if run_id is None and not (results or check_id or target or wanted_status):
        runs = store.runs(since=since_moment, limit=limit)
        rows = []
        for run in runs:
            row = run.to_dict()
            row["started_at_local"] = _local(run.started_at, zone)
            rows.append(row)
        return Outcome(command="history", data={"runs": rows}, view="runs")
    if run_id is not None and store.run(run_id) is None:
        raise NotFoundError(f"no run {run_id} in history ({store.path})")
    found = store.results(
        ResultFilter(
            check_id=check_id,
            target=target,
            status=wanted_status,
            since=since_moment,
            run_id=run_id,
            limit=limit,
        )
    )
    rows = []
    for result in found:
        row = result.to_dict()
        row["observed_at_local"] = _local(result.observed_at, zone)
        rows.append(row)
    return Outcome(command="history", data={"results": rows}, view="history-results")


def _local(moment: datetime, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def export_history(context: AppContext, target: str, since: str | None) -> Outcome:
    from opskit.history_merge import export_runs

    try:
        moment = parse_moment(since, utc_now(), context.timezone) if since else None
    except ValueError as error:
        raise UsageError(str(error)) from None
    path = Path(target).expanduser()
    lines = list(export_runs(context.store(), moment))
    try:
        path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    except OSError as error:
        raise OpskitError(f"cannot write {path}: {error.strerror or error}") from None
    return Outcome(
        command="history",
        data={"exported": len(lines), "path": str(path)},
        messages=[f"exported {len(lines)} runs to {path}"],
    )


def import_history(context: AppContext, files: list[str]) -> Outcome:
    """All the files or nothing: every line of every file is checked before one is imported."""
    from opskit.history_merge import import_runs, parse_runs

    runs = []
    for name in files:
        path = Path(name).expanduser()
        try:
            data = path.read_bytes()
        except OSError as error:
            raise OpskitError(f"cannot read {path}: {error.strerror or error}") from None
        runs += parse_runs(data, str(path))
    added, skipped = import_runs(context.store(), runs)
    return Outcome(
        command="history",
        data={"added": added, "skipped": skipped},
        messages=[f"imported {added} runs ({skipped} were already here)"],
    )
