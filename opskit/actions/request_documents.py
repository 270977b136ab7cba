"""``opskit report request-form|disposition|requests``: the documents and registers of SOP B."""

from __future__ import annotations

import zoneinfo
from pathlib import Path

from opskit.actions.report import deliver, parse_month
from opskit.actions.requests import procedure_for
from opskit.config.schema import Config
from opskit.context import AppContext
from opskit.errors import OpskitError, UsageError
from opskit.helpdesk import records, registers
from opskit.helpdesk.settings import request_settings
from opskit.outcome import Outcome
from opskit.procedures.clock import OfficeClock
from opskit.reports import written
from opskit.reports.documents import common
from opskit.reports.documents import requests as documents
from opskit.reports.documents.recap import Period
from opskit.reports.render import FORMATS, Document, Rendered, render
from opskit.reports.spreadsheet import write_csv, write_xlsx
from opskit.result import utc_now

SHEETS = ("csv", "xlsx")
KINDS = ("request-form", "disposition", "requests")


def write(
    context: AppContext,
    kind: str,
    *,
    request_id: int | None = None,
    register: str | None = None,
    month: str | None = None,
    language: str | None = None,
    formats: list[str] | None = None,
    out: str | None = None,
) -> Outcome:
    """Build one document, write it as documents and (registers) spreadsheets, record it."""
    if kind not in KINDS:
        raise UsageError(f"unknown document {kind!r}")
    wanted = [item.strip() for item in formats or list(FORMATS) if item.strip()]
    allowed = (*FORMATS, *SHEETS) if kind == "requests" else FORMATS
    unknown = [item for item in wanted if item not in allowed]
    if unknown or not wanted:
        raise UsageError(
            f"unknown format {', '.join(unknown) or '(none)'} (choose from {', '.join(allowed)})"
        )
    config, store, now = context.config, context.store(), utc_now()
    paper = common.stationery(config, language)
    words = paper.words
    chosen = procedure_for(config)
    settings = request_settings(chosen)
    clock = OfficeClock.of(config)
    sheet = None
    reference = str(request_id or "")
    if kind == "requests":
        if register not in registers.REGISTERS:
            raise UsageError(f"--register: choose {', '.join(registers.REGISTERS)}")
        year, number = parse_month(month, now, context)
        period = Period.of(year, number, words)
        found = records.listing(store, since=period.start, until=period.end, with_steps=True)
        sheet = registers.build(
            register, found, chosen, settings=settings, clock=clock, words=words
        )
        document: Document = documents.register(
            config, sheet, year=year, month=number, start=period.start, words=words
        )
        reference = f"{register}/{year:04d}-{number:02d}"
    else:
        if request_id is None:
            raise UsageError(f"report {kind} needs a request number (see `opskit request list`)")
        request = records.get(store, request_id)
        document = (
            documents.form(config, request, chosen, settings=settings, clock=clock, words=words)
            if kind == "request-form"
            else documents.disposition(config, request, chosen, settings=settings, words=words)
        )
    output_dir = Path(out).expanduser() if out else config.output_dir
    paged = [item for item in wanted if item in FORMATS]
    rendered = render(document, paper, generated_at=now, output_dir=output_dir, formats=paged)
    paths = dict(rendered.paths)
    if sheet is not None:
        paths |= _sheets(
            sheet, document, output_dir, language=words.language, config=config, wanted=wanted
        )
    rendered = Rendered(document, paths, rendered.html)
    written.record(store, rendered, reference=reference, language=words.language, now=now)
    return deliver(context, rendered, False, reference=reference)


def _sheets(
    sheet: registers.Register,
    document: Document,
    output_dir: Path,
    *,
    language: str,
    config: Config,
    wanted: list[str],
) -> dict[str, Path]:
    """The register as CSV and XLSX beside the document (same stem, same language suffix)."""
    organisation = config.organisation
    zone = zoneinfo.ZoneInfo(organisation.timezone)
    stem = document.stem if language == organisation.language else f"{document.stem}.{language}"
    directory = output_dir / document.kind
    paths = {}
    try:
        directory.mkdir(parents=True, exist_ok=True)
        if "csv" in wanted:
            paths["csv"] = directory / f"{stem}.csv"
            write_csv(paths["csv"], sheet.columns, sheet.rows, zone)
        if "xlsx" in wanted:
            paths["xlsx"] = directory / f"{stem}.xlsx"
            write_xlsx(paths["xlsx"], document.title, sheet.columns, sheet.rows, zone)
    except OSError as error:
        raise OpskitError(f"cannot write the register to {directory}: {error.strerror}") from None
    return paths
