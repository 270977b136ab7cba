"""Access-log analysis speed and memory against GoAccess (printed, never asserted).

Run:  .venv/bin/python tests/bench/bench_logs.py [--lines 1000000] [--runs 3] [--jobs 2]
      (--no-flat skips the runs on five times the lines; --quick skips the formats)

Writes two realistic combined logs into a temporary directory: the dense
sample (tests/bench/logs_sample.py: a few thousand addresses within hours,
so timestamps repeat) and a month of a small court's site
(tests/bench/logs_month.py: about 9,000 addresses over 30 days of which 50
attack, crawlers, feed readers, assets; sparse timestamps). For each, it
times the real command, ``opskit logs analyze FILE --format json`` with all
rules on (output to /dev/null), and ``goaccess FILE --log-format=COMBINED
-o OUT.json`` on the same file, alternating, ``--runs`` times each, then
opskit on the same log gzip-compressed. It prints median lines per second
of both by wall time and by CPU time (other load on a shared machine
disturbs CPU time less) and their ratios, and the peak memory of all
opskit's processes together (sampled from /proc). Then opskit alone on
the month log in each other format it finds by itself (common, virtual
host, syslog prefix, JSON lines of nginx, Caddy and Traefik, times without
zone) and on an nginx error log, and on five times the lines (plain and
.gz) to show memory stays flat.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import logs_formats  # noqa: E402 - the generators next to this file
import logs_month  # noqa: E402
import logs_sample  # noqa: E402

COMMAND = ".venv/bin/python tests/bench/bench_logs.py"
SAMPLE_SECONDS = 0.01


@dataclass
class Run:
    seconds: float
    cpu_seconds: float = 0.0
    largest_rss_bytes: int = 0
    total_rss_bytes: int = 0


class TreeMemory(threading.Thread):
    """Samples the memory of a process and all its descendants until stopped.

    The sum of their resident sizes gives the peak of all processes together;
    each process's own high-water mark (VmHWM) gives the largest single one.
    """

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_total_bytes = 0
        self.peak_single_bytes = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            sizes = [_memory_bytes(pid) for pid in _tree(self.pid)]
            self.peak_total_bytes = max(self.peak_total_bytes, sum(rss for rss, _ in sizes))
            self.peak_single_bytes = max([self.peak_single_bytes, *(hwm for _, hwm in sizes)])
            self.done.wait(SAMPLE_SECONDS)


def _tree(root: int) -> list[int]:
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        try:
            for task in Path(f"/proc/{pid}/task").iterdir():
                children = (task / "children").read_text()
                pending += [int(child) for child in children.split()]
        except OSError:
            continue
    return found


def _memory_bytes(pid: int) -> tuple[int, int]:
    """Resident size now and at its highest, of one process (0, 0 once it is gone)."""
    values = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            name, _, rest = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                values[name] = int(rest.split()[0]) * 1024
    except (OSError, ValueError):
        pass
    return values.get("VmRSS", 0), values.get("VmHWM", 0)


def measured(argv: list[str]) -> Run:
    """Wall time and peak memory of one run of ``argv`` (stdout to /dev/null)."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=errors)
        sampler = TreeMemory(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        # opskit exits 1 or 2 when it finds something; anything else is a failure.
        if process.returncode not in (0, 1, 2):
            errors.seek(0)
            text = errors.read().decode(errors="replace")[-500:]
            raise SystemExit(f"{' '.join(argv)} failed ({process.returncode}): {text}")
    # wait4 counts the process and the children it waited for (opskit's workers).
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, cpu, sampler.peak_single_bytes, sampler.peak_total_bytes)


def opskit_argv(log: Path, jobs: int) -> list[str]:
    script = Path(sys.executable).parent / "opskit"
    base = [str(script)] if script.exists() else [sys.executable, "-m", "opskit"]
    return [*base, "logs", "analyze", str(log), "--format", "json", "--jobs", str(jobs)]


def goaccess_argv(log: Path, output: Path) -> list[str]:
    return ["goaccess", str(log), "--log-format=COMBINED", "-o", str(output), "--no-progress"]


def write_log(path: Path, lines: int, shape: str) -> float:
    started = time.perf_counter()
    (logs_month if shape == "month" else logs_sample).write(str(path), lines)
    return time.perf_counter() - started


def gzipped(path: Path) -> Path:
    """``path`` compressed as logrotate does (gzip -6), next to it."""
    target = path.with_name(path.name + ".gz")
    with path.open("rb") as source, gzip.open(target, "wb", compresslevel=6) as output:
        shutil.copyfileobj(source, output, 1 << 20)
    return target


