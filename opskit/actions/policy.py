"""``opskit policy ...`` and ``opskit check policy``: the register of IT policy (SOP A).

Documents (programme plans, policy proposals, decrees of the IT team) move
through the ``policy`` procedure (``checks/procedures/policy.yaml``): drafted,
proposed, set by the ketua with the decree's number and date, superseded by a
newer one. The regulations that concern IT are listed with their last review;
`opskit check policy` finds those not reviewed within
``policy.regulation_review_days`` and reminds whoever keeps the list. The
security baseline (``checks/security.yaml``, and the office's own policy file)
is shown as the machine-checked part of the policy, with when it last changed.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from opskit import notify
from opskit.config.schema import Config
from opskit.context import AppContext
from opskit.errors import UsageError
from opskit.identity import Actor
from opskit.outcome import Outcome
from opskit.paths import checks_dir
from opskit.policy import records
from opskit.procedures import engine
from opskit.procedures.definition import Procedure, procedure
from opskit.result import Result, Status, utc_now
from opskit.text import Message

COMMAND_STEPS = {"revise": "revise", "plan": "plan", "propose": "propose", "set": "set",
                 "send-back": "send_back", "withdraw": "withdraw"}  # fmt: skip
REVIEW_ID = "policy.regulations"


def procedure_for(config: Config) -> Procedure:
    return procedure(config, config.policy.procedure)


def new(
    context: AppContext, actor: Actor, *, kind: str, title: str, body: str,
    now: datetime | None = None,
) -> Outcome:  # fmt: skip
    config = context.config
    chosen = procedure_for(config)
    kinds = chosen.definition.settings.get("kinds", {})
    if kind not in kinds:
        raise UsageError(Message("policy.refused.kind", kind=kind, kinds=list(kinds)))
    document = records.create(
        context.store(), config, chosen, actor=actor, kind=kind, title=title, body=body,
        now=now or utc_now(),
    )  # fmt: skip
    return _outcome(
        context, "policy new", document, [Message("policy.said.started", label=document.label)]
    )


def take(
    context: AppContext, document_id: int, command: str, actor: Actor, *,
    note: str | None = None, title: str | None = None, body: str | None = None,
    number: str | None = None, dated: str | None = None, supersedes: int | None = None,
    now: datetime | None = None,
) -> Outcome:  # fmt: skip
    config = context.config
    chosen = procedure_for(config)
    step = COMMAND_STEPS.get(command, command)
    decree = None
    if number is not None or dated is not None:
        try:
            decree = (number or "", date.fromisoformat(dated or ""))
        except ValueError:
            raise UsageError(Message("policy.refused.date", date=dated or "")) from None
    text = None
    if body is not None or title is not None:
        current = records.get(context.store(), document_id)
        last = current.versions[-1] if current.versions else {"title": current.title, "body": ""}
        text = (title or last["title"], body if body is not None else last["body"])
    document = records.take_step(
        context.store(), config, chosen, document_id, step=step, actor=actor,
        now=now or utc_now(), note=note, text=text, decree=decree, supersedes=supersedes,
    )  # fmt: skip
    messages: list[str] = [engine.step_taken(chosen, document.label, step, actor, document.state)]
    if supersedes is not None:
        messages.append(
            Message("policy.said.superseded", label=records.get(context.store(), supersedes).label)
        )
    return _outcome(context, f"policy {command}", document, messages)


def show(context: AppContext, document_id: int) -> Outcome:
    return _outcome(context, "policy show", records.get(context.store(), document_id), [])


def possible_for(
    config: Config, chosen: Procedure, document: records.Document, actor: Actor
) -> list[str]:
    """The steps ``actor`` may take on ``document`` now, as the role table and the state say.

    ``supersede`` is never offered on its own: a newer document set with ``supersedes``
    takes it, so a register never loses its decree in force without a successor."""
    offered = set(COMMAND_STEPS.values())
    open_to = engine.steps_open_to(config, chosen, document.state, actor, relations={})
    return [step for step in open_to if step in offered]


def in_force(context: AppContext) -> list[records.Document]:
    """The documents set by the ketua and not superseded: what a newer one may replace."""
    return [item for item in records.listing(context.store()) if item.state == "set"]


def register(context: AppContext, now: datetime | None = None) -> Outcome:
    """The whole register: documents, regulations with their review, the checked baseline."""
    config, store, now = context.config, context.store(), now or utc_now()
    chosen = procedure_for(config)
    kinds = chosen.definition.settings.get("kinds", {})
    documents = []
    for document in records.listing(store):
        data = document.to_dict()
        data["state_title"] = chosen.states[document.state].title.en
        data["kind_title"] = kinds.get(document.kind, {}).get("en", document.kind)
        documents.append(data)
    due = timedelta(days=config.policy.regulation_review_days)
    regulations = []
    for regulation in records.regulations(store):
        data = regulation.to_dict()
        data["review_due"] = (regulation.reviewed_at + due).isoformat()
        data["review_overdue"] = now >= regulation.reviewed_at + due
        regulations.append(data)
    return Outcome(
        command="policy list",
        data={"documents": documents, "regulations": regulations, "baseline": baseline(config)},
        view="policy-register",
    )


def baseline(config: Config) -> list[dict[str, Any]]:
    """The files of the machine-checked policy, each with its hash and last change."""
    files = [checks_dir() / "security.yaml"]
    if config.security.policy_file is not None:
        files.append(Path(config.security.policy_file))
    found = []
    for path in files:
        try:
            content, changed = path.read_bytes(), path.stat().st_mtime
        except OSError as error:
            found.append({"path": str(path), "error": error.strerror or str(error)})
            continue
        found.append({
            "path": str(path),
            "sha256": hashlib.sha256(content).hexdigest(),
            "changed_at": datetime.fromtimestamp(changed, UTC).isoformat(),
        })  # fmt: skip
    return found


def add_regulation(
    context: AppContext, actor: Actor, *, title: str, number: str, year: int, link: str | None,
    summary: str, now: datetime | None = None,
) -> Outcome:  # fmt: skip
    records.add_regulation(
        context.store(), context.config, actor=actor, title=title, number=number, year=year,
        link=link, summary=summary, now=now or utc_now(),
    )  # fmt: skip
    outcome = register(context, now)
    outcome.messages.append(Message("policy.said.added", number=number))
    return outcome


def review_regulations(
    context: AppContext, actor: Actor, *, ids: list[int] | None, note: str | None,
    now: datetime | None = None,
) -> Outcome:  # fmt: skip
    reviewed = records.review_regulations(
        context.store(), context.config, actor=actor, ids=ids, note=note, now=now or utc_now()
    )
    outcome = register(context, now)
    outcome.messages.append(Message("policy.said.reviewed", count=len(ids or reviewed)))
    return outcome


def review_result(regulation: records.Regulation, due: timedelta, now: datetime) -> Result:
    """One regulation against its yearly review: OK with the next date, WARNING once due."""
    late = now >= regulation.reviewed_at + due
    reviewed = regulation.reviewed_at.date()
    summary = (
        Message("policy.review.overdue", date=reviewed, days=due.days)
        if late
        else Message("policy.review.done", date=reviewed, due=(regulation.reviewed_at + due).date())
    )
    return Result(
        REVIEW_ID, f"regulation:{regulation.number}", Status.WARNING if late else Status.OK,
        summary, evidence=regulation.to_dict(), sop_row="A5", observed_at=now,
    )  # fmt: skip


def check_policy(context: AppContext, now: datetime | None = None) -> Outcome:
    """A5's yearly review: WARNING for each regulation not reviewed within the period, with a
    reminder to those who keep the list (once per regulation and period)."""
    config, store, now = context.config, context.store(), now or utc_now()
    due = timedelta(days=config.policy.regulation_review_days)
    regulations = records.regulations(store)
    results = [review_result(item, due, now) for item in regulations]
    overdue = [
        item
        for item, result in zip(regulations, results, strict=True)
        if result.status is Status.WARNING
    ]
    messages: list[str] = []
    if overdue:
        names = [person.name for person in config.people
                 if {"kasubbag_ti", "operator"} & set(person.roles)]  # fmt: skip
        reference = "regulations:" + ",".join(
            f"{item.id}@{item.reviewed_at.date().isoformat()}" for item in overdue
        )
        sent = store.read(
            "SELECT 1 FROM deliveries WHERE document = 'policy-reminder' AND reference = ?",
            (reference,),
        )
        if not sent:
            from opskit.reports.documents.common import words_for

            words = words_for(config)
            subject = words("policy.reminder.subject",
                            organisation=config.organisation.display_name)  # fmt: skip
            body = "\n".join([
                words("policy.reminder.body"),
                *(words("policy.reminder.line", title=item.title, number=item.number,
                        year=str(item.year), date=item.reviewed_at.date())
                  for item in overdue),
            ])  # fmt: skip
            queued = notify.queue_message(store, config, names, kind="policy-reminder",
                                          subject=subject, body=body, reference=reference,
                                          now=now)  # fmt: skip
            messages.append(Message("policy.said.reminded", names=names or
                                    [Message("policy.said.nobody")], queued=queued))  # fmt: skip
    if not results:
        messages.append(Message("policy.said.none"))
    return Outcome(command="check policy", results=results, messages=messages, record=True)


def _outcome(
    context: AppContext, command: str, document: records.Document, messages: list[str]
) -> Outcome:
    chosen = procedure_for(context.config)
    data = document.to_dict()
    data["state_title"] = chosen.states[document.state].title.en
    data["possible"] = chosen.possible(document.state)
    return Outcome(command=command, data=data, view="policy-document", messages=messages)
