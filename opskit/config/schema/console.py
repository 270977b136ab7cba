"""``console:``: the office's web console (`opskit serve`) and the public status page."""

from __future__ import annotations

from pydantic import Field

from opskit.config.schema.common import HttpUrl, IpAddress, Name, Port, Section
from opskit.config.schema.organisation import Role


class StatusPage(Section):
    enabled: bool = Field(
        True, description="Serve the public status page at /status (no sign-in needed)."
    )
    title: str | None = Field(
        None,
        description="Heading of the status page (default: the organisation's name).",
        examples=["Status Layanan Website PA Penajam"],
    )
    sites: list[Name] = Field(
        default_factory=list,
        description="Sites shown (sites[].name); default: every site.",
    )
    days: int = Field(90, ge=7, le=366, description="Days of availability shown as bars.")


class Console(Section):
    """Who signs in, how sessions end, and what the console requires of decisions."""

    address: str = Field(
        "127.0.0.1",
        description="Address `opskit serve` listens on. Anything but loopback needs TLS "
        "(--tls-cert/--tls-key) or --behind-proxy.",
    )
    port: Port = Field(8080, description="Port `opskit serve` listens on.")
    public_url: HttpUrl | None = Field(
        None,
        description="Address people use to reach the console, for links in mails and "
        "documents (e.g. https://opskit.pa-penajam.go.id/).",
    )
    trusted_proxies: list[IpAddress] = Field(
        default_factory=lambda: ["127.0.0.1"],
        description="With --behind-proxy: the reverse proxies whose X-Forwarded-For and "
        "X-Forwarded-Proto headers are believed.",
    )
    session_idle_minutes: int = Field(
        30, ge=1, le=24 * 60, description="Sign out after this long without a request."
    )
    session_max_hours: int = Field(
        12, ge=1, le=24 * 30, description="Sign out after this long whatever happens."
    )
    signin_failures_per_account: int = Field(
        5, ge=1, le=1000, description="Failed sign-ins of one account before it must wait."
    )
    signin_failures_per_address: int = Field(
        20, ge=1, le=10000, description="Failed sign-ins from one address before it must wait."
    )
    signin_window_minutes: int = Field(
        15, ge=1, le=24 * 60, description="How long failed sign-ins count, and the wait after."
    )
    totp_roles: list[Role] = Field(
        default_factory=list,
        description="Roles that must give a one-time code (TOTP) at sign-in, e.g. [ketua, "
        "kasubbag_ti]; enrol each person with `opskit users totp LOGIN`.",
    )
    require_console_approval: bool = Field(
        False,
        description="Decisions (UAT review and approval) only from a signed-in person in the "
        "console; the terminal's --reviewer/--approver is refused.",
    )
    status_page: StatusPage = Field(
        default_factory=StatusPage, description="The public status page for visitors."
    )
