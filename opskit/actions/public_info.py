"""``opskit audit public-info URL`` (no config, nothing recorded) and the last recorded audit.

The standalone audit is for an office that has not set opskit up, or for
a supervising court looking at another court's site: give the address,
get the verdicts, and the report if asked (``--report DIR``).
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from opskit.config.schema import Config
from opskit.context import AppContext
from opskit.errors import ConfigError, NotFoundError, UsageError
from opskit.outcome import Outcome
from opskit.result import Result, utc_now
from opskit.web.publicinfo.catalogue import Catalogue


@dataclass(frozen=True)
class AuditOptions:
    """What ``opskit audit public-info`` was asked for; everything has a default."""

    catalogue: str | None = None
    max_pages: int = 300
    max_depth: int = 4
    requests_per_second: float = 2.0
    workers: int = 2
    timeout_seconds: float = 10.0
    max_documents: int = 100
    as_of: str | None = None
    ca_bundle: str | None = None
    report_dir: str | None = None
    language: str = "id"
    organisation: str | None = None
    timezone: str = "Asia/Jakarta"
    formats: tuple[str, ...] = ("html", "pdf", "md")


def audit_url(url: str, options: AuditOptions) -> Outcome:
    """Audit the site at ``url`` against the catalogue; results are returned, not recorded."""
    from opskit.web.publicinfo.audit import CrawlLimits, results, run_audit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(
            f"{url!r} is not a website address; give e.g. https://www.pa-penajam.go.id/"
        )
    zone = _zone(options.timezone)
    today = _day(options.as_of) if options.as_of else utc_now().astimezone(zone).date()
    limits = CrawlLimits(
        max_pages=options.max_pages,
        max_depth=options.max_depth,
        requests_per_second=options.requests_per_second,
        workers=options.workers,
        timeout_seconds=options.timeout_seconds,
        max_documents=options.max_documents,
        verify=options.ca_bundle or True,
    )
    catalogue = Path(options.catalogue).expanduser() if options.catalogue else None
    audit = run_audit(url, catalogue, limits, today)
    found = results(parts.hostname, audit)
    messages = []
    data = {"target": parts.hostname, **audit.evidence()}
    if options.report_dir:
        paths = _write_report(found[0], audit.catalogue, options, audit.crawl.home)
        data["report"] = {kind: str(path) for kind, path in paths.items()}
        messages += [f"wrote {path}" for path in paths.values()]
    return Outcome(
        command="audit public-info", results=found, data=data, view="public-info", messages=messages
    )


def latest_audit(context: AppContext, site: str | None) -> tuple[Result, Catalogue | None]:
    """The newest recorded ``web.public-info`` result of ``site`` (or the only site audited)."""
    from opskit.web.publicinfo import catalogue as catalogues
    from opskit.web.publicinfo.audit import CHECK_ID

    store = context.store()
    audited = sorted({result.target for result in store.latest(CHECK_ID)})
    if site is None:
        if len(audited) != 1:
            raise UsageError(
                "name the site to report on" if audited else "no public-information audit yet",
                details=[
                    f"audited sites: {', '.join(audited)}"
                    if audited
                    else "run `opskit check web --only public-info` first"
                ],
            )
        site = audited[0]
    found = store.recent(CHECK_ID, site, 1)
    if not found:
        raise NotFoundError(
            f"no public-information audit recorded for {site!r}",
            details=[f"run `opskit check web {site} --only public-info` first"],
        )
    path = Path(str(found[0].evidence.get("catalogue") or catalogues.builtin_path()))
    try:
        catalogue: Catalogue | None = catalogues.load(path)
    except ConfigError:
        catalogue = None  # the report then names items by the titles kept with the result
    return found[0], catalogue


def _write_report(
    result: Result, catalogue: Catalogue, options: AuditOptions, home: object
) -> dict[str, Path]:
    from opskit.reports.documents import common, public_info
    from opskit.reports.render import render

    title = getattr(getattr(home, "facts", None), "title", "") or ""
    name = options.organisation or title.split("–")[-1].split("|")[-1].strip() or result.target
    config = Config.model_validate(
        {"organisation": {"name": name, "timezone": options.timezone, "language": options.language}}
    )
    paper = common.stationery(config, options.language)
    document = public_info.build(config, result, catalogue, words=paper.words)
    output_dir = Path(options.report_dir or ".").expanduser()
    return render(
        document, paper, generated_at=utc_now(), output_dir=output_dir, formats=options.formats
    ).paths


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--as-of {text!r}: use YEAR-MONTH-DAY, e.g. 2026-08-15") from None


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"--timezone {name!r}: not a time zone (e.g. Asia/Makassar)") from None
