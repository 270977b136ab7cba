"""Human renderers of command-specific data, chosen by ``Outcome.view``."""

import sys
from collections.abc import Callable
from typing import IO, Any

from opskit.masking import mask
from opskit.outcome import Outcome
from opskit.output.content_views import render_diff, render_files, render_item, render_items
from opskit.output.history_views import TABLES, plain_table, render_table
from opskit.output.human import (
    PLAIN_ROWS,
    make_console,
    results_table,
    said,
    simple_table,
    status_text,
    summary_line,
    write_plain_results,
)
from opskit.output.logs_view import render_logs
from opskit.output.policy_views import render_document, render_register
from opskit.output.public_info_view import render_public_info
from opskit.output.request_views import render_request, render_requests
from opskit.output.signing_view import render_signatures
from opskit.output.uat_views import render_uat_checklists, render_uat_run, render_uat_runs
from opskit.output.users_views import render_totp, render_users
from opskit.result import Status
from opskit.text import Words, english


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


def _render_steps(console: Any, outcome: Outcome) -> None:
    rows = [
        [step["name"], status_text(Status(step["status"])), step.get("output") or "-"]
        for step in outcome.data["steps"]
    ]
    console.print(simple_table(["Step", "Status", "Output"], rows, title=outcome.data.get("title")))


def _render_incidents(console: Any, outcome: Outcome, words: Words) -> None:
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
                status_text(Status(incident["status"])),
                incident["check_id"],
                words.target(incident["target"]),
                said(words, incident),
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
            status_text(Status(job["status"])),
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
            status_text(Status(row["status"])),
            "-" if row["score"] is None else f"{row['score']:g}%",
            f"{row['passed']}/{row['checks']}",
        ]
        for row in (outcome.data or {}).get("scores", [])
    ]
    if rows:
        console.print(simple_table(["Host", "Status", "Hardening score", "Checks passed"], rows))


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


VIEWS: dict[str, Callable[[Any, Outcome], None]] = {
    "users": render_users,
    "signatures": render_signatures,
    "totp": render_totp,
    "uat-run": render_uat_run,
    "uat-runs": render_uat_runs,
    "uat-checklists": render_uat_checklists,
    "request": render_request,
    "content-items": render_items,
    "content-diff": render_diff,
    "policy-register": render_register,
    "policy-document": render_document,
    "requests": render_requests,
    "jobs": _render_jobs,
    "schedule": _render_schedule,
    "outbox": _render_outbox,
    "logs": render_logs,
    "public-info": render_public_info,
    "problems": _render_problems,
    "text": _render_text,
    "hosts": _render_hosts,
    "steps": _render_steps,
    "security": _render_security,
    "snapshots": _render_snapshots,
    "locks": _render_locks,
}


# Views that show findings, said in the reader's language.
SAYING_VIEWS: dict[str, Callable[[Any, Outcome, Words], None]] = {
    "incidents": _render_incidents,
    "content-item": render_item,
    "content-files": render_files,
}


def write_human(
    outcome: Outcome, stream: IO[str] | None = None, words: Words | None = None
) -> None:
    """The outcome for a person; findings in ``words``' language (English if none given)."""
    words = words or english()
    stream = stream or sys.stdout
    view = outcome.view or ""
    table = TABLES[view](outcome, words) if view in TABLES else None
    if table is not None and not (outcome.results or outcome.messages or stream.isatty()):
        text = plain_table(table)
        if text is not None:
            stream.write(text)
            return
    console = make_console(stream)
    if table is not None:
        render_table(console, table)
    elif view in SAYING_VIEWS:
        SAYING_VIEWS[view](console, outcome, words)
    elif view in VIEWS:
        VIEWS[view](console, outcome)
    if len(outcome.results) > PLAIN_ROWS and not console.is_terminal:
        console.file.flush()
        write_plain_results(outcome.results, console.file, words)
        console.print(summary_line(outcome, words))
    elif outcome.results:
        console.print(results_table(outcome.results, words))
        console.print(summary_line(outcome, words))
    for message in outcome.messages:
        console.print(mask(words.say(message)), markup=False, highlight=False)
