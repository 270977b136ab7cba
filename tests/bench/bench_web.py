"""Website-check throughput on loopback endpoints (printed, never asserted).

Run:  .venv/bin/python tests/bench/bench_web.py [--endpoints 500] [--slow 200] [--jobs 200]

1. Availability + TLS over ``--endpoints`` HTTPS endpoints on loopback:
   checks per second with the bounded pool (``--jobs``) and with a naive
   sequential loop (the same checks, one at a time).
2. Wall time for ``--slow`` endpoints that each answer after 0.5 s
   (availability only), fully concurrent; the target is under 1.5 s. The
   sequential loop is measured on ``--sequential-sample`` of them and
   scaled up (the full sequential run would take ``--slow`` x 0.5 s).

Every endpoint is a port of one asyncio server, run in a child process so
the servers' TLS work does not share this process's interpreter lock with
the checks; nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import tempfile
import time
from datetime import UTC
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from opskit.config.schema import Site, WebSettings  # noqa: E402
from opskit.web.runner import RunInput, plan, run  # noqa: E402
from support.farm import Endpoint, Farm  # noqa: E402
from support.web import CertificateFactory  # noqa: E402


class FarmProcess:
    """A Farm in a child process; ``urls`` come back through a pipe."""

    def __init__(self, endpoints: list[Endpoint], cert: Path, key: Path) -> None:
        self.parent, child = multiprocessing.Pipe()
        self.process = multiprocessing.Process(
            target=_serve, args=(child, endpoints, cert, key), daemon=True
        )

    def start(self) -> FarmProcess:
        self.process.start()
        self.urls: list[str] = self.parent.recv()
        return self

    def stop(self) -> None:
        self.parent.send("stop")
        self.process.join(30)


def _serve(connection: object, endpoints: list[Endpoint], cert: Path, key: Path) -> None:
    farm = Farm(endpoints, cert, key).start()
    connection.send(farm.urls)  # type: ignore[attr-defined]
    connection.recv()  # type: ignore[attr-defined]
    farm.stop()


def sites(urls: list[str]) -> list[Site]:
    return [
        Site(name=f"s{index}", url=url, retries=0, timeout_seconds=10, require_https_redirect=False)
        for index, url in enumerate(urls)
    ]


def timed_run(
    chosen: list[Site], only: list[str], data: RunInput, jobs: int
) -> tuple[float, int, int]:
    tasks = plan(chosen, only, data)
    started = time.perf_counter()
    outputs = run(tasks, jobs)
    elapsed = time.perf_counter() - started
    results = [result for output in outputs for result in output.results]
    ok = sum(result.status.value == "OK" for result in results)
    return elapsed, len(results), ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoints", type=int, default=500)
    parser.add_argument("--slow", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sequential-sample", type=int, default=20)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        certificates = CertificateFactory(Path(directory))
        cert, key = certificates.issue("bench", "127.0.0.1")
        settings = WebSettings(ca_bundle=certificates.ca_file)
        data = RunInput(settings=settings, zone=UTC, cache_dir=Path(directory))

        farm = FarmProcess([Endpoint(tls=True)] * options.endpoints, cert, key).start()
        try:
            chosen = sites(farm.urls)
            print(f"1. availability + TLS, {options.endpoints} HTTPS endpoints on loopback")
            samples = [
                timed_run(chosen, ["http", "tls"], data, options.jobs)
                for _ in range(options.repeats)
            ]
            median = statistics.median(sample[0] for sample in samples)
            checks = samples[0][1]
            print(
                f"   pool of {options.jobs:>3}: {checks} checks in {median:6.2f} s (median of "
                f"{options.repeats}) = {checks / median:7.0f} checks/s, {samples[0][2]} OK"
            )
            sequential = timed_run(chosen, ["http", "tls"], data, 1)
            print(
                f"   sequential : {sequential[1]} checks in {sequential[0]:6.2f} s"
                f"            = {sequential[1] / sequential[0]:7.0f} checks/s "
                f"({sequential[0] / median:.1f}x slower)"
            )
        finally:
            farm.stop()

        farm = FarmProcess(
            [Endpoint(tls=True, delay_seconds=0.5)] * options.slow, cert, key
        ).start()
        try:
            chosen = sites(farm.urls)
            print(
                f"2. {options.slow} HTTPS endpoints each answering after 0.5 s (availability only)"
            )
            samples = [
                timed_run(chosen, ["http"], data, max(options.jobs, options.slow))
                for _ in range(options.repeats)
            ]
            median = statistics.median(sample[0] for sample in samples)
            verdict = "meets" if median < 1.5 else "MISSES"
            print(
                f"   pool of {max(options.jobs, options.slow):>3}: wall {median:6.2f} s (median of "
                f"{options.repeats}; target < 1.5 s: {verdict}), {samples[0][2]} OK"
            )
            sample = chosen[: options.sequential_sample]
            elapsed, _, _ = timed_run(sample, ["http"], data, 1)
            print(
                f"   sequential : {len(sample)} endpoints in {elapsed:6.2f} s -> "
                f"{elapsed / len(sample) * options.slow:6.1f} s for {options.slow} (scaled)"
            )
        finally:
            farm.stop()


if __name__ == "__main__":
    main()
