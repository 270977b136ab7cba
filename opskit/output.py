"""Rendering at the edge: an Outcome as a Rich table for people or a JSON envelope.

Human output goes to stdout with colour only on a terminal (and never when
NO_COLOR is set); JSON is one versioned envelope on stdout, also when the
command failed. Every string passes through secret masking on the way out.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import IO, Any

from opskit import __version__
from opskit.errors import OpskitError
from opskit.masking import mask, mask_data
from opskit.outcome import Outcome
from opskit.result import Result, Status

ENVELOPE_SCHEMA = "opskit/v1"

STATUS_STYLES = {
    Status.OK: "green",
    Status.WARNING: "yellow",
    Status.CRITICAL: "bold red",
    Status.UNKNOWN: "magenta",
}


def envelope(
    command: str, outcome: Outcome | None, error: OpskitError | None = None
) -> dict[str, Any]:
    """The JSON document for a command: stable keys whatever happened."""
    status = error.status if error else (outcome.final_status if outcome else Status.UNKNOWN)
    return mask_data(
        {
            "schema": ENVELOPE_SCHEMA,
            "opskit_version": __version__,
            "command": command,
            "status": status.value,
            "exit_code": status.exit_code,
            "run_id": outcome.run_id if outcome else None,
            "results": [result.to_dict() for result in outcome.results] if outcome else [],
            "data": _jsonable(outcome.data) if outcome else None,
            "messages": list(outcome.messages) if outcome else [],
            "error": {"kind": error.kind, "message": error.message, "details": error.details}
            if error
            else None,
        }
    )


def write_json(document: dict[str, Any], stream: IO[str] | None = None) -> None:
    stream = stream or sys.stdout
    stream.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    stream.flush()


def write_error(error: OpskitError, stream: IO[str] | None = None) -> None:
    """One readable message (and its details) on stderr, never a traceback."""
    stream = stream or sys.stderr
    stream.write(f"opskit: {mask(error.message)}\n")
    for line in error.details:
        stream.write(f"  {mask(line)}\n")
    stream.flush()


def write_human(outcome: Outcome, stream: IO[str] | None = None) -> None:
    console = make_console(stream)
    renderer = VIEWS.get(outcome.view or "")
    if renderer is not None:
        renderer(console, outcome)
    if outcome.results:
        console.print(results_table(outcome.results))
        console.print(summary_line(outcome))
    for message in outcome.messages:
        console.print(mask(message), markup=False, highlight=False)


def make_console(stream: IO[str] | None = None) -> Any:
    from rich.console import Console

    stream = stream or sys.stdout
    is_terminal = stream.isatty()
    return Console(
        file=stream,
        no_color=bool(os.environ.get("NO_COLOR")) or not is_terminal,
        highlight=False,
        force_terminal=is_terminal,
        width=None if is_terminal else 120,
        soft_wrap=False,
    )


@contextmanager
def progress_reporter() -> Iterator[Callable[[str, Any], None]]:
    """A Rich progress bar on stderr, one task per label; ``report(label, None)`` ends one.

    ``report`` takes objects with ``percent_done``, ``bytes_done`` and
    ``total_bytes`` (restic's status messages), so the work itself never
    imports Rich.
    """
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeElapsedColumn(),
        console=Console(file=sys.stderr),
        transient=True,
    )
    tasks: dict[str, Any] = {}

    def report(label: str, status: Any) -> None:
        if label not in tasks:
            tasks[label] = progress.add_task(mask(label), total=100.0)
        if status is None:
            progress.update(tasks[label], completed=100.0)
            return
        progress.update(tasks[label], completed=float(status.percent_done) * 100.0, visible=True)

    with progress:
        yield report


def results_table(results: list[Result]) -> Any:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("Status", no_wrap=True)
    table.add_column("Check", no_wrap=True)
    table.add_column("Target", overflow="fold")
    table.add_column("Summary", overflow="fold")
    for result in results:
        table.add_row(
            _status_text(result.status),
            result.check_id,
            printable(mask(result.target)),
            printable(mask(result.summary)),
        )
    return table


def summary_line(outcome: Outcome) -> Any:
    from rich.text import Text

    counts: dict[Status, int] = {}
    for result in outcome.results:
        counts[result.status] = counts.get(result.status, 0) + 1
    parts = [f"{counts[status]} {status.value}" for status in Status if status in counts]
    text = Text(", ".join(parts) + " -> ")
    text.append_text(_status_text(outcome.final_status))
    if outcome.run_id is not None:
        text.append(f"  (recorded as run {outcome.run_id})")
    return text


def _status_text(status: Status) -> Any:
    from rich.text import Text

    return Text(status.value, style=STATUS_STYLES[status])


def simple_table(columns: list[str], rows: list[list[Any]], title: str | None = None) -> Any:
    from rich import box
    from rich.table import Table

    table = Table(
        *columns,
        title=title,
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        title_justify="left",
    )
    for row in rows:
        table.add_row(
            *(
                value
                if hasattr(value, "__rich__") or _is_text(value)
                else printable(mask(_cell(value)))
                for value in row
            )
        )
    return table


def _is_text(value: Any) -> bool:
    from rich.text import Text

    return isinstance(value, Text)


# Control characters (and bidirectional overrides) that text from logs or the network could
# carry to a terminal: shown escaped, never sent raw (JSON output keeps the exact text).
_CONTROLS = {code: f"\\x{code:02x}" for code in (*range(0x00, 0x20), *range(0x7F, 0xA0))} | {
    code: f"\\u{code:04x}" for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
}


def printable(text: str) -> str:
    """``text`` with control characters escaped (``\\x1b``), safe to print to a terminal."""
    return text.translate(_CONTROLS)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S %Z").strip()
    return str(value)


def _jsonable(data: Any) -> Any:
    return (
        json.loads(json.dumps(data, default=str, ensure_ascii=False)) if data is not None else None
    )


# Human renderers of command-specific data, by Outcome.view.


def _render_problems(console: Any, outcome: Outcome) -> None:
    data = outcome.data
    for problem in data["problems"]:
        style = "red" if problem["severity"] == "error" else "yellow"
        console.print(f"[{style}]{problem['severity']}[/{style}]  ", end="")
        console.print(mask(problem["text"]), markup=False, highlight=False)
    errors = sum(1 for problem in data["problems"] if problem["severity"] == "error")
    if errors:
        console.print(
            f"{data['path']}: {errors} error{'s' if errors != 1 else ''}", highlight=False
        )
    else:
        console.print(f"{data['path']}: valid", style="green", highlight=False)


def _render_text(console: Any, outcome: Outcome) -> None:
    console.print(mask(outcome.data["text"]), markup=False, highlight=False, end="")


def _render_hosts(console: Any, outcome: Outcome) -> None:
    rows = [
        [
            host["name"],
            host["destination"],
            "yes" if host["sudo"] else "no",
            host["trusted"],
            host.get("description") or "",
        ]
        for host in outcome.data["hosts"]
    ]
    console.print(simple_table(["Host", "Connects to", "Sudo", "Host key", "Description"], rows))


def _render_runs(console: Any, outcome: Outcome) -> None:
    rows = []
    for run in outcome.data["runs"]:
        counts = ", ".join(f"{count} {status}" for status, count in sorted(run["counts"].items()))
        status = Status(run["status"]) if run["status"] else Status.UNKNOWN
        rows.append(
            [
                str(run["id"]),
                run["started_at_local"],
                run["command"],
                _status_text(status),
                counts or "-",
            ]
        )
    console.print(simple_table(["Run", "Started", "Command", "Status", "Results"], rows))
    if not rows:
        console.print("no runs recorded yet", highlight=False)


def _render_history_results(console: Any, outcome: Outcome) -> None:
    rows = [
        [
            result["observed_at_local"],
            _status_text(Status(result["status"])),
            result["check_id"],
            result["target"],
            result["summary"],
        ]
        for result in outcome.data["results"]
    ]
    console.print(simple_table(["Time", "Status", "Check", "Target", "Summary"], rows))
    if not rows:
        console.print("no results match", highlight=False)


def _render_steps(console: Any, outcome: Outcome) -> None:
    rows = [
        [step["name"], _status_text(Status(step["status"])), step.get("output") or "-"]
        for step in outcome.data["steps"]
    ]
    console.print(simple_table(["Step", "Status", "Output"], rows, title=outcome.data.get("title")))


def _render_incidents(console: Any, outcome: Outcome) -> None:
    rows = []
    for incident in outcome.data["incidents"]:
        state = incident["state"] + (" (ack)" if incident["acknowledged"] else "")
        hours = incident["duration_seconds"] / 3600
        rows.append(
            [
                str(incident["id"]),
                incident["opened_local"],
                f"{hours:.1f} h",
                state,
                _status_text(Status(incident["status"])),
                incident["check_id"],
                incident["target"],
                incident["summary"],
            ]
        )
    console.print(
        simple_table(
            ["#", "Opened", "Duration", "State", "Now", "Check", "Target", "Summary"], rows
        )
    )
    if not rows:
        console.print("no incidents", highlight=False)


def _render_outbox(console: Any, outcome: Outcome) -> None:
    rows = [
        [
            str(item["id"]),
            item["document"],
            item["recipient"],
            item["channel"],
            item["state"],
            str(item["attempts"]),
            item["last_error"] or "",
        ]
        for item in outcome.data["deliveries"]
    ]
    console.print(
        simple_table(["#", "Document", "To", "Channel", "State", "Tries", "Last error"], rows)
    )
    if not rows:
        console.print("the outbox is empty", highlight=False)


def _render_jobs(console: Any, outcome: Outcome) -> None:
    rows = [
        [
            job["name"],
            _status_text(Status(job["status"])),
            f"{job['duration_seconds']:.1f} s",
            job["command"],
            job["note"],
        ]
        for job in outcome.data["jobs"]
    ]
    if rows:
        console.print(simple_table(["Job", "Status", "Took", "Command", "Outcome"], rows))


def _render_schedule(console: Any, outcome: Outcome) -> None:
    rows = [
        [
            job["name"],
            job["cron"],
            job["next"][:16].replace("T", " "),
            (job["last_started"] or "-")[:16].replace("T", " "),
            job["last_status"] or "-",
            "yes" if job["due"] else "",
            job["run"],
        ]
        for job in outcome.data["jobs"]
    ]
    title = f"times and cron in {outcome.data['timezone']}"
    console.print(
        simple_table(
            ["Job", "Cron", "Next", "Last start", "Last", "Due", "Runs"], rows, title=title
        )
    )
    if not rows:
        console.print("no jobs in schedule.jobs", highlight=False)


def _render_security(console: Any, outcome: Outcome) -> None:
    rows = [
        [
            row["host"],
            "-" if row["score"] is None else f"{row['score']:g}%",
            f"{row['passed']}/{row['checks']}",
            _status_text(Status(row["status"])),
        ]
        for row in (outcome.data or {}).get("scores", [])
    ]
    if rows:
        console.print(simple_table(["Host", "Hardening score", "Checks passed", "Score"], rows))


def _render_snapshots(console: Any, outcome: Outcome) -> None:
    rows = [
        [
            item["repository"],
            item["set"] + (f"/{item['database']}" if item.get("database") else ""),
            item["id"],
            item["time_local"],
            item["host"],
            ", ".join(item["paths"]),
        ]
        for item in outcome.data["snapshots"]
    ]
    console.print(simple_table(["Repository", "Set", "Snapshot", "Time", "Host", "Paths"], rows))
    if not rows:
        console.print("no snapshots yet", highlight=False)


def _render_locks(console: Any, outcome: Outcome) -> None:
    rows = [
        [
            item["repository"],
            item["state"],
            item["id"],
            "exclusive" if item["exclusive"] else "shared",
            f"pid {item['pid']} on {item['hostname']}",
            f"{item['age_seconds']} s",
        ]
        for item in outcome.data["locks"]
    ]
    if rows:
        console.print(simple_table(["Repository", "Lock", "Id", "Kind", "Holder", "Age"], rows))


UAT_STATUS = {"passed": Status.OK, "incomplete": Status.WARNING, "failed": Status.CRITICAL,
              "error": Status.UNKNOWN}  # fmt: skip
UAT_STEP_STYLES = {"passed": "green", "failed": "bold red", "not_applicable": "cyan",
                   "unanswered": "yellow", "error": "magenta"}  # fmt: skip


def _uat_result(result: str) -> Any:
    from rich.text import Text

    return Text(result.upper(), style=STATUS_STYLES[UAT_STATUS.get(result, Status.UNKNOWN)])


def _render_uat_run(console: Any, outcome: Outcome) -> None:
    from rich.text import Text

    run = outcome.data
    version = f" {run['version']}" if run["version"] else ""
    title = (
        f"UAT run {run['id']}: {run['application']}{version}, checklist {run['checklist']}, "
        f"started {run['started_local']}"
    )
    rows = [
        [
            str(step["position"]),
            step["title"] + ("" if step["required"] else " (optional)"),
            step["kind"],
            Text(step["outcome"], style=UAT_STEP_STYLES.get(step["outcome"], "")),
            step["note"] or step["summary"],
            step["tester"] or "",
        ]
        for step in run["steps"]
    ]
    console.print(simple_table(["#", "Step", "Kind", "Outcome", "Remarks", "Tester"], rows, title))
    line = Text("result: ")
    line.append_text(_uat_result(run["result"]))
    line.append(f"   state: {run['state']}   target: {run['target'] or '-'}")
    console.print(line)
    for review in run["reviews"]:
        recommended = (
            f" (recommends: {review['recommendation']})" if review["recommendation"] else ""
        )
        console.print(
            f"review by {review['reviewer']}{recommended}: {mask(review['note'])}",
            markup=False,
            highlight=False,
        )
    decision = run["decision"]
    if decision:
        reason = f": {decision['reason']}" if decision["reason"] else ""
        console.print(
            f"{decision['decision']} by {decision['approver']} ({decision['role']}) on "
            f"{decision['at'][:10]}{reason}",
            markup=False,
            highlight=False,
        )


def _render_uat_runs(console: Any, outcome: Outcome) -> None:
    rows = []
    for run in outcome.data["runs"]:
        decision = run["decision"]
        rows.append(
            [
                str(run["id"]),
                run["started_local"],
                run["checklist"],
                run["application"] + (f" {run['version']}" if run["version"] else ""),
                _uat_result(run["result"]),
                str(len(run["reviews"])),
                f"{decision['decision']} by {decision['approver']}" if decision else run["state"],
            ]
        )
    console.print(
        simple_table(
            ["Run", "Started", "Checklist", "Application", "Result", "Reviews", "State"], rows
        )
    )
    if not rows:
        console.print("no UAT runs yet (opskit uat run CHECKLIST)", highlight=False)


def _render_uat_checklists(console: Any, outcome: Outcome) -> None:
    rows = [
        [
            item["name"],
            item["title"] or "-",
            f"{item['steps']} ({item.get('manual', 0)} manual)" if item["valid"] else "-",
            "built-in" if item["builtin"] else item["path"],
            "valid" if item["valid"] else "INVALID: " + "; ".join(item["problems"][:3]),
        ]
        for item in outcome.data["checklists"]
    ]
    console.print(simple_table(["Name", "Title", "Steps", "From", "Validity"], rows))


def _render_logs(console: Any, outcome: Outcome) -> None:
    from rich.text import Text

    def say(text: str) -> None:
        console.print(Text(printable(mask(text))), highlight=False)

    for source in outcome.data["sources"]:
        summary = source["summary"]
        say(
            f"{source['target']}: {summary['requests']} requests, {summary['clients']} addresses, "
            f"{summary['from'] or '-'} .. {summary['to'] or '-'}"
            + (f", {summary['malformed']} malformed lines" if summary["malformed"] else "")
        )
        if summary.get("format"):
            zone = summary.get("zone_for_naive_times")
            say(f"format: {summary['format']}" + (f"; times without zone read as {zone}"
                                                   if zone else ""))  # fmt: skip
        if summary.get("backwards"):
            say(f"{summary['backwards']} lines went back in time (merged or altered file?)")
        for sample in summary["malformed_samples"][:3]:
            say(f"  malformed: {sample}")
        tops = [
            [Text(printable(mask(client))), n, Text(printable(path_n[0])) if path_n else "",
             path_n[1] if path_n else ""]
            for (client, n), path_n in zip(
                summary["top_clients"],
                summary["top_paths"] + [None] * len(summary["top_clients"]),
                strict=False,
            )
        ]  # fmt: skip
        console.print(simple_table(["Top address", "Requests", "Top path", "Requests"], tops))
        statuses = ", ".join(f"{code}: {n}" for code, n in summary["statuses"].items())
        say(f"statuses: {statuses}")
        for offender in source["offenders"]:
            style = "bold red" if offender["severity"] == "high" else "yellow"
            rules = ", ".join(item["rule"] for item in offender["detections"])
            line = Text(offender["severity"], style=style)
            line.append(
                printable(
                    f" {offender['client']} ({rules}) {offender['requests']} requests, "
                    f"{offender['first_seen']} .. {offender['last_seen']}"
                )
            )
            console.print(line, highlight=False)
            for detection in offender["detections"]:
                say(f"    {detection['rule']}: {detection['reason']}")
            for evidence in offender["evidence"][:3]:
                say(f"    | {evidence}")
            for firewall, command in offender["block_rules"].items():
                say(f"    suggested ({firewall}, not applied): {command}")
        for form in source.get("forms", []):
            say(
                f"form {form['form']}: {form['addresses']} addresses posted {form['posts']} "
                f"times from {form['from']}"
            )
        for item in source["suppressed"]:
            say(f"allowed: {item['client']} ({item['reason']})")


VIEWS: dict[str, Callable[[Any, Outcome], None]] = {
    "uat-run": _render_uat_run,
    "uat-runs": _render_uat_runs,
    "uat-checklists": _render_uat_checklists,
    "jobs": _render_jobs,
    "schedule": _render_schedule,
    "incidents": _render_incidents,
    "outbox": _render_outbox,
    "logs": _render_logs,
    "problems": _render_problems,
    "text": _render_text,
    "hosts": _render_hosts,
    "runs": _render_runs,
    "history-results": _render_history_results,
    "steps": _render_steps,
    "security": _render_security,
    "snapshots": _render_snapshots,
    "locks": _render_locks,
}
