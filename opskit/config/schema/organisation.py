"""``organisation:`` and ``people:``: who this installation serves, and their SOP roles."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from opskit.config.schema.common import Email, ImageFile, Name, Section, TimeZone
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
    "pegawai",
    "pengawas",
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
    "pegawai",
    "pengawas",
]
# A sign-in name: lower case letters, digits, dot, dash and underscore.
LOGIN_PATTERN = r"^[a-z][a-z0-9._-]{1,31}$"


# An organisation's short code: its own part of a shared store (PostgreSQL schema org_<code>).
CODE_PATTERN = r"^[a-z][a-z0-9_]{1,39}$"
Code = Annotated[str, Field(pattern=CODE_PATTERN)]


class Overseen(Section):
    code: Code = Field(description="The overseen court's code, as in its own config.")
    name: str = Field(description="The overseen court's name.", min_length=1)


class Organisation(Section):
    name: str = Field(
        description="Full name of the organisation, printed on every report.",
        examples=["Pengadilan Agama Penajam"],
        min_length=1,
    )
    code: Code | None = Field(
        None,
        description="Short code of the organisation (lower case letters, digits and _), "
        "needed with a shared store (store.url): its runs, results, incidents, documents and "
        "register numbers are kept under this code, apart from every other court's. "
        "For example pa_penajam.",
    )
    oversees: list[Overseen] = Field(
        default_factory=list,
        description="For a supervising court (Pengadilan Tinggi Agama): the courts it "
        "oversees in the shared store, read in the console by the pengawas role.",
    )
    short_name: str | None = Field(
        None, description="Short name for subjects and headers.", examples=["PA Penajam"]
    )
    address: str | None = Field(
        None,
        description="Postal address for report headers.",
        examples=["Jl. Provinsi KM 9, Penajam Paser Utara"],
    )
    hierarchy: list[str] = Field(
        default_factory=list,
        description="Lines of the letterhead (kop surat) above the name, top down.",
        examples=[
            [
                "MAHKAMAH AGUNG REPUBLIK INDONESIA",
                "DIREKTORAT JENDERAL BADAN PERADILAN AGAMA",
                "PENGADILAN TINGGI AGAMA SAMARINDA",
            ]
        ],
    )
    emblem: ImageFile | None = Field(
        None,
        description="Emblem printed at the left of the letterhead: a PNG or SVG file "
        "(e.g. /etc/opskit/logo-mahkamah-agung.png).",
    )
    telephone: str | None = Field(
        None, description="Telephone number in the letterhead.", examples=["(0542) 1234567"]
    )
    email: Email | None = Field(
        None, description="E-mail address in the letterhead.", examples=["info@pa-penajam.go.id"]
    )
    website: str | None = Field(
        None, description="Website in the letterhead.", examples=["www.pa-penajam.go.id"]
    )
    place: str | None = Field(
        None,
        description="Town written before the date above signatures (default: reports.place, "
        "else the short name).",
        examples=["Penajam"],
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
        description="SOP roles: " + ", ".join(ROLES) + " (pegawai: an employee with no SOP "
        "duty, who may sign in to ask for IT services; pengawas: at a supervising court, "
        "reads the courts of organisation.oversees).",
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
