"""The documents of SOP B in both languages, with every field: the request form, the
disposition sheet (blank before B2), the five registers as PDF and as CSV and XLSX read back
with real readers. Pages are rasterised under test-artifacts/requests/ to be looked at."""

from __future__ import annotations

import csv
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from opskit.actions.request_documents import write
from opskit.config.schema import Config
from support.browser import ARTIFACTS
from support.system import require

from .conftest import moment, november


def pdf_text(path: Path) -> str:
    pdftotext = require("pdftotext", "poppler-utils")
    done = subprocess.run(
        [pdftotext, str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return " ".join(done.stdout.split())


def look(path: Path, name: str) -> None:
    """The first page as a PNG for people to look at (test-artifacts/requests/NAME.png)."""
    pdftoppm = require("pdftoppm", "poppler-utils")
    directory = ARTIFACTS / "requests"
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [pdftoppm, "-png", "-r", "70", "-singlefile", str(path), str(directory / name)],
        check=True,
        timeout=60,
    )
    assert (directory / f"{name}.png").stat().st_size > 10_000


@pytest.fixture
def month(court: Callable[..., Config], desk: Any) -> tuple[Config, Any, list[dict[str, Any]]]:
    config = court(reports={"number_prefix": "W17-A23"})
    office = desk(config)
    return config, office, november(office)


def words_of(html: Path) -> str:
    import re

    return " ".join(re.sub(r"<[^>]+>", " ", html.read_text()).split())


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_request_form_has_every_field(month: Any, language: str) -> None:
    config, office, made = month
    first = made[1]

    outcome = write(office.context, "request-form", request_id=first["id"], language=language)

    paths = {kind: Path(path) for kind, path in outcome.data["paths"].items()}
    assert set(paths) == {"html", "pdf", "md"}
    html, pdf = words_of(paths["html"]), pdf_text(paths["pdf"])
    title = {"id": "FORMULIR PERMINTAAN LAYANAN TI", "en": "IT SERVICE REQUEST FORM"}[language]
    for text in (
        first["number"],
        "Rina Wulandari",
        "Kepaniteraan",
        "0812-5555-0101",
        "Permintaan nomor 1",
        "Uraian permintaan 1",
        "berita acara.pdf",
        "Siti Aminah",
        "Budi Santoso",
        "198501012010121001",
        "Diteliti 1",
        "Selesai 1",
        "Pertimbangan 1",
    ):
        assert text in html, text
        assert text in pdf, text
    assert title in pdf
    expected = {
        "id": ["Perangkat keras", "P2 Tinggi", "Pemohon,", "Petugas penerima,", "sesuai"],
        "en": ["Hardware", "P2 High", "Requester,", "Received by,", "in time"],
    }
    for text in expected[language]:
        assert text in html, text
    assert first["number"].startswith("W17-A23/")
    look(paths["pdf"], f"request-form-{language}")


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_disposition_sheet_blank_before_and_filled_after_b2(
    court: Callable[..., Config], desk: Any, language: str
) -> None:
    config = court()
    office = desk(config)
    request = office.new(
        "budi",
        moment(first_day(), 9),
        requester="Rina Wulandari",
        subject="Jaringan ruang PTSP putus",
    )
    labels = {"id": ("Diteruskan kepada", "Isi disposisi"), "en": ("Passed on to", "Instruction")}

    blank = words_of(
        Path(
            write(office.context, "disposition", request_id=request["id"], language=language).data[
                "paths"
            ]["html"]
        )
    )
    office.step(
        request["id"],
        "dispose",
        "Dewi Lestari",
        moment(first_day(), 9, 5),
        note="Segera ditangani",
        values={"assignee": "siti"},
    )
    outcome = write(office.context, "disposition", request_id=request["id"], language=language)
    filled = pdf_text(Path(outcome.data["paths"]["pdf"]))

    for label in labels[language]:
        assert label in blank and label in filled
    assert "Segera ditangani" not in blank and "Segera ditangani" in filled
    for text in (
        request["number"],
        "Rina Wulandari",
        "Jaringan ruang PTSP putus",
        "Siti Aminah",
        "Dewi Lestari",
        "197203031998032003",
    ):
        assert text in filled, text
    look(Path(outcome.data["paths"]["pdf"]), f"disposition-{language}")


REGISTER_ROWS = {
    # register -> (how many of the month's requests, text of its first row's own columns)
    "permintaan": (
        10,
        [
            "Rina Wulandari",
            "Kepaniteraan",
            "0812-5555-0101",
            "Permintaan nomor 1",
            "Uraian permintaan 1",
            "Siti Aminah",
            "Diteliti 1",
        ],
    ),
    "klasifikasi": (8, ["Permintaan nomor 1", "Siti Aminah"]),
    "verifikasi": (8, ["Permintaan nomor 1", "Valid", "Siti Aminah"]),
    "prioritas": (7, ["Permintaan nomor 1", "Siti Aminah"]),
    "persetujuan": (7, ["Permintaan nomor 1", "Pertimbangan 1", "Setuju", "Ahmad Fauzi"]),
}
TRANSLATED = {
    "id": {"klasifikasi": "Perangkat keras", "prioritas": "P2 Tinggi", "persetujuan": "Disetujui"},
    "en": {"klasifikasi": "Hardware", "prioritas": "P2 High", "persetujuan": "Approved"},
}


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("register", list(REGISTER_ROWS))
def test_each_register_as_document_and_spreadsheets(
    month: Any, register: str, language: str
) -> None:
    from openpyxl import load_workbook

    config, office, made = month
    count, first_row = REGISTER_ROWS[register]

    outcome = write(
        office.context,
        "requests",
        register=register,
        month="2026-11",
        language=language,
        formats=["html", "pdf", "md", "csv", "xlsx"],
    )

    paths = {kind: Path(path) for kind, path in outcome.data["paths"].items()}
    assert set(paths) == {"html", "pdf", "md", "csv", "xlsx"}
    sheet = load_workbook(paths["xlsx"]).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    with paths["csv"].open(encoding="utf-8-sig", newline="") as handle:
        from_csv = list(csv.reader(handle))
    assert len(rows) == len(from_csv) == count + 1
    assert rows[0] == from_csv[0]
    assert rows[0][:2] == ["No.", {"id": "Nomor Registrasi", "en": "Register number"}[language]]
    numbers = [row[1] for row in rows[1:]]
    assert numbers[0] == made[1]["number"]
    own = [str(value) for value in rows[1]]
    printed = pdf_text(paths["pdf"])
    for text in [*first_row, TRANSLATED[language].get(register, first_row[0])]:
        assert text in own, text
        assert text in printed, text
    assert [row[0] for row in rows[1:]] == list(range(1, count + 1))
    assert [row[0] for row in from_csv[1:]] == [str(n) for n in range(1, count + 1)]
    if register == "permintaan":
        received = rows[1][2]
        assert (received.year, received.month, received.day, received.hour) == (2026, 11, 2, 8)
        assert from_csv[1][2] == "2026-11-02 08:00"
    if register == "verifikasi":
        rejected = next(row for row in rows if row[2] == "Permintaan nomor 7")
        assert rejected[4] == {"id": "Ditolak", "en": "Rejected"}[language]
        assert rejected[5] == "Bukan kebutuhan dinas"
    if register == "persetujuan":
        rejected = next(row for row in rows if row[2] == "Permintaan nomor 8")
        assert (rejected[5], rejected[6]) == (
            {"id": "Ditolak", "en": "Rejected"}[language],
            "Belum ada anggaran",
        )
    if language == "id":
        look(paths["pdf"], f"register-{register}")


def test_an_unknown_format_or_register_is_refused(month: Any) -> None:
    from opskit.errors import UsageError

    _, office, _ = month
    with pytest.raises(UsageError, match="unknown format xls"):
        write(office.context, "requests", register="prioritas", month="2026-11", formats=["xls"])
    with pytest.raises(UsageError, match="unknown format csv"):
        write(office.context, "request-form", request_id=1, formats=["csv"])


def first_day() -> Any:
    from datetime import date

    return date(2026, 11, 16)
