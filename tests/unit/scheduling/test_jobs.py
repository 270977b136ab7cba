"""Due-job logic, windows, heartbeat and sharding on a clock the test controls (Asia/Makassar)."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

import pytest

from opskit.config.schema import Job, MaintenanceWindow
from opskit.result import Status
from opskit.scheduling.heartbeat import evaluate
from opskit.scheduling.jobs import JobState, interval, is_due, next_fire, ordered, previous_fire
from opskit.scheduling.windows import covering
from opskit.sharding import Shard, parse_shard

ZONE = zoneinfo.ZoneInfo("Asia/Makassar")


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=ZONE)


def job(cron: str, run: str = "check host", catch_up: str = "once", name: str = "job") -> Job:
    return Job(name=name, cron=cron, run=run, catch_up=catch_up)  # type: ignore[arg-type]


def test_fire_times_are_in_the_organisations_time_zone() -> None:
    daily = "0 16 * * *"

    assert previous_fire(daily, at(22, 16), ZONE) == at(22, 16)
    assert previous_fire(daily, at(22, 15, 59), ZONE) == at(21, 16)
    assert next_fire(daily, at(22, 16), ZONE) == at(23, 16)
    assert interval("*/15 * * * *", at(22, 9), ZONE) == timedelta(minutes=15)
    assert interval("0 8 1 * *", at(22, 9), ZONE) >= timedelta(days=28)


def test_a_new_job_waits_for_its_first_time() -> None:
    state = JobState(first_seen=at(22, 10))

    assert not is_due(job("0 16 * * *"), state, at(22, 15), ZONE)
    assert is_due(job("0 16 * * *"), state, at(22, 16, 1), ZONE)


def test_a_job_runs_once_per_fire_time_and_once_after_many_missed() -> None:
    ran = JobState(first_seen=at(1, 0), last_started=at(22, 9, 0))
    hourly = job("0 * * * *")

    assert not is_due(hourly, ran, at(22, 9, 30), ZONE)
    assert is_due(hourly, ran, at(22, 10, 0), ZONE)
    # Machine off for two days: many fire times missed, still just one run now.
    assert is_due(hourly, ran, at(24, 9, 30), ZONE)
    assert not is_due(
        hourly, JobState(first_seen=at(1, 0), last_started=at(24, 9, 31)), at(24, 9, 59), ZONE
    )


def test_catch_up_skip_waits_when_the_missed_time_is_old() -> None:
    state = JobState(first_seen=at(1, 0), last_started=at(20, 16, 0))
    report = job("0 16 * * *", run="report daily --send", catch_up="skip")

    assert is_due(report, state, at(21, 16, 5), ZONE)  # on time
    assert is_due(report, state, at(21, 16, 55), ZONE)  # 55 min late: within the 1 h grace
    assert not is_due(report, state, at(21, 18, 0), ZONE)  # 2 h late: wait for tomorrow
    assert not is_due(report, state, at(22, 15, 0), ZONE)  # 23 h late
    assert is_due(report, state, at(22, 15, 0), ZONE, catch_up="once")


def test_backups_run_before_verification_and_checks_before_reports() -> None:
    jobs = [
        job("* * * * *", run, name=name)
        for name, run in (
            ("a-report", "report daily --send"),
            ("b-verify", "backup verify"),
            ("c-web", "check host"),
            ("d-backup", "backup run"),
            ("e-recap", "report recap --send"),
        )
    ]

    assert [item.name for item in ordered(jobs)] == [
        "d-backup",
        "b-verify",
        "c-web",
        "a-report",
        "e-recap",
    ]


def test_maintenance_windows_one_off_and_recurring() -> None:
    windows = [
        MaintenanceWindow(
            name="update",
            # Naive, as written in opskit.yaml: read in the organisation's time zone.
            start=datetime(2026, 12, 5, 20, 0),  # noqa: DTZ001
            end=datetime(2026, 12, 5, 23, 0),  # noqa: DTZ001
            targets=["web1", "web1:*"],
        ),
        MaintenanceWindow(
            name="restart", cron="0 22 * * 6", duration_minutes=30, targets=["website"]
        ),
    ]
    saturday = datetime(2026, 12, 5, 22, 10, tzinfo=ZONE)

    assert covering(windows, "web1:/var", saturday, ZONE).name == "update"
    assert covering(windows, "website", saturday, ZONE).name == "restart"
    assert covering(windows, "website", saturday + timedelta(minutes=25), ZONE) is None
    assert covering(windows, "db1", saturday, ZONE) is None
    assert covering(windows, "web1", datetime(2026, 12, 5, 23, 0, tzinfo=ZONE), ZONE) is None


def test_heartbeat_is_late_then_critical_when_the_scheduler_stops() -> None:
    hourly = job("0 * * * *", name="host-checks")
    state = JobState(first_seen=at(1, 0), last_started=at(22, 9, 0), last_status="OK")

    fresh = evaluate(hourly, state, at(22, 10, 0), ZONE)
    late = evaluate(hourly, state, at(22, 11, 0), ZONE)
    stopped = evaluate(hourly, state, at(22, 12, 30), ZONE)
    never = evaluate(hourly, JobState(first_seen=at(22, 0)), at(22, 4), ZONE)

    assert (fresh.check_id, fresh.status, fresh.target) == (
        "schedule.heartbeat",
        Status.OK,
        "host-checks",
    )
    assert late.status is Status.WARNING
    assert stopped.status is Status.CRITICAL
    assert "is `opskit run` still being called" in stopped.summary
    assert never.status is Status.CRITICAL and "never run" in never.summary
    assert stopped.sop_row == "C1"


@pytest.mark.parametrize("count", range(1, 8))
def test_every_target_lands_in_exactly_one_shard(count: int) -> None:
    targets = [f"site-{number:03d}.pa-example.go.id" for number in range(300)]
    shards = [Shard(index, count) for index in range(1, count + 1)]

    owners = {
        target: [shard.index for shard in shards if shard.contains(target)] for target in targets
    }

    assert all(len(found) == 1 for found in owners.values())
    assert owners == {
        target: [shard.index for shard in shards if shard.contains(target)] for target in targets
    }
    if count > 1:
        sizes = [sum(1 for found in owners.values() if found == [shard.index]) for shard in shards]
        assert min(sizes) > 0


def test_shard_assignment_is_stable_across_processes() -> None:
    # Fixed expectations: a change of hash would move targets between machines.
    assert [Shard(index, 4).contains("www.pa-penajam.go.id") for index in range(1, 5)].count(
        True
    ) == 1
    assert parse_shard("2/4") == Shard(2, 4)
    for bad in ("0/4", "5/4", "2", "a/b", "2/0"):
        with pytest.raises(Exception, match="--shard"):
            parse_shard(bad)
