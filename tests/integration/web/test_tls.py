"""web.tls on real TLS servers with test-made certificates: dates shown even when untrusted."""

from __future__ import annotations

from typing import Any

import pytest

from support.court_site import serve_court_site, web_config
from support.web import WebServer

pytestmark = pytest.mark.integration


def tls_result(cli: Any, make_config: Any, certificates: Any, url: str) -> dict[str, Any]:
    config = make_config(web_config(certificates, {"name": "pa", "url": url}))
    run = cli("--config", config, "check", "web", "--only", "tls", "--format", "json")
    [result] = run.json["results"]
    assert result["check_id"] == "web.tls"
    return result


def test_valid_certificate_is_ok(https_site, certificates, make_config, cli) -> None:
    site = https_site(days=90)

    result = tls_result(cli, make_config, certificates, site.url)

    assert result["status"] == "OK"
    assert result["evidence"]["verified"] is True
    assert result["evidence"]["protocol"] in ("TLSv1.2", "TLSv1.3")
    assert 88 < result["metrics"][0]["value"] <= 90


def test_certificate_expiring_in_five_days_is_critical(
    https_site, certificates, make_config, cli
) -> None:
    site = https_site(days=5)

    result = tls_result(cli, make_config, certificates, site.url)

    assert result["status"] == "CRITICAL"
    assert "expires in 5 days" in result["summary"] or "expires in 4 days" in result["summary"]


def test_expired_certificate_still_shows_its_dates(
    https_site, certificates, make_config, cli
) -> None:
    site = https_site(days=-3)

    result = tls_result(cli, make_config, certificates, site.url)

    assert result["status"] == "CRITICAL"
    assert "EXPIRED" in result["summary"]
    assert result["evidence"]["verified"] is False
    assert "expired" in result["evidence"]["verify_error"]
    assert result["evidence"]["chain"][0]["days_left"] < -2


def test_wrong_hostname_is_critical(https_site, certificates, make_config, cli) -> None:
    site = https_site(identities=("www.pengadilan-lain.test",))

    result = tls_result(cli, make_config, certificates, site.url)

    assert result["status"] == "CRITICAL"
    assert result["evidence"]["hostname_matches"] is False
    assert "www.pengadilan-lain.test" in result["summary"]


def test_self_signed_certificate_is_untrusted_but_dated(
    certificates, servers, make_config, cli
) -> None:
    cert, key = certificates.self_signed("self", host="localhost", days=200)
    site = serve_court_site(servers(WebServer(cert, key)))

    result = tls_result(cli, make_config, certificates, site.url_for("localhost"))

    assert result["status"] == "CRITICAL"
    assert "self-signed" in result["evidence"]["verify_error"]
    assert result["evidence"]["chain"][0]["self_signed"] is True
    assert 198 < result["evidence"]["chain"][0]["days_left"] <= 200


def test_incomplete_chain_is_untrusted_and_every_served_certificate_is_listed(
    https_site, certificates, make_config, cli
) -> None:
    complete = https_site("complete", intermediate=True, chain=True)
    incomplete = https_site("incomplete", intermediate=True, chain=False)

    good = tls_result(cli, make_config, certificates, complete.url)
    bad = tls_result(cli, make_config, certificates, incomplete.url)

    assert good["status"] == "OK"
    assert len(good["evidence"]["chain"]) == 2
    assert bad["status"] == "CRITICAL"
    assert len(bad["evidence"]["chain"]) == 1
    assert "local issuer" in bad["evidence"]["verify_error"]


def test_nothing_listening_is_unknown(certificates, make_config, cli) -> None:
    from support.system import free_port

    result = tls_result(cli, make_config, certificates, f"https://127.0.0.1:{free_port()}/")

    assert result["status"] == "UNKNOWN"
    assert "handshake failed" in result["summary"]


def test_a_server_that_accepts_and_then_says_nothing_is_unknown_in_plain_words(
    certificates, make_config, cli
) -> None:
    from support.silent import SilentServer

    silent = SilentServer().start()
    try:
        config = make_config(
            web_config(
                certificates,
                {"name": "pa", "url": f"https://127.0.0.1:{silent.port}/", "timeout_seconds": 1},
            )
        )
        run = cli("--config", config, "check", "web", "--only", "tls", "--format", "json")
    finally:
        silent.stop()

    [result] = run.json["results"]
    assert result["status"] == "UNKNOWN"
    assert "no TLS handshake within 1 s" in result["summary"], result["summary"]
    assert "Want" not in result["summary"]
