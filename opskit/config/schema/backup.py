"""``backup:``: restic repositories and backup sets."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    Field,
    model_validator,
)

from opskit.config.schema.common import (
    ConfigPath,
    EnvName,
    HttpUrl,
    Name,
    Port,
    Seconds,
    SecretFile,
    Section,
    shared_default,
)


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
    protection_check_hours: float = Field(
        24,
        ge=0,
        le=8760,
        description="S3: `check backup` asks the bucket again whether versioning and Object Lock "
        "still protect it after this many hours (0: on every run).",
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
    """How many snapshots ``opskit backup prune`` keeps for each path of a set.

    A retention that names any rule keeps by the rules it names and no
    others (``keep_last: 10`` alone keeps the newest ten); one that names
    none keeps by the defaults shown.
    """

    keep_last: int | None = Field(None, ge=1, description="Keep the newest N snapshots.")
    keep_daily: int | None = Field(
        None,
        ge=1,
        description="Keep one snapshot a day for N days.",
        json_schema_extra={"shown_default": 7},
    )
    keep_weekly: int | None = Field(
        None,
        ge=1,
        description="Keep one a week for N weeks.",
        json_schema_extra={"shown_default": 4},
    )
    keep_monthly: int | None = Field(
        None,
        ge=1,
        description="Keep one a month for N months.",
        json_schema_extra={"shown_default": 12},
    )
    keep_yearly: int | None = Field(
        None,
        ge=1,
        description="Keep one a year for N years.",
        json_schema_extra={"shown_default": 2},
    )

    def rules(self) -> dict[str, int]:
        """The rules prune keeps by: those named, or the defaults when none is."""
        named = {name: getattr(self, name) for name in KEEP_RULES if getattr(self, name)}
        return named or dict(DEFAULT_RETENTION)


KEEP_RULES = ("keep_last", "keep_daily", "keep_weekly", "keep_monthly", "keep_yearly")
DEFAULT_RETENTION = (
    ("keep_daily", 7),
    ("keep_weekly", 4),
    ("keep_monthly", 12),
    ("keep_yearly", 2),
)


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
    include_archive: bool = Field(
        True,
        description="A set of files on this machine also backs up opskit's archive (signed "
        "documents, published content) in the state directory.",
    )
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
    retention: Retention = Field(
        default_factory=shared_default(Retention), description="What prune keeps."
    )
    verification: Verification = Field(
        default_factory=shared_default(Verification), description="How restores are proven."
    )

    @model_validator(mode="after")
    def _something(self) -> BackupSet:
        if not self.paths and not self.databases:
            raise ValueError("a backup set needs paths or databases")
        if any(not path.startswith("/") for path in self.paths):
            raise ValueError("backup paths must be absolute (start with /)")
        return self


# Shown commented out in the sample config (written as YAML, as the admin will); kept as
# text and read by the sample writer, not by every start that imports the schema.
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
        json_schema_extra={"commented_examples": [SAMPLE_OFFSITE_REPOSITORY]},
    )
    sets: list[BackupSet] = Field(
        default_factory=list,
        description="What is backed up, from where, to where.",
        json_schema_extra={"commented_examples": [SAMPLE_WEBSITE_SET]},
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
