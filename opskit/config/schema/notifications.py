"""``notifications:``: delivery channels and which roles receive which document."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    Field,
    model_validator,
)

from opskit.config.schema.common import EnvName, Name, Seconds, SecretFile, Section
from opskit.config.schema.organisation import Role


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


DocumentKind = Literal[
    "incident",
    "daily",
    "recap",
    "handoff",
    "schedule",
    "uat",
    "public-info",
    "request-form",
    "disposition",
    "requests",
    "policy",
]


DEFAULT_ROUTES: dict[DocumentKind, list[Role]] = {
    "incident": ["penanggung_jawab"],
    "daily": ["penanggung_jawab"],
    "recap": ["kasubbag_ti", "sekretaris"],
    "handoff": ["provider"],
    "schedule": ["kasubbag_ti"],
    "uat": ["kasubbag_ti", "ketua"],
    "public-info": ["penanggung_jawab", "redaktur"],
}


DEFAULT_SIGNATURES: dict[DocumentKind, list[Role]] = {
    "incident": ["operator", "penanggung_jawab"],
    "daily": ["operator", "penanggung_jawab"],
    "recap": ["kasubbag_ti", "sekretaris"],
    "handoff": ["operator", "kasubbag_ti"],
    "schedule": ["kasubbag_ti", "sekretaris"],
    "uat": ["kasubbag_ti", "ketua"],
    "public-info": ["operator", "penanggung_jawab"],
    "disposition": ["sekretaris"],
    "requests": ["kasubbag_ti", "sekretaris"],
    "policy": ["ketua"],
    "request-form": ["ketua"],
}


class Notifications(Section):
    routes: dict[DocumentKind, list[Role]] = Field(
        default_factory=lambda: {kind: list(roles) for kind, roles in DEFAULT_ROUTES.items()},
        description="Which SOP roles receive which document (incident, daily, recap, handoff, "
        "schedule, uat, public-info); a document goes to every person with one of the roles.",
    )
    reminder_hours: float = Field(
        24, gt=0, description="Remind about a still-open incident after this many hours."
    )
    acknowledged_reminder_hours: float = Field(
        0,
        ge=0,
        description="Once someone acknowledged an incident (`opskit incidents ack`), remind "
        "after this many hours instead; 0: no reminders until its status changes.",
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
