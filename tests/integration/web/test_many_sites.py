"""200 sites at once on loopback, some slow or dead: the hanging ones are waited for together."""

from __future__ import annotations

import pytest

from support.farm import Endpoint, Farm

pytestmark = pytest.mark.integration

TIMEOUT_SECONDS = 2.0


@pytest.mark.timeout(180)
def test_two_hundred_sites_are_checked_in_parallel_and_each_failure_named(
    certificates, servers, make_config, cli
) -> None:
    cert, key = certificates.issue("farm", "127.0.0.1")
    endpoints = (
        [Endpoint(tls=True, delay_seconds=0.05)] * 190
        + [Endpoint(tls=True, hang=True)] * 6
        + [Endpoint(tls=True, dead=True)] * 4
    )
    farm = servers(Farm(endpoints, cert, key))
    config = make_config(
        {
            "sites": [
                {
                    "name": f"site{index:03d}",
                    "url": url,
                    "skip": ["domain", "dns", "freshness", "integrity", "links", "exposure"],
                    "retries": 0,
                    "timeout_seconds": TIMEOUT_SECONDS,
                    "failures_before_critical": 1,
                }
                for index, url in enumerate(farm.urls)
            ],
            "web": {"ca_bundle": str(certificates.ca_file)},
        }
    )

    run = cli("--config", config, "check", "web", "--jobs", "100", "--format", "json")

    results = run.json["results"]
    http = {result["target"]: result for result in results if result["check_id"] == "web.http"}
    assert len(http) == 200
    assert sum(result["status"] == "OK" for result in http.values()) == 190
    failed = sorted(target for target, result in http.items() if result["status"] == "CRITICAL")
    assert failed == [f"site{index:03d}" for index in range(190, 200)]
    assert "timed out" in http["site190"]["summary"]
    assert "refused" in http["site199"]["summary"]
    tls = [result for result in results if result["check_id"] == "web.tls"]
    # The hanging sites complete their handshake (they stall on the HTTP answer); the dead do not.
    assert sum(result["status"] == "OK" for result in tls) == 196
    # One after the other, each hanging site would be waited for alone (a peak of 1).
    assert farm.hanging_peak >= 2
