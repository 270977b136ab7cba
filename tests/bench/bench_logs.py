"""Access-log analysis speed and memory against GoAccess (printed, never asserted).

Run:  .venv/bin/python tests/bench/bench_logs.py [--lines 1000000] [--runs 3] [--jobs 2]
      (add --no-flat to skip the run on five times the lines)

Writes a realistic combined log (tests/bench/logs_sample.py: a few thousand
client addresses with browsers and their assets, Googlebot from Google's
network, impostors, and now and then an attack) into a temporary directory,
then times the real command, ``opskit logs analyze FILE --format json``
(output to /dev/null), and ``goaccess FILE --log-format=COMBINED -o OUT.json
--no-progress`` on the same file, alternating, ``--runs`` times each. Prints
median lines per second of both (of wall time, and of CPU time, which other
load on the machine disturbs less) and their ratios, opskit's peak memory
(the largest single process, and all its processes together, sampled from
/proc), and the same at five times the lines, to show memory stays flat.
The machine may be shared: its load average is printed with the figures.
"""

from __future__ import annotations

import argparse
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
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import logs_sample  # noqa: E402 - the sample generator next to this file

COMMAND = ".venv/bin/python tests/bench/bench_logs.py"
SAMPLE_SECONDS = 0.01
DAY_FORMAT = "%d/%b/%Y"


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


def write_log(path: Path, lines: int) -> float:
    started = time.perf_counter()
    logs_sample.write(str(path), lines)
    return time.perf_counter() - started


def write_days(source: Path, target: Path, days: int) -> None:
    """``days`` copies of a one-day log, each moved one day later: the same traffic, longer."""
    with source.open("rb") as stream:
        head = stream.readline()
        stream.seek(max(0, source.stat().st_size - 4096))
        tail = stream.read().rstrip(b"\n").rsplit(b"\n", 1)[-1]
    first = head[head.index(b"[") + 1 : head.index(b":")]
    if tail[tail.index(b"[") + 1 : tail.index(b":")] != first:
        raise SystemExit("the sample log spans more than one day; cannot shift it by days")
    start = datetime.strptime(first.decode() + " +0000", "%d/%b/%Y %z")
    with target.open("wb") as output:
        for day in range(days):
            label = (start + timedelta(days=day)).strftime(DAY_FORMAT).encode()
            with source.open("rb") as stream:
                for block in iter(lambda: stream.readlines(1 << 24), []):
                    text = b"".join(block)
                    output.write(text.replace(b"[" + first + b":", b"[" + label + b":"))


def megabytes(value: int) -> str:
    return f"{value / 1_000_000:.0f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000, help="lines in the log")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each program")
    parser.add_argument("--jobs", type=int, default=2, help="opskit scanning processes")
    parser.add_argument("--no-flat", action="store_true", help="skip the 5x memory run")
    options = parser.parse_args()
    flat = " --no-flat" if options.no_flat else ""
    print(
        f"command: {COMMAND} --lines {options.lines} --runs {options.runs} "
        f"--jobs {options.jobs}{flat}"
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
        log = workdir / "access.log"
        generated = write_log(log, options.lines)
        size = log.stat().st_size
        print(f"log: {options.lines:,} lines, {megabytes(size)}, written in {generated:.1f} s")
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
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        memory("opskit peak memory", opskit_runs, options.lines)
        if not options.no_flat:
            longer = workdir / "access-5x.log"
            write_days(log, longer, 5)
            log.unlink()
            run = measured(opskit_argv(longer, options.jobs))
            print(
                f"opskit on {5 * options.lines:,} lines: {run.seconds:.2f} s, "
                f"{5 * options.lines / run.seconds:,.0f} lines/s"
            )
            memory("opskit peak memory", [run], 5 * options.lines)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"(all runs: {children.ru_utime + children.ru_stime:.1f} s of CPU)")


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
