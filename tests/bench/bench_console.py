"""Console pages under load, on a year of history (printed, never asserted).

Run:  .venv/bin/python tests/bench/bench_console.py [--sites 50] [--hosts 10]
      [--days 365] [--clients 20] [--requests 400] [--keep DIR]

A year of generated history: every site's eight web checks each hour, every
host's host, firewall, SSH, antivirus and update checks every six hours, a
security score a day, a few incidents. ``opskit serve`` then runs as its own
process on loopback (as an office runs it) and ``--clients`` threads, each
signed in as a different person, fetch each page ``--requests`` times in
all. Printed per page: median and 95th percentile response time, requests
per second, and the page weight, beside ``/healthz`` (the server's own
round trip, the anchor) measured the same way in the same run.

Goal of the console issue: p95 under 200 ms, pages under 200 KB.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from opskit import accounts, incidents  # noqa: E402
from opskit.result import Metric, Result, Status  # noqa: E402
from opskit.store import Store  # noqa: E402
from support.system import free_port  # noqa: E402

WEB_CHECKS = ("web.http", "web.tls", "web.domain", "web.dns", "web.freshness", "web.integrity",
              "web.links", "web.exposure")  # fmt: skip
HOST_CHECKS = ("host.disk", "host.memory", "host.load", "fw.active", "fw.default-inbound",
               "net.listening", "ssh.root-login", "av.daemon", "av.signatures-age",
               "os.updates")  # fmt: skip
PASSWORD = "Bench-Password-2026"
END = datetime(2026, 12, 1, tzinfo=UTC)


def write_config(directory: Path, sites: int, hosts: int, clients: int) -> Path:
    people = [
        {"name": f"Petugas {index}", "roles": ["operator" if index % 2 else "kasubbag_ti"],
         "login": f"user{index}"}
        for index in range(clients)
    ]  # fmt: skip
    config = {
        "organisation": {"name": "Pengadilan Agama Bench", "timezone": "Asia/Makassar"},
        "paths": {"state_dir": str(directory / "state")},
        "people": people,
        "hosts": [
            {"name": f"host{index}", "address": f"192.0.2.{index + 1}"} for index in range(hosts)
        ],
        "sites": [
            {"name": f"site{index}", "url": f"https://www{index}.pa-bench.example/"}
            for index in range(sites)
        ],
    }
    path = directory / "opskit.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    path.chmod(0o600)
    return path


def generate(database: Path, sites: int, hosts: int, days: int, clients: int) -> int:
    """A year of results, written hour by hour as the scheduler would."""
    start = END - timedelta(days=days)
    count = 0
    with Store.open(database) as store:
        for index in range(clients):
            accounts.set_password(store, f"user{index}", PASSWORD, start)
        for hour in range(days * 24):
            at = start + timedelta(hours=hour)
            results = []
            for site in range(sites):
                down = (hour + site) % 97 == 0
                for check in WEB_CHECKS:
                    status = Status.CRITICAL if down and check == "web.http" else Status.OK
                    metrics = (Metric("response_ms", 150.0 + site, "ms"),)
                    if check in ("web.tls", "web.domain"):
                        metrics = (Metric("days_left", 40.0 + (site % 90), "d"),)
                    results.append(
                        Result(check, f"site{site}", status, f"{check} {status.value}",
                               metrics=metrics, observed_at=at)
                    )  # fmt: skip
            if hour % 6 == 0:
                for host in range(hosts):
                    results += [
                        Result(check, f"host{host}", Status.OK, "ok", observed_at=at)
                        for check in HOST_CHECKS
                    ]
            if hour % 24 == 0:
                results += [
                    Result("security.score", f"host{host}", Status.OK, "score",
                           metrics=(Metric("hardening_score_percent", 88.0, "%"),),
                           observed_at=at)
                    for host in range(hosts)
                ]  # fmt: skip
            store.record_run("check web", at, at, results, Status.OK)
            incidents.process(store, [r for r in results if r.check_id == "web.http"], at,
                              timedelta(hours=4))  # fmt: skip
            count += len(results)
    return count


def sign_in(base: str, login: str) -> requests.Session:
    session = requests.Session()
    page = session.get(base + "signin", timeout=30)
    token = re.search(r'name="csrftoken" value="([^"]+)"', page.text)
    assert token, "no CSRF token on the sign-in page"
    answer = session.post(
        base + "signin",
        data={"login": login, "password": PASSWORD, "csrftoken": token.group(1)},
        timeout=30,
        allow_redirects=False,
    )
    assert answer.status_code == 303, answer.text[:300]
    return session


def load(sessions: list[requests.Session], url: str, total: int) -> dict[str, float]:
    latencies: list[float] = []
    sizes: list[int] = []
    lock = threading.Lock()
    per_client = max(1, total // len(sessions))

    def client(session: requests.Session) -> None:
        for _ in range(per_client):
            started = time.perf_counter()
            try:
                answer = session.get(url, timeout=60)
            except requests.ConnectionError:
                # The server closed a kept-alive connection just as it was reused; a
                # browser retries on a new one, and so does this client (timed from the start).
                answer = session.get(url, timeout=60)
            elapsed = time.perf_counter() - started
            if answer.status_code != 200:
                raise SystemExit(f"{url}: {answer.status_code}")
            with lock:
                latencies.append(elapsed)
                # What travels (compressed where the server compresses), as a browser gets it.
                sizes.append(int(answer.headers.get("content-length", len(answer.content))))

    threads = [threading.Thread(target=client, args=(session,)) for session in sessions]
    wall = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - wall
    latencies.sort()
    return {
        "median_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "per_second": len(latencies) / wall,
        "kb": statistics.median(sizes) / 1024,
        "requests": len(latencies),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--hosts", type=int, default=10)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--keep", type=Path, help="keep (or reuse) the generated history here")
    arguments = parser.parse_args()
    directory = arguments.keep or Path(tempfile.mkdtemp(prefix="opskit-bench-console-"))
    directory.mkdir(parents=True, exist_ok=True)
    config = write_config(directory, arguments.sites, arguments.hosts, arguments.clients)
    database = directory / "state" / "history.sqlite"
    if not database.exists():
        started = time.perf_counter()
        rows = generate(database, arguments.sites, arguments.hosts, arguments.days,
                        arguments.clients)  # fmt: skip
        print(f"generated {rows:,} results in {time.perf_counter() - started:.0f} s "
              f"({database.stat().st_size / 2**20:.0f} MiB)")  # fmt: skip
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "opskit", "-c", str(config), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(200):
            try:
                requests.get(base + "healthz", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        sessions = [sign_in(base, f"user{index}") for index in range(arguments.clients)]
        shape = f"{arguments.sites} sites, {arguments.hosts} hosts, {arguments.days} days"
        print(f"{shape}; {arguments.clients} clients, {arguments.requests} requests per page")
        print(f"{'page':<22}{'median ms':>10}{'p95 ms':>9}{'req/s':>8}{'KB sent':>9}")
        for name, path in (("/healthz (anchor)", "healthz"), ("/dashboard", "dashboard"),
                           ("/dashboard?part=live", "dashboard?part=live"),
                           ("/status", "status"), ("/status.json", "status.json")):  # fmt: skip
            load(sessions, base + path, len(sessions))  # warm up (and the status cache)
            figures = load(sessions, base + path, arguments.requests)
            print(f"{name:<22}{figures['median_ms']:>10.1f}{figures['p95_ms']:>9.1f}"
                  f"{figures['per_second']:>8.0f}{figures['kb']:>9.1f}")  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
