"""IT service request timings on a busy office's month (printed, never asserted).

Run:  .venv/bin/python tests/bench/bench_requests.py [--requests 2000] [--repeats 3]

A month of ``--requests`` requests is written through the same code the
commands use (register, then a share of them disposed ... closed, rejected
at verification or at approval, the rest waiting), then timed:

1. ``check requests`` (one result per open request, lateness and reminders; the limit
   of lateness is set high so that no incident report is written, those are timed
   with the incidents);
2. ``request list --state all`` (every request with its clock, JSON);
3. the console inbox of the kasubbag (every open request, which steps she may take);
4. ``report requests --register permintaan`` as HTML + CSV + XLSX, then with PDF;
5. the recap's request figures for the month.

The comparison anchor, measured in the same run: reading every request and every
step straight from SQLite with one query each (the floor any of the above stands on).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import sys
import tempfile
import time
import zoneinfo
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from opskit.actions import requests as actions  # noqa: E402
from opskit.cli import main  # noqa: E402
from opskit.config.load import load  # noqa: E402
from opskit.context import AppContext  # noqa: E402
from opskit.helpdesk.figures import month_figures  # noqa: E402
from opskit.helpdesk.records import NewRequest  # noqa: E402
from opskit.identity import terminal_actor  # noqa: E402
from opskit.procedures.clock import OfficeClock  # noqa: E402
from opskit.procedures.definition import procedure  # noqa: E402
from opskit.store import Store  # noqa: E402

MAKASSAR = zoneinfo.ZoneInfo("Asia/Makassar")
PEOPLE = [
    {"name": "Budi Santoso", "roles": ["operator"], "login": "budi"},
    {"name": "Siti Aminah", "roles": ["kasubbag_ti"], "login": "siti"},
    {"name": "Dewi Lestari", "roles": ["sekretaris"], "login": "dewi"},
    {"name": "Ahmad Fauzi", "roles": ["ketua"], "login": "ahmad"},
    {"name": "Rina Wulandari", "roles": ["pegawai"], "login": "rina"},
]
PATH = [("dispose", "dewi", {"assignee": "Siti Aminah"}), ("study", "siti", {}),
        ("classify", "siti", {"category": "hardware"}), ("verify", "siti", {}),
        ("prioritise", "siti", {"urgency": "high", "impact": "medium"}),
        ("consider", "siti", {}), ("approve", "ahmad", {}), ("handle", "budi", {}),
        ("close", "rina", {})]  # fmt: skip


def month_of_requests(config_path: Path, count: int) -> float:
    """Write ``count`` requests over November 2026; returns the seconds it took."""
    config = load(config_path)
    context = AppContext(None, interactive=False, config=config)
    started = time.perf_counter()
    days = [date(2026, 11, day) for day in range(2, 28) if date(2026, 11, day).weekday() < 5]
    for index in range(count):
        moment = datetime.combine(days[index % len(days)], datetime.min.time(), MAKASSAR)
        moment += timedelta(hours=8, minutes=(index * 7) % 420)
        rina = terminal_actor(config, "rina")
        form = NewRequest(
            requester=rina.name,
            requester_login="rina",
            unit="Kepaniteraan",
            contact="0812",
            subject=f"Permintaan {index}",
            description="Uraian",
        )
        request = actions.new(context, rina, form, now=moment).data["id"]
        # A tenth stop at each stage, so every state is well populated.
        for step, login, values in PATH[: index % 10]:
            moment += timedelta(minutes=4 + index % 9)
            actions.take(
                context,
                request,
                step,
                terminal_actor(config, login),
                note="catatan",
                values=values,
                now=moment,
            )
    context.close()
    return time.perf_counter() - started


def median_seconds(repeats: int, call: Callable[[], object]) -> float:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def opskit(config: Path, *arguments: str) -> Callable[[], int]:
    def call() -> int:
        with contextlib.redirect_stdout(io.StringIO()):
            code = main(["--quiet", "--config", str(config), *arguments])
        if code not in (0, 1, 2):
            raise SystemExit(f"opskit {' '.join(arguments)} exited {code}")
        return code

    return call


def run(count: int, repeats: int) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        config_path = root / "opskit.yaml"
        config_path.write_text(yaml.safe_dump({
            "organisation": {"name": "Pengadilan Agama Bench", "timezone": "Asia/Makassar"},
            "paths": {"state_dir": str(root / "state")},
            "people": PEOPLE,
            # Nothing here opens incidents (their reports are timed elsewhere).
            "procedures": {"critical_after_hours": 8000},
        }))  # fmt: skip
        writing = month_of_requests(config_path, count)
        config = load(config_path)
        store = Store.open(config.history_db)
        siti = terminal_actor(config, "siti")
        now = datetime(2026, 12, 1, 9, tzinfo=MAKASSAR)
        chosen = procedure(config, "service-request")

        def floor() -> None:
            store.read("SELECT * FROM requests")
            store.read("SELECT * FROM procedure_steps WHERE procedure = 'service-request'")

        rows = {
            "anchor: read every request and step (SQL)": median_seconds(repeats, floor),
            "check requests": median_seconds(repeats, opskit(config_path, "check", "requests")),
            "request list --state all --format json": median_seconds(
                repeats, opskit(config_path, "request", "list", "--state", "all", "--format",
                                "json")),
            "console inbox of the kasubbag": median_seconds(
                repeats, lambda: actions.inbox(config, store, siti, now)),
            "report requests (html, csv, xlsx)": median_seconds(
                repeats, opskit(config_path, "report", "requests", "--register", "permintaan",
                                "--month", "2026-11", "--formats", "html,csv,xlsx")),
            "report requests (with pdf)": median_seconds(
                1, opskit(config_path, "report", "requests", "--register", "permintaan",
                          "--month", "2026-11", "--formats", "pdf")),
            "recap figures for the month": median_seconds(
                repeats, lambda: month_figures(
                    store, chosen, OfficeClock.of(config),
                    start=datetime(2026, 11, 1, tzinfo=MAKASSAR),
                    end=datetime(2026, 12, 1, tzinfo=MAKASSAR), now=now)),
        }  # fmt: skip
        steps = store.read("SELECT COUNT(*) AS n FROM procedure_steps")[0]["n"]
        store.close()
    print(
        f"{count} requests, {steps} steps written in {writing:.1f} s "
        f"({writing / steps * 1000:.1f} ms per step, each its own transaction)"
    )
    anchor = rows["anchor: read every request and step (SQL)"]
    for name, seconds in rows.items():
        print(f"  {name:<45} {seconds:8.3f} s   {seconds / anchor:8.0f} x anchor")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    arguments = parser.parse_args()
    run(arguments.requests, arguments.repeats)
