"""opskit report recap over a month of 100,000 results (printed, never asserted).

Run:  .venv/bin/python tests/bench/bench_recap.py [--results 100000] [--runs 5] [--keep DIR]

The store is tests/support/history_data.py's month (November 2026: runs of
1,000 results of 200 sites, web.http, web.tls and host.disk). The recap is
written in HTML, PDF and Markdown; beside it, ``--formats html`` (no PDF)
and ``sqlite3`` running the recap's heaviest aggregate alone, so the share
of the store reads, the charts and the PDF shows. Goal (issue 17): under 3 s.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import compare, load, table  # noqa: E402

from support.history_data import fill  # noqa: E402

CONFIG = (
    "organisation: {name: Pengadilan Agama Bench, timezone: Asia/Makassar}\n"
    "paths: {state_dir: state}\n"
)
# The recap's by-SOP-row table: every result of the month, grouped.
AGGREGATE = (
    "SELECT COALESCE(sop_row, '') AS sop_row, check_id, status, COUNT(*) AS n FROM results"
    " WHERE observed_at >= '2026-10-31T16:00:00' AND observed_at < '2026-11-30T16:00:00'"
    " GROUP BY 1, check_id, status"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path)
    options = parser.parse_args()
    sqlite3 = shutil.which("sqlite3")
    if sqlite3 is None:
        raise SystemExit("sqlite3 is missing: tools/install-system-deps --test installs it")
    place = options.keep or Path(tempfile.mkdtemp(prefix="opskit-bench-recap-"))
    try:
        database = place / "state" / "history.sqlite"
        if not database.exists():
            print(f"  generating a store of {options.results:,} results ...", flush=True)
            fill(database, options.results)
        (place / "opskit.yaml").write_text(CONFIG)
        opskit = [sys.executable, "-m", "opskit", "report", "recap", "--month", "2026-11"]
        cases = {
            "sqlite3: the by-SOP-row aggregate alone": [sqlite3, str(database), AGGREGATE],
            "opskit report recap (html, pdf, md)": opskit,
            "opskit report recap --formats html": [*opskit, "--formats", "html"],
        }
        print(f"recap of a month of {options.results:,} results ({load()})")
        print(
            table(
                compare(cases, options.runs, cwd=place), "sqlite3: the by-SOP-row aggregate alone"
            )
        )
        print("  goal: the recap under 3 s")
    finally:
        if options.keep is None:
            shutil.rmtree(place, ignore_errors=True)


if __name__ == "__main__":
    main()
