"""Many courts in one PostgreSQL store: runners' write throughput, the supervisor's page.

Run:  .venv/bin/python tests/bench/bench_fleet.py [--courts 400] [--days 3] [--runners 8]

A private PostgreSQL server (Debian's binaries, as the tests start it) gets
``--courts`` courts of 3 sites each, every site checked every 5 minutes for
``--days`` days (``--days 30`` is the issue's month: about 10 million results;
the default, 3 days, about 1 million, takes a few minutes to generate).
Printed, never asserted:

- insert throughput: ``--runners`` processes at once, each recording the
  5-minute runs of its share of the courts (3 results a run, then incident
  processing, as ``opskit check web`` does), against the schedule's need
  (all courts once per 5 minutes) and its 10x goal; beside it, the same
  runners writing one SQLite file (the comparison anchor, same run);
- the supervisor's page (``actions.supervision``: every court, worst first):
  median and p95 of 20 readings, goal p95 under 500 ms;
- one court's monthly-recap queries over its generated history.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import load  # noqa: E402

from support.postgres import PostgreSQL  # noqa: E402

SLOT_MINUTES = 5
SITES = 3
WRITER = """
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from opskit import incidents
from opskit.result import Metric, Result, Status
from opskit.store import Store
from opskit.store.location import StoreLocation

where, password_file, first, last, slots = sys.argv[1:6]
start = datetime(2026, 12, 1, tzinfo=UTC)
for number in range(int(first), int(last)):
    code = f"pa_{number:03d}"
    location = (
        StoreLocation(url=where, password_file=Path(password_file), organisation=code)
        if where.startswith("postgresql") else StoreLocation(path=Path(where))
    )
    with Store.open(location) as store:
        for slot in range(int(slots)):
            at = start + timedelta(minutes=5 * slot)
            results = [
                Result("web.http", f"{code}-situs{site}",
                       Status.CRITICAL if (number + slot + site) % 97 == 0 else Status.OK,
                       "ok", metrics=(Metric("response_ms", 100.0 + site, "ms"),), observed_at=at)
                for site in range(3)
            ]
            store.record_run("check web", at, at, results, Status.OK)
            incidents.process(store, results, at, timedelta(hours=4))
"""


def generate(server: PostgreSQL, database: str, courts: int, days: int) -> int:
    """Each court's schema (migrated by opskit) and its history, generated in the database."""
    from opskit.store import Store
    from opskit.store.location import StoreLocation

    slots = days * 24 * 60 // SLOT_MINUTES
    start = datetime(2026, 11, 1, tzinfo=UTC)
    for number in range(courts):
        code = f"pa_{number:03d}"
        Store.open(
            StoreLocation(
                url=server.url(database),
                password_file=server.password_file,
                organisation=code,
                organisation_name=f"Pengadilan Agama {number:03d}",
            )
        ).close()
        schema = f"org_{code}"
        server.sql(
            f"INSERT INTO {schema}.runs (id, command, started_at, finished_at, status, exit_code,"
            " machine, pid, opskit_version, uid)"
            " SELECT g, 'check web', to_char(t, 'YYYY-MM-DD\"T\"HH24:MI:SS.US+00:00'),"
            " to_char(t, 'YYYY-MM-DD\"T\"HH24:MI:SS.US+00:00'), 'OK', 0, 'bench', 1, 'bench',"
            f" md5('{code}' || g) FROM generate_series(1, {slots}) g,"
            f" LATERAL (SELECT TIMESTAMP '{start:%Y-%m-%d}' + (g - 1) * INTERVAL '5 minutes') s(t);"
            f"INSERT INTO {schema}.results (run_id, check_id, target, status, summary, evidence,"
            " metrics, observed_at)"
            f" SELECT r.id, 'web.http', '{code}-situs' || s, CASE WHEN (r.id + s) % 97 = 0"
            " THEN 'CRITICAL' ELSE 'OK' END, 'ok', '{}',"
            ' \'[{"name": "response_ms", "value": \' || (100 + s) || \', "unit": "ms"}]\','
            f" r.started_at FROM {schema}.runs r, generate_series(0, {SITES - 1}) s;"
            f"SELECT setval(pg_get_serial_sequence('{schema}.runs', 'id'), {slots})",
            database,
        )
        if number % 50 == 49:
            print(f"  {number + 1} courts generated", flush=True)
    server.sql("ANALYZE", database)
    return courts * slots * SITES


