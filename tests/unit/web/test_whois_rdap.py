"""Domain dates from captured WHOIS and RDAP answers (current and older .id formats)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from opskit.config.schema import Site
from opskit.web import rdap, whois
from opskit.web.domain import DomainFacts, evaluate, registrable_domain
from opskit.web.rdap import RdapError
from opskit.web.whois import WhoisError

DATA = Path(__file__).parents[2] / "data" / "web"


def text(name: str) -> str:
    return (DATA / name).read_text()


def test_current_id_whois_is_read_by_opskit_where_python_whois_finds_nothing() -> None:
    from whois.parser import WhoisEntry

    assert (
        WhoisEntry.load("pa-penajam.go.id", text("whois-id-current.txt"))["expiration_date"] is None
    )

    found = whois.parse("pa-penajam.go.id", text("whois-id-current.txt"), "whois.id:43")

    assert found.expires == datetime(2027, 2, 14, 23, 59, 59, tzinfo=UTC)
    assert found.source == "whois (opskit)"
    assert found.registrar == "Pengelola Nama Domain Internet Indonesia"


def test_older_id_whois_format_gives_its_expiry_date() -> None:
    found = whois.parse("pa-penajam.go.id", text("whois-id-old.txt"), "whois.id:43")

    assert found.expires == datetime(2025, 2, 14, 23, 59, 59, tzinfo=UTC)
    assert found.registered == datetime(2013, 2, 14, 7, 21, 9, tzinfo=UTC)


def test_icann_style_com_whois_gives_the_registry_expiry() -> None:
    found = whois.parse("example-court.com", text("whois-com.txt"), "whois.verisign-grs.com:43")

    assert found.expires == datetime(2027, 6, 9, 4, 30, 12, tzinfo=UTC)


def test_unparseable_whois_has_no_date_and_keeps_the_raw_text() -> None:
    found = whois.parse("pa-penajam.go.id", text("whois-unparseable.txt"), "whois.id:43")

    assert found.expires is None
    assert "pemeliharaan" in found.raw


def test_whois_for_an_unknown_domain_is_an_error() -> None:
    with pytest.raises(WhoisError, match="does not know"):
        whois.parse("tidak-ada.go.id", "DOMAIN NOT FOUND\n", "whois.id:43")


def test_whois_server_comes_from_config_then_the_builtin_list() -> None:
    assert whois.server_for("pa-penajam.go.id", {}) == ("whois.id", 43)
    assert whois.server_for("pa-penajam.go.id", {"go.id": "127.0.0.1:4343"}) == ("127.0.0.1", 4343)
    with pytest.raises(WhoisError, match="web.whois_servers.zz"):
        whois.server_for("example.zz", {})


def test_rdap_domain_object_gives_expiry_registration_and_registrar() -> None:
    found = rdap.parse("pa-penajam.go.id", text("rdap-pa-penajam.json"), "https://rdap.pandi.id/")

    assert found.expires == datetime(2027, 2, 14, 23, 59, 59, tzinfo=UTC)
    assert found.registered == datetime(2013, 2, 14, 7, 21, 9, tzinfo=UTC)
    assert found.registrar == "Pengelola Nama Domain Internet Indonesia"


def test_rdap_answer_that_is_not_a_domain_object_is_an_error() -> None:
    with pytest.raises(RdapError, match="not an RDAP domain"):
        rdap.parse("x.go.id", json.dumps({"errorCode": 404}), "https://rdap.example/")


def test_bootstrap_picks_the_server_of_the_tld() -> None:
    document = json.loads(text("rdap-bootstrap.json"))

    assert rdap.servers_for("pa-penajam.go.id", document) == ["https://rdap.pandi.id/rdap/"]
    assert rdap.servers_for("example.zz", document) == []


def test_registrable_domain_strips_www_but_keeps_go_id() -> None:
    def domain(url: str) -> str | None:
        return registrable_domain(Site(name="s", url=url))

    assert domain("https://www.pa-penajam.go.id/") == "pa-penajam.go.id"
    assert domain("https://sipp.pa-penajam.go.id/") == "pa-penajam.go.id"
    assert domain("https://127.0.0.1:8443/") is None
    assert (
        registrable_domain(Site(name="s", url="https://127.0.0.1/", domain="Uji.Go.Id"))
        == "uji.go.id"
    )


def test_domain_without_a_date_is_unknown_never_ok() -> None:
    facts = DomainFacts("pa-lama.go.id", None, attempts=[{"source": "rdap", "error": "HTTP 500"}])

    result = evaluate(Site(name="s", url="https://pa-lama.go.id/"), facts)

    assert result.check_id == "web.domain"
    assert result.status.value == "UNKNOWN"
    assert result.evidence["attempts"][0]["error"] == "HTTP 500"
