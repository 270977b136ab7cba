"""UAT run and record timings on a loopback application (printed, never asserted).

Run:  .venv/bin/python tests/bench/bench_uat.py [--steps 200] [--repeats 3]

1. ``uat run`` of a checklist of ``--steps`` page requests, then of
   ``--steps`` form submissions, against the test application, in this
   process: wall time and time per step, each run stored in the history.
2. ``report uat`` of the page run: HTML + Markdown, then HTML + PDF + Markdown.
3. ``uat show`` of that run (reading it back with every step).

Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from opskit.cli import main  # noqa: E402
from support.uat_app import ComplaintApp  # noqa: E402

PAGE = {"title": "Beranda", "http": {"path": "/", "max_ms": 2000}}
FORM = {
    "title": "Pengaduan",
    "form": {"path": "/pengaduan", "fields": {"nama": "Uji", "pesan": "X"}, "contains": ["Nomor"]},
}


def write_checklist(path: Path, step: dict[str, object], count: int) -> Path:
    steps = [{**step, "id": f"step-{index}"} for index in range(1, count + 1)]
    path.write_text(yaml.safe_dump({"title": "Bench", "application": "Bench", "steps": steps}))
    return path


def median_seconds(repeats: int, call: Callable[[], int]) -> float:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        code = call()
        samples.append(time.perf_counter() - started)
        if code != 0:
            raise SystemExit(f"opskit exited {code}")
    return statistics.median(samples)


def opskit(config: Path, *arguments: str | Path) -> Callable[[], int]:
    def call() -> int:
        with contextlib.redirect_stdout(io.StringIO()):
            return main(["--quiet", "--config", str(config), *map(str, arguments)])

    return call


def main_bench() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()
    steps, repeats = options.steps, options.repeats
    app = ComplaintApp().start()
    try:
        with tempfile.TemporaryDirectory(prefix="opskit-bench-uat-") as directory:
            root = Path(directory)
            config = root / "opskit.yaml"
            state = {"organisation": {"name": "PA Bench"}, "paths": {"state_dir": str(root)}}
            config.write_text(yaml.safe_dump(state))
            for name, step in (("page requests", PAGE), ("form submissions", FORM)):
                checklist = write_checklist(root / f"{step['title']}.yaml", step, steps)
                seconds = median_seconds(
                    repeats, opskit(config, "uat", "run", checklist, "--target", app.url)
                )
                print(
                    f"1. uat run of {steps} {name}: median {seconds:.2f} s of {repeats} "
                    f"({seconds / steps * 1000:.1f} ms per step, stored)"
                )
            out = root / "out"
            light = median_seconds(
                repeats, opskit(config, "report", "uat", "1", "--formats", "html,md", "--out", out)
            )
            full = median_seconds(repeats, opskit(config, "report", "uat", "1", "--out", out))
            size = (out / "uat" / "uat-1.pdf").stat().st_size // 1024
            print(
                f"2. report uat of a {steps}-step run: html+md median {light:.2f} s; "
                f"html+pdf+md median {full:.2f} s (PDF {size} KiB)"
            )
            shown = median_seconds(repeats, opskit(config, "uat", "show", "1", "--format", "json"))
            print(f"3. uat show of that run: median {shown * 1000:.0f} ms")
    finally:
        app.stop()


if __name__ == "__main__":
    main_bench()
