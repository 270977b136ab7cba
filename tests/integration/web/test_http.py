"""web.http against real loopback servers: status, keywords, speed, redirect, retries, flapping."""

from __future__ import annotations

from typing import Any

import pytest

from support.court_site import serve_court_site, web_config
from support.web import Reply, Request, WebServer

pytestmark = pytest.mark.integration


def http_results(cli: Any, config: Any, *extra: str) -> list[dict[str, Any]]:
    run = cli("--config", config, "check", "web", "--only", "http", "--format", "json", *extra)
    assert run.json["error"] is None, run.stderr
    return run.json["results"]


def test_healthy_site_is_ok_with_its_response_time(
    https_site, certificates, make_config, cli
) -> None:
    site = serve_court_site(https_site())
    config = make_config(
        web_config(
            certificates, {"name": "pa", "url": site.url, "must_contain": ["Pengadilan Agama Uji"]}
        )
    )

    [result] = http_results(cli, config)

    assert result["check_id"] == "web.http"
    assert result["status"] == "OK"
    assert result["metrics"][0]["name"] == "response_ms"
    assert result["evidence"]["attempts"][0]["status"] == 200


def test_missing_keyword_and_wrong_status_are_failures(
    https_site, certificates, make_config, cli
) -> None:
    site = serve_court_site(https_site())
    site.routes["/"] = Reply(503, "<h1>Service Unavailable</h1>")
    config = make_config(
        web_config(
            certificates, {"name": "pa", "url": site.url, "must_contain": ["Pengadilan Agama"]}
        )
    )

    [result] = http_results(cli, config)

    assert result["status"] == "WARNING"  # first failure: flap control holds CRITICAL back
    assert "HTTP 503 (expected 200)" in result["summary"]
    assert "missing text 'Pengadilan Agama'" in result["summary"]
    assert "failure 1 of 2 before CRITICAL" in result["summary"]


def test_second_consecutive_failure_is_critical(https_site, certificates, make_config, cli) -> None:
    site = https_site()
    site.routes["/"] = Reply(500, "error")
    config = make_config(web_config(certificates, {"name": "pa", "url": site.url}))

    first = http_results(cli, config)[0]
    second = http_results(cli, config)[0]

    assert first["status"] == "WARNING"
    assert second["status"] == "CRITICAL"
    assert second["evidence"]["consecutive_failures"] == 2


def test_site_failing_once_then_recovering_is_never_critical(
    https_site, certificates, make_config, cli
) -> None:
    site = serve_court_site(https_site())
    healthy = site.routes["/"]
    calls = {"count": 0}

    def flapping(request: Request) -> Reply:
        calls["count"] += 1
        return Reply(502, "Bad Gateway") if calls["count"] == 1 else healthy  # type: ignore[return-value]

    site.routes["/"] = flapping
    config = make_config(web_config(certificates, {"name": "pa", "url": site.url}))

    statuses = [http_results(cli, config)[0]["status"] for _ in range(3)]
    history = cli("--config", config, "history", "--check", "web.http", "--format", "json")

    assert statuses == ["WARNING", "OK", "OK"]
    assert "CRITICAL" not in {row["status"] for row in history.json["data"]["results"]}


def test_a_retry_within_the_run_is_counted_in_the_evidence(
    https_site, certificates, make_config, cli
) -> None:
    site = serve_court_site(https_site())
    healthy = site.routes["/"]
    calls = {"count": 0}

    def once_broken(request: Request) -> Reply:
        calls["count"] += 1
        return Reply(500, "oops") if calls["count"] == 1 else healthy  # type: ignore[return-value]

    site.routes["/"] = once_broken
    config = make_config(web_config(certificates, {"name": "pa", "url": site.url, "retries": 1}))

    [result] = http_results(cli, config)

    assert result["status"] == "OK"
    assert result["evidence"]["retries_used"] == 1
    assert [attempt["status"] for attempt in result["evidence"]["attempts"]] == [500, 200]


def test_slow_answer_is_warning_by_threshold(https_site, certificates, make_config, cli) -> None:
    site = serve_court_site(https_site())
    site.routes["/"] = Reply(200, "<p>Pengadilan</p>", delay_seconds=0.4)
    config = make_config(
        web_config(
            certificates,
            {
                "name": "pa",
                "url": site.url,
                "response_warning_ms": 200,
                "response_critical_ms": 3000,
            },
        )
    )

    [result] = http_results(cli, config)

    assert result["status"] == "WARNING"
    assert "slow" in result["summary"]


def test_timeout_is_a_failure_not_ok(https_site, certificates, make_config, cli) -> None:
    site = https_site()
    site.routes["/"] = Reply(200, "late", delay_seconds=3)
    config = make_config(
        web_config(certificates, {"name": "pa", "url": site.url, "timeout_seconds": 0.5})
    )

    [result] = http_results(cli, config)

    assert result["status"] == "WARNING"
    assert result["evidence"]["failed"] is True
    assert "timed out" in result["summary"]


def test_plain_http_must_redirect_to_https(
    https_site, certificates, servers, make_config, cli
) -> None:
    site = serve_court_site(https_site())
    redirecting = servers(WebServer())
    redirecting.routes["/"] = Reply(301, "", headers={"Location": site.url})
    plain = servers(WebServer())
    plain.routes["/"] = Reply(200, "<p>Pengadilan over plain HTTP</p>")
    config = make_config(
        web_config(
            certificates,
            {"name": "good", "url": site.url, "http_url": redirecting.url},
            {"name": "bad", "url": site.url, "http_url": plain.url},
        )
    )

    results = {result["target"]: result for result in http_results(cli, config)}

    assert results["good"]["status"] == "OK"
    assert results["bad"]["status"] == "WARNING"
    assert "without redirecting to HTTPS" in results["bad"]["summary"]
