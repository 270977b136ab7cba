"""Human views of UAT runs and checklists."""

from typing import Any

from opskit.masking import mask
from opskit.outcome import Outcome
from opskit.output.human import STATUS_STYLES, simple_table
from opskit.result import Status

UAT_STATUS = {"passed": Status.OK, "incomplete": Status.WARNING, "failed": Status.CRITICAL,
              "error": Status.UNKNOWN}  # fmt: skip


UAT_STEP_STYLES = {"passed": "green", "failed": "bold red", "not_applicable": "cyan",
                   "unanswered": "yellow", "error": "magenta"}  # fmt: skip


def _uat_result(result: str) -> Any:
    from rich.text import Text

    return Text(result.upper(), style=STATUS_STYLES[UAT_STATUS.get(result, Status.UNKNOWN)])


def render_uat_run(console: Any, outcome: Outcome) -> None:
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


def render_uat_runs(console: Any, outcome: Outcome) -> None:
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


def render_uat_checklists(console: Any, outcome: Outcome) -> None:
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
