"""Human views of website content (SOP E): one item, a list, the files' findings, a diff."""

from typing import Any

from opskit.outcome import Outcome
from opskit.output.human import simple_table, status_text
from opskit.output.request_views import render_waiting
from opskit.result import Status
from opskit.text import Words, message_from


def render_item(console: Any, outcome: Outcome, words: Words) -> None:
    item = outcome.data
    title = f"content item {item['id']} ({item['kind_title']}): {item['title']}"
    rows = [
        [
            str(step["position"]),
            step["sop"] or "",
            step["title"],
            step["actor"] + (" (console)" if step["edge"] == "console" else ""),
            words.datetime(_moment(step["at"])),
            _values(step),
        ]
        for step in item["steps"]
    ]
    console.print(simple_table(["#", "SOP", "Step", "By", "At", "Note"], rows, title))
    version = item["versions"][-1] if item["versions"] else None
    facts = [
        ("state", item["state_title"]),
        ("material", item["material"]),
        ("text", f"version {version['version']} by {version['actor']}" if version else "-"),
        ("files", ", ".join(file["name"] for file in item["attachments"]) or "-"),
        ("url", item["url"] or "-"),
        ("waiting for", render_waiting(item["waiting"])),
    ]
    for name, value in facts:
        console.print(f"{name}: {value}", markup=False, highlight=False)
    findings: list[dict[str, Any]] = next(
        (step["fields"]["files"] for step in reversed(item["steps"]) if "files" in step["fields"]),
        [],
    )
    _findings(console, findings, words)


def render_items(console: Any, outcome: Outcome) -> None:
    rows = [
        [
            str(item["id"]),
            item["kind_title"],
            item["title"],
            item["state_title"],
            render_waiting(item["waiting"]),
        ]
        for item in outcome.data["items"]
    ]
    console.print(simple_table(["#", "Kind", "Title", "State", "Clock"], rows))
    if not rows:
        console.print("no content items here (opskit content list --state all)", highlight=False)


def render_files(console: Any, outcome: Outcome, words: Words) -> None:
    _findings(console, outcome.data["files"], words)


def render_diff(console: Any, outcome: Outcome) -> None:
    data = outcome.data
    console.print(
        f"version {data['older']['version']} ({data['older']['actor']}) -> "
        f"version {data['newer']['version']} ({data['newer']['actor']})",
        markup=False,
        highlight=False,
    )
    for row in data["rows"]:
        if row["change"] == "equal":
            console.print(f"  {row['old']}", markup=False, highlight=False)
            continue
        if row["old"] is not None:
            console.print(f"- {row['old']}", style="red", markup=False, highlight=False)
        if row["new"] is not None:
            console.print(f"+ {row['new']}", style="green", markup=False, highlight=False)


def _findings(console: Any, findings: list[dict[str, Any]], words: Words) -> None:
    for finding in findings:
        message = message_from(finding["message"])
        said = words.say(message) if message else finding["summary"]
        console.print(status_text(Status[finding["status"]]), said, highlight=False)


def _values(step: dict[str, Any]) -> str:
    fields = step["fields"]
    parts = []
    if "version" in fields:
        parts.append(f"version {fields['version']}")
    if "files" in fields:
        parts.append(f"{len(fields['files'])} files checked")
    if "verification" in fields:
        parts.append(f"verified: {fields['verification']['status']}")
    if "archive" in fields:
        parts.append(f"archive: {fields['archive']}")
    if step["note"]:
        parts.append(step["note"])
    if step["attachments"]:
        parts.append("files: " + ", ".join(item["name"] for item in step["attachments"]))
    return "; ".join(parts)


def _moment(text: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(text)
