"""``hosts:`` and ``host_checks:``: the inventory and the thresholds of host checks."""

from __future__ import annotations

import functools
from typing import Any

from pydantic import (
    Field,
    model_validator,
)

from opskit.config.schema.common import EnvName, Name, Percent, Port, Seconds, SecretFile, Section


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


@functools.cache
def default_host_checks() -> HostChecks:
    """The thresholds a host gets where neither it nor ``host_checks`` sets one.

    Built on first use, not at import: validating a model at import builds its schema,
    which a command reading a kept validated config (``config.snapshot``) never needs.
    """
    return HostChecks(
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


@functools.cache
def local_host() -> Host:
    """This machine, the implicit host ``local``; built on first use, as the default checks."""
    return Host.model_construct(name="local", local=True, description="This machine.")
