"""``opskit content ...``: website content (SOP E) from the gathered material to the archive.

Both edges come here: the CLI with the person named by ``--by`` (edge
terminal), the console with the signed-in person. Who may take which step in
which state is the procedure's table (``checks/procedures/content.yaml``) as
the engine reads it; nothing here decides it. What is specific to content is
here: the files judged before they go forward (E2), the text's versions, the
published page verified (E6) and the archive (E7).
"""

from __future__ import annotations

import difflib
import shutil
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from opskit.config.schema import Config
from opskit.content import archive as archives
from opskit.content import files as judged
from opskit.content import publication, records
from opskit.content.records import Item
from opskit.context import AppContext
from opskit.errors import RefusedError, UsageError
from opskit.helpdesk.attachments import Upload, path_of
from opskit.identity import Actor
from opskit.outcome import Outcome
from opskit.procedures import engine, timing
from opskit.procedures.clock import OfficeClock
from opskit.procedures.definition import Procedure, procedure
from opskit.result import Status, utc_now, worst
from opskit.store import Store
from opskit.text import Message

# What `opskit content ...` says -> the step it takes (by the item's state where two serve).
COMMAND_STEPS = {
    "attach": "attach",
    "validate": "validate",
    "edit": "draft",
    "review": "review",
    "submit": "submit",
    "approve": "approve",
    "send-back": "send_back",
    "publish": "publish",
    "archive": "archive",
    "withdraw": "withdraw",
}
SPECIAL = {"submit": "submit_special", "approve": "approve_special"}
FILE_STEPS = ("attach", "validate")
STATE_GROUPS = ("open", "published", "archived", "withdrawn", "late", "all")


@dataclass(frozen=True)
class View:
    item: Item
    waiting: timing.Waiting | None
    took: list[timing.Took]
    possible: list[str]


def procedure_for(config: Config) -> Procedure:
    return procedure(config, config.content.procedure)


def read_uploads(paths: list[str], config: Config) -> list[Upload]:
    uploads = []
    limit = int(config.content.max_megabytes * 1024 * 1024)
    for text in paths:
        path = Path(text).expanduser()
        try:
            if not path.is_file():
                raise UsageError(f"--attach {path}: not a regular file")
            with open(path, "rb") as handle:  # one byte past the limit says it is too big
                uploads.append(Upload(path.name, handle.read(limit + 1)))
        except OSError as error:
            raise UsageError(f"--attach {path}: {error.strerror or error}") from None
    return uploads


def check_files(context: AppContext, paths: list[str]) -> Outcome:
    """E2 on files before they are attached: one finding each, said in the reader's language."""
    findings = judged.judge_all(read_uploads(paths, context.config), context.config)
    return Outcome(
        command="content check-files",
        data={"files": [finding.to_dict() for finding in findings]},
        view="content-files",
        status=worst(finding.status for finding in findings),
    )


def new(
    context: AppContext,
    actor: Actor,
    *,
    kind: str,
    title: str,
    material: str,
    attach: list[str] | None = None,
    uploads: list[Upload] | None = None,
    now: datetime | None = None,
) -> Outcome:
    """E1: gather the material (with its files, judged by E2's rules first)."""
    config = context.config
    chosen = procedure_for(config)
    kinds = chosen.definition.settings.get("kinds", {})
    if kind not in kinds:
        raise UsageError(Message("content.refused.kind", kind=kind, kinds=list(kinds)))
    files = read_uploads(attach or [], config) + list(uploads or [])
    findings = _accepted(files, config)
    if len(files) > config.content.max_files:
        raise UsageError(Message("content.refused.max_files", count=config.content.max_files))
    item = records.create(
        context.store(),
        config,
        chosen,
        actor=actor,
        kind=kind,
        title=title,
        material=material,
        files=list(zip(files, findings, strict=True)),
        now=now or utc_now(),
    )
    messages: list[str] = [
        Message(
            "content.said.gathered",
            label=item.label,
            files=len(files),
            edge=Message("procedure.from_terminal") if actor.edge == "terminal" else "",
        )
    ]
    return _outcome(context, "content new", item, now, messages)


