"""The configuration schema: one source of truth for validation, the sample
config written by ``opskit init``, and the documentation of every key.

Each field has a description (written as a comment into the sample) and,
where useful, an example. Unknown keys are errors, so typos are caught.
Secrets never appear as values: fields ending in ``_file`` name a 0600
file, fields ending in ``_env`` name an environment variable.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    model_validator,
)

from opskit.config.secrets import check_secret_file

NAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{0,62}$"
ENV_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"

ROLES = (
    "operator",
    "penanggung_jawab",
    "kasubbag_ti",
    "sekretaris",
    "ketua",
    "provider",
    "redaktur",
)
Role = Literal[
    "operator", "penanggung_jawab", "kasubbag_ti", "sekretaris", "ketua", "provider", "redaktur"
]


def _resolve_path(value: Path, info: ValidationInfo) -> Path:
    """Relative paths are relative to the config file's directory."""
    value = value.expanduser()
    base = (info.context or {}).get("base_dir")
    if not value.is_absolute() and base is not None:
        value = Path(base) / value
    return value


def _secret_file(value: Path, info: ValidationInfo) -> Path:
    value = _resolve_path(value, info)
    problem = check_secret_file(value)
    if problem:
        raise ValueError(problem)
    return value


def _not_a_boolean(value: object) -> object:
    """YAML reads ``yes``/``true`` as booleans, which would otherwise pass as port 1."""
    if isinstance(value, bool):
        raise ValueError("a port number is needed, not true/false")
    return value


def _timezone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r} (for example Asia/Makassar)") from None
    return value


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("not a valid http(s) URL (for example https://www.pa-penajam.go.id/)")
    if parts.password:
        raise ValueError("a password in a URL is a secret in the file; use ${VAR} interpolation")
    return value


def _email(value: str) -> str:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise ValueError("not a valid e-mail address")
    return value


ConfigPath = Annotated[Path, AfterValidator(_resolve_path)]
SecretFile = Annotated[Path, AfterValidator(_secret_file)]
Port = Annotated[int, BeforeValidator(_not_a_boolean), Field(ge=1, le=65535)]
EnvName = Annotated[str, Field(pattern=ENV_PATTERN)]
Name = Annotated[str, Field(pattern=NAME_PATTERN)]
TimeZone = Annotated[str, AfterValidator(_timezone)]
HttpUrl = Annotated[str, AfterValidator(_http_url)]
Email = Annotated[str, AfterValidator(_email)]
Percent = Annotated[float, Field(gt=0, le=100)]
Seconds = Annotated[float, Field(gt=0, le=86400)]


