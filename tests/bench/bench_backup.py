"""opskit backup run vs restic backup called directly on the same data (printed, never asserted).

Run:  .venv/bin/python tests/bench/bench_backup.py [--runs 5] [--mib 1024] [--small 20000]

It times the ``opskit`` command installed beside that Python: ``make test``
installs opskit there as a wheel, as users get it (``make lint`` and ``make
dev`` make the install editable, whose import hook adds about 0.01 s).

Generates, in a temporary directory that is removed afterwards, 1 GiB of
mixed files (random and compressible, large and medium) and 20,000 small
files. For each data set and each run, both tools back up into a fresh
repository of their own (same restic, same flags, same cache setting); the
order alternates between runs. opskit's runs follow ``opskit backup init``,
as a first backup does. Prints the median wall times, their ratio, restic's
own throughput from its summary, and the time each spends outside restic's
own backup work (start-up, config, recording).

Then the common nightly case: a run with nothing changed. Each tool backs
up both data sets into a repository it keeps; after one untimed run each,
``--unchanged-runs`` runs of each alternate, nothing changing in between.

Each case also prints the overhead as the median of the paired runs and
from the fastest run of each side, which a busy moment on a shared machine
sways less than the medians. Goal (issue 17): opskit's overhead under
0.15 s, a no-change ratio under 1.10 and a first-run ratio under 1.03.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PASSWORD = "bench-password-0123456789"


def make_mixed(root: Path, mib: int) -> None:
    """``mib`` MiB: half random (incompressible), half repetitive text; 64 MiB to 256 KiB files."""
    root.mkdir(parents=True)
    written, index = 0, 0
    sizes = [64 << 20, 16 << 20, 4 << 20, 1 << 20, 256 << 10]
    while written < mib << 20:
        size = min(sizes[index % len(sizes)], (mib << 20) - written)
        path = root / f"dir{index % 8}" / f"file{index}.bin"
        path.parent.mkdir(exist_ok=True)
        if index % 2:
            path.write_bytes(os.urandom(size))
        else:
            line = f"Perkara {index} putusan pengadilan agama\n".encode()
            path.write_bytes((line * (size // len(line) + 1))[:size])
        written += size
        index += 1


def make_small(root: Path, count: int) -> None:
    """``count`` files of 100 B to 8 KiB in 100 folders (a CMS's uploads and cache)."""
    for index in range(count):
        folder = root / f"d{index % 100}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"f{index}.txt").write_bytes(os.urandom(100 + (index * 37) % 8000))


def direct(
    data: Path | list[Path], repository: Path, password: Path, cache: Path, init: bool = True
) -> tuple[float, dict]:
    env = {
        **os.environ,
        "RESTIC_REPOSITORY": str(repository),
        "RESTIC_PASSWORD_FILE": str(password),
        "RESTIC_CACHE_DIR": str(cache),
    }
    if init:
        subprocess.run(["restic", "init"], env=env, check=True, capture_output=True)
    paths = [str(path) for path in (data if isinstance(data, list) else [data])]
    started = time.perf_counter()
    completed = subprocess.run(
        ["restic", "backup", "--json", "--tag", "opskit-set=bench", "--", *paths],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - started
    summary = json.loads(completed.stdout.strip().splitlines()[-1])
    return elapsed, summary


def opskit_command() -> list[str]:
    """The ``opskit`` command installed beside this Python, as users run it; else ``-m``."""
    script = Path(sys.executable).with_name("opskit")
    return [str(script)] if script.exists() else [sys.executable, "-m", "opskit"]


def through_opskit(
    data: Path | list[Path], workdir: Path, password: Path, init: bool = True
) -> tuple[float, dict]:
    paths = [str(path) for path in (data if isinstance(data, list) else [data])]
    config = workdir / "opskit.yaml"
    config.write_text(
        json.dumps(
            {
                "organisation": {"name": "Bench"},
                "paths": {"state_dir": str(workdir / "state")},
                "backup": {
                    "repositories": [
                        {
                            "name": "bench",
                            "path": str(workdir / "repo"),
                            "password_file": str(password),
                        }
                    ],
                    "sets": [{"name": "bench", "paths": paths, "repositories": ["bench"]}],
                },
            }
        )
    )
    opskit = [*opskit_command(), "--config", str(config)]
    if init:
        subprocess.run([*opskit, "backup", "init"], check=True, capture_output=True)
    started = time.perf_counter()
    completed = subprocess.run(
        [*opskit, "backup", "run", "--format", "json"], check=True, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - started
    return elapsed, json.loads(completed.stdout)["results"][0]["evidence"]


def measure(name: str, data: Path, scratch: Path, password: Path, runs: int) -> None:
    subprocess.run(["du", "-sh", str(data)], check=True, capture_output=True)  # warm the cache
    direct_times, opskit_times, throughput = [], [], []
    # Wall time minus restic's own backup time (its summary): start-up and wrapping only.
    direct_outside, opskit_outside = [], []
    for run in range(runs):
        order = ("direct", "opskit") if run % 2 == 0 else ("opskit", "direct")
        for which in order:
            workdir = scratch / f"{name}-{which}-{run}"
            workdir.mkdir()
            if which == "direct":
                elapsed, summary = direct(
                    data, workdir / "repo", password, workdir / "state" / "backup" / "cache"
                )
                direct_times.append(elapsed)
                direct_outside.append(elapsed - summary["total_duration"])
                throughput.append(summary["total_bytes_processed"] / summary["total_duration"])
            else:
                elapsed, evidence = through_opskit(data, workdir, password)
                opskit_times.append(elapsed)
                opskit_outside.append(elapsed - evidence["duration_seconds"])
            subprocess.run(["rm", "-rf", str(workdir)], check=True)
    restic_median, opskit_median = statistics.median(direct_times), statistics.median(opskit_times)
    overhead = opskit_median - restic_median
    print(
        f"{name:<22} restic {restic_median:7.2f} s   opskit {opskit_median:7.2f} s   "
        f"ratio {opskit_median / restic_median:5.3f}   overhead {overhead:+5.2f} s"
        f"   restic throughput {statistics.median(throughput) / (1 << 20):6.1f} MiB/s"
        f"   (median of {runs}, {load()}; restic min/max"
        f" {min(direct_times):.2f}/{max(direct_times):.2f} s,"
        f" opskit min/max {min(opskit_times):.2f}/{max(opskit_times):.2f} s)"
    )
    print(
        f"{'':<22} outside restic's own backup time:"
        f" restic {statistics.median(direct_outside):.2f} s,"
        f" opskit {statistics.median(opskit_outside):.2f} s"
        " (the wrapper's own cost, independent of how busy the machine is)"
    )
    print(f"{'':<22} {paired(direct_times, opskit_times)}")


def paired(direct_times: list[float], opskit_times: list[float]) -> str:
    """The overhead as the median of each run's pair (opskit minus the restic run beside it)
    and as the ratio of the fastest runs: less swayed than the medians by a busy moment on
    a shared machine, which lengthens one run of one side."""
    differences = [mine - theirs for mine, theirs in zip(opskit_times, direct_times, strict=True)]
    return (
        f"paired: overhead {statistics.median(differences):+5.3f} s (median of the"
        f" {len(differences)} pairs); fastest runs: ratio"
        f" {min(opskit_times) / min(direct_times):5.3f},"
        f" overhead {min(opskit_times) - min(direct_times):+5.3f} s"
    )


def measure_unchanged(data: list[Path], scratch: Path, password: Path, runs: int) -> None:
    """Backups with nothing changed since the last: what a quiet night costs."""
    direct_dir, opskit_dir = scratch / "unchanged-direct", scratch / "unchanged-opskit"
    direct_dir.mkdir()
    opskit_dir.mkdir()
    cache = direct_dir / "state" / "backup" / "cache"
    direct(data, direct_dir / "repo", password, cache)
    through_opskit(data, opskit_dir, password)
    direct_times, opskit_times, direct_outside, opskit_outside = [], [], [], []
    for run in range(runs):
        order = ("direct", "opskit") if run % 2 == 0 else ("opskit", "direct")
        for which in order:
            if which == "direct":
                elapsed, summary = direct(data, direct_dir / "repo", password, cache, init=False)
                direct_times.append(elapsed)
                direct_outside.append(elapsed - summary["total_duration"])
            else:
                elapsed, evidence = through_opskit(data, opskit_dir, password, init=False)
                opskit_times.append(elapsed)
                opskit_outside.append(elapsed - evidence["duration_seconds"])
    restic_median, opskit_median = statistics.median(direct_times), statistics.median(opskit_times)
    print(
        f"{'nothing changed':<22} restic {restic_median:7.2f} s   opskit {opskit_median:7.2f} s   "
        f"ratio {opskit_median / restic_median:5.3f}   overhead "
        f"{opskit_median - restic_median:+5.2f} s   (median of {runs} interleaved; restic "
        f"min/max {min(direct_times):.2f}/{max(direct_times):.2f} s, opskit min/max "
        f"{min(opskit_times):.2f}/{max(opskit_times):.2f} s; {load()})"
    )
    print(
        f"{'':<22} outside restic's own backup time:"
        f" restic {statistics.median(direct_outside):.2f} s,"
        f" opskit {statistics.median(opskit_outside):.2f} s"
    )
    print(f"{'':<22} {paired(direct_times, opskit_times)}")


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--unchanged-runs", type=int, default=15, help="runs of the nothing-changed case"
    )
    parser.add_argument("--mib", type=int, default=1024, help="size of the mixed data set")
    parser.add_argument("--small", type=int, default=20000, help="number of small files")
    options = parser.parse_args()
    # An installed opskit has its bytecode compiled (pip does that at install time); a
    # PYTHONDONTWRITEBYTECODE inherited from the shell would make every start compile again.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory(prefix="opskit-bench-") as directory:
        scratch = Path(directory)
        password = scratch / "password"
        password.write_text(PASSWORD + "\n")
        password.chmod(0o600)
        started = time.perf_counter()
        make_mixed(scratch / "mixed", options.mib)
        make_small(scratch / "small", options.small)
        print(f"generated the data in {time.perf_counter() - started:.1f} s under {scratch}")
        print(f"command: {' '.join(sys.argv)}")
        measure(f"{options.mib} MiB mixed", scratch / "mixed", scratch, password, options.runs)
        measure(f"{options.small} small files", scratch / "small", scratch, password, options.runs)
        measure_unchanged(
            [scratch / "mixed", scratch / "small"], scratch, password, options.unchanged_runs
        )


if __name__ == "__main__":
    main()