def write_throughput(where: str, password_file: str, courts: int, runners: int) -> float:
    """Results a second recorded by ``runners`` processes, each for its share of the courts."""
    slots = 12  # an hour of 5-minute runs per court
    share = courts // runners
    # Each court's schema made and migrated first: that is once per court, not per run.
    subprocess.run(
        [sys.executable, "-c", WRITER, where, password_file, "0", str(share * runners), "0"],
        check=True,
    )
    started = time.perf_counter()
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WRITER,
                where,
                password_file,
                str(index * share),
                str((index + 1) * share),
                str(slots),
            ]
        )  # fmt: skip
        for index in range(runners)
    ]
    for process in processes:
        process.wait()
    seconds = time.perf_counter() - started
    return share * runners * slots * SITES / seconds


def supervisor_page(server: PostgreSQL, database: str, courts: int, tmp: Path) -> list[float]:
    import yaml

    from opskit.actions.supervision import supervision
    from opskit.config.load import load as load_config
    from opskit.store import Store

    config_path = tmp / "pta.yaml"
    config_path.write_text(
        yaml.safe_dump(
            {
                "organisation": {
                    "name": "Pengadilan Tinggi Agama Bench",
                    "code": "pta_bench",
                    "oversees": [
                        {"code": f"pa_{n:03d}", "name": f"Pengadilan Agama {n:03d}"}
                        for n in range(courts)
                    ],
                },
                "paths": {"state_dir": str(tmp / "state")},
                "store": {
                    "url": server.url(database),
                    "password_file": str(server.password_file),
                },
            }
        )
    )
    config = load_config(config_path)
    timings = []
    with Store.open(config.store_location) as store:
        for _ in range(20):
            began = time.perf_counter()
            data = supervision(config, store, datetime.now(UTC))
            timings.append(time.perf_counter() - began)
    assert len(data["courts"]) == courts
    return timings


def recap_queries(server: PostgreSQL, database: str) -> float:
    """Seconds for the recap's figures of one court's month (uptime, response, daily series,
    findings per week, per SOP row): the SQL of ``opskit report recap``."""
    from opskit.reports.documents import recap
    from opskit.reports.i18n import Words
    from opskit.store import Store
    from opskit.store.location import StoreLocation

    location = StoreLocation(
        url=server.url(database), password_file=server.password_file, organisation="pa_000"
    )
    words = Words("id", UTC)
    period = recap.Period.of(2026, 11, words)
    with Store.open(location) as store:
        began = time.perf_counter()
        recap.availability(store, period)
        recap.daily_series(store, period)
        recap.findings_per_week(store, period)
        recap.by_sop_row(store, period, words)
        return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--courts", type=int, default=400)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--runners", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="opskit-bench-fleet-") as scratch:
        tmp = Path(scratch)
        server = PostgreSQL().start()
        try:
            database = server.create_database("bench")
            print(f"generating {args.courts} courts x {SITES} sites x {args.days} days ...")
            began = time.perf_counter()
            total = generate(server, database, args.courts, args.days)
            print(f"  {total:,} results in {time.perf_counter() - began:.0f} s ({load()})")

            need = args.courts * SITES / (SLOT_MINUTES * 60)
            writers = server.create_database("writers")
            shared = write_throughput(
                server.url(writers), str(server.password_file), args.courts, args.runners
            )
            sqlite = write_throughput(str(tmp / "one.sqlite"), "-", args.courts, args.runners)
            print(f"\nwrites, {args.runners} runners at once ({load()})")
            print(f"  PostgreSQL, one schema per court   {shared:9.0f} results/s")
            print(f"  SQLite, one file (anchor)          {sqlite:9.0f} results/s")
            print(f"  the schedule needs                 {need:9.1f} results/s; "
                  f"goal 10x = {10 * need:.0f}: margin {shared / need:.0f}x")  # fmt: skip

            timings = supervisor_page(server, database, args.courts, tmp)
            p95 = sorted(timings)[int(0.95 * len(timings)) - 1]
            print(f"\nsupervisor's page, {args.courts} courts ({load()})")
            print(f"  median {statistics.median(timings) * 1000:.0f} ms, "
                  f"p95 {p95 * 1000:.0f} ms (goal p95 < 500 ms)")  # fmt: skip

            seconds = recap_queries(server, database)
            print(f"\none court's recap queries over {args.days} days: {seconds:.2f} s "
                  "(goal for a month: < 5 s)")  # fmt: skip
        finally:
            server.stop()


if __name__ == "__main__":
    main()