def take(
    context: AppContext,
    item_id: int,
    command: str,
    actor: Actor,
    *,
    note: str | None = None,
    title: str | None = None,
    body: str | None = None,
    url: str | None = None,
    special: bool = False,
    attach: list[str] | None = None,
    uploads: list[Upload] | None = None,
    now: datetime | None = None,
) -> Outcome:
    """One step of an item, as its command names it (edit, review, approve, publish ...)."""
    config, store, now = context.config, context.store(), now or utc_now()
    chosen = procedure_for(config)
    item = records.get(store, item_id)
    step = COMMAND_STEPS.get(command, command)
    if (
        command == "submit"
        and special
        or command == "approve"
        and item.state == "submitted_special"
    ):
        step = SPECIAL[command]
    refused = engine.refusal(
        config, chosen, item.state, step, actor, relations={}, label=item.label
    )
    if refused is not None:
        raise refused
    files = read_uploads(attach or [], config) + list(uploads or [])
    if files and step not in FILE_STEPS:
        raise UsageError(Message("content.refused.files_at_gathering"))
    if len(files) + len(item.files()) > config.content.max_files:
        raise UsageError(Message("content.refused.max_files", count=config.content.max_files))
    fields: dict[str, Any] = {}
    findings = _accepted(files, config)
    if files:
        fields["files"] = [finding.to_dict() for finding in findings]
    text = _text(item, step, title, body)
    if step == "validate":
        every = _stored(config, item) + files
        fields["files"] = [finding.to_dict() for finding in _accepted(every, config)]
    found = None
    if step == "publish":
        url = _url(url)
        found = _verify(config, replace(item, url=url))
        fields["verification"] = {
            "status": found.result.status.name,
            "message": _message_dict(found.result.summary),
        }
    if step == "archive":
        return _archive(context, chosen, item=item, actor=actor, note=note, now=now)
    changed = records.take_step(
        store,
        config,
        chosen,
        item_id,
        step=step,
        actor=actor,
        now=now,
        note=note,
        fields=fields,
        text=text,
        url=url,
        files=list(zip(files, findings, strict=True)),
    )
    messages: list[str] = [_said(chosen, changed, step, actor)]
    outcome = _outcome(context, f"content {command}", changed, now, messages)
    if found is not None:
        outcome.results.append(found.result)
        outcome.record = True
    return outcome


def show(context: AppContext, item_id: int, now: datetime | None = None) -> Outcome:
    return _outcome(context, "content show", records.get(context.store(), item_id), now, [])


def listing(
    context: AppContext,
    *,
    state: str | None = None,
    waiting_for: Actor | None = None,
    limit: int = 200,
    now: datetime | None = None,
) -> Outcome:
    config, now = context.config, now or utc_now()
    chosen = procedure_for(config)
    wanted = state or "open"
    if wanted not in STATE_GROUPS and wanted not in chosen.states:
        raise UsageError(
            f"--state {wanted!r}: choose {', '.join(STATE_GROUPS)} or a state: "
            + ", ".join(chosen.states)
        )
    views = [
        view_of(config, chosen, item, now, waiting_for)
        for item in records.listing(context.store(), limit=limit)
    ]
    views = [view for view in views if _in_group(chosen, view, wanted)]
    if waiting_for is not None:
        views = [view for view in views if view.possible]
    return Outcome(
        command="content list",
        data={"items": [shown(config, chosen, view) for view in views]},
        view="content-items",
    )


def inbox(config: Config, store: Store, actor: Actor, now: datetime) -> list[View]:
    """Open items waiting for a step ``actor`` may take, the longest waiting first."""
    chosen = procedure_for(config)
    open_states = [name for name, state in chosen.states.items() if not state.final]
    views = [
        view_of(config, chosen, item, now, actor)
        for item in records.listing(store, states=open_states)
    ]
    return sorted((v for v in views if v.possible), key=lambda view: view.item.entered_at)


def diff(item: Item, older: int | None = None, newer: int | None = None) -> dict[str, Any]:
    """What changed between two versions (default: the last two), line by line, side by side."""
    numbers = [version.number for version in item.versions]
    if not numbers:
        raise UsageError(Message("content.refused.no_text", label=item.label))
    newer = newer or numbers[-1]
    older = older or (numbers[-2] if len(numbers) > 1 else newer)
    chosen = {version.number: version for version in item.versions}
    for number in (older, newer):
        if number not in chosen:
            raise UsageError(f"{item.label} has versions {numbers[0]}-{numbers[-1]}, not {number}")
    before, after = chosen[older], chosen[newer]
    left = [before.title, "", *before.body.splitlines()]
    right = [after.title, "", *after.body.splitlines()]
    rows = []
    matcher = difflib.SequenceMatcher(a=left, b=right, autojunk=False)
    for tag, first, last, start, end in matcher.get_opcodes():
        width = max(last - first, end - start)
        for offset in range(width):
            old = left[first + offset] if first + offset < last else None
            new = right[start + offset] if start + offset < end else None
            rows.append({"change": tag, "old": old, "new": new})
    return {"older": before.to_dict(), "newer": after.to_dict(), "rows": rows}


def view_of(
    config: Config, chosen: Procedure, item: Item, now: datetime, actor: Actor | None = None
) -> View:
    clock = OfficeClock.of(config)
    possible = (
        engine.steps_open_to(config, chosen, item.state, actor, relations={})
        if actor is not None
        else []
    )
    return View(
        item=item,
        waiting=timing.waiting(chosen, item.state, item.entered_at, clock, now),
        took=timing.took(chosen, item.records, clock, item.created_at),
        possible=possible,
    )


