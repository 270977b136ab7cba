"""opskit check web against blackbox_exporter and a plain async loop (printed, never asserted).

Run:  .venv/bin/python tests/bench/bench_web_blackbox.py [--sizes 100,1000] [--runs 5]

A loopback farm (tests/support/farm.py, in a child process) serves one
site per port over plain HTTP, answering at once or after 200 ms. Each
site is checked for availability with a keyword three ways, interleaved:

- ``opskit check web --only http`` with default settings (a whole command:
  start-up, the config of N sites, the checks, the results recorded);
- Debian's ``prometheus-blackbox-exporter``, its /probe driven 64 at once;
- a plain aiohttp loop, every site at once (the floor for Python).

The two anchors also run as processes (tests/bench/web_drivers.py).
Goals (issue 17): 1,000 sites at 200 ms in under 5 s with defaults; at no
latency at least 0.8x blackbox's sites per second.
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import compare, environment, load, table  # noqa: E402

from support.farm import Endpoint, Farm, raise_open_file_limit  # noqa: E402
from support.system import free_port  # noqa: E402

HERE = Path(__file__).resolve().parent
BLACKBOX_CONFIG = {
    "modules": {
        "http_keyword": {
            "prober": "http",
            "timeout": "10s",
            "http": {
                "valid_status_codes": [200],
                "fail_if_body_not_matches_regexp": ["Pengadilan Agama"],
                "preferred_ip_protocol": "ip4",
            },
        }
    }
}


def _serve(connection: object, endpoints: list[Endpoint]) -> None:
    farm = Farm(endpoints).start()
    connection.send(farm.urls)  # type: ignore[attr-defined]
    connection.recv()  # type: ignore[attr-defined]
    farm.stop()


class FarmProcess:
    """A Farm in a child process, so serving does not share the measured processes' cores' lock."""

    def __init__(self, endpoints: list[Endpoint]) -> None:
        self.parent, child = multiprocessing.Pipe()
        self.process = multiprocessing.Process(target=_serve, args=(child, endpoints), daemon=True)

    def __enter__(self) -> list[str]:
        self.process.start()
        return list(self.parent.recv())

    def __exit__(self, *exc_info: object) -> None:
        self.parent.send("stop")
        self.process.join(30)


def start_blackbox(directory: Path) -> tuple[subprocess.Popen[bytes], str]:
    program = shutil.which("prometheus-blackbox-exporter")
    if program is None:
        raise SystemExit(
            "prometheus-blackbox-exporter is missing: tools/install-system-deps --test installs it"
        )
    config = directory / "blackbox.yml"
    config.write_text(yaml.safe_dump(BLACKBOX_CONFIG))
    address = f"127.0.0.1:{free_port()}"
    process = subprocess.Popen(
        [program, f"--config.file={config}", f"--web.listen-address={address}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://{address}/", timeout=1).close()  # noqa: S310 - loopback
            return process, f"http://{address}"
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("blackbox_exporter did not start")


def opskit_config(directory: Path, urls: list[str]) -> Path:
    config = directory / "opskit.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "organisation": {"name": "Bench", "timezone": "Asia/Makassar"},
                "paths": {"state_dir": str(directory / "state")},
                "sites": [
                    {"name": f"site{index:04d}", "url": url, "must_contain": ["Pengadilan Agama"]}
                    for index, url in enumerate(urls)
                ],
            },
            sort_keys=False,
        )
    )
    return config


def check_once(argv: list[str], what: str) -> None:
    """Run one side once and say how many sites it found up (a side that fails is no anchor)."""
    done = subprocess.run(argv, capture_output=True, text=True, env=environment(), check=False)
    if what == "opskit":
        import json

        results = json.loads(done.stdout)["results"]
        good = sum(result["status"] == "OK" for result in results)
        print(f"  check: opskit found {good}/{len(results)} sites OK")
    else:
        print(f"  check: {what}: {done.stderr.strip()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--delays", default="0,0.2")
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    raise_open_file_limit()
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="opskit-bench-web-") as name:
        directory = Path(name)
        exporter, exporter_url = start_blackbox(directory)
        try:
            for size in (int(text) for text in options.sizes.split(",")):
                for delay in (float(text) for text in options.delays.split(",")):
                    with FarmProcess([Endpoint(delay_seconds=delay)] * size) as urls:
                        place = directory / f"{size}-{delay}"
                        place.mkdir()
                        targets = place / "targets.txt"
                        targets.write_text("\n".join(urls) + "\n")
                        config = opskit_config(place, urls)
                        opskit = [python, "-m", "opskit", "--config", str(config)]
                        cases = {
                            "opskit check web --only http (defaults)": [
                                *opskit, "check", "web", "--only", "http",
                            ],
                            "blackbox_exporter, 64 probes at once": [
                                python, str(HERE / "web_drivers.py"), "blackbox", str(targets),
                                exporter_url,
                            ],
                            "plain aiohttp loop, all at once": [
                                python, str(HERE / "web_drivers.py"), "aiohttp", str(targets),
                            ],
                        }  # fmt: skip
                        print(
                            f"{size} sites over plain HTTP on loopback, answering after "
                            f"{delay * 1000:.0f} ms ({load()})"
                        )
                        check_once(
                            [*opskit, "check", "web", "--only", "http", "--format", "json"],
                            "opskit",
                        )
                        check_once(cases["blackbox_exporter, 64 probes at once"], "blackbox")
                        samples = compare(cases, options.runs)
                        print(table(samples, "blackbox_exporter, 64 probes at once"))
                        for label, found in samples.items():
                            print(f"    {label}: {size / found.median:7.0f} sites/s")
        finally:
            exporter.terminate()
            exporter.wait(10)


if __name__ == "__main__":
    main()
