"""web.integrity: crawler-only spam (cloaking), defacement after a baseline, spam in the sitemap."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from support.court_site import crawler_only, serve_court_site, sitemap, web_config
from support.web import Reply

pytestmark = pytest.mark.integration

SPAM_PAGE = """<html><head><title>SLOT GACOR MAXWIN - Pengadilan Agama Uji</title></head>
<body><h1>Situs Slot Gacor Hari Ini Gampang Maxwin</h1>
<p>Daftar akun pro, deposit pulsa tanpa potongan, RTP live tertinggi.</p>
<a href="https://slot-gacor.example/daftar">DAFTAR SEKARANG</a></body></html>"""


def integrity(cli: Any, config: Any, *extra: str) -> dict[str, dict[str, Any]]:
    run = cli("--config", config, "check", "web", "--only", "integrity", "--format", "json", *extra)
    assert run.json["error"] is None, run.stderr
    return {result["check_id"]: result for result in run.json["results"]}


def test_spam_shown_only_to_the_crawler_is_critical_spam_and_cloaking(
    https_site, certificates, make_config, cli
) -> None:
    site = serve_court_site(https_site())
    site.routes["/"] = crawler_only(site.routes["/"], Reply(body=SPAM_PAGE))
    config = make_config(web_config(certificates, {"name": "pa", "url": site.url}))

    found = integrity(cli, config)

    spam, cloaking = found["web.integrity.spam"], found["web.integrity.cloaking"]
    assert spam["status"] == "CRITICAL"
    assert any("crawler copy" in hit["where"] for hit in spam["evidence"]["hits"])
    assert not any("browser copy" in hit["where"] for hit in spam["evidence"]["hits"])
    assert any(hit["phrase"] == "maxwin" for hit in spam["evidence"]["hits"])
    assert cloaking["status"] == "CRITICAL"
    assert "spam only in the crawler copy" in cloaking["summary"]
    crawler_agents = [
        request.user_agent for request in site.requests if "Googlebot" in request.user_agent
    ]
    assert crawler_agents


def test_page_shown_differently_to_search_visitors_is_cloaking(
    https_site, certificates, make_config, cli
) -> None:
    site = serve_court_site(https_site())
    normal = site.routes["/"]

    def by_referer(request: Any) -> Reply:
        if "google" in request.headers.get("referer", ""):
            return Reply(body="<html><body><h1>Promo</h1><p>Kunjungi mitra kami</p></body></html>")
        return normal  # type: ignore[return-value]

    site.routes["/"] = by_referer
    config = make_config(web_config(certificates, {"name": "pa", "url": site.url}))

    cloaking = integrity(cli, config)["web.integrity.cloaking"]

    assert cloaking["status"] == "CRITICAL"
    assert "search visitor copy differs" in cloaking["summary"]


def test_clean_site_has_no_spam_and_no_cloaking(https_site, certificates, make_config, cli) -> None:
    site = serve_court_site(https_site())
    config = make_config(web_config(certificates, {"name": "pa", "url": site.url}))

    found = integrity(cli, config)

    assert found["web.integrity.spam"]["status"] == "OK"
    assert found["web.integrity.cloaking"]["status"] == "OK"
    assert found["web.integrity"]["status"] == "WARNING"  # no baseline accepted yet
    assert "--accept-baseline" in found["web.integrity"]["summary"]


def test_defacement_after_the_baseline_is_reported_with_a_diff(
    https_site, certificates, make_config, cli
) -> None:
    site = serve_court_site(https_site())
    config = make_config(
        web_config(certificates, {"name": "pa", "url": site.url, "pages": ["/pengumuman"]})
    )
    accepted = integrity(cli, config, "--accept-baseline")
    unchanged = integrity(cli, config)
    site.routes["/"] = Reply(
        body="<html><body><h1>Hacked by Cyber Team</h1><p>Your security is low</p></body></html>"
    )

    defaced = integrity(cli, config)

    assert accepted["web.integrity"]["status"] == "OK"
    assert unchanged["web.integrity"]["status"] == "OK"
    assert defaced["web.integrity"]["status"] == "WARNING"
    page = next(
        page for page in defaced["web.integrity"]["evidence"]["pages"] if page["url"] == site.url
    )
    assert page["changed_percent"] > 50
    assert "+hacked by cyber team" in page["diff"]
    assert any(line.startswith("-selamat datang") for line in page["diff"])
    assert defaced["web.integrity.spam"]["status"] == "CRITICAL"


def test_sitemap_gaining_spam_urls_lists_them_and_is_critical(
    https_site, certificates, make_config, cli
) -> None:
    site = serve_court_site(https_site())
    config = make_config(web_config(certificates, {"name": "pa", "url": site.url}))
    first = integrity(cli, config)
    injected = f"{site.url}wp-content/slot-gacor-maxwin-hari-ini.html"
    today = dt.datetime.now(dt.UTC).date()
    site.routes["/sitemap.xml"] = Reply(
        body=sitemap([site.url, f"{site.url}berita/rapat-evaluasi", injected], today),
        content_type="application/xml",
    )
    site.routes["/wp-content/slot-gacor-maxwin-hari-ini.html"] = Reply(body=SPAM_PAGE)

    second = integrity(cli, config)

    assert first["web.integrity.sitemap"]["status"] == "OK"
    assert "recorded (first run)" in first["web.integrity.sitemap"]["summary"]
    assert second["web.integrity.sitemap"]["evidence"]["new_urls"] == [injected]
    spam = second["web.integrity.spam"]
    assert spam["status"] == "CRITICAL"
    places = {hit["where"] for hit in spam["evidence"]["hits"]}
    assert f"sitemap URL {injected}" in places
    assert any(place.startswith(f"{injected} (sitemap page") for place in places)


def test_a_site_answering_only_server_errors_is_unknown_not_clean(
    https_site, certificates, make_config, cli
) -> None:
    """An error page scanned clean says nothing about the real page: could not tell."""
    site = https_site()
    broken = Reply(status=500, body="<html><body><h1>Internal Server Error</h1></body></html>")
    site.routes["/"] = broken
    site.routes["/sitemap.xml"] = broken
    config = make_config(web_config(certificates, {"name": "pa", "url": site.url}))

    found = integrity(cli, config)

    assert found["web.integrity.spam"]["status"] == "UNKNOWN"
    assert "HTTP 500" in found["web.integrity.spam"]["summary"]
    assert found["web.integrity.cloaking"]["status"] == "UNKNOWN"
    assert found["web.integrity.sitemap"]["status"] == "UNKNOWN"
    assert "answered HTTP 500" in found["web.integrity.sitemap"]["summary"]


def test_a_sitemap_address_answering_an_html_page_is_a_warning(
    https_site, certificates, make_config, cli
) -> None:
    site = serve_court_site(https_site())
    site.routes["/sitemap.xml"] = Reply(body="<html><body><h1>Beranda</h1></body></html>")
    config = make_config(web_config(certificates, {"name": "pa", "url": site.url}))

    found = integrity(cli, config)

    result = found["web.integrity.sitemap"]
    assert result["status"] == "WARNING", result["summary"]
    assert "sitemap.xml answers HTTP 200 but is not a sitemap" in result["summary"]
    assert "nothing to compare" not in result["summary"]
