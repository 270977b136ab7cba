"""The monthly recap, "Rekap Hasil Monitoring dan Pemeliharaan" (SOP C8-C11).

Figures are computed in SQL over the month's results so a busy month (many
sites checked every few minutes) stays quick. Definitions, stated so the
numbers can be checked by hand:

- uptime of a site = results of the availability check that were not
  CRITICAL, divided by all its results that were not UNKNOWN (an UNKNOWN
  means opskit could not tell, so it counts neither way);
- an incident belongs to the month it opened in; its duration runs to its
  resolution, or to the end of the month (or now) while still open; the
  mean time to resolve covers the resolved ones.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from opskit import audit, incidents
from opskit.config.schema import Config
from opskit.reports import charts
from opskit.reports.documents import public_info
from opskit.reports.documents.common import check_title, signatures
from opskit.reports.i18n import Words
from opskit.reports.render import Document
from opskit.store import Store, to_text
from opskit.store.functions import functions_for
from opskit.uat import records

AVAILABILITY_CHECK = "web.http"
RESPONSE_METRIC = "response_ms"
EXPIRY_CHECKS = ("web.tls", "web.domain")
DAYS_LEFT_METRIC = "days_left"
BACKUP_PREFIX = "backup"
SECURITY_PREFIXES = (
    "fw",
    "net",
    "ssh",
    "av",
    "os",
    "code",
    "web.files",
    "web.exposure",
    "security",
)
SCORE_CHECK = "security.score"
SCORE_METRIC = "hardening_score_percent"
LOGS_PREFIX = "logs"
SECTIONS = ("C", "D", "E", "F")


@dataclass(frozen=True)
class Period:
    year: int
    month: int
    start: datetime
    end: datetime

    @classmethod
    def of(cls, year: int, month: int, words: Words) -> Period:
        start = datetime.combine(date(year, month, 1), time.min, tzinfo=words.zone)
        days = calendar.monthrange(year, month)[1]
        return cls(year, month, start, start + timedelta(days=days))

    def bounds(self) -> tuple[str, str]:
        return to_text(self.start), to_text(self.end)

    def days(self) -> tuple[date, date]:
        """The first and last day of the period."""
        return self.start.date(), (self.end - timedelta(days=1)).date()

    def local_day_modifier(self) -> str:
        """SQLite date() modifier turning stored UTC into the local day (no DST in Indonesia)."""
        offset = self.start.utcoffset() or timedelta()
        return f"{int(offset.total_seconds())} seconds"


def by_sop_row(store: Store, period: Period, words: Words) -> dict[str, list[dict[str, Any]]]:
    rows = store.read(
        "SELECT COALESCE(sop_row, '') AS sop_row, check_id, status, COUNT(*) AS n FROM results"
        " WHERE observed_at >= ? AND observed_at < ? GROUP BY 1, check_id, status",
        period.bounds(),
    )
    table: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        table[(row["sop_row"], row["check_id"])][row["status"]] += row["n"]
    sections: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for (sop_row, check_id), counts in sorted(table.items()):
        total = sum(counts.values())
        section = sop_row[:1] if sop_row[:1] in SECTIONS else "other"
        sections[section].append(
            {
                "row": sop_row or "-",
                "check_id": check_id,
                "title": check_title(check_id, words),
                "total": total,
                "counts": dict(counts),
                "ok_percent": 100 * counts.get("OK", 0) / total,
            }
        )
    return dict(sections)


def web_days(store: Store, period: Period) -> list[dict[str, Any]]:
    """Per site and local day: results, CRITICAL and UNKNOWN counts, the response times' sum
    and count. One pass over the month's availability results (and their metrics' JSON)
    gives both the daily series and each site's month."""
    sql = functions_for(store.engine)
    return store.read(
        "SELECT target, day, COUNT(*) AS n,"  # noqa: S608  # nosec B608 - fixed SQL
        " SUM(CASE WHEN status = 'CRITICAL' THEN 1 ELSE 0 END) AS down,"
        " SUM(CASE WHEN status = 'UNKNOWN' THEN 1 ELSE 0 END) AS unknown,"
        " SUM(response) AS response_sum, COUNT(response) AS response_n"
        f" FROM (SELECT r.target, {sql.local_day('r.observed_at')} AS day, r.status,"
        f" {sql.metric('r.metrics')} AS response FROM results r"
        " WHERE r.check_id = ? AND r.observed_at >= ? AND r.observed_at < ?) days"
        " GROUP BY target, day",
        (period.local_day_modifier(), RESPONSE_METRIC, AVAILABILITY_CHECK, *period.bounds()),
    )


