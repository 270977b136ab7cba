"""The spam phrase list, SPF and DMARC syntax, and certificate name matching."""

from __future__ import annotations

from datetime import UTC, datetime

from opskit.web import dns, spam
from opskit.web.tls import Certificate, hostname_matches


def test_builtin_list_has_gambling_and_defacement_phrases_in_both_languages() -> None:
    listed = spam.phrases()

    for phrase in ("judi", "slot gacor", "togel", "maxwin", "hacked by", "online casino"):
        assert phrase in listed


def test_spam_scan_finds_whole_words_only() -> None:
    listed = spam.phrases()

    hits = spam.scan("Daftar SLOT-GACOR hari ini, situs judi terpercaya", "home", listed)
    legal = spam.scan("Putusan perkara perjudian dan pertogelan nomor 12", "home", listed)

    found = {hit.phrase for hit in hits}
    assert "situs judi" in found
    assert found & {"daftar slot", "slot gacor", "gacor"}
    excerpt = next(hit for hit in hits if hit.phrase == "situs judi").excerpt
    assert "situs judi terpercaya" in excerpt
    assert legal == []


def test_allowed_phrase_is_not_reported() -> None:
    hits = spam.scan(
        "Seminar tentang bahaya judi online",
        "home",
        spam.phrases(),
        frozenset({"judi online", "judi"}),
    )

    assert hits == []


def test_valid_spf_has_no_problems() -> None:
    assert dns.spf_problems(("v=spf1 mx ip4:203.0.113.10 include:_spf.google.com -all",)) == []


def test_spf_with_a_typo_or_two_records_is_reported() -> None:
    assert "invalid SPF term 'ipv4:203.0.113.10'" in dns.spf_problems(
        ("v=spf1 ipv4:203.0.113.10 -all",)
    )
    assert dns.spf_problems(("v=spf1 mx -all", "v=spf1 a -all")) == [
        "2 SPF records; there must be exactly one"
    ]
    assert dns.spf_problems(("google-site-verification=abc",)) == ["no SPF record (v=spf1)"]


def test_dmarc_needs_a_known_policy() -> None:
    assert dns.dmarc_problems(("v=DMARC1; p=reject; rua=mailto:d@pa.go.id",)) == []
    assert dns.dmarc_problems(("v=DMARC1; p=maybe",)) == [
        "DMARC policy p= must be one of none, quarantine, reject"
    ]


def test_certificate_names_match_exactly_or_by_one_wildcard_label() -> None:
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    certificate = Certificate(
        "CN=x", "CN=ca", moment, moment, ("*.pa.go.id", "pa.go.id"), ("127.0.0.1",)
    )

    assert hostname_matches(certificate, "www.pa.go.id")
    assert hostname_matches(certificate, "pa.go.id")
    assert hostname_matches(certificate, "127.0.0.1")
    assert not hostname_matches(certificate, "a.b.pa.go.id")
    assert not hostname_matches(certificate, "pa-penajam.go.id")


def test_the_command_offers_exactly_the_checks_the_schema_knows() -> None:
    from opskit.config.schema import WEB_CHECKS
    from opskit.grammar.web import CHECKS

    assert CHECKS == WEB_CHECKS
