"""web.links, web.exposure and web.freshness against real loopback sites."""

from __future__ import annotations

from typing import Any

import pytest

from support.court_site import serve_court_site, web_config
from support.web import Reply

pytestmark = pytest.mark.integration


def only(cli: Any, config: Any, check: str) -> dict[str, Any]:
    run = cli("--config", config, "check", "web", "--only", check, "--format", "json")
    assert run.json["error"] is None, run.stderr
    [result] = run.json["results"]
    return result


def test_working_links_and_valid_pdf_are_ok(https_site, certificates, make_config, cli) -> None:
    site = serve_court_site(https_site())
    config = make_config(web_config(certificates, {"name": "pa", "url": site.url}))

    result = only(cli, config, "links")

    assert result["check_id"] == "web.links"
    assert result["status"] == "OK"
    assert result["evidence"]["pdf_documents"] == 1


def test_broken_link_and_invalid_pdf_are_listed(https_site, certificates, make_config, cli) -> None:
    site = serve_court_site(https_site())
    site.routes["/pengumuman"] = Reply(404, "not found")
    site.routes["/dokumen/sop.pdf"] = Reply(body="<html>Dokumen tidak ditemukan</html>")
    config = make_config(web_config(certificates, {"name": "pa", "url": site.url}))

    result = only(cli, config, "links")

    assert result["status"] == "WARNING"
    problems = {
        entry["url"].removeprefix(site.url): entry["problem"]
        for entry in result["evidence"]["broken"]
    }
    assert problems["pengumuman"] == "HTTP 404"
    assert problems["dokumen/sop.pdf"].startswith("not a PDF")


def test_public_env_file_is_critical(https_site, certificates, make_config, cli) -> None:
    site = serve_court_site(https_site())
    site.routes["/.env"] = Reply(
        body="DB_PASSWORD=rahasia\nAPP_KEY=base64:abc\n", content_type="text/plain"
    )
    site.routes["/.git/HEAD"] = Reply(body="ref: refs/heads/main\n", content_type="text/plain")
    config = make_config(web_config(certificates, {"name": "pa", "url": site.url}))

    result = only(cli, config, "exposure")

    assert result["check_id"] == "web.exposure"
    assert result["status"] == "CRITICAL"
    assert {item["path"] for item in result["evidence"]["exposed"]} == {"/.env", "/.git/HEAD"}


def test_site_answering_200_for_everything_is_not_an_exposure(
    https_site, certificates, make_config, cli
) -> None:
    site = serve_court_site(https_site())
    site.fallback = Reply(200, "<html><body>Halaman tidak ditemukan</body></html>")
    config = make_config(web_config(certificates, {"name": "pa", "url": site.url}))

    result = only(cli, config, "exposure")

    assert result["status"] == "OK"
    assert result["evidence"]["soft_404"] is True


def test_missing_security_headers_and_version_are_warnings(
    https_site, certificates, make_config, cli
) -> None:
    site = serve_court_site(https_site(), headers={"X-Powered-By": "PHP/7.4.3"})
    config = make_config(web_config(certificates, {"name": "pa", "url": site.url}))

    result = only(cli, config, "exposure")

    assert result["status"] == "WARNING"
    assert "no Strict-Transport-Security (HSTS)" in result["evidence"]["header_problems"]
    assert "x-powered-by discloses a version: PHP/7.4.3" in result["evidence"]["header_problems"]


def test_recent_news_is_fresh_and_stale_site_is_critical(
    https_site, certificates, make_config, cli
) -> None:
    fresh = serve_court_site(https_site("fresh"), news_age_days=1)
    stale = serve_court_site(https_site("stale"), news_age_days=45)
    config = make_config(
        web_config(
            certificates,
            {"name": "fresh", "url": fresh.url},
            {"name": "stale", "url": stale.url, "updates_selector": ".berita-terbaru"},
        )
    )

    run = cli("--config", config, "check", "web", "--only", "freshness", "--format", "json")
    results = {result["target"]: result for result in run.json["results"]}

    assert results["fresh"]["check_id"] == "web.freshness"
    assert results["fresh"]["status"] == "OK"
    assert results["stale"]["status"] == "CRITICAL"
    assert "page region .berita-terbaru" in results["stale"]["evidence"]["sources"]
    assert 44 <= results["stale"]["metrics"][0]["value"] <= 46


def test_site_without_any_date_is_unknown(https_site, certificates, make_config, cli) -> None:
    site = https_site()
    site.routes["/"] = Reply(body="<html><body>Selamat datang</body></html>")
    config = make_config(web_config(certificates, {"name": "pa", "url": site.url}))

    result = only(cli, config, "freshness")

    assert result["status"] == "UNKNOWN"
    assert "no publication date" in result["summary"]