def availability(
    store: Store, period: Period, days: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """Each site's month: judged samples, unknowns, uptime and mean response time."""
    totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for row in web_days(store, period) if days is None else days:
        site = totals[row["target"]]
        for name in ("n", "down", "unknown", "response_sum", "response_n"):
            site[name] += row[name] or 0
    sites = []
    for target, site in sorted(totals.items()):
        judged = int(site["n"] - site["unknown"])
        sites.append(
            {
                "target": target,
                "samples": judged,
                "unknown": int(site["unknown"]),
                "uptime_percent": 100 * (judged - site["down"]) / judged if judged else None,
                "response_ms": (
                    site["response_sum"] / site["response_n"] if site["response_n"] else None
                ),
            }
        )
    return sites


def daily_series(
    store: Store, period: Period, days: list[dict[str, Any]] | None = None
) -> tuple[dict[str, dict[date, float]], dict[str, dict[date, float]]]:
    """Per site and local day: uptime % and mean response time."""
    uptime: dict[str, dict[date, float]] = defaultdict(dict)
    response: dict[str, dict[date, float]] = defaultdict(dict)
    for row in web_days(store, period) if days is None else days:
        day = date.fromisoformat(row["day"])
        judged = row["n"] - row["unknown"]
        if judged:
            uptime[row["target"]][day] = 100 * (judged - row["down"]) / judged
        if row["response_n"]:
            response[row["target"]][day] = row["response_sum"] / row["response_n"]
    return dict(uptime), dict(response)


def findings_per_week(store: Store, period: Period) -> tuple[list[str], dict[str, list[int]]]:
    """WARNING and CRITICAL results per week of the month (from the 1st), by SOP section."""
    modifier = period.local_day_modifier()
    weeks = (calendar.monthrange(period.year, period.month)[1] + 6) // 7
    stacks: dict[str, list[int]] = {}
    sql = functions_for(store.engine)
    for row in store.read(
        "SELECT substr(COALESCE(sop_row, '?'), 1, 1) AS section,"  # noqa: S608  # nosec B608 - fixed SQL
        f" ({sql.day_of_month('observed_at')} - 1) / 7 AS week, COUNT(*) AS n"
        " FROM results WHERE status IN ('WARNING', 'CRITICAL')"
        " AND observed_at >= ? AND observed_at < ?"
        " GROUP BY 1, 2",
        (modifier, *period.bounds()),
    ):
        stacks.setdefault(row["section"], [0] * weeks)[row["week"]] += row["n"]
    return [str(week + 1) for week in range(weeks)], stacks


def prefix_counts(store: Store, period: Period, prefixes: tuple[str, ...]) -> list[dict[str, Any]]:
    if not prefixes:
        return []
    # "backup" and every "backup.…", read as a range of the (check_id, observed_at) index
    # ("/" follows "."): LIKE would read every result of the month.
    matches = " OR ".join(
        "(check_id >= ? AND check_id < ? AND (check_id = ? OR check_id > ?))" for _ in prefixes
    )
    rows = store.read(
        f"SELECT check_id, status, COUNT(*) AS n FROM results WHERE ({matches})"  # noqa: S608  # nosec B608 - only ? marks
        " AND observed_at >= ? AND observed_at < ? GROUP BY check_id, status",
        (
            *(part for prefix in prefixes for part in (prefix, f"{prefix}/", prefix, f"{prefix}.")),
            *period.bounds(),
        ),
    )
    table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        table[row["check_id"]][row["status"]] += row["n"]
    return [
        {"check_id": check_id, "counts": dict(counts), "total": sum(counts.values())}
        for check_id, counts in sorted(table.items())
    ]


def score_trend(store: Store, period: Period) -> dict[str, list[float | None]]:
    """Each host's mean hardening score per week of the month (the trend the SOP asks to see)."""
    modifier = period.local_day_modifier()
    weeks = (calendar.monthrange(period.year, period.month)[1] + 6) // 7
    trend: dict[str, list[float | None]] = {}
    sql = functions_for(store.engine)
    for row in store.read(
        f"SELECT r.target, ({sql.day_of_month('r.observed_at')} - 1) / 7 AS week,"  # noqa: S608  # nosec B608 - fixed SQL
        f" AVG({sql.metric_value}) AS score FROM results r, {sql.metric_rows}"
        " WHERE r.check_id = ? AND r.observed_at >= ? AND r.observed_at < ?"
        f" AND {sql.metric_name} = ? GROUP BY 1, 2",
        (modifier, SCORE_CHECK, *period.bounds(), SCORE_METRIC),
    ):
        trend.setdefault(row["target"], [None] * weeks)[row["week"]] = row["score"]
    return dict(sorted(trend.items()))


def top_offenders(store: Store, period: Period, limit: int = 10) -> list[dict[str, Any]]:
    """The addresses with the most visitor-log detections, and which rules they tripped."""
    sql = functions_for(store.engine)
    client = sql.json_text("evidence", "client")
    rows = store.read(
        f"SELECT {client} AS client, COUNT(*) AS detections,"  # noqa: S608  # nosec B608 - fixed SQL
        f" {sql.distinct_list('substr(check_id, 6)')} AS rules FROM results"
        " WHERE check_id LIKE 'logs.%' AND status IN ('WARNING', 'CRITICAL')"
        f" AND {client} IS NOT NULL"
        " AND observed_at >= ? AND observed_at < ? GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ?",
        (*period.bounds(), limit),
    )
    return [dict(row) for row in rows]


def incident_figures(store: Store, period: Period, now: datetime) -> dict[str, Any]:
    opened = [
        incident
        for incident in incidents.listing(store, since=period.start, until=period.end, limit=10_000)
        if period.start <= incident.opened_at < period.end
    ]
    cutoff = min(now, period.end)
    durations = [
        ((incident.resolved_at or cutoff) - incident.opened_at).total_seconds()
        for incident in opened
    ]
    resolved = [
        (incident.resolved_at - incident.opened_at).total_seconds()
        for incident in opened
        if incident.resolved_at is not None
    ]
    return {
        "list": opened,
        "count": len(opened),
        "still_open": sum(1 for incident in opened if incident.resolved_at is None),
        "total_seconds": sum(durations),
        "mttr_seconds": sum(resolved) / len(resolved) if resolved else None,
    }


def expiry(store: Store, period: Period) -> list[dict[str, Any]]:
    rows = []
    for check_id in EXPIRY_CHECKS:
        for result in store.latest(check_id, until=period.end):
            days = next(
                (metric.value for metric in result.metrics if metric.name == DAYS_LEFT_METRIC), None
            )
            rows.append({"result": result, "days_left": days})
    return rows


def service_requests(config: Config, store: Store, period: Period, now: datetime) -> dict[str, Any]:
    """The month's IT service requests (SOP B): see ``opskit.helpdesk.figures``."""
    from opskit.helpdesk.figures import month_figures
    from opskit.helpdesk.settings import request_settings
    from opskit.procedures.clock import OfficeClock
    from opskit.procedures.definition import procedure

    chosen = procedure(config, config.requests.procedure)
    figures = month_figures(
        store, chosen, OfficeClock.of(config), start=period.start, end=period.end, now=now
    )
    return {**figures, "procedure": chosen, "settings": request_settings(chosen)}


def website_content(config: Config, store: Store, period: Period, now: datetime) -> dict[str, Any]:
    """The month's website content (SOP E): see ``opskit.content.figures``."""
    from opskit.content.figures import month_figures
    from opskit.procedures.clock import OfficeClock
    from opskit.procedures.definition import procedure

    chosen = procedure(config, config.content.procedure)
    figures = month_figures(
        store, chosen, OfficeClock.of(config), start=period.start, end=period.end, now=now
    )
    return {**figures, "procedure": chosen}


def _section_name(section: str, words: Words) -> str:
    """A chart legend's name of an SOP section ("C. Monitoring dan Pemeliharaan ...")."""
    return words(f"recap.section_{section}" if section in SECTIONS else "recap.section_other")


def build(
    config: Config, store: Store, *, year: int, month: int, words: Words, now: datetime
) -> Document:
    period = Period.of(year, month, words)
    days = web_days(store, period)
    uptime_series, response_series = daily_series(store, period, days)
    week_labels, week_stacks = findings_per_week(store, period)
    incident_data = incident_figures(store, period, now)
    month_text = words.month(year, month)
    total_results = store.read(
        "SELECT COUNT(*) AS n FROM results WHERE observed_at >= ? AND observed_at < ?",
        period.bounds(),
    )[0]["n"]
    chart_images: dict[str, bytes] = {}
    day_axis = words("recap.axis_day", month=words.month(year, month))
    if uptime_series:
        chart_images["uptime"] = charts.daily_lines(
            uptime_series,
            x_label=day_axis,
            y_label=words("recap.axis_uptime"),
            days=period.days(),
            y_limits=(0, 100.5),
        )
    if response_series:
        chart_images["response"] = charts.daily_lines(
            response_series,
            x_label=day_axis,
            y_label=words("recap.axis_response"),
            days=period.days(),
        )
    if week_stacks:
        chart_images["findings"] = charts.stacked_bars(
            [words("recap.week", number=label) for label in week_labels],
            week_stacks,
            names={section: _section_name(section, words) for section in week_stacks},
            x_label=words("recap.axis_week", month=words.month(year, month)),
            y_label=words("recap.axis_findings"),
        )
    organisation = config.organisation.display_name
    return Document(
        kind="recap",
        template="recap.html.j2",
        title=words("recap.title"),
        number="",
        stem=f"recap-{year:04d}-{month:02d}",
        subject=words("recap.subject", organisation=organisation, month=month_text),
        chat_text=words(
            "recap.chat", month=month_text, checks=total_results, incidents=incident_data["count"]
        ),
        context={
            "month_text": month_text,
            "total_results": total_results,
            "sections": by_sop_row(store, period, words),
            "section_order": [*SECTIONS, "other"],
            "sites": availability(store, period, days),
            "expiry": expiry(store, period),
            "backups": prefix_counts(store, period, (BACKUP_PREFIX,)),
            "security": prefix_counts(store, period, SECURITY_PREFIXES),
            "scores": score_trend(store, period),
            "weeks": week_labels,
            "visitors": prefix_counts(store, period, (LOGS_PREFIX,)),
            "offenders": top_offenders(store, period),
            "incidents": incident_data,
            "uat_runs": records.started_between(store, period.start, period.end),
            "public_info": public_info.trend(
                store, period.start, period.end, len(week_labels), period.local_day_modifier()
            ),
            "audit": audit_of_month(store, period),
            "check_title": lambda check_id: check_title(check_id, words),
            "service_requests": service_requests(config, store, period, now),
            "website_content": website_content(config, store, period, now),
        },
        signatures=signatures(config, "recap", words),
        charts=chart_images,
    )


def audit_of_month(store: Store, period: Period) -> dict[str, Any]:
    """The month's decisions and changes from the audit trail; sign-ins only counted."""
    entries = audit.listing(store, since=period.start, until=period.end, limit=5000)
    signins = sum(1 for entry in entries if entry.action == "session.signin")
    changes = [entry for entry in reversed(entries) if not entry.action.startswith("session.")]
    return {"signins": signins, "entries": changes}
