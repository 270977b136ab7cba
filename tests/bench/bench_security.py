"""Security check timings (printed, never asserted).

Run:  .venv/bin/python tests/bench/bench_security.py [--runs 5] [--files 20000]

Prints medians for:
- firewall verdicts: following packets through ufw's captured chains
  (iptables-save) and a captured nftables ruleset, per decision;
- the web root listing: the playbook's find + sha256sum on a generated
  tree of --files files, then parsing and comparing it with a baseline;
- `opskit check <area>` on this machine (the local host) for each area,
  and `opskit check security` for all of them.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "security"


def median_seconds(work: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def bench_verdicts(runs: int) -> None:
    from opskit.security.iptables import parse_save
    from opskit.security.netfilter import Packet, decide
    from opskit.security.nftables import parse_ruleset

    ufw = [parse_save((DATA / "ufw-iptables-save.txt").read_text(), "ipv4", "iptables")]
    nft = parse_ruleset((DATA / "nft-drop.json").read_text())
    packets = [Packet("ipv4", "tcp", port) for port in range(1, 1001)]
    for name, rulesets in (("ufw chains (iptables-save)", ufw), ("nftables drop ruleset", nft)):
        seconds = median_seconds(
            lambda rulesets=rulesets: [decide(rulesets, p) for p in packets], runs
        )
        print(f"  {name:<32} {seconds / len(packets) * 1e6:8.1f} us per packet verdict")


def bench_web_root(runs: int, files: int) -> None:
    from opskit.playbooks.security import web_listing
    from opskit.security.webfiles import manifest, parse_listing

    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory) / "html"
        for index in range(files):
            folder = root / f"d{index % 100:02d}"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"page{index}.php").write_text(f"<?php echo {index};\n")
        command = ["sh", "-c", "err=/dev/null; " + web_listing(str(root), 51200)]
        output = subprocess.run(command, capture_output=True, check=True).stdout.decode()
        listing = median_seconds(
            lambda: subprocess.run(command, capture_output=True, check=True), runs
        )
        baseline = manifest(parse_listing(output))
        parse = median_seconds(lambda: manifest(parse_listing(output)) == baseline, runs)
        print(f"  find + sha256sum of {files} files      {listing:8.2f} s")
        print(f"  parse + compare with the baseline     {parse:8.2f} s")


def bench_commands(runs: int) -> None:
    opskit = [sys.executable, "-m", "opskit"]
    with tempfile.TemporaryDirectory() as directory:
        workdir = Path(directory)
        (workdir / "www" / "uploads").mkdir(parents=True)
        (workdir / "www" / "index.php").write_text("<?php echo 1;\n")
        (workdir / "opskit.yaml").write_text(
            "organisation: {name: Bench}\npaths: {state_dir: state}\n"
            "hosts:\n  - name: local\n    local: true\n"
            f"    security: {{web_files: {{roots: [{workdir / 'www'}]}}}}\n"
        )
        (workdir / "opskit.yaml").chmod(0o600)
        for area in ("firewall", "ports", "ssh", "antivirus", "updates", "webfiles", "security"):
            argv = [*opskit, "check", area, "local"]
            seconds = median_seconds(
                lambda argv=argv: subprocess.run(
                    argv, cwd=workdir, capture_output=True, check=False
                ),
                runs,
            )
            print(f"  opskit check {area:<24} {seconds:8.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=int, default=20000)
    arguments = parser.parse_args()
    print(f"firewall verdicts (median of {arguments.runs} runs of 1000 packets)")
    bench_verdicts(arguments.runs)
    print(f"web root integrity (median of {arguments.runs} runs)")
    bench_web_root(arguments.runs, arguments.files)
    print(f"commands on this machine (median of {arguments.runs} runs)")
    bench_commands(arguments.runs)


if __name__ == "__main__":
    main()