def megabytes(value: int) -> str:
    return f"{value / 1_000_000:.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="lines in each log")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each program")
    parser.add_argument("--jobs", type=int, default=2, help="opskit scanning threads")
    parser.add_argument("--no-flat", action="store_true", help="skip the 5x memory runs")
    parser.add_argument("--quick", action="store_true", help="skip the other formats")
    options = parser.parse_args()
    extra = (" --no-flat" if options.no_flat else "") + (" --quick" if options.quick else "")
    print(
        f"command: {COMMAND} --lines {options.lines} --runs {options.runs} "
        f"--jobs {options.jobs}{extra}"
    )
    if shutil.which("goaccess") is None:
        print("goaccess is not installed (tools/install-system-deps --test): nothing to compare")
        return
    version = subprocess.run(
        ["goaccess", "--version"], capture_output=True, text=True, check=False
    ).stdout.split("\n")[0]
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; {version}")
    with tempfile.TemporaryDirectory(prefix="opskit-bench-logs-") as directory:
        workdir = Path(directory)
        for shape in ("month", "dense"):
            compare(workdir, shape, options)
        if not options.quick:
            formats(workdir / "month.log", options)
        if not options.no_flat:
            flat(workdir, options)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"(all runs: {children.ru_utime + children.ru_stime:.1f} s of CPU)")


def compare(workdir: Path, shape: str, options: argparse.Namespace) -> None:
    """opskit against GoAccess on one log, then opskit on the same log gzip-compressed."""
    log = workdir / f"{shape}.log"
    generated = write_log(log, options.lines, shape)
    print(
        f"\n{shape} log: {options.lines:,} lines, {megabytes(log.stat().st_size)}, "
        f"written in {generated:.1f} s"
    )
    opskit_runs, goaccess_runs = [], []
    for _ in range(options.runs):
        opskit_runs.append(measured(opskit_argv(log, options.jobs)))
        goaccess_runs.append(measured(goaccess_argv(log, workdir / "goaccess.json")))
    report = json.loads((workdir / "goaccess.json").read_text())
    print(f"goaccess counted {report['general']['valid_requests']:,} valid requests")
    opskit_rate, opskit_cpu = show("opskit logs analyze", opskit_runs, options.lines)
    goaccess_rate, goaccess_cpu = show("goaccess", goaccess_runs, options.lines)
    print(
        f"ratio: opskit reads {opskit_rate / goaccess_rate:.1f}x the lines per second "
        f"({opskit_cpu / goaccess_cpu:.1f}x the lines per CPU second)"
    )
    memory("opskit peak memory", opskit_runs, options.lines)
    packed = gzipped(log)
    gz_runs = [measured(opskit_argv(packed, options.jobs)) for _ in range(options.runs)]
    gz_rate, _ = show("opskit on .gz", gz_runs, options.lines)
    print(f"ratio: .gz at {gz_rate / opskit_rate:.2f}x the speed of plain; "
          f"{gz_rate / goaccess_rate:.1f}x GoAccess's plain lines per second")  # fmt: skip
    memory("opskit peak memory (.gz)", gz_runs, options.lines)
    packed.unlink()
    print(f"load average after: {os.getloadavg()[0]:.2f}")


def formats(month: Path, options: argparse.Namespace) -> None:
    """opskit alone on the month log rewritten in each other format it finds by itself."""
    print("\nother formats (opskit alone; the format is found from the first lines):")
    for name in logs_formats.FORMATS:
        target = month.with_name("format.log")
        written = logs_formats.rewrite(month, target, name, options.lines)
        runs = [measured(opskit_argv(target, options.jobs)) for _ in range(options.runs)]
        show(f"{name:<20}", runs, written)
        target.unlink()


def flat(workdir: Path, options: argparse.Namespace) -> None:
    """Memory on five times the lines (plain and .gz): it should not grow with the log."""
    month = workdir / "month.log"
    longer = workdir / "month-5x.log"
    lines = 5 * options.lines
    generated = write_log(longer, lines, "month")
    print(f"\nmonth log x5: {lines:,} lines, {megabytes(longer.stat().st_size)} "
          f"(written in {generated:.1f} s)")  # fmt: skip
    month.unlink(missing_ok=True)
    run = measured(opskit_argv(longer, options.jobs))
    show("opskit 5x", [run], lines)
    memory("opskit peak memory", [run], lines)
    packed = gzipped(longer)
    longer.unlink()
    run = measured(opskit_argv(packed, options.jobs))
    show("opskit 5x .gz", [run], lines)
    memory("opskit peak memory (.gz)", [run], lines)


def show(name: str, runs: list[Run], lines: int) -> tuple[float, float]:
    """Prints the median wall time and CPU time; returns lines per second of both."""
    times = [run.seconds for run in runs]
    median = statistics.median(times)
    cpu = statistics.median(run.cpu_seconds for run in runs)
    print(
        f"{name:<20} median {median:6.2f} s (min {min(times):.2f}, max {max(times):.2f})"
        f" {lines / median:>10,.0f} lines/s; CPU {cpu:.2f} s, {lines / cpu:,.0f} lines/CPU s"
    )
    return lines / median, lines / cpu


def memory(label: str, runs: list[Run], lines: int) -> None:
    largest = max(run.largest_rss_bytes for run in runs)
    total = max(run.total_rss_bytes for run in runs)
    print(
        f"{label} at {lines:,} lines: largest process {megabytes(largest)}, "
        f"all processes together {megabytes(total)} (sampled)"
    )


if __name__ == "__main__":
    main()
