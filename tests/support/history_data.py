"""A realistic history store of any size, for the history and recap tests and benchmarks.

Runs of ``check web`` over many sites (web.http with its attempts as
evidence, web.tls) and of ``check host`` (host.disk), spread evenly over a
month, with a few failures, Indonesian text, quotes and times that fall on
a whole second (stored with zero microseconds).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from opskit.result import Metric, Result, Status
from opskit.store import Store

START = datetime(2026, 11, 1, tzinfo=UTC)
SITES = 200


def result(rng: random.Random, index: int, moment: datetime) -> Result:
    """One result of a plausible mix: mostly web.http, some web.tls and host.disk."""
    site = f"pa-{index % SITES:03d}"
    kind = index % 10
    if kind < 7:
        elapsed = round(rng.uniform(40, 900), 1)
        down = rng.random() < 0.03
        status = Status.WARNING if down else (Status.OK if elapsed < 800 else Status.WARNING)
        attempt = {
            "url": f"https://{site}.pengadilan.go.id/",
            "status": None if down else 200,
            "elapsed_ms": elapsed,
            "final_url": f"https://{site}.pengadilan.go.id/",
            "redirects": [],
            "error": "timed out waiting for the answer" if down else None,
            "location": None,
        }
        return Result(
            check_id="web.http",
            target=site,
            status=status,
            summary="DOWN: timed out" if down else f"HTTP 200 in {elapsed:.0f} ms",
            evidence={
                "url": attempt["url"],
                "failed": down,
                "consecutive_failures": int(down),
                "failures_before_critical": 2,
                "attempts": [attempt],
                "retries_used": 0,
                "redirect_check": None,
                "expected_status": [200],
            },
            metrics=(Metric("response_ms", elapsed, "ms", 3000.0, 10000.0),),
            sop_row="F1",
            observed_at=moment,
        )
    if kind < 9:
        days = round(rng.uniform(3, 80), 1)
        return Result(
            check_id="web.tls",
            target=site,
            status=Status.OK if days > 14 else Status.WARNING,
            summary=f'sertifikat berlaku {days} hari lagi \u2014 "Let\'s Encrypt"',
            evidence={
                "chain": [{"subject": f"CN={site}", "days_left": days}],
                "protocol": "TLSv1.3",
            },
            metrics=(Metric("days_left", days, "d", 14.0, 7.0),),
            sop_row="F4",
            observed_at=moment,
        )
    used = rng.randint(20, 95)
    return Result(
        check_id="host.disk",
        target=f"web{index % 7}:/var",
        status=Status.CRITICAL if used >= 90 else Status.OK,
        summary=f"{used}% used",
        evidence={"mount": "/var", "used_percent": used},
        metrics=(Metric("used_percent", float(used), "%", 80.0, 90.0),),
        remediation=None if index % 3 else "host.disk.full",
        sop_row="C5",
        observed_at=moment,
    )


def fill(path: Path, results: int, per_run: int = 1000, seed: int = 17) -> Path:
    """A store at ``path`` holding ``results`` results in runs of ``per_run``, over 30 days."""
    rng = random.Random(seed)  # noqa: S311 - repeatable test data
    runs = max(1, results // per_run)
    step = timedelta(days=30) / runs
    with Store.open(path) as store:
        made = 0
        for run in range(runs):
            started = START + step * run
            if run % 2:
                started = started.replace(microsecond=0)
            count = min(per_run, results - made)
            batch = list(_batch(rng, made, count, started))
            store.record_run("check web", started, started + timedelta(seconds=5), batch, Status.OK)
            made += count
    return path


def _batch(rng: random.Random, first: int, count: int, started: datetime) -> Iterator[Result]:
    for index in range(first, first + count):
        yield result(rng, index, started)