class Section(BaseModel):
    """Base of every config section: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_means_default(cls, data: Any) -> Any:
        """A key written with no value (``security:``) takes its default."""
        if not isinstance(data, dict):
            return data
        return {
            key: value
            for key, value in data.items()
            if not (
                value is None
                and key in cls.model_fields
                and not cls.model_fields[key].is_required()
                and cls.model_fields[key].get_default(call_default_factory=True) is not None
            )
        }

    def _one_secret(self, stem: str, *, required: bool = False) -> None:
        given = [
            name for name in (f"{stem}_file", f"{stem}_env") if getattr(self, name) is not None
        ]
        if len(given) > 1:
            raise ValueError(f"give either {stem}_file or {stem}_env, not both")
        if required and not given:
            raise ValueError(f"{stem}_file or {stem}_env is required")


class Organisation(Section):
    name: str = Field(
        description="Full name of the organisation, printed on every report.",
        examples=["Pengadilan Agama Penajam"],
        min_length=1,
    )
    short_name: str | None = Field(
        None, description="Short name for subjects and headers.", examples=["PA Penajam"]
    )
    address: str | None = Field(
        None,
        description="Postal address for report headers.",
        examples=["Jl. Provinsi KM 9, Penajam Paser Utara"],
    )
    timezone: TimeZone = Field(
        "Asia/Makassar", description="IANA time zone used in reports and schedules."
    )
    language: Literal["id", "en"] = Field(
        "id", description="Language of reports people read: id (Bahasa Indonesia) or en."
    )

    @property
    def display_name(self) -> str:
        """The short name if there is one (subjects, headers), else the full name."""
        return self.short_name or self.name


class Person(Section):
    name: str = Field(description="Full name as it appears on signed documents.", min_length=1)
    roles: list[Role] = Field(
        description="SOP roles: " + ", ".join(ROLES) + ".",
        min_length=1,
    )
    position: str | None = Field(None, description="Job title (jabatan) for signature blocks.")
    nip: str | None = Field(None, description="Civil servant number (NIP) for signature blocks.")
    email: Email | None = Field(None, description="E-mail address for reports and alerts.")
    phone: str | None = Field(None, description="Phone number, listed in handoff documents.")
    notify: list[Name] = Field(
        default_factory=list,
        description="Names of notification channels (notifications.channels) reaching this person.",
    )


class Channel(Section):
    name: Name = Field(description="Channel name, referred to by people[].notify.")
    url: str | None = Field(
        None,
        description="Apprise URL; put any token or password in ${VAR} interpolation.",
        json_schema_extra={"sensitive": True},
    )
    url_env: EnvName | None = Field(
        None, description="Environment variable holding the Apprise URL."
    )
    url_file: SecretFile | None = Field(None, description="0600 file holding the Apprise URL.")

    @model_validator(mode="after")
    def _exactly_one_url(self) -> Channel:
        given = [key for key in ("url", "url_env", "url_file") if getattr(self, key) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of url, url_env or url_file")
        return self


DocumentKind = Literal["incident", "daily", "recap", "handoff", "schedule", "uat"]
DEFAULT_ROUTES: dict[DocumentKind, list[Role]] = {
    "incident": ["penanggung_jawab"],
    "daily": ["penanggung_jawab"],
    "recap": ["kasubbag_ti", "sekretaris"],
    "handoff": ["provider"],
    "schedule": ["kasubbag_ti"],
    "uat": ["kasubbag_ti", "ketua"],
}
DEFAULT_SIGNATURES: dict[DocumentKind, list[Role]] = {
    "incident": ["operator", "penanggung_jawab"],
    "daily": ["operator", "penanggung_jawab"],
    "recap": ["kasubbag_ti", "sekretaris"],
    "handoff": ["operator", "kasubbag_ti"],
    "schedule": ["kasubbag_ti", "sekretaris"],
    "uat": ["kasubbag_ti", "ketua"],
}


class Notifications(Section):
    routes: dict[DocumentKind, list[Role]] = Field(
        default_factory=lambda: {kind: list(roles) for kind, roles in DEFAULT_ROUTES.items()},
        description="Which SOP roles receive which document (incident, daily, recap, handoff, "
        "schedule, uat); a document goes to every person with one of the roles.",
    )
    reminder_hours: float = Field(
        24, gt=0, description="Remind about a still-open incident after this many hours."
    )
    retry_hours: float = Field(
        72, gt=0, description="Keep retrying a failed delivery on later runs for this long."
    )
    timeout_seconds: Seconds = Field(
        30, description="Give up on one delivery attempt after this long."
    )
    channels: list[Channel] = Field(
        default_factory=list,
        description="Delivery channels (e-mail, Telegram, webhooks) as Apprise URLs.",
        json_schema_extra={
            "commented_examples": [
                {
                    "name": "email",
                    "url": "mailtos://opskit:${OPSKIT_SMTP_PASSWORD}@mail.pa-penajam.go.id",
                },
                {"name": "telegram", "url_env": "OPSKIT_TELEGRAM_URL"},
            ]
        },
    )


class HostChecks(Section):
    """Thresholds for ``opskit check host``; unset values fall back to the defaults below."""

    disk_warning_percent: Percent | None = Field(
        None, description="Disk usage WARNING at or above.", json_schema_extra={"shown_default": 80}
    )
    disk_critical_percent: Percent | None = Field(
        None,
        description="Disk usage CRITICAL at or above.",
        json_schema_extra={"shown_default": 90},
    )
    inode_warning_percent: Percent | None = Field(
        None, description="Inode usage WARNING.", json_schema_extra={"shown_default": 80}
    )
    inode_critical_percent: Percent | None = Field(
        None, description="Inode usage CRITICAL.", json_schema_extra={"shown_default": 90}
    )
    memory_warning_percent: Percent | None = Field(
        None, description="Memory in use WARNING.", json_schema_extra={"shown_default": 90}
    )
    memory_critical_percent: Percent | None = Field(
        None, description="Memory in use CRITICAL.", json_schema_extra={"shown_default": 95}
    )
    load_warning_per_cpu: float | None = Field(
        None,
        gt=0,
        description="5-minute load per CPU WARNING.",
        json_schema_extra={"shown_default": 2},
    )
    load_critical_per_cpu: float | None = Field(
        None,
        gt=0,
        description="5-minute load per CPU CRITICAL.",
        json_schema_extra={"shown_default": 4},
    )
    failures_before_critical: int | None = Field(
        None,
        ge=1,
        le=20,
        description="Runs in a row a host must fail to answer before host.ssh is CRITICAL.",
        json_schema_extra={"shown_default": 2},
    )
    ignore_mounts: list[str] | None = Field(
        None, description="Mount points not to judge (e.g. /media/cdrom)."
    )

    def over(self, base: HostChecks) -> HostChecks:
        """These thresholds with unset values taken from ``base``."""
        merged = base.model_dump()
        merged.update({key: value for key, value in self.model_dump().items() if value is not None})
        return HostChecks.model_validate(merged)


DEFAULT_HOST_CHECKS = HostChecks(
    disk_warning_percent=80,
    disk_critical_percent=90,
    inode_warning_percent=80,
    inode_critical_percent=90,
    memory_warning_percent=90,
    memory_critical_percent=95,
    load_warning_per_cpu=2.0,
    load_critical_per_cpu=4.0,
    failures_before_critical=2,
    ignore_mounts=[],
)


class Host(Section):
    name: Name = Field(description="Short unique name used on the command line.")
    local: bool = Field(False, description="True for this machine (no SSH).")
    address: str | None = Field(None, description="DNS name or IP address (SSH hosts).")
    port: Port = Field(22, description="SSH port.")
    user: str | None = Field(None, description="SSH user (default: the user running opskit).")
    key_file: SecretFile | None = Field(
        None, description="Private key file (0600); default: ssh agent and ~/.ssh keys."
    )
    key_passphrase_env: EnvName | None = Field(
        None, description="Environment variable with the key's passphrase."
    )
    key_passphrase_file: SecretFile | None = Field(
        None, description="0600 file with the key's passphrase."
    )
    password_env: EnvName | None = Field(
        None, description="Environment variable with the SSH password, if keys are not used."
    )
    password_file: SecretFile | None = Field(None, description="0600 file with the SSH password.")
    sudo: bool = Field(False, description="Run privileged probes (firewall, updates) with sudo.")
    sudo_password_env: EnvName | None = Field(
        None,
        description="Environment variable with the sudo password (default: passwordless sudo).",
    )
    sudo_password_file: SecretFile | None = Field(
        None, description="0600 file with the sudo password."
    )
    connect_timeout_seconds: Seconds = Field(10, description="Give up connecting after this long.")
    command_timeout_seconds: Seconds = Field(
        300, description="Give up on one remote command after this long."
    )
    description: str | None = Field(
        None, description="What this host is for (shown in handoff documents)."
    )
    host_checks: HostChecks | None = Field(
        None, description="Thresholds overriding the global host_checks for this host."
    )
    security: dict[str, Any] | None = Field(
        None,
        description="Changes to the security policy for this host only, e.g. "
        "{web_files: {roots: [/var/www/html]}}.",
    )

    @model_validator(mode="after")
    def _connection(self) -> Host:
        if not self.local and not self.address:
            raise ValueError("an SSH host needs an address (or set local: true)")
        if self.local and self.address:
            raise ValueError("a local host has no address")
        for stem in ("key_passphrase", "password", "sudo_password"):
            self._one_secret(stem)
        return self

    @property
    def destination(self) -> str:
        """How the host is shown in messages: ``user@address:port`` or ``local``."""
        if self.local:
            return "local"
        user = f"{self.user}@" if self.user else ""
        port = f":{self.port}" if self.port != 22 else ""
        return f"{user}{self.address}{port}"


LOCAL_HOST = Host(name="local", local=True, description="This machine.")


WEB_CHECKS = ("http", "tls", "domain", "dns", "freshness", "integrity", "links", "exposure")
WebCheck = Literal["http", "tls", "domain", "dns", "freshness", "integrity", "links", "exposure"]
DnsType = Literal["A", "AAAA", "CNAME", "MX", "NS", "TXT"]
Days = Annotated[float, Field(ge=0, le=3650)]
Milliseconds = Annotated[int, Field(gt=0, le=600_000)]


def split_address(value: str, default_port: int) -> tuple[str, int]:
    """``host``, ``host:port``, ``[v6]:port`` or a bare IPv6 address as (host, port).

    Raises ValueError when the port is not a number from 1 to 65535.
    """
    text = value.strip()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port_text = rest.removeprefix(":")
    elif text.count(":") == 1:
        host, _, port_text = text.partition(":")
    else:
        host, port_text = text, ""
    if not host:
        raise ValueError("an address is needed, e.g. 192.0.2.53 or 192.0.2.53:5353")
    if not port_text:
        return host, default_port
    if not (port_text.isdigit() and 0 < int(port_text) < 65536):
        raise ValueError(f"{value!r}: the port must be a number from 1 to 65535")
    return host, int(port_text)


def _server_address(value: str) -> str:
    split_address(value, 0)
    return value


ServerAddress = Annotated[str, AfterValidator(_server_address)]


def _ip_server_address(value: str) -> str:
    """DNS servers are asked by address: a name here would fail only when a query is sent."""
    import ipaddress

    host, _ = split_address(value, 0)
    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(f"{value!r} is not an IP address (ip or ip:port)") from None
    return value


def _ip_address(value: str) -> str:
    import ipaddress

    try:
        ipaddress.ip_address(value)
    except ValueError:
        raise ValueError(f"{value!r} is not an IP address") from None
    return value


# A DNS server as ip or ip:port ([v6]:port), and one as a bare ip (its port set apart).
IpServerAddress = Annotated[str, AfterValidator(_ip_server_address)]
IpAddress = Annotated[str, AfterValidator(_ip_address)]


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
    dns: SiteDns = Field(default_factory=SiteDns, description="DNS expectations (web.dns).")
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


class Resolver(Section):
    nameservers: list[IpAddress] = Field(
        default_factory=list,
        description="DNS server addresses for crawler verification (default: the system's).",
    )
    port: Port = Field(53, description="DNS port.")
    timeout_seconds: Seconds = Field(3, description="Give up on one lookup after this long.")


class LogChecks(Section):
    """Access-log detection settings for ``opskit check logs``."""

    rules_file: ConfigPath | None = Field(
        None, description="Your own detection rules YAML, replacing the built-in rules."
    )
    login_paths: list[str] = Field(
        default_factory=list,
        description="Extra login URL paths watched for brute force (e.g. /siadpa/login).",
    )
    allow_addresses: list[str] = Field(
        default_factory=list,
        description="Addresses or networks (CIDR) whose findings are suppressed "
        "(monitoring, the office network).",
        examples=[["127.0.0.1", "10.0.0.0/8"]],
    )
    allow_user_agents: list[str] = Field(
        default_factory=list,
        description="User-agent substrings whose findings are suppressed (your uptime monitor).",
    )
    verify_crawlers: bool = Field(
        False,
        description="Suppress findings for search-engine crawlers proven by reverse and "
        "forward DNS (sends DNS queries).",
    )
    resolver: Resolver = Field(
        default_factory=Resolver, description="DNS resolver for crawler verification."
    )
    jobs: int = Field(2, ge=1, le=64, description="Processes scanning large logs in parallel.")


class Repository(Section):
    name: Name = Field(description="Repository name, referred to by backup sets.")
    type: Literal["local", "s3", "sftp"] = Field(
        "local",
        description="Where the restic repository lives: local (a directory; for a set on an SSH "
        "host, a directory on that host), s3 (an S3-compatible bucket), sftp (over SSH).",
    )
    path: ConfigPath | None = Field(
        None, description="Directory of a local repository.", examples=["/srv/backup/restic"]
    )
    endpoint: HttpUrl | None = Field(
        None,
        description="S3: the endpoint URL (AWS, MinIO, Wasabi, a provider's S3 service).",
        examples=["https://s3.ap-southeast-1.amazonaws.com"],
    )
    bucket: str | None = Field(
        None,
        description="S3: the bucket name.",
        pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
    )
    prefix: str = Field(
        "restic", description="S3: the folder inside the bucket that holds the repository."
    )
    region: str = Field("us-east-1", description="S3: the bucket's region.")
    access_key_id_env: EnvName | None = Field(
        None, description="S3: environment variable with the access key id."
    )
    access_key_id_file: SecretFile | None = Field(
        None, description="S3: 0600 file with the access key id."
    )
    secret_access_key_env: EnvName | None = Field(
        None, description="S3: environment variable with the secret access key."
    )
    secret_access_key_file: SecretFile | None = Field(
        None, description="S3: 0600 file with the secret access key."
    )
    host: Name | None = Field(
        None,
        description="SFTP: the inventory host holding the repository (its address, port, user "
        "and key_file are used; its key must be trusted with `opskit hosts trust`).",
    )
    remote_path: str | None = Field(
        None, description="SFTP: the repository directory on that host.", examples=["/srv/restic"]
    )
    password_env: EnvName | None = Field(
        None, description="Environment variable with the repository password."
    )
    password_file: SecretFile | None = Field(
        None, description="0600 file with the repository password."
    )
    timeout_seconds: Seconds = Field(
        21600, description="Give up on one restic command on this repository after this long."
    )

    @model_validator(mode="after")
    def _password(self) -> Repository:
        self._one_secret("password", required=True)
        needed = {
            "local": ("path",),
            "s3": ("endpoint", "bucket"),
            "sftp": ("host", "remote_path"),
        }[self.type]
        missing = [name for name in needed if getattr(self, name) is None]
        if missing:
            raise ValueError(f"a {self.type} repository needs {' and '.join(missing)}")
        if self.type == "s3":
            self._one_secret("access_key_id", required=True)
            self._one_secret("secret_access_key", required=True)
        return self

    @property
    def location(self) -> str:
        """Where the repository is, as shown to people (never with credentials)."""
        if self.type == "s3":
            return f"s3:{(self.endpoint or '').rstrip('/')}/{self.bucket}/{self.prefix}".rstrip("/")
        if self.type == "sftp":
            return f"sftp:{self.host}:{self.remote_path}"
        return str(self.path)


class Retention(Section):
    """How many snapshots ``opskit backup prune`` keeps for each path of a set."""

    keep_last: int | None = Field(None, ge=1, description="Keep the newest N snapshots.")
    keep_daily: int | None = Field(7, ge=1, description="Keep one snapshot a day for N days.")
    keep_weekly: int | None = Field(4, ge=1, description="Keep one a week for N weeks.")
    keep_monthly: int | None = Field(12, ge=1, description="Keep one a month for N months.")
    keep_yearly: int | None = Field(2, ge=1, description="Keep one a year for N years.")


class Database(Section):
    """A MariaDB/MySQL database dumped into the backup as ``<name>.sql``."""

    name: Name = Field(description="Name of the dump in the backup (the file is NAME.sql).")
    database: str = Field(description="Database name on the server.", min_length=1)
    client: Literal["mariadb", "mysql"] = Field(
        "mariadb",
        description="Which client programs to use: mariadb (mariadb-dump, mariadb) or mysql "
        "(mysqldump, mysql).",
    )
    socket: str | None = Field(
        None, description="Server socket (default: the client's own default)."
    )
    address: str | None = Field(None, description="Server address, when not the local socket.")
    port: Port | None = Field(None, description="Server port.")
    user: str | None = Field(None, description="Database user for the dump.")
    password_env: EnvName | None = Field(
        None, description="Environment variable with the database password."
    )
    password_file: SecretFile | None = Field(
        None, description="0600 file with the database password."
    )
    timeout_seconds: Seconds = Field(3600, description="Give up on one dump after this long.")

    @model_validator(mode="after")
    def _secret(self) -> Database:
        self._one_secret("password")
        return self


class Verification(Section):
    """How ``opskit backup verify`` proves that restores work."""

    check_interval_days: float = Field(
        7, gt=0, description="How often verification is due (for `opskit check backup`)."
    )
    read_data_groups: int = Field(
        12,
        ge=1,
        le=1000,
        description="`restic check` reads one of this many data groups per run, so the whole "
        "repository is read back over this many runs.",
    )
    drill_files: int = Field(
        20, ge=0, description="Files restored and compared by hash in each restore drill."
    )
    restore_databases: bool = Field(
        True,
        description="Restore each database dump into a throwaway database and compare row "
        "counts (needs CREATE and DROP privileges for the dump user).",
    )


class BackupSet(Section):
    name: Name = Field(description="Backup set name.")
    host: Name = Field("local", description="Inventory host whose data is backed up.")
    paths: list[str] = Field(default_factory=list, description="Files and directories to back up.")
    exclude: list[str] = Field(default_factory=list, description="Patterns to leave out.")
    databases: list[Database] = Field(
        default_factory=list, description="Databases dumped into this set."
    )
    repositories: list[Name] = Field(
        min_length=1, description="Repositories this set is written to."
    )
    interval_hours: float = Field(
        24,
        gt=0,
        description="How often this set is backed up (the schedule freshness is judged by).",
    )
    warning_intervals: float = Field(
        1.5, gt=0, description="Latest snapshot older than this many intervals: WARNING."
    )
    critical_intervals: float = Field(
        3, gt=0, description="Latest snapshot older than this many intervals: CRITICAL."
    )
    retention: Retention = Field(default_factory=Retention, description="What prune keeps.")
    verification: Verification = Field(
        default_factory=Verification, description="How restores are proven."
    )

    @model_validator(mode="after")
    def _something(self) -> BackupSet:
        if not self.paths and not self.databases:
            raise ValueError("a backup set needs paths or databases")
        if any(not path.startswith("/") for path in self.paths):
            raise ValueError("backup paths must be absolute (start with /)")
        return self


# Shown commented out in the sample config (written as YAML, as the admin will).
SAMPLE_OFFSITE_REPOSITORY = """
name: offsite
type: s3
endpoint: https://s3.ap-southeast-1.amazonaws.com
bucket: pa-penajam-backup
access_key_id_env: OPSKIT_S3_KEY_ID
secret_access_key_env: OPSKIT_S3_SECRET
password_file: /etc/opskit/offsite.password
"""
SAMPLE_WEBSITE_SET = """
name: website
host: web1
paths: [/var/www/html]
exclude: [/var/www/html/cache]
databases:
  - {name: website, database: joomla, user: backup, password_file: /etc/opskit/db.password}
