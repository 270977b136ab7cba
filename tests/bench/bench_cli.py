"""Start-up and host-check timings of the opskit command (printed, never asserted).

Run:  .venv/bin/python tests/bench/bench_cli.py [--runs 15]

Prints the median and spread of wall time for `opskit --help` (what every
cron line and Nagios call pays), `opskit config validate`, and
`opskit check host` on this machine, next to a bare `python -c pass`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CONFIG = """\
organisation: {name: Bench}
paths: {state_dir: state}
"""


def timed(argv: list[str], runs: int, cwd: Path) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
        )
        samples.append(time.perf_counter() - started)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    # An installed opskit has its bytecode compiled (pip does that at install time); a
    # PYTHONDONTWRITEBYTECODE inherited from the shell would make every start compile again.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    opskit = [sys.executable, "-m", "opskit"]
    with tempfile.TemporaryDirectory() as directory:
        workdir = Path(directory)
        (workdir / "opskit.yaml").write_text(CONFIG)
        cases = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "opskit --help": [*opskit, "--help"],
            "opskit config validate": [*opskit, "config", "validate"],
            "opskit check host (local)": [*opskit, "check", "host"],
        }
        baseline = None
        print(f"{'command':<28} {'median':>9} {'min':>9} {'max':>9}  vs python   ({runs} runs)")
        for name, argv in cases.items():
            samples = timed(argv, runs, workdir)
            median = statistics.median(samples)
            baseline = baseline or median
            print(
                f"{name:<28} {median * 1000:8.0f}ms {min(samples) * 1000:8.0f}ms "
                f"{max(samples) * 1000:8.0f}ms  {median / baseline:6.1f}x"
            )


if __name__ == "__main__":
    main()
