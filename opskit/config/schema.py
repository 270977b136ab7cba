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
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
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
EnvName = Annotated[str, Field(pattern=ENV_PATTERN)]
Name = Annotated[str, Field(pattern=NAME_PATTERN)]
TimeZone = Annotated[str, AfterValidator(_timezone)]
HttpUrl = Annotated[str, AfterValidator(_http_url)]
Email = Annotated[str, AfterValidator(_email)]
Percent = Annotated[float, Field(gt=0, le=100)]
Seconds = Annotated[float, Field(gt=0, le=86400)]


class Section(BaseModel):
    """Base of every config section: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)

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


class Notifications(Section):
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
    ignore_mounts=[],
)


class Host(Section):
    name: Name = Field(description="Short unique name used on the command line.")
    local: bool = Field(False, description="True for this machine (no SSH).")
    address: str | None = Field(None, description="DNS name or IP address (SSH hosts).")
    port: int = Field(22, ge=1, le=65535, description="SSH port.")
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


class SiteLog(Section):
    path: str = Field(
        description="Access log path on the host; its rotations (.1, .2.gz, -DATE) are "
        "found next to it.",
        examples=["/var/log/nginx/access.log"],
    )
    format: str = Field(
        "combined",
        description="combined, common, vhost_combined, or the server's own nginx log_format "
        "/ Apache LogFormat string.",
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
    logs: list[SiteLog] = Field(
        default_factory=list,
        description="Access logs read by `opskit check logs` (only new lines each run).",
    )


class Resolver(Section):
    nameservers: list[str] = Field(
        default_factory=list,
        description="DNS servers for crawler verification (default: the system's).",
    )
    port: int = Field(53, ge=1, le=65535, description="DNS port.")
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
        "local", description="Where the restic repository lives."
    )
    path: ConfigPath | None = Field(None, description="Directory of a local repository.")
    password_env: EnvName | None = Field(
        None, description="Environment variable with the repository password."
    )
    password_file: SecretFile | None = Field(
        None, description="0600 file with the repository password."
    )

    @model_validator(mode="after")
    def _password(self) -> Repository:
        self._one_secret("password", required=True)
        return self


class BackupSet(Section):
    name: Name = Field(description="Backup set name.")
    host: Name = Field("local", description="Inventory host whose data is backed up.")
    paths: list[str] = Field(default_factory=list, description="Files and directories to back up.")
    exclude: list[str] = Field(default_factory=list, description="Patterns to leave out.")
    repositories: list[Name] = Field(
        min_length=1, description="Repositories this set is written to."
    )


class Backup(Section):
    repositories: list[Repository] = Field(default_factory=list, description="restic repositories.")
    sets: list[BackupSet] = Field(
        default_factory=list, description="What is backed up, from where, to where."
    )


class Security(Section):
    policy_file: ConfigPath | None = Field(
        None, description="Your own security policy YAML, replacing the built-in baseline."
    )


class Job(Section):
    name: Name = Field(description="Job name.")
    cron: str = Field(description="Cron expression in the organisation's time zone.")
    run: str = Field(description="The opskit command to run, e.g. 'check web'.")


class Schedule(Section):
    jobs: list[Job] = Field(default_factory=list, description="Scheduled jobs.")


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
        examples=[[{"name": "website", "url": "https://www.pa-penajam.go.id/"}]],
    )
    logs: LogChecks = Field(
        default_factory=LogChecks, description="Access-log anomaly detection (SOP F3, C2, D1)."
    )
    backup: Backup = Field(default_factory=Backup, description="Backups with restic.")
    security: Security = Field(default_factory=Security, description="Security policy.")
    schedule: Schedule = Field(default_factory=Schedule, description="When jobs run.")

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
