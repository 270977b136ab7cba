"""web.domain against loopback RDAP and WHOIS servers; web.dns against loopback DNS servers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from support.dns import DnsServer, SilentDnsServer
from support.web import Reply, WebServer, WhoisServer

pytestmark = pytest.mark.integration

DATA = Path(__file__).parents[2] / "data" / "web"
ZONE = """$ORIGIN pa-uji.go.id.
$TTL 300
@ IN SOA ns1 hostmaster 2026111501 3600 600 86400 300
@ IN NS ns1
@ IN A 127.0.0.10
www IN A 127.0.0.10
@ IN MX 10 mail
mail IN A 127.0.0.11
@ IN TXT "v=spf1 mx -all"
_dmarc IN TXT "v=DMARC1; p=quarantine; rua=mailto:dmarc@pa-uji.go.id"
"""


def site(**extra: Any) -> dict[str, Any]:
    return {
        "name": "pa",
        "url": "https://www.pa-penajam.go.id/",
        "skip": ["http", "tls", "dns", "freshness", "integrity", "links", "exposure"],
        **extra,
    }


def results(cli: Any, config: Path) -> list[dict[str, Any]]:
    run = cli("--config", config, "check", "web", "--format", "json")
    assert run.json["error"] is None, run.stderr
    return run.json["results"]


@pytest.fixture
def rdap_server(servers) -> WebServer:
    server = servers(WebServer())
    bootstrap = json.loads((DATA / "rdap-bootstrap.json").read_text())
    bootstrap["services"][1][1] = [f"{server.url}rdap/"]
    server.routes["/bootstrap.json"] = Reply(
        body=json.dumps(bootstrap), content_type="application/json"
    )
    server.routes["/rdap/domain/pa-penajam.go.id"] = Reply(
        body=(DATA / "rdap-pa-penajam.json").read_text(), content_type="application/rdap+json"
    )
    server.routes["/rdap/domain/pa-lama.go.id"] = Reply(
        body=(DATA / "rdap-no-expiry.json").read_text(), content_type="application/rdap+json"
    )
    return server


def test_rdap_via_the_bootstrap_gives_the_expiry_and_is_cached(
    rdap_server, make_config, cli, tmp_path
) -> None:
    config = make_config(
        {
            "sites": [site(domain_warning_days=30)],
            "web": {
                "rdap_bootstrap_url": f"{rdap_server.url}bootstrap.json",
                "domain_sources": ["rdap"],
            },
        }
    )

    [first] = results(cli, config)
    [second] = results(cli, config)

    assert first["check_id"] == "web.domain"
    assert first["target"] == "pa-penajam.go.id"
    assert first["evidence"]["expires"].startswith("2027-02-14")
    assert first["evidence"]["source"] == "rdap"
    assert first["status"] == "OK"
    assert second["evidence"]["from_cache"] is True
    asked = [request.path for request in rdap_server.requests]
    assert asked.count("/rdap/domain/pa-penajam.go.id") == 1
    assert asked.count("/bootstrap.json") == 1
    assert (tmp_path / "state" / "web" / "rdap-bootstrap.json").is_file()


def test_rdap_without_a_date_falls_back_to_whois_current_id_format(
    rdap_server, servers, make_config, cli
) -> None:
    whois = servers(WhoisServer({"pa-lama.go.id": (DATA / "whois-id-current.txt").read_text()}))
    config = make_config(
        {
            "sites": [site(url="https://www.pa-lama.go.id/")],
            "web": {
                "rdap_servers": {"id": f"{rdap_server.url}rdap/"},
                "whois_servers": {"id": whois.address},
            },
        }
    )

    [result] = results(cli, config)

    assert result["evidence"]["source"] == "whois (opskit)"
    assert result["evidence"]["expires"].startswith("2027-02-14")
    assert [attempt["source"] for attempt in result["evidence"]["attempts"]] == [
        "rdap",
        "whois (opskit)",
    ]
    assert whois.queries == ["pa-lama.go.id"]


def test_older_id_whois_format_near_expiry_is_critical(servers, make_config, cli) -> None:
    whois = servers(WhoisServer({"pa-penajam.go.id": (DATA / "whois-id-old.txt").read_text()}))
    config = make_config(
        {
            "sites": [site()],
            "web": {"domain_sources": ["whois"], "whois_servers": {"id": whois.address}},
        }
    )

    [result] = results(cli, config)

    assert result["status"] == "CRITICAL"  # the captured answer expired on 2025-02-14
    assert "EXPIRED" in result["summary"]


def test_unparseable_whois_is_unknown_with_the_raw_answer(servers, make_config, cli) -> None:
    whois = servers(WhoisServer({"pa-penajam.go.id": (DATA / "whois-unparseable.txt").read_text()}))
    config = make_config(
        {
            "sites": [site()],
            "web": {"domain_sources": ["whois"], "whois_servers": {"id": whois.address}},
        }
    )

    [result] = results(cli, config)

    assert result["status"] == "UNKNOWN"
    assert "pemeliharaan" in result["evidence"]["attempts"][0]["raw"]


def dns_site(*servers_: Any, records: list[dict[str, Any]], **dns: Any) -> dict[str, Any]:
    return site(
        url="https://www.pa-uji.go.id/",
        skip=["http", "tls", "domain", "freshness", "integrity", "links", "exposure"],
        dns={"records": records, "authoritative": [server.address for server in servers_], **dns},
    )


def test_dns_as_expected_with_valid_spf_and_dmarc_is_ok(servers, make_config, cli) -> None:
    primary = servers(DnsServer(ZONE))
    secondary = servers(DnsServer(ZONE))
    records = [
        {"name": "www", "type": "A", "values": ["127.0.0.10"]},
        {"type": "MX", "values": ["10 mail.pa-uji.go.id"]},
    ]
    config = make_config(
        {
            "sites": [dns_site(primary, secondary, records=records)],
            "web": {"dns_resolvers": [primary.address]},
        }
    )

    [result] = results(cli, config)

    assert result["check_id"] == "web.dns"
    assert result["status"] == "OK", result["summary"]
    assert "SPF and DMARC valid" in result["summary"]


def test_wrong_and_missing_records_are_critical(servers, make_config, cli) -> None:
    primary = servers(DnsServer(ZONE))
    records = [
        {"name": "www", "type": "A", "values": ["203.0.113.10"]},
        {"name": "sipp", "type": "A", "values": ["127.0.0.12"]},
    ]
    config = make_config(
        {"sites": [dns_site(primary, records=records)], "web": {"dns_resolvers": [primary.address]}}
    )

    [result] = results(cli, config)

    assert result["status"] == "CRITICAL"
    assert "www.pa-uji.go.id A is 127.0.0.10 (expected 203.0.113.10)" in result["summary"]
    assert "sipp.pa-uji.go.id A missing" in result["summary"]


def test_broken_spf_lame_server_and_serial_mismatch_are_warnings(servers, make_config, cli) -> None:
    broken = ZONE.replace('"v=spf1 mx -all"', '"v=spf1 mx ipv4:203.0.113.10 -all"')
    primary = servers(DnsServer(broken))
    behind = servers(DnsServer(broken.replace("2026111501", "2026110101")))
    lame = servers(DnsServer(ZONE, lame=True))
    config = make_config(
        {
            "sites": [dns_site(primary, behind, lame, records=[])],
            "web": {"dns_resolvers": [primary.address]},
        }
    )

    [result] = results(cli, config)

    assert result["status"] == "WARNING"
    assert "invalid SPF term 'ipv4:203.0.113.10'" in result["summary"]
    assert f"name server {lame.address} is lame" in result["summary"]
    assert "disagree on the SOA serial" in result["summary"]


def test_dns_timeout_is_unknown_never_missing(servers, make_config, cli) -> None:
    silent = servers(SilentDnsServer())
    records = [{"name": "www", "type": "A", "values": ["127.0.0.10"]}]
    config = make_config(
        {
            "sites": [dns_site(silent, records=records, mail=False)],
            "web": {"dns_resolvers": [silent.address], "dns_timeout_seconds": 0.5},
        }
    )

    [result] = results(cli, config)

    assert result["status"] == "UNKNOWN"
    assert "missing" not in result["summary"]
    assert "timed out" in result["summary"]


def test_the_loopback_guard_refuses_addresses_off_this_machine(only_loopback) -> None:
    import socket

    with pytest.raises(ConnectionRefusedError), socket.socket() as probe:
        probe.connect(("192.0.2.1", 43))

    assert only_loopback == ["192.0.2.1"]
    only_loopback.clear()


def test_dmarc_policy_none_is_a_warning_that_says_why(servers, make_config, cli) -> None:
    lax = ZONE.replace("p=quarantine", "p=none")
    primary = servers(DnsServer(lax))
    config = make_config(
        {"sites": [dns_site(primary, records=[])], "web": {"dns_resolvers": [primary.address]}}
    )

    [result] = results(cli, config)

    assert result["status"] == "WARNING", result["summary"]
    assert "DMARC policy is p=none" in result["summary"]
    assert "anyone can send mail as this domain" in result["summary"]
