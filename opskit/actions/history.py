"""``opskit history``: what opskit found before, from the history store."""

from __future__ import annotations

from datetime import datetime, tzinfo

from opskit.context import AppContext
from opskit.errors import NotFoundError, UsageError
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
