"""Incident lifecycle over a sequence of runs, on a store and a clock the test controls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from opskit import incidents
from opskit.errors import NotFoundError, UsageError
from opskit.identity import Actor
from opskit.result import Result, Status
from opskit.store import Store

START = datetime(2026, 11, 3, 2, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def result(
    status: Status, at: datetime, check_id: str = "web.http", target: str = "website"
) -> Result:
    return Result(
        check_id, target, status, f"{status.value} at {at:%H:%M}", sop_row="F1", observed_at=at
    )


def run(
    store: Store, *results: Result, acknowledged: timedelta | None = None
) -> list[tuple[str, int]]:
    now = max(item.observed_at for item in results)
    store.record_run("check web", now, now, list(results), Status.OK)
    return [
        (event.kind, event.incident.id)
        for event in incidents.process(
            store, results, now, remind_every=timedelta(hours=4), remind_acknowledged=acknowledged
        )
    ]


@pytest.fixture
def store(history_location: Any) -> Store:
    return Store.open(history_location)


def test_critical_opens_once_reminds_at_the_interval_and_resolves_with_duration(
    store: Store,
) -> None:
    events = [
        run(store, result(Status.OK, START)),
        run(store, result(Status.CRITICAL, START + HOUR)),
        run(store, result(Status.CRITICAL, START + 2 * HOUR)),
        run(store, result(Status.UNKNOWN, START + 3 * HOUR)),
        run(store, result(Status.CRITICAL, START + 5 * HOUR)),
        run(store, result(Status.WARNING, START + 6 * HOUR)),
        run(store, result(Status.OK, START + 7 * HOUR)),
        run(store, result(Status.OK, START + 8 * HOUR)),
    ]

    assert events == [[], [("opened", 1)], [], [], [("reminder", 1)], [], [("resolved", 1)], []]
    incident = incidents.get(store, 1)
    assert (incident.state, incident.reminders) == ("resolved", 1)
    assert incident.duration_seconds(START + 10 * HOUR) == 6 * 3600
    timeline = [note.note for note in incidents.notes(store, 1) if note.kind == "event"]
    assert timeline == ["opened", "reminder", "resolved"]


def test_warning_and_unknown_never_open_an_incident(store: Store) -> None:
    assert run(store, result(Status.WARNING, START)) == []
    assert run(store, result(Status.UNKNOWN, START + HOUR)) == []
    assert incidents.listing(store) == []


def test_targets_are_independent_and_a_new_outage_is_a_new_incident(store: Store) -> None:
    first = run(
        store,
        result(Status.CRITICAL, START, target="a"),
        result(Status.CRITICAL, START, target="b"),
    )
    run(store, result(Status.OK, START + HOUR, target="a"))
    again = run(store, result(Status.CRITICAL, START + 2 * HOUR, target="a"))

    assert first == [("opened", 1), ("opened", 2)]
    assert again == [("opened", 3)]
    assert [incident.id for incident in incidents.listing(store, open_only=True)] == [3, 2]


def test_acknowledgement_is_recorded_as_follow_up(store: Store) -> None:
    run(store, result(Status.CRITICAL, START))

    incidents.acknowledge(store, 1, by("Budi Santoso"), "restarted php-fpm", START + HOUR)

    [note] = [note for note in incidents.notes(store, 1) if note.kind == "ack"]
    assert (note.author, note.note) == ("Budi Santoso", "restarted php-fpm")
    with pytest.raises(UsageError):
        incidents.acknowledge(store, 1, by("  "), "x", START)
    with pytest.raises(NotFoundError, match="no incident 99"):
        incidents.acknowledge(store, 99, by("Budi"), "x", START)


def test_an_acknowledged_incident_is_not_reminded_until_its_status_changes(store: Store) -> None:
    opened = run(store, result(Status.CRITICAL, START))
    incidents.acknowledge(store, 1, by("Budi Santoso"), "disk dibersihkan", START + HOUR)
    quiet = [run(store, result(Status.CRITICAL, START + hours * HOUR)) for hours in (5, 9, 13)]
    changed = run(store, result(Status.UNKNOWN, START + 14 * HOUR))

    assert opened == [("opened", 1)]
    assert quiet == [[], [], []]  # 4-hour reminders, but Budi is on it
    assert changed == [("reminder", 1)]  # something happened since the acknowledgement


def test_an_acknowledged_incident_can_be_reminded_at_its_own_interval(store: Store) -> None:
    run(store, result(Status.CRITICAL, START), acknowledged=12 * HOUR)
    incidents.acknowledge(store, 1, by("Budi Santoso"), "menunggu penyedia", START + HOUR)
    events = [
        run(store, result(Status.CRITICAL, START + hours * HOUR), acknowledged=12 * HOUR)
        for hours in (5, 12, 13, 25)
    ]

    assert events == [[], [], [("reminder", 1)], [("reminder", 1)]]  # 12 h after the ack, then 12 h


def by(name: str) -> Actor:
    return Actor(name=name, roles=frozenset(), edge="terminal")
