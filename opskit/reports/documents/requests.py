"""The documents of SOP B: the *Formulir Permintaan Layanan TI* of one request (printable,
signed by the requester and the officer who received it), its *Lembar Disposisi* (blank
lines to fill by hand until the sekretaris disposed it), and the registers of a month.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from markupsafe import Markup, escape

from opskit.config.schema import Config
from opskit.helpdesk.model import ServiceRequest
from opskit.helpdesk.registers import SOP_ROWS, Cell, Register
from opskit.helpdesk.settings import RequestSettings
from opskit.procedures.clock import OfficeClock
from opskit.procedures.definition import Procedure
from opskit.procedures.timing import took
from opskit.reports.documents.common import signatures
from opskit.reports.i18n import Words
from opskit.reports.register import format_number, pattern_for
from opskit.reports.render import Document, Signature


def form(
    config: Config,
    request: ServiceRequest,
    procedure: Procedure,
    *,
    settings: RequestSettings,
    clock: OfficeClock,
    words: Words,
) -> Document:
    """The request form as it stands, with every step taken so far."""
    language = words.language
    receiver = request.records[0].actor if request.records else "-"
    timings = {
        item.position: item for item in took(procedure, request.records, clock, request.arrived_at)
    }
    trail = []
    for record in request.records:
        step = procedure.steps.get(record.step)
        timing = timings.get(record.position)
        trail.append(
            {
                "sop": step.sop if step and step.sop else "",
                "title": step.title(language) if step else record.step,
                "actor": record.actor,
                "at": record.at,
                "note": _note(record.fields, record.note, settings, words),
                "timing": words(
                    "requests.form.timing",
                    elapsed=words.duration(timing.elapsed.total_seconds()),
                    standard=_standard(timing.standard, words),
                    verdict=words(
                        "requests.form.within" if timing.within else "requests.form.late"
                    ),
                )
                if timing
                else "",
            }
        )
    person = next((item for item in config.people if item.name == receiver), None)
    return Document(
        kind="request-form",
        template="request_form.html.j2",
        title=words("requests.form.title"),
        number=request.number,
        stem=f"request-form-{request.id}",
        subject=words(
            "requests.form.subject_line",
            organisation=config.organisation.display_name,
            number=request.number,
            subject=request.subject,
        ),
        chat_text=words("requests.form.chat", number=request.number, subject=request.subject),
        context={
            "request": request,
            "receiver": receiver,
            "state": procedure.states[request.state].title(language),
            "category": _text(settings.categories, request.category, language),
            "priority": _text(settings.priorities, request.priority, language),
            "files": [
                {"name": item.name, "size_text": _size(item.size, words)}
                for record in request.records
                for item in record.attachments
            ],
            "trail": trail,
            "sop_text": words("requests.form.sop_text"),
        },
        signatures=[
            Signature(words("requests.form.sign_requester"), request.unit, request.requester),
            Signature(
                words("requests.form.sign_receiver"),
                person.position if person and person.position else words.role("operator"),
                receiver,
                person.nip if person else None,
            ),
        ],
    )


def disposition(
    config: Config,
    request: ServiceRequest,
    procedure: Procedure,
    *,
    settings: RequestSettings,
    words: Words,
) -> Document:
    """The disposition sheet; before B2 its fields are blank, to be filled by hand."""
    record = request.last("dispose")
    person = next((item for item in config.people if record and item.name == record.actor), None)
    holders = config.people_with_role("sekretaris")
    signer = person or (holders[0] if holders else None)
    return Document(
        kind="disposition",
        template="disposition.html.j2",
        title=words("requests.disposition.title"),
        number=request.number,
        stem=f"disposition-{request.id}",
        subject=words(
            "requests.disposition.subject_line",
            organisation=config.organisation.display_name,
            number=request.number,
        ),
        chat_text=words("requests.disposition.chat", number=request.number),
        context={
            "request": request,
            "record": record,
            "nature": _text(settings.priorities, request.priority, words.language)
            if request.priority
            else "-",
            "sop_text": words("requests.disposition.sop_text"),
        },
        signatures=[
            Signature(
                words("requests.disposition.sign"),
                signer.position if signer and signer.position else words.role("sekretaris"),
                signer.name if signer else None,
                signer.nip if signer else None,
            )
        ],
    )


def register(
    config: Config, chosen: Register, *, year: int, month: int, start: datetime, words: Words
) -> Document:
    """One of the month's registers as a document (A4 landscape)."""
    title = words(f"requests.registers.{chosen.kind}.title")
    period = words.month(year, month)
    code = words(f"requests.registers.{chosen.kind}.code")
    return Document(
        kind="requests",
        template="request_register.html.j2",
        title=title,
        # A monthly register is numbered by its month: 011/DPLTI/XI/2026.
        number=format_number(
            pattern_for("requests", {}, config.reports.number_prefix),
            month,
            code,
            start.astimezone(words.zone),
            config.reports.number_prefix or "",
        ),
        stem=f"requests-{chosen.kind}-{year:04d}-{month:02d}",
        subject=words(
            "requests.register_subject",
            organisation=config.organisation.display_name,
            title=title,
            month=period,
        ),
        chat_text=words(
            "requests.register_chat", title=title, month=period, count=len(chosen.rows)
        ),
        context={
            "register": chosen,
            "period_text": period,
            "sop_text": SOP_ROWS[chosen.kind],
            "cell_text": lambda cell: cell_html(cell, words),
        },
        signatures=signatures(config, "requests", words),
    )


def cell_html(cell: Cell, words: Words) -> Markup:
    """A register cell for the document: a moment on two short lines, nothing as a dash."""
    if cell is None or cell == "":
        return Markup("-")
    if isinstance(cell, datetime):
        return escape(words.date(cell)) + Markup("<br>") + escape(words.time(cell))
    return escape(str(cell))


def _note(fields: dict[str, Any], note: str | None, settings: RequestSettings, words: Words) -> str:
    parts = []
    language = words.language
    if fields.get("assignee"):
        parts.append(words("requests.form.to", name=fields["assignee"]))
    if fields.get("category"):
        parts.append(_text(settings.categories, fields["category"], language))
    if fields.get("priority"):
        parts.append(
            words(
                "requests.form.priority_text",
                urgency=_text(settings.urgency, fields.get("urgency"), language),
                impact=_text(settings.impact, fields.get("impact"), language),
                priority=_text(settings.priorities, fields["priority"], language),
            )
        )
    if note:
        parts.append(note)
    return "; ".join(parts)


def _text(table: dict[str, Any], key: str | None, language: str) -> str:
    return table[key](language) if key in table else "-"


def _standard(standard: Any, words: Words) -> str:
    if standard.days:
        return words("requests.days", count=standard.days)
    return words.duration(standard.minutes * 60)


def _size(size: int, words: Words) -> str:
    if size >= 1024 * 1024:
        return f"{words.number(size / 1024 / 1024, 1)} MB"
    return f"{words.number(max(1, math.ceil(size / 1024)), 0)} KB"
