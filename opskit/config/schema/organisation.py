"""``organisation:`` and ``people:``: who this installation serves, and their SOP roles."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    Field,
)

from opskit.config.schema.common import Email, Name, Section, TimeZone
from opskit.config.schema.signing import SignerKey

ROLES = (
    "operator",
    "penanggung_jawab",
    "kasubbag_ti",
    "sekretaris",
    "ketua",
    "provider",
    "redaktur",
    "editor",
)


Role = Literal[
    "operator",
    "penanggung_jawab",
    "kasubbag_ti",
    "sekretaris",
    "ketua",
    "provider",
    "redaktur",
    "editor",
]
# A sign-in name: lower case letters, digits, dot, dash and underscore.
LOGIN_PATTERN = r"^[a-z][a-z0-9._-]{1,31}$"


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
    login: Annotated[str, Field(pattern=LOGIN_PATTERN)] | None = Field(
        None,
        description="Sign-in name for the console (`opskit serve`); set the password with "
        "`opskit users passwd LOGIN`. Without it the person cannot sign in.",
        examples=["budi"],
    )
    signing: SignerKey | None = Field(
        None,
        description="This person's signing key: documents they approve or acknowledge in the "
        "console are signed with it (PAdES). Without it their blocks stay for a handwritten "
        "signature.",
    )
    notify: list[Name] = Field(
        default_factory=list,
        description="Names of notification channels (notifications.channels) reaching this person.",
    )
