"""The "Laporan Kepatuhan Informasi Publik Website": what must be on the site, and what is not.

Built from one ``web.public-info`` result (a recorded check or a fresh
``opskit audit public-info``): the score per category, what changed since
the previous audit, what the redaktur must publish, and every item with
where it was found. Addressed to the penanggung jawab and the redaktur
(``notifications.routes.public-info``). ``trend`` gives the monthly recap
its line of scores.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

from opskit.config.schema import Config
from opskit.reports.documents.common import signatures
from opskit.reports.i18n import MONTHS, ROMAN, Words
from opskit.reports.render import Document
from opskit.result import Result
from opskit.store import Store
from opskit.web.publicinfo.audit import CHANGES_ID, CHECK_ID, SCORE_METRIC
from opskit.web.publicinfo.catalogue import Catalogue

ROUTED_ROLES = ("penanggung_jawab", "redaktur")
SOP_ROW = "E1"
ATTENTION = ("stale", "missing", "unknown")


def build(
    config: Config,
    result: Result,
    catalogue: Catalogue | None,
    *,
    words: Words,
) -> Document:
    """The report of the audit recorded in ``result`` (its evidence holds every verdict)."""
    evidence = result.evidence
    scores = evidence.get("scores") or {}
    counts = {"found": 0, "stale": 0, "missing": 0, "unknown": 0, **(scores.get("counts") or {})}
    crawl = evidence.get("crawl") or {}
    gone = {
        change["item"]: change.get("was_at") or ""
        for change in evidence.get("changes") or []
        if change.get("now") == "missing"
    }
    items = [
        _row(entry, catalogue, words, crawl.get("pages", 0), gone.get(entry["item"]))
        for entry in evidence.get("items") or []
    ]
    overall = scores.get("overall")
    score_text = words.percent(overall) if overall is not None else words("public_info.no_score")
    values = {"site": result.target, "score": score_text}
    organisation = config.organisation.display_name
    return Document(
        kind="public-info",
        template="public_info.html.j2",
        title=words("public_info.title"),
        number="",
        stem=f"public-info-{result.target}-{result.observed_at.astimezone(words.zone):%Y-%m-%d}",
        subject=words("public_info.subject", organisation=organisation, **values),
        chat_text=words("public_info.chat", **values, **counts),
        context={
            "result": result,
            "url": evidence.get("url", ""),
            "score_text": score_text,
            "counts": counts,
            "total": len(items),
            "recipients": [words.role(role) for role in ROUTED_ROLES],
            "categories": _categories(scores, items, catalogue, words),
            "actions": [row for row in items if row["state"] in ATTENTION],
            "changes": [_change(entry, items, words) for entry in evidence.get("changes") or []],
            "first_audit": evidence.get("changes") is None,
            "crawl": crawl,
            "pages_text": words(
                "public_info.pages_text",
                pages=crawl.get("pages", 0),
                documents=crawl.get("documents_checked", 0),
                requests=crawl.get("requests", 0),
                seconds=words.number(float(crawl.get("seconds", 0)), 1),
            ),
            "judged_on": _judged_on(evidence, result, words),
            "catalogue_text": f"{evidence.get('catalogue_title', '')} "
            f"({evidence.get('catalogue')})",
        },
        signatures=signatures(config, "public-info", words),
    )


def period_text(period: dict[str, Any] | None, words: Words) -> str:
    """A period as an office writes it: "Tahun 2025", "Semester I 2026", "Juni 2026"."""
    if not period:
        return "-"
    kind, year, count = period.get("kind"), period.get("year"), period.get("number", 0)
    if kind == "month":
        return words(
            "public_info.periods.month", month=MONTHS[words.language][count - 1], year=year
        )
    if kind == "until":
        return words(
            "public_info.periods.until", date=words.date(date.fromisoformat(period["end"]))
        )
    roman = ROMAN[count - 1] if kind in ("semester", "quarter") and 1 <= count <= 4 else ""
    return words(f"public_info.periods.{kind}", year=year, last=count, number=count, roman=roman)


def trend(
    store: Store, start: datetime, end: datetime, weeks: int, modifier: str
) -> list[dict[str, Any]]:
    """Per site: the mean score per week of the month, the last score, last month's, and losses."""
    from opskit.store import to_text
    from opskit.store.functions import functions_for

    sql = functions_for(store.engine)
    rows: dict[str, dict[str, Any]] = {}
    for row in store.read(
        f"SELECT r.target, ({sql.day_of_month('r.observed_at')} - 1) / 7 AS week,"  # noqa: S608  # nosec B608 - fixed SQL
        f" AVG({sql.metric_value}) AS score FROM results r, {sql.metric_rows}"
        " WHERE r.check_id = ? AND r.observed_at >= ? AND r.observed_at < ?"
        f" AND {sql.metric_name} = ? GROUP BY 1, 2",
        (modifier, CHECK_ID, to_text(start), to_text(end), SCORE_METRIC),
    ):
        entry = rows.setdefault(row["target"], {"target": row["target"], "weeks": [None] * weeks})
        entry["weeks"][row["week"]] = row["score"]
    for target, entry in rows.items():
        entry["last"] = _last_score(store, target, end)
        entry["previous"] = _last_score(store, target, start)
        entry["went_missing"] = store.read(
            "SELECT COUNT(*) AS n FROM results WHERE check_id = ? AND target = ? AND status = ?"
            " AND observed_at >= ? AND observed_at < ?",
            (CHANGES_ID, target, "WARNING", to_text(start), to_text(end)),
        )[0]["n"]
    return [rows[target] for target in sorted(rows)]


