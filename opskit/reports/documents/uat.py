"""The UAT record, "Berita Acara UAT" (SOP D2 Hasil Test, D3 Catatan Pertimbangan, D6
Persetujuan aplikasi): the application, every step with its outcome, the reviewers'
considerations, the decision, and signature lines.
"""

from __future__ import annotations

from typing import Any

from opskit.config.schema import Config, Person
from opskit.reports.i18n import Words
from opskit.reports.render import Document, Signature
from opskit.uat.model import STEP_OUTCOMES, StepRecord, UatRun

SOP_ROWS = "D2, D3, D6"
OUTCOME_STYLES = {
    "passed": "OK",
    "failed": "CRITICAL",
    "not_applicable": "OK",
    "unanswered": "WARNING",
    "error": "UNKNOWN",
}
RESULT_STYLES = {"passed": "OK", "incomplete": "WARNING", "failed": "CRITICAL", "error": "UNKNOWN"}


def build(config: Config, run: UatRun, words: Words) -> Document:
    """The record of ``run`` as it stands (a draft until it is decided)."""
    version = run.version or words("uat.no_version")
    result = words(f"uat.results.{run.result}")
    state = words(f"uat.states.{run.state}")
    values = {"application": run.application, "version": version}
    counts = dict.fromkeys(STEP_OUTCOMES, 0) | run.counts()
    return Document(
        kind="uat",
        template="uat.html.j2",
        title=words("uat.title"),
        number="",
        stem=f"uat-{run.id}",
        subject=words(
            "uat.subject",
            organisation=config.organisation.short_name or config.organisation.name,
            result=result,
            **values,
        ),
        chat_text=words("uat.chat", result=result, state=state, **values),
        context={
            "run": run,
            "version": version,
            "opening": words(
                "uat.opening",
                day=words.weekday_date(run.started_at),
                checklist=run.checklist_title,
                **values,
            ),
            "result_text": result,
            "result_style": RESULT_STYLES[run.result],
            "state_text": state,
            "summary_text": words("uat.summary", total=len(run.steps), **counts),
            "steps": [_row(step, words) for step in run.steps],
            "decision_text": words(f"uat.{run.ruling.decision}", **values) if run.ruling else "",
            "decider_title": _title(run.ruling.position, run.ruling.role, words)
            if run.ruling
            else "",
            "sop_rows": SOP_ROWS,
        },
        signatures=signatures(config, run, words),
        raw=[
            (f"{step.position}. {step.title}", step.evidence)
            for step in run.steps
            if step.automated and step.evidence
        ],
    )


def expectation(step: StepRecord, words: Words) -> str:
    """What the step expected, in the document's language, from its stored definition."""
    check = step.definition
    if step.kind == "manual":
        return f"{check['instruction']} {words('uat.expected', text=check['expected'])}"
    if step.kind == "tls":
        return words("uat.expect_tls", path=check["path"], days=f"{check['min_days']:g}")
    if step.kind == "links":
        return words("uat.expect_links", path=check["path"], count=check["max_links"])
    if step.kind == "command":
        text = words(
            "uat.expect_command",
            command=" ".join(check["argv"]),
            host=check["host"],
            code=check["exit_code"],
        )
        return _with_text(text, check, words)
    status = "/".join(str(code) for code in check["status"])
    if step.kind == "form":
        fields = [*check["fields"], *check["fields_env"], *check["fields_file"]]
        text = words(
            "uat.expect_form",
            method=check["method"],
            path=check["path"],
            fields=", ".join(fields) or "-",
            status=status,
        )
    else:
        text = words("uat.expect_http", method=check["method"], path=check["path"], status=status)
    text = _with_text(text, check, words)
    if check.get("max_ms"):
        text += "; " + words("uat.expect_max_ms", ms=check["max_ms"])
    return text


def signatures(config: Config, run: UatRun, words: Words) -> list[Signature]:
    """A block per role in ``reports.signatures.uat``, naming who actually reviewed and decided."""
    reviewers = [review.reviewer.casefold() for review in run.reviews]
    blocks = []
    for role in config.reports.signatures.get("uat", []):
        holders = config.people_with_role(role)
        if run.ruling is not None and role == run.ruling.role:
            blocks.append(
                Signature(
                    caption=words("uat.sign_approver"),
                    role_title=_title(run.ruling.position, role, words),
                    name=run.ruling.approver,
                    nip=run.ruling.nip,
                )
            )
            continue
        person: Person | None = next(
            (holder for holder in holders if holder.name.casefold() in reviewers),
            holders[0] if holders else None,
        )
        if role == config.uat.approver_role:
            caption = words("uat.sign_approver")
        elif role == config.uat.reviewer_role or (person and person.name.casefold() in reviewers):
            caption = words("uat.sign_reviewer")
        else:
            caption = words("document.prepared_by")
        blocks.append(
            Signature(
                caption=caption,
                role_title=_title(person.position if person else None, role, words),
                name=person.name if person else None,
                nip=person.nip if person else None,
            )
        )
    return blocks


def _row(step: StepRecord, words: Words) -> dict[str, Any]:
    remarks = step.note if step.kind == "manual" and step.note else words.sentence(step.summary)
    return {
        "step": step,
        "expectation": expectation(step, words),
        "kind_text": words("uat.automated" if step.automated else "uat.manual"),
        "outcome_text": words(f"uat.outcomes.{step.outcome}"),
        "outcome_style": OUTCOME_STYLES[step.outcome],
        "remarks": remarks or "",
        "who": step.tester or ("opskit" if step.automated else "-"),
        "when": step.at,
    }


def _with_text(text: str, check: dict[str, Any], words: Words) -> str:
    parts = [text]
    parts += [words("uat.expect_contains", text=phrase) for phrase in check.get("contains", [])]
    parts += [words("uat.expect_absent", text=phrase) for phrase in check.get("absent", [])]
    return "; ".join(parts)


def _title(position: str | None, role: str, words: Words) -> str:
    return position or words.role(role)
