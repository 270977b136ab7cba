"""``opskit check content`` and ``opskit content archive verify``.

The check gives two kinds of results. ``content.late``: each open item
against the SOP's time standard of the step it waits for (OK within it,
WARNING once late, CRITICAL past ``procedures.critical_after_hours``), the
people holding a late step reminded as for service requests.
``content.published``: every published or archived item's page fetched
again, so a page that disappeared or changed after publication is found and
handled by the incident machinery like any other check.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

from opskit import notify
from opskit.actions.content import procedure_for, view_of
from opskit.config.schema import Config
from opskit.content import archive as archives
from opskit.content import publication, records
from opskit.content.records import PROCEDURE, Item
from opskit.context import AppContext
from opskit.errors import NotFoundError
from opskit.outcome import Outcome
from opskit.procedures import engine, reminders, timing
from opskit.procedures.clock import OfficeClock
from opskit.procedures.definition import Procedure
from opskit.result import Metric, Result, Status, utc_now
from opskit.store import Store
from opskit.text import Message

LATE_ID = "content.late"
ARCHIVE_ID = "content.archive"


def check_content(context: AppContext, now: datetime | None = None, jobs: int = 8) -> Outcome:
    """One result per open item and per published item; reminders for late steps.

    The published pages (and their documents) are fetched ``jobs`` at a time: a court's
    site answers slowly, and three hundred pages one after another would take minutes."""
    config, store, now = context.config, context.store(), now or utc_now()
    chosen = procedure_for(config)
    limit = timedelta(hours=config.procedures.critical_after_hours)
    results: list[Result] = []
    late: list[tuple[Item, timing.Waiting]] = []
    items = records.listing(store)
    published = _verify_published(config, store, items, jobs)
    for item in items:
        if item.id in published:
            results.append(published[item.id])
        if chosen.states[item.state].final:
            continue
        waiting = view_of(config, chosen, item, now).waiting
        if waiting is None:
            continue
        results.append(_late_result(chosen, item, waiting, limit, now))
        if waiting.late:
            late.append((item, waiting))
    messages: list[str] = list(_remind(context, late, now))
    if not items:
        messages.append(Message("content.said.none"))
    return Outcome(command="check content", results=results, messages=messages, record=True)


def _verify_published(
    config: Config, store: Store, items: list[Item], jobs: int
) -> dict[int, Result]:
    """Each published or archived item's page verified again, by item; the store is read
    here (its connection belongs to this thread), only the fetching runs in the pool."""
    targets = []
    for item in items:
        if item.state in ("published", "archived"):
            full = records.get(store, item.id)
            version = full.approved_version()
            if version is not None:
                targets.append((full, version, full.files()))
    if not targets:
        return {}
    get = publication.getter(config)
    with ThreadPoolExecutor(
        max_workers=max(1, min(jobs, len(targets))), thread_name_prefix="content"
    ) as pool:
        found = pool.map(
            lambda target: publication.verify(target[0], target[1], target[2], get).result,
            targets,
        )
        return {target[0].id: result for target, result in zip(targets, found, strict=True)}


def verify_archive(context: AppContext, directory: Path | None = None) -> Outcome:
    """Re-hash every archived item (under the state directory, or ``directory``)."""
    config = context.config
    base = directory or archives.root(config.state_dir)
    expected: dict[int, str] = {}
    if directory is None:
        for item in records.listing(context.store(), states=["archived"], with_steps=True):
            step = next((r for r in item.records if r.step == "archive"), None)
            if step is not None:
                expected[item.id] = str(step.fields.get("manifest_sha256"))
    if not base.is_dir():
        raise NotFoundError(f"no archive at {base}")
    found = [
        archives.check(path, expected.get(int(path.name)) if path.name.isdigit() else None)
        for path in sorted(base.iterdir(), key=lambda p: (len(p.name), p.name))
        if path.is_dir() and not path.name.startswith(".")
    ]
    missing = sorted(set(expected) - {checked.item for checked in found if checked.item})
    results = [
        Result(
            ARCHIVE_ID,
            f"content:{checked.item or checked.directory.name}",
            Status.OK if checked.ok else Status.CRITICAL,
            Message("content.archive.ok", files=checked.files)
            if checked.ok
            else Message(
                "content.archive.problems",
                problems=[
                    Message(f"content.archive.{kind}", path=path) for kind, path in checked.problems
                ],
            ),
            evidence=checked.to_dict(),
            sop_row="E7",
        )
        for checked in found
    ]
    results += [
        Result(
            ARCHIVE_ID,
            f"content:{item}",
            Status.CRITICAL,
            f"archive missing in {base}",
            sop_row="E7",
        )
        for item in missing
    ]
    if not results:
        results.append(
            Result(ARCHIVE_ID, str(base), Status.OK, Message("content.archive.empty"), sop_row="E7")
        )
    return Outcome(
        command="content archive verify",
        results=results,
        record=True,
        data={"directory": str(base), "items": [c.to_dict() for c in found]},
    )


def _late_result(
    chosen: Procedure, item: Item, waiting: timing.Waiting, limit: timedelta, now: datetime
) -> Result:
    step = chosen.steps[waiting.step]
    evidence: dict[str, object] = {
        "item": item.id,
        "state": item.state,
        "title": item.title,
        "step": waiting.step,
        "since": waiting.since.isoformat(),
        "due": waiting.due.isoformat(),
        "standard": str(waiting.standard),
    }
    title = step.title.model_dump()
    summary: Message
    if not waiting.late:
        status, summary = Status.OK, Message("content.late.within", step=title)
    else:
        status = Status.CRITICAL if waiting.late_by > limit else Status.WARNING
        summary = Message(
            "content.late.late",
            step=title,
            late=round(waiting.late_by.total_seconds()),
            standard=engine.standard_said(waiting.standard),
        )
    return Result(
        LATE_ID,
        f"content:{item.id}",
        status,
        summary,
        evidence=evidence,
        metrics=(Metric("late_minutes", round(waiting.late_by.total_seconds() / 60, 1), "min"),),
        sop_row=step.sop,
        observed_at=now,
    )


def _remind(
    context: AppContext, late: list[tuple[Item, timing.Waiting]], now: datetime
) -> list[Message]:
    from opskit.reports.documents.common import words_for

    config, store = context.config, context.store()
    chosen, clock = procedure_for(config), OfficeClock.of(config)
    due = reminders.claim(
        store,
        PROCEDURE,
        [reminders.Late(item.id, item.entered_position) for item, _ in late],
        clock=clock,
        every=timedelta(hours=config.procedures.reminder_every_hours),
        now=now,
    )
    words = words_for(config)
    kinds = chosen.definition.settings.get("kinds", {})
    messages = []
    for item, waiting in late:
        if item.id not in due:
            continue
        names = engine.holders(config, chosen, item.state, waiting.step, relations={})
        step = chosen.steps[waiting.step]
        values = {
            "organisation": config.organisation.display_name,
            "id": item.id,
            "kind": kinds.get(item.kind, {}).get(words.language, item.kind),
            "title": item.title,
            "step": step.title(words.language),
            "sop": step.sop or "-",
            "since": words.datetime(waiting.since),
            "due": words.datetime(waiting.due),
            "late": words.duration(waiting.late_by.total_seconds()),
            "reminder": due[item.id],
        }
        body = words("content.reminder.body", **values)
        if config.console.public_url:
            link = f"{config.console.public_url.rstrip('/')}/content/{item.id}"
            body += "\n" + words("content.reminder.link", url=link)
        queued = notify.queue_message(
            store,
            config,
            names,
            kind="content-reminder",
            subject=words("content.reminder.subject", **values),
            body=body,
            reference=str(item.id),
            now=now,
        )
        key = "reminder" if queued else "reminder_no_channel" if names else "reminder_nobody"
        messages.append(
            Message(f"content.said.{key}", label=item.label, number=due[item.id], names=names)
        )
    return messages
