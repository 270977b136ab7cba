"""A site whose name does not resolve (a real resolver answering NXDOMAIN, no network at all):
one cause, said once, and nothing else pretends to know more."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from support import offline

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

DEPENDENT = {
    "web.tls",
    "web.freshness",
    "web.integrity",
    "web.integrity.spam",
    "web.integrity.cloaking",
    "web.integrity.sitemap",
    "web.links",
    "web.exposure",
}


def test_a_site_that_does_not_resolve_is_one_cause_said_once(make_config, tmp_path: Path) -> None:
    config = make_config({"sites": [{"name": "pa", "url": "https://www.pa-tidak-ada.go.id/"}]})
    opskit = [sys.executable, "-m", "opskit", "--config", str(config), "check", "web"]

    def offline_run(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            offline.argv(tmp_path / "offline", [*opskit, *extra]),
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )

    as_json = offline_run("--format", "json")
    as_text = offline_run("--lang", "en")

    results = {item["check_id"]: item for item in json.loads(as_json.stdout)["results"]}
    down = results["web.http"]["summary"]
    assert down.startswith("DOWN: the name does not resolve"), down
    assert down.count("does not resolve") == 1 and "plain HTTP" not in down
    for check_id in DEPENDENT:
        assert results[check_id]["status"] == "UNKNOWN"
        assert (
            results[check_id]["summary"] == "not checked: the site does not answer (see web.http)"
        )
    assert "set sitemap" not in json.dumps(results)  # no advice for a site that is simply down
    dns = results["web.dns"]
    assert dns["status"] == "CRITICAL" and "has no name servers" in dns["summary"]
    rows = [line for line in as_text.stdout.splitlines() if "not checked" in line]
    assert len(rows) == 1 and "8 checks" in rows[0], as_text.stdout
