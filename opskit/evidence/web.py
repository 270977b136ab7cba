"""Evidence views of the website checks."""

from __future__ import annotations

from typing import Any

from opskit.evidence.facts import Code, Facts, View, facts_only, label, moment, pairs, said, table
from opskit.evidence.facts import yes_no as yes
from opskit.text import Message


def http(evidence: dict[str, Any]) -> list[Facts]:
    attempts = evidence.get("attempts") or []
    rows = [
        (
            Code(item.get("url") or "-"),
            f"HTTP {item['status']}" if item.get("status") else item.get("error") or "-",
            label("ms", value=item.get("elapsed_ms") or 0),
        )
        for item in attempts
    ]
    redirect = evidence.get("redirect_check") or {}
    return facts_only(
        [
            table(("address", "answer", "response_time"), rows),
            pairs(
                (
                    "expected_status",
                    ", ".join(str(code) for code in evidence.get("expected_status") or []),
                ),
                ("failures_in_row", evidence.get("consecutive_failures") or None),
                (
                    "plain_http",
                    f"HTTP {redirect['status']} → {redirect.get('location') or '-'}"
                    if redirect.get("status")
                    else None,
                ),
            ),
        ]
    )


def tls(evidence: dict[str, Any]) -> list[Facts]:
    rows = [
        (
            Code(_common_name(item.get("subject", ""))),
            Code(_common_name(item.get("issuer", ""))),
            moment(item.get("not_after")),
            label("days", value=round(item.get("days_left") or 0)),
        )
        for item in evidence.get("chain") or []
    ]
    return facts_only(
        [
            pairs(
                ("server", f"{evidence.get('host')}:{evidence.get('port')}"),
                ("protocol", evidence.get("protocol")),
                ("trusted", yes(evidence.get("verified"))),
                ("name_matches", yes(evidence.get("hostname_matches"))),
            ),
            table(("certificate", "issuer", "valid_until", "days_left"), rows),
        ]
    )


def domain(evidence: dict[str, Any]) -> list[Facts]:
    attempts = [
        (item.get("source"), moment(item.get("expires")) or item.get("error") or "-")
        for item in evidence.get("attempts") or []
    ]
    return facts_only(
        [
            pairs(
                ("domain", evidence.get("domain")),
                ("expires", moment(evidence.get("expires"))),
                ("registered", moment(evidence.get("registered"))),
                ("registrar", evidence.get("registrar")),
                ("source", evidence.get("source")),
            ),
            table(("source", "result"), attempts),
        ]
    )


def dns(evidence: dict[str, Any]) -> list[Facts]:
    records = [
        (
            Code(f"{item.get('name')} {item.get('type')}"),
            ", ".join(item.get("values") or [])
            or (label("missing") if item.get("missing") else "-"),
            ", ".join(item.get("expected") or []) or "-",
        )
        for item in evidence.get("records") or []
    ]
    servers = [
        (
            Code(item.get("server") or item.get("name") or "-"),
            item.get("serial") if item.get("serial") is not None else item.get("error") or "-",
            yes(item.get("authoritative")),
        )
        for item in evidence.get("nameservers") or []
    ]
    mail = [
        (name.upper(), Code("; ".join((evidence.get(name) or {}).get("values") or []) or "-"))
        for name in ("spf", "dmarc")
        if evidence.get(name)
    ]
    return facts_only(
        [
            table(("record", "value", "expected"), records),
            table(("name_server", "serial", "authoritative"), servers),
            table(("policy", "value"), mail),
        ]
    )


def freshness(evidence: dict[str, Any]) -> list[Facts]:
    rows = [(source, moment(when)) for source, when in (evidence.get("sources") or {}).items()]
    return facts_only(
        [table(("source", "newest_date"), sorted(rows, key=lambda row: str(row[1]), reverse=True))]
    )


def integrity(evidence: dict[str, Any]) -> list[Facts]:
    rows = [
        (
            Code(page.get("url") or "-"),
            label("percent", value=page["changed_percent"])
            if page.get("changed_percent") is not None
            else label("accepted")
            if page.get("accepted")
            else label("no_baseline"),
        )
        for page in evidence.get("pages") or []
    ]
    return facts_only([table(("page", "change"), rows)])


