"""The agenda register: numbers per document kind and year, never reused, safe across processes."""

from __future__ import annotations

import subprocess
import sys
import zoneinfo
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from opskit.config.load import load
from opskit.errors import ConfigError
from opskit.reports import register
from opskit.store import Store

MAKASSAR = zoneinfo.ZoneInfo("Asia/Makassar")
PATTERN = "W17-A5/{seq}/HK.05/{month_roman}/{year}"
DECEMBER = datetime(2026, 12, 3, 4, 0, tzinfo=UTC)

# Each process waits for the go file, then asks for a number, and prints it.
ASK = """
import sys, time, zoneinfo
from datetime import datetime, UTC
from pathlib import Path
from opskit.reports import register
from opskit.store import Store

database, key, go = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
store = Store.open(database)
while not go.exists():
    time.sleep(0.001)
entry = register.assign(
    store, kind="daily", key=key, moment=datetime(2026, 12, 3, tzinfo=UTC),
    zone=zoneinfo.ZoneInfo("Asia/Makassar"), pattern="{seq}/LHS/{year}",
)
print(entry.sequence, entry.number)
"""


def ask(
    store: Store, key: str, moment: datetime = DECEMBER, kind: str = "incident"
) -> register.Entry:
    return register.assign(store, kind=kind, key=key, moment=moment, zone=MAKASSAR, pattern=PATTERN)


def test_numbers_follow_the_pattern_and_a_rerendering_keeps_its_number(
    history_location: Any,
) -> None:
    with Store.open(history_location) as store:
        first = ask(store, "incident-1-opened")
        second = ask(store, "incident-2-opened")
        again = ask(store, "incident-1-opened", moment=datetime(2027, 2, 1, tzinfo=UTC))
        other_kind = ask(store, "daily-2026-12-03", kind="daily")

    assert first.number == "W17-A5/1/HK.05/XII/2026"
    assert second.number == "W17-A5/2/HK.05/XII/2026"
    assert again == first  # same number, same letter date
    assert other_kind.sequence == 1  # each kind has its own run of numbers


def test_a_new_year_starts_at_one_in_the_organisations_time_zone(history_location: Any) -> None:
    with Store.open(history_location) as store:
        ask(store, "a")
        last_of_2026 = ask(store, "b", moment=datetime(2026, 12, 31, 15, 59, tzinfo=UTC))
        # 16.00 UTC on 31 December is already 1 January 2027 in Makassar (WITA, UTC+8).
        first_of_2027 = ask(store, "c", moment=datetime(2026, 12, 31, 16, 0, tzinfo=UTC))
        next_of_2027 = ask(store, "d", moment=datetime(2027, 3, 1, tzinfo=UTC))

    assert last_of_2026.number == "W17-A5/2/HK.05/XII/2026"
    assert first_of_2027.number == "W17-A5/1/HK.05/I/2027"
    assert next_of_2027.sequence == 2


def test_a_number_is_never_given_again_even_when_its_entry_is_gone(history_location: Any) -> None:
    with Store.open(history_location) as store:
        ask(store, "a")
        ask(store, "b")
        with store.transaction() as connection:
            connection.execute("DELETE FROM register_entries WHERE key = 'b'")
        after = ask(store, "c")

    assert after.sequence == 3


def test_two_processes_asking_at_once_get_different_consecutive_numbers(tmp_path: Path) -> None:
    database, go = tmp_path / "history.sqlite", tmp_path / "go"
    Store.open(database).close()
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", ASK, str(database), f"daily-{index}", str(go)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for index in range(2)
    ]
    go.touch()
    printed = [process.communicate(timeout=60)[0].split() for process in processes]

    assert all(process.returncode == 0 for process in processes)
    assert sorted(int(sequence) for sequence, _ in printed) == [1, 2]
    assert sorted(number for _, number in printed) == ["1/LHS/2026", "2/LHS/2026"]


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("W17-A5/{nomor}/{year}", "unknown field {nomor}"),
        ("W17-A5/HK.05/{year}", "needs {seq}"),
    ],
)
def test_a_bad_number_pattern_is_a_config_error(make_config, pattern: str, problem: str) -> None:
    path = make_config({"reports": {"numbering": {"incident": pattern}}})

    with pytest.raises(ConfigError) as raised:
        load(path)

    assert "reports.numbering.incident" in str(raised.value) + " ".join(raised.value.details)
    assert problem in str(raised.value) + " ".join(raised.value.details)
