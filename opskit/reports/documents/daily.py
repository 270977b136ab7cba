"""The daily situation report (SOP F5): everything checked today, at a glance."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from opskit import incidents
from opskit.config.schema import Config
from opskit.reports.documents.common import check_title, signatures
from opskit.reports.i18n import Words
from opskit.reports.render import Document
from opskit.result import Result, Status, worst
from opskit.store import RunRecord, Store


def day_window(day: date, words: Words) -> tuple[datetime, datetime]:
    """Midnight to midnight of ``day`` in the organisation's time zone."""
    start = datetime.combine(day, time.min, tzinfo=words.zone)
    return start, start + timedelta(days=1)


def build(config: Config, store: Store, day: date, words: Words, now: datetime) -> Document:
    start, end = day_window(day, words)
    latest = store.latest(since=start, until=end)
    counts = {status.value: 0 for status in Status}
    for result in latest:
        counts[result.status.value] += 1
    problems = sorted(
        (result for result in latest if result.status is not Status.OK),
        key=lambda result: (-result.status.severity, result.check_id, result.target),
    )
    overall = worst(result.status for result in latest) if latest else Status.UNKNOWN
    period = incidents.listing(store, since=start, until=end)
    # Open at the end of that day (for today: open now).
    open_now = incidents.listing(store, since=min(now, end), until=min(now, end))
    runs = store.runs(since=start, limit=500)
    last_runs: dict[str, RunRecord] = {}
    for run in runs:
        last_runs.setdefault(run.command, run)
    heartbeats = job_heartbeats(config, store, now, words)
    organisation = config.organisation.display_name
    moment = min(now, end - timedelta(seconds=1))
    return Document(
        kind="daily",
        template="daily.html.j2",
        title=words("daily.title"),
        number="",
        stem=f"daily-{day.isoformat()}",
        subject=words(
            "daily.subject",
            organisation=organisation,
            date=words.date(start),
            status=words.status(overall.value),
        ),
        chat_text=words(
            "daily.chat",
            date=words.date(start),
            ok=counts["OK"],
            warning=counts["WARNING"],
            critical=counts["CRITICAL"],
            unknown=counts["UNKNOWN"],
            open=len(open_now),
        ),
        context={
            "day_text": words.weekday_date(moment),
            "counts": counts,
            "total": len(latest),
            "overall": overall,
            "problems": [(result, check_title(result.check_id, words)) for result in problems],
            "open_incidents": [
                (incident, check_title(incident.check_id, words)) for incident in open_now
            ],
            "opened_today": [incident for incident in period if start <= incident.opened_at < end],
            "resolved_today": [
                incident
                for incident in period
                if incident.resolved_at and start <= incident.resolved_at < end
            ],
            "last_runs": sorted(last_runs.values(), key=lambda run: run.command),
            "heartbeats": heartbeats,
            "now": now,
        },
        signatures=signatures(config, "daily", words),
        raw=[
            (
                f"{check_title(result.check_id, words)} — {words.target(result.target)}",
                result.evidence,
            )
            for result in problems
        ],
    )


def job_heartbeats(config: Config, store: Store, now: datetime, words: Words) -> list[Result]:
    """When each scheduled job last ran, judged like ``opskit check schedule`` (the heartbeat)."""
    from opskit.scheduling.heartbeat import evaluate
    from opskit.scheduling.jobs import JobState

    saved = store.state_items("schedule.jobs")
    return [
        evaluate(job, JobState.from_dict(saved[job.name]), now, words.zone)
        for job in config.schedule.jobs
        if job.name in saved
    ]
