"""``sites:`` and ``web:``: the websites watched and the shared settings of web checks."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    Field,
)

from opskit.config.schema.common import (
    ConfigPath,
    Days,
    HttpUrl,
    IpServerAddress,
    Milliseconds,
    Name,
    Percent,
    Seconds,
    Section,
    ServerAddress,
    shared_default,
)

WEB_CHECKS = (
    "http", "tls", "domain", "dns", "freshness", "integrity", "links", "exposure", "public-info"
)  # fmt: skip


WebCheck = Literal[
    "http", "tls", "domain", "dns", "freshness", "integrity", "links", "exposure", "public-info"
]  # fmt: skip


DnsType = Literal["A", "AAAA", "CNAME", "MX", "NS", "TXT"]


class DnsRecord(Section):
    name: str = Field(
        "@",
        description="Record name: @ for the domain itself, a name under it (www), or a full name "
        "ending with a dot.",
    )
    type: DnsType = Field(description="Record type.")
    values: list[str] = Field(
        min_length=1,
        description="Expected values (all must be present; order does not matter).",
        examples=[["203.0.113.10"]],
    )


class SiteDns(Section):
    """What ``web.dns`` expects of the site's domain."""

    records: list[DnsRecord] = Field(
        default_factory=list,
        description="Records that must resolve to these values.",
        json_schema_extra={
            "commented_examples": [{"name": "www", "type": "A", "values": ["203.0.113.10"]}]
        },
    )
    authoritative: list[IpServerAddress] = Field(
        default_factory=list,
        description="Addresses of the domain's authoritative name servers (ip or ip:port); "
        "default: the NS records, resolved.",
    )
    mail: bool | None = Field(
        None,
        description="Whether the domain sends mail (then SPF and DMARC must be valid); "
        "default: when it has MX records.",
    )


class SiteLog(Section):
    path: str = Field(
        description="Access log path on the host; its rotations (.1, .2.gz, -DATE) are "
        "found next to it.",
        examples=["/var/log/nginx/access.log"],
    )
    format: str = Field(
        "auto",
        description="auto (found from the first lines), combined, common, vhost_combined, "
        "error (an Apache/nginx error log), or the server's own nginx log_format / Apache "
        "LogFormat string.",
    )
    host: Name | None = Field(
        None, description="Inventory host holding the log (default: the site's host, else local)."
    )


class PublicInfo(Section):
    """How ``web.public-info`` reads the site: its catalogue and the crawl's politeness."""

    catalogue: ConfigPath | None = Field(
        None,
        description="Your own copy of checks/web/public-information.yaml (items added, dropped "
        "or reworded); default: the built-in catalogue.",
    )
    max_pages: int = Field(300, ge=1, le=20_000, description="Read at most this many pages.")
    max_depth: int = Field(4, ge=1, le=10, description="Clicks from the home page at most.")
    requests_per_second: float = Field(
        2, ge=0, le=100, description="At most this many requests a second (0: no pacing)."
    )
    workers: int = Field(2, ge=1, le=16, description="Requests in flight at once.")
    max_documents: int = Field(
        100, ge=0, le=2000, description="Linked documents peeked at (status, file name) per audit."
    )
    interval_hours: float | None = Field(
        None,
        gt=0,
        le=24 * 90,
        description="Also audit in a plain `opskit check web` once the last audit is this old "
        "(e.g. 168: weekly); unset: only `opskit check web --only public-info` audits.",
    )


