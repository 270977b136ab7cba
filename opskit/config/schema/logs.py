"""``logs:``: access-log anomaly detection."""

from __future__ import annotations

from pydantic import (
    Field,
)

from opskit.config.schema.common import ConfigPath, IpAddress, Port, Seconds, Section


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
