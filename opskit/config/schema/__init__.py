"""The configuration schema: one source of truth for validation, the sample
config written by ``opskit init``, and the documentation of every key.

Each field has a description (written as a comment into the sample) and,
where useful, an example. Unknown keys are errors, so typos are caught.
Secrets never appear as values: fields ending in ``_file`` name a 0600
file, fields ending in ``_env`` name an environment variable.

One module per section of the YAML; this module assembles them into the root
model and re-exports what the rest of opskit imports.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, PrivateAttr

from opskit.config.schema.backup import (
    SAMPLE_OFFSITE_REPOSITORY,
    SAMPLE_WEBSITE_SET,
    Backup,
    BackupSet,
    Database,
    Repository,
    Retention,
    Verification,
)
from opskit.config.schema.common import (
    ENV_PATTERN,
    NAME_PATTERN,
    ConfigPath,
    Days,
    Email,
    EnvName,
    HttpUrl,
    IpAddress,
    IpServerAddress,
    Milliseconds,
    Name,
    Percent,
    Port,
    Seconds,
    SecretFile,
    Section,
    ServerAddress,
    TimeZone,
    field_extra,
    split_address,
)
from opskit.config.schema.console import Console, StatusPage
from opskit.config.schema.content import Content, Policy
from opskit.config.schema.hosts import Host, HostChecks, default_host_checks, local_host
from opskit.config.schema.logs import LogChecks, Resolver
from opskit.config.schema.notifications import (
    DEFAULT_ROUTES,
    DEFAULT_SIGNATURES,
    Channel,
    DocumentKind,
    Notifications,
)
from opskit.config.schema.organisation import ROLES, Organisation, Person, Role
from opskit.config.schema.procedures import Procedures, Requests
from opskit.config.schema.reports import Paths, Reports, Uat
from opskit.config.schema.schedule import (
    DEFAULT_JOBS,
    CronExpression,
    Job,
    MaintenanceWindow,
    Schedule,
)
from opskit.config.schema.security import CodeTarget, Security
from opskit.config.schema.store import Store

if TYPE_CHECKING:
    from opskit.store.location import StoreLocation
from opskit.config.schema.signing import SignerKey, Signing
from opskit.config.schema.sites import (
    WEB_CHECKS,
    DnsRecord,
    DnsType,
    PublicInfo,
    Site,
    SiteDns,
    SiteLog,
    WebCheck,
    WebSettings,
)
from opskit.config.settings import Settings

__all__ = [
    "default_host_checks",
    "local_host",
    "SignerKey",
    "Signing",
    "Console",
    "StatusPage",
    "Backup",
    "BackupSet",
    "Channel",
    "CodeTarget",
    "Config",
    "ConfigPath",
    "CronExpression",
    "DEFAULT_JOBS",
    "DEFAULT_ROUTES",
    "DEFAULT_SIGNATURES",
    "Database",
    "Days",
    "DnsRecord",
    "DnsType",
    "DocumentKind",
    "ENV_PATTERN",
    "Email",
    "EnvName",
    "Host",
    "HostChecks",
    "HttpUrl",
    "IpAddress",
    "IpServerAddress",
    "Job",
    "LogChecks",
    "MaintenanceWindow",
    "Milliseconds",
    "NAME_PATTERN",
    "Name",
    "Notifications",
    "Organisation",
    "Paths",
    "Percent",
    "Person",
    "Port",
    "Procedures",
    "PublicInfo",
    "ROLES",
    "Reports",
    "Repository",
    "Requests",
    "Resolver",
    "Retention",
    "Role",
    "SAMPLE_OFFSITE_REPOSITORY",
    "SAMPLE_WEBSITE_SET",
    "Schedule",
    "Seconds",
    "SecretFile",
    "Section",
    "Security",
    "ServerAddress",
    "Site",
    "SiteDns",
    "SiteLog",
    "TimeZone",
    "Uat",
    "Verification",
    "WEB_CHECKS",
    "WebCheck",
    "WebSettings",
    "field_extra",
    "split_address",
]


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
                    "login": "pj",
                    "roles": ["penanggung_jawab"],
                    "position": "Panitera",
                    "email": "penanggungjawab@pa-penajam.go.id",
                },
                {
                    "name": "Nama Kasubbag",
                    "login": "kasubbag",
                    "roles": ["kasubbag_ti"],
                    "position": "Kasubbag Perencanaan, TI dan Pelaporan",
                    "email": "ti@pa-penajam.go.id",
                },
                {
                    "name": "Nama Sekretaris",
                    "login": "sekretaris",
                    "roles": ["sekretaris"],
                    "position": "Sekretaris",
                },
                {"name": "Nama Ketua", "login": "ketua", "roles": ["ketua"], "position": "Ketua"},
                {
                    "name": "Nama Operator",
                    "login": "operator",
                    "roles": ["operator"],
                    "position": "Pranata Komputer",
                },
            ]
        ],
    )
    reports: Reports = Field(default_factory=Reports, description="Documents opskit writes.")
    notifications: Notifications = Field(
        default_factory=Notifications, description="How reports and alerts are delivered."
    )
    paths: Paths = Field(default_factory=Paths, description="Where opskit keeps its files.")
    store: Store = Field(
        default_factory=Store,
        description="A shared history in PostgreSQL (courts, central runners); "
        "default: an SQLite file.",
    )
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
    signing: Signing = Field(
        default_factory=Signing,
        description="Electronic signatures on documents (UU 11/2008): trust roots, a timestamp "
        "authority, where signed documents are kept.",
    )
    console: Console = Field(
        default_factory=Console,
        description="The office's web console (`opskit serve`) and the public status page.",
    )
    procedures: Procedures = Field(
        default_factory=Procedures,
        description="The SOP's procedures: office hours and holidays of their clock, reminders.",
    )
    requests: Requests = Field(
        default_factory=Requests,
        description="IT service requests (SOP B, `opskit request`).",
    )
    content: Content = Field(
        default_factory=Content,
        description="Website content (SOP E, `opskit content`): what attachments must be, "
        "how a publication is verified.",
    )
    policy: Policy = Field(
        default_factory=Policy,
        description="The register of IT policy (SOP A, `opskit policy`).",
    )

    _source: Path | None = PrivateAttr(default=None)
    # The key this config is kept under between commands, if it is (``config.snapshot``).
    _kept_key: str | None = PrivateAttr(default=None)
    # Tables derived from this config and the files it names (the procedures' role table),
    # made once: a config, like what it names, is read once per command or console start.
    _derived: dict[str, Any] = PrivateAttr(default_factory=dict)

    def derived(self, key: str, make: Callable[[], Any]) -> Any:
        """``make()``'s value, made once for this config."""
        if key not in self._derived:
            self._derived[key] = make()
        return self._derived[key]

    @property
    def source(self) -> Path | None:
        """The file this config was read from."""
        return self._source

    @property
    def settings(self) -> Settings:
        """What the store-reading commands need (see ``opskit.config.settings``)."""
        return Settings(
            timezone=self.organisation.timezone,
            language=self.organisation.language,
            state_dir_set=self.paths.state_dir,
            history_db_set=self.paths.history_db,
            organisation=self.organisation.name,
            organisation_code=self.organisation.code,
            store_url=self.store.url,
            store_password_file=self.store.password_file,
            delivery_retry_hours=self.notifications.retry_hours,
        )

    @property
    def state_dir(self) -> Path:
        return self.settings.state_dir

    @property
    def history_db(self) -> Path:
        return self.settings.history_db

    @property
    def store_location(self) -> StoreLocation:
        """Where ``Store.open`` finds the history: the shared database, else the SQLite file."""
        return self.settings.store_location

    def archive_dirs(self) -> list[Path]:
        """Where opskit keeps what must survive: signed documents and published content."""
        archive = self.state_dir / "archive"
        extra = [] if self.signed_dir.is_relative_to(archive) else [self.signed_dir]
        return [path for path in (archive, *extra) if path.is_dir()]

    def backup_paths(self, backup_set: BackupSet) -> list[str]:
        """A set's paths, with the archive for a set of files on this machine."""
        paths = list(backup_set.paths)
        if backup_set.include_archive and backup_set.host == "local" and paths:
            paths += [str(path) for path in self.archive_dirs() if str(path) not in paths]
        return paths

    @property
    def signed_dir(self) -> Path:
        return self.signing.archive_dir or self.state_dir / "archive" / "signed"

    @property
    def output_dir(self) -> Path:
        return self.paths.output_dir or self.state_dir / "reports"

    def inventory(self) -> dict[str, Host]:
        """Every host by name, with the implicit ``local`` host."""
        hosts = {"local": local_host()}
        hosts.update({host.name: host for host in self.hosts})
        return hosts

    def host_checks_for(self, host: Host) -> HostChecks:
        effective = self.host_checks.over(default_host_checks())
        return host.host_checks.over(effective) if host.host_checks else effective

    def people_with_role(self, role: str) -> list[Person]:
        return [person for person in self.people if role in person.roles]

    def person_with_login(self, login: str) -> Person | None:
        return next((person for person in self.people if person.login == login), None)
