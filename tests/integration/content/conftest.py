"""A court for website content: a person in each role of SOP E, the test's own office
hours, real files made here (PDFs with and without text, images, office documents), and
the CLI run as those people type it."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from support.pdfs import pdf_with_text

PEOPLE = [
    {"name": "Budi Santoso", "roles": ["operator"], "login": "budi"},
    {"name": "Rudi Hartono", "roles": ["redaktur"], "login": "rudi"},
    {"name": "Eka Putri", "roles": ["editor"], "login": "eka"},
    {"name": "Nur Aini", "roles": ["penanggung_jawab"], "login": "nur"},
    {"name": "Ahmad Fauzi", "roles": ["ketua"], "login": "ahmad"},
    {"name": "Siti Aminah", "roles": ["kasubbag_ti"], "login": "siti"},
    {"name": "Rina Wulandari", "roles": ["pegawai"], "login": "rina"},
]
OFFICE = {
    "office_hours": dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), "08:00-16:00"),
    "reminder_every_hours": 1,
    "critical_after_hours": 2,
}
ROLE_OF = {person["login"]: person["roles"][0] for person in PEOPLE}


def scanned_pdf() -> bytes:
    """A PDF that is only a picture of a page, as a scanner makes it: no text layer."""
    from PIL import Image, ImageDraw

    page = Image.new("RGB", (1240, 1754), "white")
    ImageDraw.Draw(page).text((100, 100), "SURAT KEPUTUSAN", fill="black")
    buffer = io.BytesIO()
    page.save(buffer, "PDF", resolution=150)
    return buffer.getvalue()


def image(width: int, height: int, kind: str = "JPEG") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 160)).save(buffer, kind)
    return buffer.getvalue()


def office_document(*, macros: bool) -> bytes:
    """A docx (a real OOXML package); with ``macros`` it carries a VBA project, like a .docm."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
        if macros:
            package.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\x00" * 512)
    return buffer.getvalue()


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """The files an operator brings, made for real."""
    directory = tmp_path / "bahan"
    directory.mkdir()
    made = {
        "laporan.pdf": pdf_with_text(["Laporan kegiatan sidang keliling", "di Kecamatan Babulu"]),
        "scan.pdf": scanned_pdf(),
        "rusak.pdf": pdf_with_text(["Laporan"])[:150],
        "foto.jpg": image(1200, 800),
        "besar.png": image(9000, 6000, "PNG"),
        "makro.docm": office_document(macros=True),
        "makro.docx": office_document(macros=True),
        "surat.docx": office_document(macros=False),
    }
    paths = {}
    for name, content in made.items():
        paths[name] = directory / name
        paths[name].write_bytes(content)
    return paths


@pytest.fixture
def court(make_config: Callable[..., Path]) -> Callable[..., Path]:
    def make(**extra: Any) -> Path:
        return make_config({"people": PEOPLE, "procedures": OFFICE, **extra})

    return make


class Desk:
    """The CLI as the office's people type it."""

    def __init__(self, cli: Any, config: Path) -> None:
        self.cli, self.config = cli, config

    def run(self, *arguments: str | Path) -> Any:
        return self.cli("-c", self.config, *arguments)

    def ok(self, *arguments: str | Path) -> dict[str, Any]:
        result = self.run(*arguments, "--format", "json")
        assert result.exit_code == 0, result.stdout + result.stderr
        return dict(result.json["data"])

    def refused(self, *arguments: str | Path) -> str:
        result = self.run(*arguments)
        assert result.exit_code == 3, result.stdout + result.stderr
        return " ".join(result.stderr.split())


@pytest.fixture
def desk(cli: Any, court: Callable[..., Path]) -> Callable[..., Desk]:
    def make(**extra: Any) -> Desk:
        return Desk(cli, court(**extra))

    return make
