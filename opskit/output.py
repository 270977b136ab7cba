"""Rendering at the edge: an Outcome as a Rich table for people or a JSON envelope.

Human output goes to stdout with colour only on a terminal (and never when
NO_COLOR is set); JSON is one versioned envelope on stdout, also when the
command failed. Every string passes through secret masking on the way out.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
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
            mask(result.target),
            mask(result.summary),
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
                value if hasattr(value, "__rich__") or _is_text(value) else mask(_cell(value))
                for value in row
            )
        )
    return table


def _is_text(value: Any) -> bool:
    from rich.text import Text

    return isinstance(value, Text)


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


def _render_logs(console: Any, outcome: Outcome) -> None:
    for source in outcome.data["sources"]:
        summary = source["summary"]
        console.print(
            f"{source['target']}: {summary['requests']} requests, {summary['clients']} addresses, "
            f"{summary['from'] or '-'} .. {summary['to'] or '-'}"
            + (f", {summary['malformed']} malformed lines" if summary["malformed"] else ""),
            markup=False,
            highlight=False,
        )
        for sample in summary["malformed_samples"][:3]:
            console.print(f"  malformed: {mask(sample)}", markup=False, highlight=False)
        tops = [
            [client, n, path_n[0] if path_n else "", path_n[1] if path_n else ""]
            for (client, n), path_n in zip(
                summary["top_clients"],
                summary["top_paths"] + [None] * len(summary["top_clients"]),
                strict=False,
            )
        ]
        console.print(simple_table(["Top address", "Requests", "Top path", "Requests"], tops))
        statuses = ", ".join(f"{code}: {n}" for code, n in summary["statuses"].items())
        console.print(f"statuses: {statuses}", markup=False, highlight=False)
        for offender in source["offenders"]:
            style = "bold red" if offender["severity"] == "high" else "yellow"
            rules = ", ".join(item["rule"] for item in offender["detections"])
            console.print(f"[{style}]{offender['severity']}[/{style}] ", end="", highlight=False)
            console.print(
                f"{offender['client']} ({rules}) {offender['requests']} requests, "
                f"{offender['first_seen']} .. {offender['last_seen']}",
                markup=False,
                highlight=False,
            )
            for detection in offender["detections"]:
                console.print(
                    f"    {detection['rule']}: {detection['reason']}", markup=False, highlight=False
                )
            for line in offender["evidence"][:3]:
                console.print(f"    | {mask(line)}", markup=False, highlight=False)
            for firewall, command in offender["block_rules"].items():
                console.print(
                    f"    suggested ({firewall}, not applied): {command}",
                    markup=False,
                    highlight=False,
                )
        for item in source["suppressed"]:
            console.print(
                f"allowed: {item['client']} ({item['reason']})", markup=False, highlight=False
            )


VIEWS: dict[str, Callable[[Any, Outcome], None]] = {
    "logs": _render_logs,
    "problems": _render_problems,
    "text": _render_text,
    "hosts": _render_hosts,
    "runs": _render_runs,
    "history-results": _render_history_results,
    "steps": _render_steps,
}