class Site(Section):
    name: Name = Field(description="Short unique name of the website.")
    url: HttpUrl = Field(description="Home page URL.")
    host: Name | None = Field(
        None, description="Inventory host that serves the site (for logs and files)."
    )
    skip: list[WebCheck] = Field(
        default_factory=list,
        description="Checks not to run for this site: " + ", ".join(WEB_CHECKS) + ".",
    )
    expected_status: list[int] = Field(
        default_factory=lambda: [200], description="HTTP status codes that mean the site is up."
    )
    must_contain: list[str] = Field(
        default_factory=list,
        description="Text the home page must contain (e.g. the court's name).",
        examples=[["Pengadilan Agama"]],
    )
    must_not_contain: list[str] = Field(
        default_factory=list, description="Text the home page must not contain."
    )
    response_warning_ms: Milliseconds = Field(
        2000, description="Response time WARNING at or above."
    )
    response_critical_ms: Milliseconds = Field(
        5000, description="Response time CRITICAL at or above."
    )
    timeout_seconds: Seconds = Field(10, description="Give up on one request after this long.")
    retries: int = Field(
        1, ge=0, le=5, description="Tries again after a failed request before calling it a failure."
    )
    failures_before_critical: int = Field(
        2, ge=1, le=20, description="Consecutive failed runs before the site is CRITICAL."
    )
    http_url: HttpUrl | None = Field(
        None,
        description="Plain-HTTP address that must redirect to HTTPS (default: the URL with "
        "http://, when the URL has no port).",
    )
    require_https_redirect: bool = Field(
        True, description="For https sites: plain HTTP must redirect to HTTPS."
    )
    tls_warning_days: Days = Field(21, description="Certificate expiry WARNING at or below.")
    tls_critical_days: Days = Field(7, description="Certificate expiry CRITICAL at or below.")
    domain: str | None = Field(
        None,
        description="Registrable domain whose expiry is checked (default: from the URL, "
        "e.g. pa-penajam.go.id for www.pa-penajam.go.id).",
    )
    domain_warning_days: Days = Field(45, description="Domain expiry WARNING at or below.")
    domain_critical_days: Days = Field(14, description="Domain expiry CRITICAL at or below.")
    dns: SiteDns = Field(
        default_factory=shared_default(SiteDns), description="DNS expectations (web.dns)."
    )
    pages: list[str] = Field(
        default_factory=list,
        description="More pages (paths or URLs) watched for defacement, spam, cloaking and "
        "broken links; the home page is always watched.",
        examples=[["/berita", "/pengumuman"]],
    )
    sitemap: str | None = Field(
        None, description="Sitemap path or URL (default /sitemap.xml when the site has one)."
    )
    sitemap_max_urls: int = Field(
        20, ge=0, le=1000, description="Sitemap URLs scanned for spam per run (new ones first)."
    )
    sitemap_new_warning: int = Field(
        50, ge=1, description="More new sitemap URLs than this in one run is a WARNING."
    )
    feeds: list[str] = Field(
        default_factory=list,
        description="RSS or Atom feeds (paths or URLs); default: those the home page links to.",
    )
    updates_selector: str | None = Field(
        None,
        description="CSS selector of the page region listing the newest posts with their dates.",
        examples=[".berita-terbaru"],
    )
    freshness_warning_days: Days = Field(14, description="No update for this many days: WARNING.")
    freshness_critical_days: Days = Field(30, description="No update for this many days: CRITICAL.")
    change_warning_percent: Percent = Field(
        25, description="A watched page changed more than this from its baseline: WARNING."
    )
    cloaking_difference_percent: Percent = Field(
        30, description="Crawler and browser copies differing more than this: CRITICAL."
    )
    links_max: int = Field(
        50, ge=0, le=2000, description="Links and documents checked per run (bounded crawl)."
    )
    exposure_paths: list[str] = Field(
        default_factory=list,
        description="More paths that must never be public, added to the built-in list.",
    )
    spam_allow: list[str] = Field(
        default_factory=list,
        description="Spam-list phrases that are legitimate on this site (not reported).",
    )
    logs: list[SiteLog] = Field(
        default_factory=list,
        description="Access logs read by `opskit check logs` (only new lines each run).",
    )
    public_info: PublicInfo = Field(
        default_factory=shared_default(PublicInfo),
        description="Public-information audit (web.public-info): catalogue and crawl limits.",
    )


class WebSettings(Section):
    """Addresses and shared settings of the website checks; every server is configurable."""

    browser_user_agent: str = Field(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
        description="User agent of the normal visitor's copy.",
    )
    crawler_user_agent: str = Field(
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        description="User agent of the search-engine crawler's copy (cloaking check).",
    )
    search_referer: str = Field(
        "https://www.google.com/",
        description="Referer sent with the search-engine visitor's copy (only sent as a header).",
    )
    ca_bundle: ConfigPath | None = Field(
        None, description="CA certificates file to verify TLS with (default: the system store)."
    )
    rdap_bootstrap_url: HttpUrl = Field(
        "https://data.iana.org/rdap/dns.json",
        description="IANA's RDAP bootstrap file (which RDAP server serves which TLD).",
    )
    rdap_bootstrap_refresh_days: Days = Field(
        7, description="Fetch the bootstrap file again after this many days."
    )
    rdap_servers: dict[str, HttpUrl] = Field(
        default_factory=dict,
        description="RDAP base URL per TLD, overriding the bootstrap file.",
    )
    whois_servers: dict[str, ServerAddress] = Field(
        default_factory=dict,
        description="WHOIS server (host or host:port) per TLD, overriding the built-in list "
        "(id: whois.id, com: whois.verisign-grs.com ...).",
    )
    domain_sources: list[Literal["rdap", "whois"]] = Field(
        ["rdap", "whois"],
        description="Where domain expiry is looked up, in order.",
    )
    domain_cache_hours: float = Field(
        24, gt=0, le=24 * 30, description="Reuse a domain's lookup for this long."
    )
    dns_resolvers: list[IpServerAddress] = Field(
        default_factory=list,
        description="DNS resolvers (ip or ip:port) for web.dns (default: the system's).",
    )
    dns_timeout_seconds: Seconds = Field(5, description="Give up on one DNS query after this long.")
    keywords_file: ConfigPath | None = Field(
        None, description="Your own spam and defacement phrase list, replacing the built-in one."
    )
