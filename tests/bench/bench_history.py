"""opskit history against sqlite3 -json on the same store (printed, never asserted).

Run:  .venv/bin/python tests/bench/bench_history.py [--sizes 100000,1000000] [--runs 5]
      [--keep DIR]   (reuse generated stores between runs; they take a while at 1M)

For each size, a store of that many results (tests/support/history_data.py:
runs of 1,000 results over a month, 70% web.http) is listed with
``opskit history --check web.http --limit N`` in each streamed format, and
with ``sqlite3 -json`` on the same query. Goal (issue 17): within 3x of
sqlite3, under 100 MB of memory at 1M results.
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

CONFIG = "organisation: {name: Bench, timezone: Asia/Makassar}\npaths: {state_dir: state}\n"


def store(directory: Path, size: int) -> Path:
    """A directory with opskit.yaml and a store of ``size`` results (made once)."""
    place = directory / f"history-{size}"
    database = place / "state" / "history.sqlite"
    if not database.exists():
        print(f"  generating a store of {size:,} results ...", flush=True)
        fill(database.with_suffix(".partial"), size)
        database.with_suffix(".partial").rename(database)
    (place / "opskit.yaml").write_text(CONFIG)
    return place


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="directory to keep the generated stores in")
    options = parser.parse_args()
    sqlite3 = shutil.which("sqlite3")
    if sqlite3 is None:
        raise SystemExit("sqlite3 is missing: tools/install-system-deps --test installs it")
    opskit = [sys.executable, "-m", "opskit"]
    keep = options.keep or Path(tempfile.mkdtemp(prefix="opskit-bench-history-"))
    keep.mkdir(parents=True, exist_ok=True)
    try:
        for size in (int(text) for text in options.sizes.split(",")):
            place = store(keep, size)
            database = place / "state" / "history.sqlite"
            query = (
                "SELECT * FROM results WHERE check_id = 'web.http'"
                f" ORDER BY observed_at DESC, id DESC LIMIT {size}"
            )
            base = [*opskit, "history", "--check", "web.http", "--limit", str(size)]
            cases = {
                "sqlite3 -json (same query)": [sqlite3, "-json", str(database), query],
                "opskit history --format json": [*base, "--format", "json"],
                "opskit history --format jsonl": [*base, "--format", "jsonl"],
                "opskit history --format csv": [*base, "--format", "csv"],
            }
            print(f"history of web.http from a store of {size:,} results ({load()})")
            samples = compare(cases, options.runs, cwd=place)
            print(table(samples, "sqlite3 -json (same query)"))
            print(
                "  goal: within 3x of sqlite3; under 100 MB at 1M results "
                "(memory = peak resident set of the process)"
            )
    finally:
        if options.keep is None:
            shutil.rmtree(keep, ignore_errors=True)


if __name__ == "__main__":
    main()