def month_weeks(year: int, month: int) -> int:
    return (calendar.monthrange(year, month)[1] + 6) // 7


def _last_score(store: Store, target: str, before: datetime) -> float | None:
    from opskit.store import to_text
    from opskit.store.functions import functions_for

    sql = functions_for(store.engine)
    found = store.read(
        f"SELECT {sql.metric_value} AS score FROM results r, {sql.metric_rows}"  # noqa: S608  # nosec B608 - fixed SQL
        " WHERE r.check_id = ? AND r.target = ? AND r.observed_at < ?"
        f" AND {sql.metric_name} = ? ORDER BY r.observed_at DESC, r.id DESC LIMIT 1",
        (CHECK_ID, target, to_text(before), SCORE_METRIC),
    )
    return found[0]["score"] if found else None


def _judged_on(evidence: dict[str, Any], result: Result, words: Words) -> str:
    """The day periods were judged on, when it is not the day of the audit (``--as-of``)."""
    text = evidence.get("date")
    if not text or text == result.observed_at.astimezone(words.zone).date().isoformat():
        return ""
    return words.date(date.fromisoformat(text))


def _row(
    entry: dict[str, Any],
    catalogue: Catalogue | None,
    words: Words,
    pages: int,
    was_at: str | None = None,
) -> dict[str, Any]:
    item = (
        next((item for item in catalogue.items if item.id == entry["item"]), None)
        if catalogue
        else None
    )
    titles = entry.get("title") or {}
    title = item.title.get(words.language) if item else titles.get(words.language) or entry["item"]
    state = entry["state"]
    expected = period_text(entry.get("expected"), words)
    return {
        "id": entry["item"],
        "category": entry["category"],
        "title": title,
        "basis": _basis(item, catalogue, words),
        "state": state,
        "state_text": words(f"public_info.states.{state}"),
        "style": {"found": "OK", "stale": "WARNING", "missing": "CRITICAL"}.get(state, "UNKNOWN"),
        "finding": _finding(entry, words, expected, pages),
        "target": entry.get("target") if state in ("found", "stale") else None,
        "todo": (
            words("public_info.todo_restore", was_at=was_at)
            if was_at
            else _todo(entry, item, title, expected, words)
        ),
    }


def _basis(item: Any, catalogue: Catalogue | None, words: Words) -> str:
    if item is None or catalogue is None:
        return "-"
    parts = []
    for basis in item.basis[:2]:
        source = catalogue.sources.get(basis.source)
        mark = words(f"public_info.confidence.{basis.confidence}")
        parts.append(
            " ".join(
                part
                for part in (source.short if source else basis.source, basis.part, mark)
                if part
            )
        )
    return "; ".join(parts)


def _finding(entry: dict[str, Any], words: Words, expected: str, pages: int) -> str:
    code = entry.get("code") or "found"
    values = {
        "text": entry.get("text") or "",
        "where": entry.get("where") or "",
        "detail": entry.get("detail") or entry.get("reason") or "",
        "expected": expected,
        "period": period_text(entry.get("period"), words),
        "date": words.date(date.fromisoformat(entry["dated"])) if entry.get("dated") else "-",
        "pages": pages,
        "host": urlsplit(entry.get("target") or "").hostname or "",
    }
    if code == "found" and entry.get("where") == entry.get("target"):
        code = "found_page"
    return words(f"public_info.reasons.{code}", **values)


def _todo(entry: dict[str, Any], item: Any, title: str, expected: str, words: Words) -> str:
    state = entry["state"]
    if state == "found":
        return ""
    if item is not None and item.advice is not None and state != "unknown":
        return str(item.advice.get(words.language))
    if state == "missing":
        document = item is not None and item.form == "document"
        return words(f"public_info.todo_missing{'_document' if document else ''}", title=title)
    if state == "stale":
        return words("public_info.todo_stale", title=title, expected=expected)
    return words("public_info.todo_unknown")


def _categories(
    scores: dict[str, Any], items: list[dict[str, Any]], catalogue: Catalogue | None, words: Words
) -> list[dict[str, Any]]:
    found = []
    for entry in scores.get("categories") or []:
        category = catalogue.category(entry["id"]) if catalogue else None
        found.append(
            {
                "id": entry["id"],
                "title": category.title.get(words.language) if category else entry["id"],
                "basis": category.basis if category else "",
                "score": words.percent(entry["score"]) if entry.get("score") is not None else "-",
                "counts": {
                    "found": 0,
                    "stale": 0,
                    "missing": 0,
                    "unknown": 0,
                    **entry.get("counts", {}),
                },
                "items": [row for row in items if row["category"] == entry["id"]],
            }
        )
    return found


def _change(entry: dict[str, Any], items: list[dict[str, Any]], words: Words) -> dict[str, Any]:
    title = next((row["title"] for row in items if row["id"] == entry["item"]), entry["item"])
    return {
        "title": title,
        "before": words(f"public_info.states.{entry['before']}"),
        "now": words(f"public_info.states.{entry['now']}"),
        "style": "CRITICAL" if entry["now"] == "missing" else "WARNING",
        "was_at": entry.get("was_at") or "-",
    }
