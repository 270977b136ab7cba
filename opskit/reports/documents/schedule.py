"""The maintenance schedule, "Jadwal Pemeliharaan" (SOP C1): a calendar of the month.

opskit's own jobs come from the schedule in the config (cron expressions
in the organisation's time zone); the manual SOP activities come from
``checks/maintenance.yaml``.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

import yaml

from opskit import bounded_yaml
from opskit.config.schema import Config
from opskit.errors import ConfigError
from opskit.paths import checks_dir
from opskit.reports.documents.common import number, signatures
from opskit.reports.documents.recap import Period
from opskit.reports.i18n import Words
from opskit.reports.render import Document

MANY_PER_DAY = 3


@functools.cache
def manual_activities() -> list[dict[str, Any]]:
    path = checks_dir() / "maintenance.yaml"
    try:
        return list(bounded_yaml.load(path.read_text(encoding="utf-8")))
    except (OSError, yaml.YAMLError) as error:
        raise ConfigError(f"{path}: {error}") from None


def occurrences(cron: str, period: Period) -> list[datetime]:
    """Every time ``cron`` fires within the period, in the period's time zone."""
    from cronsim import CronSim, CronSimError

    try:
        iterator = CronSim(cron, period.start - timedelta(seconds=1))
    except CronSimError as error:
        raise ConfigError(f"cron expression {cron!r}: {error}") from None
    found = []
    for moment in iterator:
        if moment >= period.end:
            break
        found.append(moment)
    return found


def manual_days(activity: dict[str, Any], period: Period) -> list[date]:
    frequency = activity["frequency"]
    days = [
        period.start.date() + timedelta(days=offset)
        for offset in range((period.end - period.start).days)
    ]
    if frequency["every"] == "weekly":
        return [day for day in days if day.weekday() == frequency["weekday"]]
    return [working_day(day, days[-1]) for day in days if day.day == frequency["day"]]


def working_day(day: date, last: date) -> date:
    """``day`` moved to the next Monday when it falls on a weekend (within the month)."""
    moved = day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day
    return moved if moved <= last else day - timedelta(days=day.weekday() - 4)


def build(config: Config, year: int, month: int, words: Words) -> Document:
    period = Period.of(year, month, words)
    calendar_rows: dict[date, list[str]] = defaultdict(list)
    jobs = []
    for job in config.schedule.jobs:
        times = occurrences(job.cron, period)
        jobs.append({"name": job.name, "cron": job.cron, "run": job.run, "count": len(times)})
        per_day: dict[date, list[datetime]] = defaultdict(list)
        for moment in times:
            per_day[moment.date()].append(moment)
        for day, moments in per_day.items():
            if len(moments) > MANY_PER_DAY:
                first, last = words.time(moments[0]), words.time(moments[-1])
                label = f"{job.name} ({len(moments)}x, {first}-{last})"
            else:
                label = f"{job.name} ({', '.join(words.time(moment) for moment in moments)})"
            calendar_rows[day].append(label)
    manual = []
    for activity in manual_activities():
        days = manual_days(activity, period)
        title = activity["title"][words.language]
        manual.append({"sop": activity["sop"], "title": title, "days": days})
        for day in days:
            calendar_rows[day].append(f"{title} ({activity['sop']})")
    month_text = words.month(year, month)
    organisation = config.organisation.display_name
    return Document(
        kind="schedule",
        template="schedule.html.j2",
        title=words("schedule.title"),
        number=number(config, "JP", month, period.start, words),
        stem=f"schedule-{year:04d}-{month:02d}",
        subject=words("schedule.subject", organisation=organisation, month=month_text),
        chat_text=words("schedule.subject", organisation=organisation, month=month_text),
        context={
            "month_text": month_text,
            "jobs": jobs,
            "manual": manual,
            "calendar": sorted(calendar_rows.items()),
        },
        signatures=signatures(config, "schedule", words),
    )
