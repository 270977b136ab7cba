"""``opskit history``: what opskit found before, from the history store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from opskit.context import AppContext
from opskit.errors import NotFoundError, OpskitError, UsageError
from opskit.outcome import Outcome, Rows
from opskit.result import Status, utc_now
from opskit.store import ResultFilter
from opskit.store.rows import RESULT_COLUMNS
from opskit.timeutil import parse_moment

if TYPE_CHECKING:
    from opskit.store import Store

RUN_COLUMNS = (
    "id", "command", "started_at", "finished_at", "status", "exit_code", "machine", "state",
    "counts", "started_at_local",
)  # fmt: skip


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
        runs = []
        for run in store.runs(since=since_moment, limit=limit):
            row = run.to_dict()
            row["started_at_local"] = _local(run.started_at, zone)
            runs.append(row)
        columns = tuple(runs[0]) if runs else RUN_COLUMNS
        return Outcome(command="history", data={"runs": Rows.of(runs, columns)}, view="runs")
    if run_id is not None and store.run(run_id) is None:
        raise NotFoundError(f"no run {run_id} in history ({store.path})")
    where = ResultFilter(
        check_id=check_id,
        target=target,
        status=wanted_status,
        since=since_moment,
        run_id=run_id,
        limit=limit,
    )
    return Outcome(
        command="history",
        data={"results": _result_rows(store, where, zone)},
        view="history-results",
    )


def _result_rows(store: Store, where: ResultFilter, zone: tzinfo) -> Rows:
    """The matching results, read from the store only as they are written out."""

    def lines() -> Iterator[str]:
        local = LocalTimes(zone)
        for text, observed_at in store.result_objects(where):
            yield f'{text[:-1]},"observed_at_local":"{local(observed_at)}"}}'

    def records() -> Iterator[tuple[Any, ...]]:
        local = LocalTimes(zone)
        for *values, observed_at in store.result_records(where):
            yield (*values, local(observed_at))

    def csv_lines() -> Iterator[str]:
        # Every field quoted: the same values as minimal quoting, for two replacements a row.
        local = LocalTimes(zone)
        for fields, observed_at in store.result_fields(where):
            if isinstance(fields, str):
                quoted = fields.replace('"', '""') if '"' in fields else fields
                text = quoted.replace("\0", '","')
            else:  # a NUL in the text itself: quoted field by field
                text = '","'.join(field.replace('"', '""') for field in fields)
            yield f'"{text}","{local(observed_at)}"\n'

    return Rows((*RESULT_COLUMNS, "observed_at_local"), lines, records, csv_lines)


class LocalTimes:
    """Stored UTC times as local wall-clock text, the zone consulted once per minute seen.

    Offsets are whole minutes, so the seconds carry over unchanged; results of
    one run share their minute, so a long listing converts few times.
    """

    MAX_MINUTES = 100_000

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone
        self.minutes: dict[str, str] = {}

    def __call__(self, stored: str) -> str:
        if not stored.endswith("+00:00"):
            return _local(datetime.fromisoformat(stored), self.zone)
        minute = stored[:16]
        local = self.minutes.get(minute)
        if local is None:
            if len(self.minutes) >= self.MAX_MINUTES:
                self.minutes.clear()
            moment = datetime.fromisoformat(f"{minute}:00+00:00").astimezone(self.zone)
            local = self.minutes[minute] = moment.strftime("%Y-%m-%d %H:%M")
        return local + stored[16:19]


def _local(moment: datetime, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def export_history(context: AppContext, target: str, since: str | None) -> Outcome:
    from opskit.history_merge import export_runs

    try:
        moment = parse_moment(since, utc_now(), context.timezone) if since else None
    except ValueError as error:
        raise UsageError(str(error)) from None
    path = Path(target).expanduser()
    partial = path.with_name(f".{path.name}.partial")
    exported = 0
    try:
        # Written as read, to a file beside the target renamed at the end: never half an export.
        with partial.open("w", encoding="utf-8") as file:
            for line in export_runs(context.store(), moment):
                file.write(f"{line}\n")
                exported += 1
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise OpskitError(f"cannot write {path}: {error.strerror or error}") from None
    return Outcome(
        command="history",
        data={"exported": exported, "path": str(path)},
        messages=[f"exported {exported} runs to {path}"],
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