def spam(evidence: dict[str, Any]) -> list[Facts]:
    rows = [
        (
            hit.get("phrase"),
            said(hit.get("place"), Code(hit.get("where") or "")),
            hit.get("excerpt") or "",
        )
        for hit in evidence.get("hits") or []
    ]
    return facts_only([table(("phrase", "where", "excerpt"), rows, limit=8)])


def cloaking(evidence: dict[str, Any]) -> list[Facts]:
    rows = [
        (
            Code(item.get("url") or "-"),
            Message(f"web.copy.{item.get('copy')}")
            if item.get("copy") in ("crawler", "search visitor")
            else item.get("copy"),
            label("percent", value=item.get("difference_percent") or 0),
            ", ".join(item.get("spam_only_in_this_copy") or []) or "-",
        )
        for item in evidence.get("compared") or []
    ]
    return facts_only([table(("page", "copy", "difference", "spam_only_here"), rows)])


def sitemap(evidence: dict[str, Any]) -> list[Facts]:
    return facts_only(
        [
            pairs(
                ("urls_in_sitemap", evidence.get("total")), ("new_urls", evidence.get("new_count"))
            ),
            table(("new_url",), [(Code(url),) for url in evidence.get("new_urls") or []]),
        ]
    )


def links(evidence: dict[str, Any]) -> list[Facts]:
    rows = [
        (
            Code(item.get("url") or "-"),
            item.get("text") or "-",
            said(item.get("problem_message"), item.get("problem")),
        )
        for item in evidence.get("broken") or []
    ]
    return facts_only(
        [
            pairs(
                ("links_checked", evidence.get("checked")),
                ("pdf_documents", evidence.get("pdf_documents")),
            ),
            table(("link", "link_text", "problem"), rows),
        ]
    )


def exposure(evidence: dict[str, Any]) -> list[Facts]:
    exposed = [
        (
            Code(item.get("path") or "-"),
            f"HTTP {item.get('status')}",
            label("bytes", value=item.get("bytes") or 0),
            ", ".join(item.get("keys") or []) or "-",
        )
        for item in evidence.get("exposed") or []
    ]
    problems = [(said(item),) for item in evidence.get("header_messages") or []]
    headers = [(Code(name), Code(value)) for name, value in (evidence.get("headers") or {}).items()]
    return facts_only(
        [
            table(("public_path", "answer", "size_label", "key_names"), exposed),
            table(("header_problem",), problems),
            table(("header", "value"), headers),
        ]
    )


def public_info(evidence: dict[str, Any]) -> list[Facts]:
    scores = evidence.get("scores") or {}
    counts = scores.get("counts") or {}
    crawl = evidence.get("crawl") or {}
    return facts_only(
        [
            pairs(
                (
                    "score",
                    label("percent", value=scores["overall"])
                    if scores.get("overall") is not None
                    else None,
                ),
                ("items_found", counts.get("found")),
                ("items_stale", counts.get("stale")),
                ("items_missing", counts.get("missing")),
                ("pages_read", crawl.get("pages")),
            )
        ]
    )


def public_info_changes(evidence: dict[str, Any]) -> list[Facts]:
    rows = [
        (
            change.get("item"),
            Message(f"public_info.states.{change.get('before')}") if change.get("before") else "-",
            Message(f"public_info.states.{change.get('now')}") if change.get("now") else "-",
        )
        for change in evidence.get("changes") or []
    ]
    return facts_only([table(("item", "before", "now"), rows)])


def _common_name(subject: str) -> str:
    for part in subject.split(","):
        if part.strip().upper().startswith("CN="):
            return part.strip()[3:]
    return subject or "-"


VIEWS: dict[str, View] = {
    "web.http": http,
    "web.tls": tls,
    "web.domain": domain,
    "web.dns": dns,
    "web.freshness": freshness,
    "web.integrity": integrity,
    "web.integrity.spam": spam,
    "web.integrity.cloaking": cloaking,
    "web.integrity.sitemap": sitemap,
    "web.links": links,
    "web.exposure": exposure,
    "web.public-info": public_info,
    "web.public-info.changes": public_info_changes,
}
