"""``opskit uat ...``: run a checklist, review the run, decide on it, list and show runs."""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from opskit.config.schema import Config
from opskit.context import AppContext
from opskit.errors import OpskitError, UsageError
from opskit.identity import Actor
from opskit.outcome import Outcome
from opskit.permissions import require
from opskit.result import Status, utc_now
from opskit.uat import checklist as checklists
from opskit.uat import records
from opskit.uat.model import RUN_STATUS, NewRun, Recommendation, UatRun, verdict
from opskit.uat.procedure import Ask, Tell

TARGETED_KINDS = ("http", "form", "tls", "links")


def run_uat(
    context: AppContext,
    reference: str,
    *,
    target: str | None = None,
    tester: str | None = None,
    answers_file: str | None = None,
    answered: dict[int, Any] | None = None,
    application: str | None = None,
    version: str | None = None,
    ask: Ask | None = None,
    tell: Tell | None = None,
) -> Outcome:
    """Carry out a checklist and store the run; the status says passed, incomplete, failed."""
    from opskit.uat import answers
    from opskit.uat.automated import Surroundings
    from opskit.uat.procedure import carry_out

    config = context.config
    name, path = checklists.find(config, reference)
    loaded = checklists.load(path, name)
    chosen = loaded.checklist
    # Everything that can be wrong before testing is found now, so nothing is half done.
    address = _target(target or chosen.target, chosen)
    given = answers.read(Path(answers_file), chosen, tester) if answers_file else answered or {}
    _check_hosts(config, chosen)
    where = Surroundings(config, address, _form_secrets(loaded))
    store = context.store()
    started = utc_now()
    steps = carry_out(chosen, where, given, None if answers_file or answered else ask, tell)
    result = verdict(steps)
    run_id = records.save(
        store,
        NewRun(
            checklist=loaded.name,
            checklist_title=chosen.title,
            checklist_source=str(loaded.path),
            checklist_sha256=loaded.sha256,
            application=(application or chosen.application).strip(),
            version=(version or chosen.version or "").strip() or None,
            target=address,
            tester=(tester or "").strip() or None,
            started_at=started,
            finished_at=utc_now(),
            result=result,
            steps=steps,
        ),
    )
    run = records.get(store, run_id)
    return Outcome(
        command="uat run",
        data=_shown(run, context.timezone),
        view="uat-run",
        status=RUN_STATUS[result],
        messages=_next_steps(run),
    )


def review(
    context: AppContext,
    run_id: int,
    reviewer: Actor,
    note: str,
    recommendation: Recommendation | None,
) -> Outcome:
    """Record a reviewer's consideration of a run (SOP D3)."""
    note = note.strip()
    if not reviewer.name or not note:
        raise UsageError("a review needs --reviewer NAME and --note TEXT")
    require(context.config, reviewer, "uat.review")
    run = records.add_review(
        context.store(),
        run_id,
        reviewer=reviewer,
        note=note,
        recommendation=recommendation,
        now=utc_now(),
    )
    recommended = f", recommending to {recommendation}" if recommendation else ""
    return Outcome(
        command="uat review",
        data=_shown(run, context.timezone),
        view="uat-run",
        messages=[
            f"UAT run {run.id}: consideration by {reviewer.name} recorded{recommended}"
            + _edge_note(reviewer),
            f"next: opskit uat approve {run.id} --approver NAME (or --reject --reason TEXT)",
        ],
    )


def approve(
    context: AppContext, run_id: int, approver: Actor, reject: bool, reason: str | None
) -> Outcome:
    """Record the approver's decision (SOP D6); final once written."""
    config = context.config
    reason = (reason or "").strip() or None
    if reject and reason is None:
        raise UsageError("a rejection needs --reason TEXT")
    require(config, approver, "uat.decide")
    run = records.decide(
        context.store(),
        run_id,
        decision="rejected" if reject else "approved",
        approver=approver,
        role=config.uat.approver_role,
        reason=reason,
        now=utc_now(),
    )
    return Outcome(
        command="uat approve",
        data=_shown(run, context.timezone),
        view="uat-run",
        messages=[
            f"UAT run {run.id}: {run.state} by {approver.name}{_edge_note(approver)}; "
            "the run can no longer change",
            f"the document: opskit report uat {run.id}",
        ],
    )


def _edge_note(actor: Actor) -> str:
    """Said when a decision came from the terminal, where nothing proves who typed it."""
    return " (from the terminal, not a signed-in person)" if actor.edge == "terminal" else ""


def list_runs(context: AppContext, limit: int) -> Outcome:
    zone = context.timezone
    rows = []
    for run in records.listing(context.store(), limit):
        row = _shown(run, zone)
        del row["steps"]
        rows.append(row)
    return Outcome(command="uat list", data={"runs": rows}, view="uat-runs")


