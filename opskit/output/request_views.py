"""Human views of IT service requests: one with its steps and clock, and a list."""

from typing import Any

from opskit.outcome import Outcome
from opskit.output.human import simple_table


def render_request(console: Any, outcome: Outcome) -> None:
    request = outcome.data
    title = f"request {request['id']} ({request['number']}): {request['subject']}"
    rows = [
        [
            str(step["position"]),
            step["sop"] or "",
            step["title"],
            step["actor"] + (" (console)" if step["edge"] == "console" else ""),
            step["at_local"],
            _values(step),
        ]
        for step in request["steps"]
    ]
    console.print(simple_table(["#", "SOP", "Step", "By", "At", "Note"], rows, title))
    facts = [
        ("requester", f"{request['requester']}, {request['unit']} ({request['contact']})"),
        ("state", request["state_title"]),
        ("category", request["category_title"] or "-"),
        ("priority", request["priority_title"] or "-"),
        ("disposed to", request["assignee"] or "-"),
        ("incident", str(request["incident_id"]) if request["incident_id"] else "-"),
        ("waiting for", render_waiting(request["waiting"])),
    ]
    for name, value in facts:
        console.print(f"{name}: {value}", markup=False, highlight=False)


def render_requests(console: Any, outcome: Outcome) -> None:
    rows = [
        [
            str(request["id"]),
            request["number"],
            request["created_local"],
            request["requester"],
            request["subject"],
            request["priority"] or "-",
            request["state_title"],
            render_waiting(request["waiting"]),
        ]
        for request in outcome.data["requests"]
    ]
    console.print(
        simple_table(
            ["#", "Number", "Registered", "Requester", "Subject", "Priority", "State", "Clock"],
            rows,
        )
    )
    if not rows:
        console.print("no requests here (opskit request list --state all)", highlight=False)


def render_waiting(waiting: dict[str, Any] | None) -> str:
    """Which step an instance waits for, by whom, and its clock."""
    if waiting is None:
        return "-"
    minutes = round(waiting["late_by_seconds"] / 60)
    clock = (
        f"LATE by {_minutes(minutes)}"
        if waiting["late"]
        else f"due {waiting.get('due_local') or waiting['due'][:16]} ({waiting['standard']})"
    )
    holders = ", ".join(waiting["holders"]) or "nobody"
    return f"{waiting['title']} by {holders}: {clock}"


def _values(step: dict[str, Any]) -> str:
    parts = [f"{name}: {value}" for name, value in step["fields"].items() if name != "arrived_at"]
    if step["note"]:
        parts.append(step["note"])
    parts += [f"[{item['name']}]" for item in step["attachments"]]
    return "; ".join(parts)


def _minutes(minutes: int) -> str:
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"
