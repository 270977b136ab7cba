"""Timing commands side by side: interleaved runs, medians, peak memory, the machine's load.

Every benchmark of issue-level figures prints both sides of its comparison
from one run of this module's ``compare``: the runs of each side alternate
(A B A B ...), so a change in the machine's load falls on both alike.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Samples:
    """Wall seconds and peak resident memory (MB) of each run of one command."""

    seconds: list[float] = field(default_factory=list)
    megabytes: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def memory(self) -> float:
        return statistics.median(self.megabytes) if self.megabytes else 0.0


def load() -> str:
    """The load average now, to print beside every figure (2 shared cores)."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f}"


def environment() -> dict[str, str]:
    """This environment, less PYTHONDONTWRITEBYTECODE: an installed opskit has its bytecode
    (pip compiles at install, ``make dev`` too), and that variable would make every start
    compile again."""
    return {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def run_once(
    argv: Sequence[str], cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> tuple[float, float, int]:
    """(wall seconds, peak RSS in MB, exit code) of one run, output discarded."""
    started = time.perf_counter()
    process = subprocess.Popen(
        list(argv),
        cwd=cwd,
        env=dict(env) if env is not None else environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024, process.returncode


def compare(
    cases: Mapping[str, Sequence[str] | Callable[[], float]],
    runs: int,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    before_each: Callable[[str], None] | None = None,
) -> dict[str, Samples]:
    """Run every case ``runs`` times, interleaved; a case is an argv or a function timing itself."""
    samples = {name: Samples() for name in cases}
    for _ in range(runs):
        for name, case in cases.items():
            if before_each is not None:
                before_each(name)
            if callable(case):
                samples[name].seconds.append(case())
                continue
            elapsed, megabytes, code = run_once(case, cwd, env)
            if code not in (0, 1, 2):
                raise SystemExit(f"{name} failed with exit code {code}: {' '.join(case)}")
            samples[name].seconds.append(elapsed)
            samples[name].megabytes.append(megabytes)
    return samples


def table(samples: Mapping[str, Samples], anchor: str, note: str = "") -> str:
    """The medians, spreads and memory of each side, and each one's ratio to ``anchor``."""
    base = samples[anchor].median
    lines = [f"  {'':<44} {'median':>9} {'min':>8} {'max':>8} {'memory':>9} {'ratio':>7}"]
    for name, found in samples.items():
        memory = f"{found.memory:7.1f}MB" if found.megabytes else "        -"
        lines.append(
            f"  {name:<44} {found.median:8.3f}s {min(found.seconds):7.3f}s "
            f"{max(found.seconds):7.3f}s {memory} {found.median / base:6.2f}x"
        )
    runs = len(next(iter(samples.values())).seconds)
    lines.append(f"  (medians of {runs} interleaved runs; {load()}){note}")
    return "\n".join(lines)