repositories: [local, offsite]
retention: {keep_daily: 7, keep_weekly: 4, keep_monthly: 12}
"""


class Backup(Section):
    repositories: list[Repository] = Field(
        default_factory=list,
        description="restic repositories. `opskit init` creates one named local under the state "
        "directory; add an offsite one (S3) and run `opskit backup init`.",
        json_schema_extra={"commented_examples": [yaml.safe_load(SAMPLE_OFFSITE_REPOSITORY)]},
    )
    sets: list[BackupSet] = Field(
        default_factory=list,
        description="What is backed up, from where, to where.",
        json_schema_extra={"commented_examples": [yaml.safe_load(SAMPLE_WEBSITE_SET)]},
    )
    restic: str = Field("restic", description="The restic program (a name on PATH or a path).")
    lock_wait_seconds: float = Field(
        0,
        ge=0,
        le=86400,
        description="How long `opskit backup run` waits for another run of the same set to "
        "finish before giving up with a message.",
    )

    def repository(self, name: str) -> Repository:
        return next(repository for repository in self.repositories if repository.name == name)


class CodeTarget(Section):
    name: Name = Field(description="Short name of the application, shown as the target.")
    path: ConfigPath = Field(description="Directory (or file) of its Python code on this machine.")
    exclude: list[str] = Field(
        default_factory=list, description="Paths under it bandit skips (tests, vendored code)."
    )


class Security(Section):
    policy_file: ConfigPath | None = Field(
        None,
        description="Your own security policy YAML in the format of the built-in baseline "
        "(`opskit paths checks`/security.yaml); the keys it sets replace the baseline's.",
    )
    policy: dict[str, Any] | None = Field(
        None,
        description="Changes to the security baseline for every host, in its format, e.g. "
        "{network: {allowed_ports: [22/tcp, 443/tcp]}, ssh: {max_auth_tries: 3}}.",
    )
    code: list[CodeTarget] = Field(
        default_factory=list,
        description="Python application code scanned with bandit by `opskit check code` (SOP D4).",
        json_schema_extra={
            "commented_examples": [
                {"name": "sipp-tools", "path": "/srv/sipp-tools", "exclude": ["tests"]}
            ]
        },
    )


def _cron(value: str) -> str:
    from cronsim import CronSim, CronSimError

    try:
        CronSim(value, datetime.now(UTC))
    except CronSimError as error:
        raise ValueError(f"not a valid cron expression: {error}") from None
    return value


CronExpression = Annotated[str, AfterValidator(_cron)]


class Job(Section):
    name: Name = Field(description="Job name.")
    cron: CronExpression = Field(
        description="When it runs: a cron expression (minute hour day month weekday) in the "
        "organisation's time zone."
    )
    run: str = Field(
        description="The opskit command it runs, e.g. 'check web' or 'report daily --send'."
    )
    timeout_minutes: float = Field(
        60, gt=0, description="Stop the job if it runs longer than this."
    )
    catch_up: Literal["once", "skip"] = Field(
        "once",
        description="After missed runs (machine off, scheduler stopped): 'once' runs the job once "
        "late; 'skip' waits for its next time unless it is at most a tenth of its interval late "
        "(10 minutes to 1 hour).",
    )


class MaintenanceWindow(Section):
    name: str = Field(description="What the maintenance is.")
    start: datetime | None = Field(
        None, description="Start (organisation's time zone unless it has one)."
    )
    end: datetime | None = Field(None, description="End of a one-off window.")
    cron: CronExpression | None = Field(None, description="Start of a recurring window, as cron.")
    duration_minutes: float | None = Field(None, gt=0, description="Length of a recurring window.")
    targets: list[str] = Field(
        default_factory=lambda: ["*"],
        description="Targets it covers, as shell patterns (web1, web1:*, www*); default all.",
    )

    @model_validator(mode="after")
    def _when(self) -> MaintenanceWindow:
        one_off = self.start is not None and self.end is not None
        recurring = self.cron is not None and self.duration_minutes is not None
        if one_off == recurring:
            raise ValueError(
                "give start and end (one-off), or cron and duration_minutes (recurring)"
            )
        if one_off and self.end <= self.start:  # type: ignore[operator]
            raise ValueError("end must be after start")
        return self


# The SOP's frequencies: website and visitors daily (F1-F3; websites every 15
# minutes so an outage is seen the same morning), backups daily (D7, F2) and
# verified weekly (D5), network and security weekly (C2, D1), servers hourly
# (C5), the daily report on working days (F5), the recap monthly (C11).
DEFAULT_JOBS: list[dict[str, str]] = [
    {"name": "website", "cron": "*/15 * * * *", "run": "check web"},
    {"name": "host-checks", "cron": "0 * * * *", "run": "check host"},
    {"name": "backup", "cron": "30 1 * * *", "run": "backup run"},
    {"name": "backup-check", "cron": "0 6 * * *", "run": "check backup"},
    {"name": "backup-verify", "cron": "0 3 * * 0", "run": "backup verify"},
    {"name": "visitor-logs", "cron": "0 6 * * *", "run": "check logs"},
    {"name": "security", "cron": "0 7 * * 1", "run": "check security"},
    {"name": "daily-report", "cron": "0 16 * * 1-5", "run": "report daily --send"},
    {"name": "monthly-recap", "cron": "0 8 1 * *", "run": "report recap --send --month previous"},
    {
        "name": "maintenance-schedule",
        "cron": "0 8 25 * *",
        "run": "report schedule --send --month next",
    },
    {"name": "heartbeat", "cron": "30 7 * * *", "run": "check schedule"},
]


class Schedule(Section):
    jobs: list[Job] = Field(
        default_factory=list,
        description="Jobs `opskit run` starts when they are due (call it every few minutes from "
        "cron, a systemd timer or CI: `opskit schedule install`).",
        examples=[DEFAULT_JOBS],
    )
    maintenance_windows: list[MaintenanceWindow] = Field(
        default_factory=list,
        description="Times when targets are being worked on: results are recorded but no incident "
        "is opened or announced.",
        json_schema_extra={
            "commented_examples": [
                {
                    "name": "Server update",
                    "start": "2026-12-05T20:00",
                    "end": "2026-12-05T23:00",
                    "targets": ["web1", "web1:*"],
                },
                {
                    "name": "Weekly restart",
                    "cron": "0 22 * * 6",
                    "duration_minutes": 30,
                    "targets": ["website"],
                },
            ]
        },
    )
    metrics_file: ConfigPath | None = Field(
        None,
        description="Write Prometheus metrics here after every `opskit run` (node_exporter "
        "textfile collector, e.g. /var/lib/prometheus/node-exporter/opskit.prom).",
    )


class Reports(Section):
    place: str | None = Field(
        None,
        description="Town written before the date above signatures (default: the organisation's "
        "short name).",
        examples=["Penajam"],
    )
    number_prefix: str | None = Field(
        None, description="Office code put in front of document numbers.", examples=["W17-A23"]
    )
    signatures: dict[DocumentKind, list[Role]] = Field(
        default_factory=lambda: {kind: list(roles) for kind, roles in DEFAULT_SIGNATURES.items()},
        description="Whose signature blocks close each document, by SOP role (left to right).",
    )


class Uat(Section):
    """User acceptance tests: checklists, who reviews and who approves (SOP D2, D3, D6)."""

    checklists_dir: ConfigPath | None = Field(
        None,
        description="Directory of your own UAT checklists (*.yaml); one there replaces a "
        "built-in checklist of the same name (e.g. /etc/opskit/checklists).",
    )
    approver_role: Role = Field(
        "ketua",
        description="SOP role whose holders (people[]) may approve or reject a UAT run.",
    )
    reviewer_role: Role | None = Field(
        None,
        description="SOP role a reviewer must hold (people[]); unset: anyone named may review.",
        examples=["kasubbag_ti"],
    )
    timeout_seconds: Seconds = Field(
        10, description="Give up on one automated step after this long (a step may set its own)."
    )


class Paths(Section):
    state_dir: ConfigPath | None = Field(
        None,
        description="Where opskit keeps its history database, known_hosts and caches "
        "(default: the user's state directory, e.g. ~/.local/state/opskit).",
    )
    history_db: ConfigPath | None = Field(
        None, description="History database file (default: <state_dir>/history.sqlite)."
    )
    output_dir: ConfigPath | None = Field(
        None, description="Where reports are written (default: <state_dir>/reports)."
    )


class Config(Section):
    """The whole ``opskit.yaml``."""

    version: Literal[1] = Field(1, description="Config format version.")
    organisation: Organisation = Field(description="Who this installation serves.")
    people: list[Person] = Field(
        default_factory=list,
        description="People and their SOP roles; reports go to them by role.",
        examples=[
            [
                {
                    "name": "Nama Penanggung Jawab",
                    "roles": ["penanggung_jawab"],
                    "position": "Panitera",
                    "email": "penanggungjawab@pa-penajam.go.id",
                },
                {
                    "name": "Nama Kasubbag",
                    "roles": ["kasubbag_ti"],
                    "position": "Kasubbag Perencanaan, TI dan Pelaporan",
                    "email": "ti@pa-penajam.go.id",
                },
                {"name": "Nama Sekretaris", "roles": ["sekretaris"], "position": "Sekretaris"},
                {"name": "Nama Ketua", "roles": ["ketua"], "position": "Ketua"},
                {"name": "Nama Operator", "roles": ["operator"], "position": "Pranata Komputer"},
            ]
        ],
    )
    reports: Reports = Field(default_factory=Reports, description="Documents opskit writes.")
    notifications: Notifications = Field(
        default_factory=Notifications, description="How reports and alerts are delivered."
    )
    paths: Paths = Field(default_factory=Paths, description="Where opskit keeps its files.")
    host_checks: HostChecks = Field(
        default_factory=HostChecks, description="Thresholds for host checks (disk, memory, load)."
    )
    hosts: list[Host] = Field(
        default_factory=list,
        description="Inventory: this machine and servers reached over SSH. "
        "A host named 'local' (this machine) always exists. "
        "Trust a new SSH host once with `opskit hosts trust NAME`.",
        examples=[[{"name": "local", "local": True, "description": "The opskit machine itself."}]],
        json_schema_extra={
            "commented_examples": [
                {
                    "name": "web1",
                    "address": "203.0.113.10",
                    "user": "opskit",
                    "key_file": "/etc/opskit/keys/web1_ed25519",
                    "sudo": True,
                    "description": "Web server for the court website.",
                },
            ]
        },
    )
    sites: list[Site] = Field(
        default_factory=list,
        description="Websites to watch.",
        examples=[
            [
                {
                    "name": "website-utama",
                    # A placeholder under the reserved .example TLD: nothing is sent to a
                    # real court's site until the admin writes their own address here.
                    "url": "https://www.pengadilan.example/",
                    "must_contain": ["Pengadilan Agama"],
                }
            ]
        ],
    )
    web: WebSettings = Field(
        default_factory=WebSettings,
        description="Shared settings of the website checks: user agents, CA bundle, and the "
        "RDAP, WHOIS and DNS servers they ask.",
    )
    logs: LogChecks = Field(
        default_factory=LogChecks, description="Access-log anomaly detection (SOP F3, C2, D1)."
    )
    backup: Backup = Field(default_factory=Backup, description="Backups with restic.")
    security: Security = Field(default_factory=Security, description="Security policy.")
    schedule: Schedule = Field(default_factory=Schedule, description="When jobs run.")
    uat: Uat = Field(
        default_factory=Uat,
        description="User acceptance tests of applications (`opskit uat`).",
    )

    _source: Path | None = PrivateAttr(default=None)

    @property
    def source(self) -> Path | None:
        """The file this config was read from."""
        return self._source

    @property
    def state_dir(self) -> Path:
        from opskit.paths import default_state_dir

        return self.paths.state_dir or default_state_dir()

    @property
    def history_db(self) -> Path:
        return self.paths.history_db or self.state_dir / "history.sqlite"

    @property
    def output_dir(self) -> Path:
        return self.paths.output_dir or self.state_dir / "reports"

    def inventory(self) -> dict[str, Host]:
        """Every host by name, with the implicit ``local`` host."""
        hosts = {"local": LOCAL_HOST}
        hosts.update({host.name: host for host in self.hosts})
        return hosts

    def host_checks_for(self, host: Host) -> HostChecks:
        effective = self.host_checks.over(DEFAULT_HOST_CHECKS)
        return host.host_checks.over(effective) if host.host_checks else effective

    def people_with_role(self, role: str) -> list[Person]:
        return [person for person in self.people if role in person.roles]


def field_extra(model: type[BaseModel], name: str) -> dict[str, Any]:
    extra = model.model_fields[name].json_schema_extra
    return extra if isinstance(extra, dict) else {}