def shown(config: Config, chosen: Procedure, view: View) -> dict[str, Any]:
    """An item as data (JSON and the terminal), with English titles of states and steps."""
    item = view.item
    data = item.to_dict()
    data["state_title"] = chosen.states[item.state].title.en
    kinds = chosen.definition.settings.get("kinds", {})
    data["kind_title"] = kinds.get(item.kind, {}).get("en", item.kind)
    for entry in data["steps"]:
        step = chosen.steps.get(entry["step"])
        entry["title"] = step.title.en if step else entry["step"]
        entry["sop"] = step.sop if step else None
    data["waiting"] = None
    if view.waiting is not None:
        waiting = view.waiting.to_dict()
        waiting["title"] = chosen.steps[view.waiting.step].title.en
        waiting["due_local"] = _local(config, view.waiting.due)
        waiting["sop"] = chosen.steps[view.waiting.step].sop
        waiting["holders"] = engine.holders(
            config, chosen, item.state, view.waiting.step, relations={}
        )
        data["waiting"] = waiting
    data["timing"] = [took.to_dict() for took in view.took]
    data["possible"] = view.possible
    return data


def file_bytes(config: Config, attached: engine.Attachment) -> bytes:
    return path_of(config, attached.stored).read_bytes()


def _archive(
    context: AppContext,
    chosen: Procedure,
    *,
    item: Item,
    actor: Actor,
    note: str | None,
    now: datetime,
) -> Outcome:
    """E7: the approved text, its documents and the page as published, with a manifest."""
    config = context.config
    version = item.approved_version()
    found = _verify(config, item)
    if found.page is None or found.result.status is Status.CRITICAL or version is None:
        raise RefusedError(
            Message("content.refused.not_published", label=item.label, found=found.result.summary),
            details=[Message("content.refused.correct_page")],
            code="not-published",
        )
    files = [(attached, file_bytes(config, attached)) for attached in item.files()]
    directory = archives.root(config.state_dir) / str(item.id)
    digest = archives.write(directory, item, version, files=files, page=found.page.body, now=now)
    relative = str(directory.relative_to(config.state_dir))
    try:
        changed = records.take_step(
            context.store(),
            config,
            chosen,
            item.id,
            step="archive",
            actor=actor,
            now=now,
            note=note,
            fields={
                "archive": relative,
                "manifest_sha256": digest,
                "verification": {
                    "status": found.result.status.name,
                    "message": _message_dict(found.result.summary),
                },
            },
        )
    except BaseException:
        shutil.rmtree(directory, ignore_errors=True)
        raise
    messages: list[str] = [
        _said(chosen, changed, "archive", actor),
        Message("content.said.archived_in", directory=str(directory)),
    ]
    outcome = _outcome(context, "content archive", changed, now, messages)
    outcome.results.append(found.result)
    outcome.record = True
    return outcome


def _verify(config: Config, item: Item) -> publication.Verification:
    version = item.approved_version() or item.current
    if version is None:
        raise UsageError(Message("content.refused.no_approved_text", label=item.label))
    return publication.verify(item, version, item.files(), publication.getter(config))


def _accepted(files: list[Upload], config: Config) -> list[judged.Finding]:
    """Every file's finding; refused (each edge says it in its reader's language) when any
    file is not valid."""
    findings = judged.judge_all(files, config)
    refused = [finding for finding in findings if not finding.accepted]
    if refused:
        raise UsageError(
            Message(
                "content.refused.files",
                head=Message("content.file.refused", count=len(refused)),
                findings=[finding.message for finding in refused],
            ),
            code="content-file",
        )
    return findings


def _stored(config: Config, item: Item) -> list[Upload]:
    return [Upload(attached.name, file_bytes(config, attached)) for attached in item.files()]


def _text(item: Item, step: str, title: str | None, body: str | None) -> tuple[str, str] | None:
    if step == "draft" and body is None:
        raise UsageError(Message("content.refused.needs_text"))
    if body is None and title is None:
        return None
    if step not in ("draft", "review"):
        raise UsageError(Message("content.refused.text_steps"))
    current = item.current
    chosen = (
        title or (current.title if current else item.title),
        body if body is not None else (current.body if current else ""),
    )
    # A form sent back unchanged (the console shows the current text) makes no new version.
    same = current is not None and (" ".join(chosen[0].split()), chosen[1].strip()) == (
        current.title,
        current.body,
    )
    return None if same else chosen


def _message_dict(summary: str) -> dict[str, Any]:
    from opskit.text import Message

    if isinstance(summary, Message):
        return summary.to_dict()
    return {"text": str(summary)}


def _url(url: str | None) -> str:
    parts = urlsplit((url or "").strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(Message("content.refused.needs_url"))
    return (url or "").strip()


def _said(chosen: Procedure, item: Item, step: str, actor: Actor) -> Message:
    return engine.step_taken(chosen, item.label, step, actor, item.state)


def _in_group(chosen: Procedure, view: View, wanted: str) -> bool:
    state = view.item.state
    return {
        "all": True,
        "open": not chosen.states[state].final and state != "published",
        "late": view.waiting is not None and view.waiting.late,
    }.get(wanted, state == wanted)


def _outcome(
    context: AppContext, command: str, item: Item, now: datetime | None, messages: list[str]
) -> Outcome:
    config = context.config
    chosen = procedure_for(config)
    view = view_of(config, chosen, item, now or utc_now())
    return Outcome(
        command=command, data=shown(config, chosen, view), view="content-item", messages=messages
    )


def _local(config: Config, moment: datetime) -> str:
    import zoneinfo

    zone = zoneinfo.ZoneInfo(config.organisation.timezone)
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")