def show_run(context: AppContext, run_id: int) -> Outcome:
    run = records.get(context.store(), run_id)
    return Outcome(
        command="uat show",
        data=_shown(run, context.timezone),
        view="uat-run",
        status=RUN_STATUS[run.result],
    )


def list_checklists(context: AppContext) -> Outcome:
    """Every checklist opskit can run, valid or not (with the first problems of invalid ones)."""
    from opskit.paths import checks_dir

    builtin = checks_dir() / "uat"
    rows = []
    for name, path in checklists.available(context.config).items():
        row: dict[str, object] = {
            "name": name,
            "path": str(path),
            "builtin": path.parent == builtin,
        }
        try:
            loaded = checklists.load(path, name)
        except OpskitError as error:
            row.update(valid=False, title="", steps=0, problems=error.details)
        else:
            chosen = loaded.checklist
            row.update(
                valid=True,
                title=chosen.title,
                application=chosen.application,
                steps=len(chosen.steps),
                manual=sum(1 for step in chosen.steps if not step.automated),
                problems=[],
            )
        rows.append(row)
    invalid = sum(1 for row in rows if not row["valid"])
    return Outcome(
        command="uat checklists",
        data={"checklists": rows},
        view="uat-checklists",
        status=Status.UNKNOWN if invalid else Status.OK,
    )


def validate_checklist(context: AppContext, reference: str) -> Outcome:
    """Check one checklist file: every problem with its line and path."""
    path = Path(reference).expanduser()
    if not path.is_file():
        path = checklists.find(context.config, reference)[1]
    checklist, problems = checklists.validate_text(checklists.read_text(path), path)
    return Outcome(
        command="uat validate",
        data={
            "path": str(path),
            "problems": [
                {"severity": "error", "text": problem.render(path)} for problem in problems
            ],
            "steps": len(checklist.steps) if checklist else 0,
        },
        view="problems",
        status=Status.UNKNOWN if problems else Status.OK,
    )


def _target(address: str | None, chosen: checklists.Checklist) -> str | None:
    if address is not None:
        parts = urlsplit(address)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UsageError(f"--target {address!r} is not an http(s) URL")
        return address
    needing = [
        f"{index} ({step.title})"
        for index, step in enumerate(chosen.steps, start=1)
        if step.kind in TARGETED_KINDS and not urlsplit(getattr(step.check, "path", "")).scheme
    ]
    if needing:
        raise UsageError(
            "this checklist has no target: give --target URL",
            details=[f"steps needing it: {', '.join(needing)}"],
        )
    return None


def _check_hosts(config: Config, chosen: checklists.Checklist) -> None:
    """Every host a command step names is in the inventory; raises ConfigError otherwise."""
    from opskit.hosts.runner import select_hosts

    hosts = [step.command.host for step in chosen.steps if step.command is not None]
    if hosts:
        select_hosts(config, hosts)


def _form_secrets(loaded: checklists.Loaded) -> dict[int, dict[str, str]]:
    """Form field values from environment variables and 0600 files (registered for masking)."""
    from opskit.config.secrets import read_secret

    found: dict[int, dict[str, str]] = {}
    for position, step in enumerate(loaded.checklist.steps, start=1):
        where = f"checklist {loaded.name}: steps[{position - 1}]"
        if step.form is None:
            continue
        values: dict[str, str] = {}
        for field, variable in step.form.fields_env.items():
            values[field] = read_secret(file=None, env=variable, what=f"{where}.form.{field}") or ""
        for field, file in step.form.fields_file.items():
            values[field] = read_secret(file=file, env=None, what=f"{where}.form.{field}") or ""
        if values:
            found[position] = values
    return found


def _shown(run: UatRun, zone: tzinfo) -> dict[str, Any]:
    """The run as data, with its start in the organisation's time for people to read."""
    data = run.to_dict()
    data["started_local"] = run.started_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    return data


def _next_steps(run: UatRun) -> list[str]:
    counts = ", ".join(f"{count} {outcome}" for outcome, count in sorted(run.counts().items()))
    lines = [f"UAT run {run.id} of {run.checklist}: {run.result.upper()} ({counts})"]
    unanswered = [step.step_id for step in run.steps if step.outcome == "unanswered"]
    if unanswered:
        lines.append(
            f"unanswered: {', '.join(unanswered)}; answer them at a terminal or with "
            "--answers FILE in a new run"
        )
    if run.result == "passed":
        lines.append(f"next: opskit uat review {run.id} --reviewer NAME --note TEXT")
    elif run.result == "failed":
        lines.append("a failed run cannot be approved; fix the application and run again")
    return lines
