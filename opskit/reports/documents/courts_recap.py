"""The supervising court's monthly recap: a table for every court it oversees (SOP C8-C11).

A Pengadilan Tinggi Agama reads its courts' parts of the shared store (never
writes them) with the same SQL as a court's own recap: the month's results
per SOP section, each website's uptime and response time, incidents and the
time to resolve them, backup and security findings, and the latest
public-information and hardening scores. A court that has sent nothing yet
is listed as such, never as fine.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from opskit.config.schema import Config
from opskit.config.schema.organisation import Overseen
from opskit.errors import UsageError
from opskit.reports.documents import recap
from opskit.reports.documents.common import signatures
from opskit.reports.i18n import Words
from opskit.reports.render import Document
from opskit.store import Store
from opskit.store.fleet import HARDENING_SCORE, PUBLIC_INFO_SCORE, reading_court

ALL = "all"


def chosen_courts(config: Config, court: str) -> list[Overseen]:
    """The courts a recap covers: ``all`` of ``organisation.oversees``, or the one named."""
    oversees = config.organisation.oversees
    if not oversees:
        raise UsageError(
            "--court: this office oversees no courts (organisation.oversees in the config)"
        )
    if court == ALL:
        return list(oversees)
    found = [entry for entry in oversees if entry.code == court]
    if not found:
        codes = ", ".join(entry.code for entry in oversees)
        raise UsageError(f"--court {court!r}: not a court this office oversees ({codes}, or all)")
    return found


def court_figures(
    store: Store, period: recap.Period, words: Words, now: datetime
) -> dict[str, Any]:
    """One court's month, read from the schema the store is reading now."""
    statuses = {
        row["status"]: row["n"]
        for row in store.read(
            "SELECT status, COUNT(*) AS n FROM results"
            " WHERE observed_at >= ? AND observed_at < ? GROUP BY status",
            period.bounds(),
        )
    }
    sites = recap.availability(store, period)
    judged = [site["uptime_percent"] for site in sites if site["uptime_percent"] is not None]
    backups = recap.prefix_counts(store, period, (recap.BACKUP_PREFIX,))
    return {
        "results": sum(statuses.values()),
        "warning": statuses.get("WARNING", 0),
        "critical": statuses.get("CRITICAL", 0),
        "unknown": statuses.get("UNKNOWN", 0),
        "sites": sites,
        "uptime_percent": sum(judged) / len(judged) if judged else None,
        "incidents": recap.incident_figures(store, period, now),
        "backup_problems": sum(row["total"] - row["counts"].get("OK", 0) for row in backups),
        "sections": _sections(recap.by_sop_row(store, period, words)),
        "public_info_percent": _lowest_latest(store, period, *PUBLIC_INFO_SCORE),
        "hardening_percent": _lowest_latest(store, period, *HARDENING_SCORE),
    }


def _sections(by_row: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Results and the share that was OK, per SOP section."""
    found = []
    for section in (*recap.SECTIONS, "other"):
        rows = by_row.get(section, [])
        total = sum(row["total"] for row in rows)
        if total:
            ok = sum(row["counts"].get("OK", 0) for row in rows)
            found.append({"section": section, "total": total, "ok_percent": 100 * ok / total})
    return found


def _lowest_latest(store: Store, period: recap.Period, check_id: str, metric: str) -> float | None:
    """The lowest of the newest figures of ``check_id`` (one per site or host) by month end."""
    values = [
        item.value
        for result in store.latest(check_id, until=period.end)
        if result.check_id == check_id
        for item in result.metrics
        if item.name == metric
    ]
    return min(values) if values else None


def build(
    config: Config,
    store: Store,
    *,
    courts: Sequence[Overseen],
    year: int,
    month: int,
    words: Words,
    now: datetime,
) -> Document:
    period = recap.Period.of(year, month, words)
    rows: list[dict[str, Any]] = []
    for court in courts:
        with reading_court(store, court.code) as reporting:
            figures = court_figures(store, period, words, now) if reporting else None
        rows.append({"code": court.code, "name": court.name, "figures": figures})
    month_text = words.month(year, month)
    organisation = config.organisation.display_name
    one = courts[0] if len(courts) == 1 else None
    reporting_rows = [row for row in rows if row["figures"] is not None]
    return Document(
        kind="recap",
        template="courts_recap.html.j2",
        title=(
            words("courts_recap.title_one", court=one.name)
            if one
            else words("courts_recap.title", organisation=config.organisation.name)
        ),
        number="",
        stem=f"recap-{one.code if one else 'courts'}-{year:04d}-{month:02d}",
        subject=words(
            "courts_recap.subject",
            organisation=organisation,
            month=month_text,
            courts=one.name if one else words("courts_recap.all_courts"),
        ),
        chat_text=words(
            "courts_recap.chat",
            month=month_text,
            courts=len(rows),
            reporting=len(reporting_rows),
            incidents=sum(row["figures"]["incidents"]["count"] for row in reporting_rows),
        ),
        context={
            "month_text": month_text,
            "courts": rows,
            "section_name": lambda section: words(
                f"recap.section_{section}" if section in recap.SECTIONS else "recap.section_other"
            ),
        },
        signatures=signatures(config, "recap", words),
    )
