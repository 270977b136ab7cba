"""The registers SOP B names as outputs, as rows: Daftar Permintaan Layanan TI (B1, B3),
Daftar Klasifikasi Permintaan (B4), Daftar Verifikasi (B5), Daftar Prioritas Layanan
(B6, B9) and Daftar Persetujuan (B7, B8).

Cells are typed (a number, a moment, a text) so the same rows become a
document table, a CSV file and a spreadsheet. A register lists the requests
registered in its period that reached its step (the request register lists
them all; verification and approval also list those rejected there).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from opskit.helpdesk.model import ServiceRequest
from opskit.helpdesk.settings import RequestSettings
from opskit.procedures.clock import OfficeClock
from opskit.procedures.definition import Procedure
from opskit.procedures.engine import Record
from opskit.procedures.timing import took
from opskit.reports.i18n import Words

Cell = str | int | datetime | None
REGISTERS = ("permintaan", "klasifikasi", "verifikasi", "prioritas", "persetujuan")
SOP_ROWS = {
    "permintaan": "B1, B3",
    "klasifikasi": "B4",
    "verifikasi": "B5",
    "prioritas": "B6, B9",
    "persetujuan": "B7, B8",
}
# The step a register is about; a request is listed once it was taken (or rejected there).
STEPS = {
    "permintaan": None,
    "klasifikasi": "classify",
    "verifikasi": "verify",
    "prioritas": "prioritise",
    "persetujuan": "approve",
}
REJECTED_IN = {"verifikasi": "classified", "persetujuan": "considered"}


@dataclass(frozen=True)
class Register:
    kind: str
    columns: list[str]
    rows: list[list[Cell]]


@dataclass(frozen=True)
class _Context:
    procedure: Procedure
    settings: RequestSettings
    clock: OfficeClock
    words: Words

    def text(self, table: str, key: str | None) -> str:
        found = getattr(self.settings, table).get(key) if key else None
        return found(self.words.language) if found else "-"

    def state(self, request: ServiceRequest) -> str:
        return self.procedure.states[request.state].title(self.words.language)

    def within(self, request: ServiceRequest, step: str) -> str:
        timings = [
            item
            for item in took(self.procedure, request.records, self.clock, request.arrived_at)
            if item.step == step
        ]
        if not timings:
            return "-"
        return self.words("requests.yes" if timings[-1].within else "requests.no")

    def office_hours(self, request: ServiceRequest, step: str) -> str:
        timings = [
            item
            for item in took(self.procedure, request.records, self.clock, request.arrived_at)
            if item.step == step
        ]
        return self.words.duration(timings[-1].elapsed.total_seconds()) if timings else "-"


Row = Callable[[ServiceRequest, _Context], list[Cell]]


def _last(request: ServiceRequest, step: str) -> Record | None:
    return request.last(step)


def _rejected(request: ServiceRequest, state: str) -> Record | None:
    return next(
        (item for item in request.records if item.step == "reject" and item.from_state == state),
        None,
    )


def _who(record: Record | None) -> Cell:
    return record.actor if record else "-"


def _when(record: Record | None) -> Cell:
    return record.at if record else None


def _permintaan(request: ServiceRequest, context: _Context) -> list[Cell]:
    studied = _last(request, "study")
    return [
        request.number,
        request.arrived_at,
        request.requester,
        request.unit,
        request.contact,
        request.subject,
        request.description,
        _who(studied),
        studied.note if studied and studied.note else "-",
        context.state(request),
    ]


def _klasifikasi(request: ServiceRequest, context: _Context) -> list[Cell]:
    record = _last(request, "classify")
    return [
        request.number,
        request.arrived_at,
        request.subject,
        context.text("categories", request.category),
        _who(record),
        _when(record),
        context.office_hours(request, "classify"),
        context.within(request, "classify"),
    ]


def _verifikasi(request: ServiceRequest, context: _Context) -> list[Cell]:
    record = _last(request, "verify")
    rejected = _rejected(request, "classified")
    decided = record or rejected
    outcome = "requests.valid" if record else "requests.invalid"
    return [
        request.number,
        request.subject,
        context.text("categories", request.category),
        context.words(outcome),
        (decided.note if decided else None) or "-",
        _who(decided),
        _when(decided),
        context.within(request, "verify") if record else "-",
    ]


def _prioritas(request: ServiceRequest, context: _Context) -> list[Cell]:
    record = _last(request, "prioritise")
    handled = _last(request, "handle")
    return [
        request.number,
        request.subject,
        context.text("urgency", request.urgency),
        context.text("impact", request.impact),
        context.text("priorities", request.priority),
        _who(record),
        _when(record),
        context.state(request),
        _when(handled),
        context.within(request, "handle") if handled else "-",
    ]


def _persetujuan(request: ServiceRequest, context: _Context) -> list[Cell]:
    considered = _last(request, "consider")
    approved = _last(request, "approve")
    rejected = _rejected(request, "considered")
    decided = approved or rejected
    outcome = "requests.approved" if approved else "requests.rejected"
    return [
        request.number,
        request.subject,
        context.text("priorities", request.priority),
        (considered.note if considered else None) or "-",
        context.words(outcome),
        (decided.note if decided else None) or "-",
        _who(decided),
        _when(decided),
    ]


ROWS: dict[str, Row] = {
    "permintaan": _permintaan,
    "klasifikasi": _klasifikasi,
    "verifikasi": _verifikasi,
    "prioritas": _prioritas,
    "persetujuan": _persetujuan,
}


def build(
    kind: str,
    requests: list[ServiceRequest],
    procedure: Procedure,
    *,
    settings: RequestSettings,
    clock: OfficeClock,
    words: Words,
) -> Register:
    """The register ``kind`` of ``requests`` (oldest first), its headers in ``words``' language."""
    context = _Context(procedure, settings, clock, words)
    step, rejected_in = STEPS[kind], REJECTED_IN.get(kind)
    listed = [
        request
        for request in sorted(requests, key=lambda item: (item.created_at, item.id))
        if step is None
        or request.last(step) is not None
        or (rejected_in is not None and _rejected(request, rejected_in) is not None)
    ]
    columns = [
        words("requests.columns.no"),
        *words(f"requests.registers.{kind}.columns").split("|"),
    ]
    rows = [[index, *ROWS[kind](request, context)] for index, request in enumerate(listed, 1)]
    return Register(kind, columns, rows)
