"""Human views of the register of IT policy (SOP A): the register and one document."""

from typing import Any

from opskit.outcome import Outcome
from opskit.output.human import simple_table


def render_register(console: Any, outcome: Outcome) -> None:
    data = outcome.data
    rows = [
        [str(item["id"]), item["kind_title"], item["title"], item["state_title"],
         " ".join(filter(None, (item["decree_number"], item["decree_date"]))) or "-",
         f"by {item['superseded_by']}" if item["superseded_by"] else "-"]
        for item in data["documents"]
    ]  # fmt: skip
    console.print(simple_table(["#", "Kind", "Title", "State", "Decree", "Superseded"], rows,
                               "IT policy documents (SOP A)"))  # fmt: skip
    rows = [
        [str(item["id"]), f"{item['number']}/{item['year']}", item["title"],
         item["reviewed_at"][:10], "REVIEW DUE" if item["review_overdue"] else "ok"]
        for item in data["regulations"]
    ]  # fmt: skip
    console.print(simple_table(["#", "Number", "Title", "Reviewed", "Review"], rows,
                               "Regulations that concern IT (A5)"))  # fmt: skip
    for item in data["baseline"]:
        said = item.get("changed_at", item.get("error", ""))[:16]
        console.print(f"machine-checked policy: {item['path']} (last changed {said})",
                      markup=False, highlight=False)  # fmt: skip


def render_document(console: Any, outcome: Outcome) -> None:
    item = outcome.data
    rows = [
        [str(step["position"]), step["step"], step["actor"], step["at"][:16], step["note"] or ""]
        for step in item["steps"]
    ]
    console.print(simple_table(["#", "Step", "By", "At", "Note"], rows,
                               f"policy document {item['id']}: {item['title']}"))  # fmt: skip
    facts = [
        ("state", item["state_title"]),
        ("decree", " ".join(filter(None, (item["decree_number"], item["decree_date"]))) or "-"),
        ("versions", str(len(item["versions"]))),
    ]
    for name, value in facts:
        console.print(f"{name}: {value}", markup=False, highlight=False)
