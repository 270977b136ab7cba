"""Start-up of the opskit command (printed, never asserted).

Run:  .venv/bin/python tests/bench/bench_cli.py [--runs 15]

Interleaved runs of a bare ``python -c pass`` (the floor), ``opskit --help``
(what every cron line and Nagios call pays at least), ``opskit history``
with a config of one site and with one of 1,000 sites (each loaded once
before, as a daily command finds it), the whole config of 1,000 sites
loaded and validated as every other command loads it (a process doing only
that), ``opskit config validate`` (which reads the YAML every time) and
``opskit check host``. Goals (issue 17): ``--help`` and ``history`` with
1,000 sites both under 0.2 s with bytecode compiled; the config of 1,000
sites loaded in under 0.3 s.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import compare, environment, table  # noqa: E402

# What every command needing the whole config does first: find, read and validate it.
LOAD = (
    "import sys; from pathlib import Path; from opskit.config.load import load; "
    "load(Path(sys.argv[1]))"
)


def config(sites: int) -> str:
    lines = ["organisation: {name: Bench, timezone: Asia/Makassar}", "paths: {state_dir: state}"]
    if sites:
        lines.append("sites:")
    for index in range(sites):
        lines += [
            f"  - name: site{index:04d}",
            f"    url: https://site{index:04d}.pa-bench.go.id/",
            "    must_contain: [Pengadilan]",
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    opskit = [sys.executable, "-m", "opskit"]
    with tempfile.TemporaryDirectory() as directory:
        workdir = Path(directory)
        (workdir / "one.yaml").write_text(config(1))
        (workdir / "many.yaml").write_text(config(1000))
        for name in ("one.yaml", "many.yaml"):  # the first load of a config is not the daily one
            subprocess.run(
                [*opskit, "--config", name, "history"],
                cwd=workdir,
                env=environment(),
                capture_output=True,
                check=True,
            )
        cases = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "opskit --help": [*opskit, "--help"],
            "opskit history (1 site)": [*opskit, "--config", "one.yaml", "history"],
            "opskit history (1,000 sites)": [*opskit, "--config", "many.yaml", "history"],
            "config loaded (1,000 sites)": [sys.executable, "-c", LOAD, "many.yaml"],
            "opskit config validate (1,000 sites)": [
                *opskit, "--config", "many.yaml", "config", "validate",
            ],
            "opskit check host (local)": [*opskit, "--config", "one.yaml", "check", "host"],
        }  # fmt: skip
        print("start-up of opskit commands, compiled bytecode")
        print(table(compare(cases, runs, cwd=workdir), "python -c pass"))
        print("  goals: opskit --help and opskit history (1,000 sites) under 0.2 s;")
        print("         the config of 1,000 sites loaded in under 0.3 s")


if __name__ == "__main__":
    main()
