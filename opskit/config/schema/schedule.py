"""``schedule:``: scheduled jobs and maintenance windows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    Field,
    model_validator,
)

from opskit.config.schema.common import ConfigPath, Name, Section


def _cron(value: str) -> str:
    from cronsim import CronSim, CronSimError

    try:
        CronSim(value, datetime.now(UTC))
    except CronSimError as error:
        raise ValueError(f"not a valid cron expression: {error}") from None
    return value


CronExpression = Annotated[str, AfterValidator(_cron)]


class Job(Section):
    name: Name = Field(description="Job name.")
    cron: CronExpression = Field(
        description="When it runs: a cron expression (minute hour day month weekday) in the "
        "organisation's time zone."
    )
    run: str = Field(
        description="The opskit command it runs, e.g. 'check web' or 'report daily --send'."
    )
    timeout_minutes: float = Field(
        60, gt=0, description="Stop the job if it runs longer than this."
    )
    catch_up: Literal["once", "skip"] = Field(
        "once",
        description="After missed runs (machine off, scheduler stopped): 'once' runs the job once "
        "late; 'skip' waits for its next time unless it is at most a tenth of its interval late "
        "(10 minutes to 1 hour).",
    )


class MaintenanceWindow(Section):
    name: str = Field(description="What the maintenance is.")
    start: datetime | None = Field(
        None, description="Start (organisation's time zone unless it has one)."
    )
    end: datetime | None = Field(None, description="End of a one-off window.")
    cron: CronExpression | None = Field(None, description="Start of a recurring window, as cron.")
    duration_minutes: float | None = Field(None, gt=0, description="Length of a recurring window.")
    targets: list[str] = Field(
        default_factory=lambda: ["*"],
        description="Targets it covers, as shell patterns (web1, web1:*, www*); default all.",
    )

    @model_validator(mode="after")
    def _when(self) -> MaintenanceWindow:
        one_off = self.start is not None and self.end is not None
        recurring = self.cron is not None and self.duration_minutes is not None
        if one_off == recurring:
            raise ValueError(
                "give start and end (one-off), or cron and duration_minutes (recurring)"
            )
        if one_off and self.end <= self.start:  # type: ignore[operator]
            raise ValueError("end must be after start")
        return self


# The SOP's frequencies: website and visitors daily (F1-F3; websites every 15
# minutes so an outage is seen the same morning), backups daily (D7, F2) and
# verified weekly (D5), network and security weekly (C2, D1), servers hourly
# (C5), the daily report on working days (F5), the recap monthly (C11); the
# procedures' late steps are looked for in office hours: service requests every
# 15 minutes (B), website content hourly (E), the IT policy register daily (A).
DEFAULT_JOBS: list[dict[str, str]] = [
    {"name": "website", "cron": "*/15 * * * *", "run": "check web"},
    {"name": "host-checks", "cron": "0 * * * *", "run": "check host"},
    {"name": "backup", "cron": "30 1 * * *", "run": "backup run"},
    {"name": "backup-check", "cron": "0 6 * * *", "run": "check backup"},
    {"name": "backup-verify", "cron": "0 3 * * 0", "run": "backup verify"},
    {"name": "visitor-logs", "cron": "0 6 * * *", "run": "check logs"},
    {"name": "security", "cron": "0 7 * * 1", "run": "check security"},
    {"name": "service-requests", "cron": "*/15 7-17 * * 1-5", "run": "check requests"},
    {"name": "website-content", "cron": "5 7-17 * * 1-5", "run": "check content"},
    {"name": "it-policy", "cron": "0 8 * * 1-5", "run": "check policy"},
    {"name": "daily-report", "cron": "0 16 * * 1-5", "run": "report daily --send"},
    {"name": "monthly-recap", "cron": "0 8 1 * *", "run": "report recap --send --month previous"},
    {
        "name": "maintenance-schedule",
        "cron": "0 8 25 * *",
        "run": "report schedule --send --month next",
    },
    {"name": "heartbeat", "cron": "30 7 * * *", "run": "check schedule"},
]


class Schedule(Section):
    jobs: list[Job] = Field(
        default_factory=list,
        description="Jobs `opskit run` starts when they are due (call it every few minutes from "
        "cron, a systemd timer or CI: `opskit schedule install`).",
        examples=[DEFAULT_JOBS],
    )
    maintenance_windows: list[MaintenanceWindow] = Field(
        default_factory=list,
        description="Times when targets are being worked on: results are recorded but no incident "
        "is opened or announced.",
        json_schema_extra={
            "commented_examples": [
                {
                    "name": "Server update",
                    "start": "2026-12-05T20:00",
                    "end": "2026-12-05T23:00",
                    "targets": ["web1", "web1:*"],
                },
                {
                    "name": "Weekly restart",
                    "cron": "0 22 * * 6",
                    "duration_minutes": 30,
                    "targets": ["website"],
                },
            ]
        },
    )
    metrics_file: ConfigPath | None = Field(
        None,
        description="Write Prometheus metrics here after every `opskit run` (node_exporter "
        "textfile collector, e.g. /var/lib/prometheus/node-exporter/opskit.prom).",
    )
