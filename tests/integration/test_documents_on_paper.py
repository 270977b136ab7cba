"""Every document type on paper, as its signers get it: rendered to PDF, read back with
pdftotext, rasterised with pdftoppm, its tables measured from the PDF's text positions.

The kop surat (emblem, hierarchy, address, contacts), the register number,
the names and NIPs of the signers are on it; no table cell runs over more
than three lines; the English copy holds no Indonesian sentence.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from opskit.store import Store
from opskit.uat import records
from opskit.uat.model import NewRun, StepRecord
from support.languages import indonesian_words
from support.public_site import CourtWebsite
from support.system import require
from support.web import WebServer

pytestmark = pytest.mark.integration

HIERARCHY = [
    "Mahkamah Agung Republik Indonesia",
    "Direktorat Jenderal Badan Peradilan Agama",
    "Pengadilan Tinggi Agama Samarinda",
]
PEOPLE = [
    ("Budi Santoso", "operator", "Pranata Komputer Ahli Pertama", "198501012010121001"),
    ("Rahmat Hidayat", "penanggung_jawab", "Panitera", "197205121998031003"),
    ("Siti Aminah", "kasubbag_ti", "Kepala Subbagian Perencanaan, TI dan Pelaporan",
     "198103152006042002"),
    ("Dewi Lestari", "sekretaris", "Sekretaris", "197609202000032001"),
    ("Ahmad Fauzi", "ketua", "Ketua", "197001011990031001"),
    ("Nur Aini", "redaktur", "Redaktur Website", "199002022015032001"),
]  # fmt: skip
SIGNERS = {
    "incident": ["operator", "penanggung_jawab"],
    "daily": ["operator", "penanggung_jawab"],
    "recap": ["kasubbag_ti", "sekretaris"],
    "handoff": ["operator", "kasubbag_ti"],
    "schedule": ["kasubbag_ti", "sekretaris"],
    "uat": ["kasubbag_ti", "ketua"],
    "public-info": ["operator", "penanggung_jawab"],
}
DOCUMENTS = {
    "incident": ["1"],
    "daily": [],
    "recap": [],
    "handoff": [],
    "schedule": [],
    "uat": ["1"],
    "public-info": [],
}
PATTERN = "W17-A23/{seq}/HK.05/{month_roman}/{year}"
# A table cell may run over three lines (two wraps) at most.
MAX_CELL_LINES = 3


def emblem(path: Path) -> Path:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 240), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 230, 230), fill="#1d5c2e", outline="#c9a227", width=10)
    draw.rectangle((110, 50, 130, 190), fill="#f3e3a0")
    image.save(path)
    return path


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """An office's config with its letterhead, a history behind every document, a website."""
    from opskit.cli import main

    base = tmp_path_factory.mktemp("office")
    site = CourtWebsite(news=0)
    server = WebServer().start()
    site.serve(server)
    config = base / "opskit.yaml"
    people = "\n".join(
        f"  - {{name: {name}, roles: [{role}], position: '{position}', nip: '{nip}'}}"
        for name, role, position, nip in PEOPLE
    )
    config.write_text(
        f"""organisation:
  name: Pengadilan Agama Penajam
  short_name: PA Penajam
  hierarchy: [{", ".join(HIERARCHY)}]
  emblem: {emblem(base / "emblem.png")}
  address: Jl. Provinsi KM 9, Nipah-Nipah, Penajam Paser Utara 76141
  telephone: (0542) 7211222
  email: pa.penajam@gmail.com
  website: www.pa-penajam.go.id
  place: Penajam
  timezone: Asia/Makassar
paths: {{state_dir: {base / "state"}}}
reports:
  numbering: {{incident: '{PATTERN}', daily: '{PATTERN}', uat: '{PATTERN}'}}
people:
{people}
host_checks: {{disk_warning_percent: 0.1, disk_critical_percent: 0.1}}
sites:
  - name: website
    url: {server.url}
    public_info: {{requests_per_second: 0, workers: 4}}
schedule:
  jobs:
    - {{name: checks, cron: "*/15 * * * *", run: "check host"}}
    - {{name: daily-report, cron: "0 16 * * 1-5", run: "report daily --send"}}
    - {{name: recap, cron: "0 8 1 * *", run: "report recap --send --month previous"}}
"""
    )
    try:
        assert main(["--config", str(config), "check", "host", "local"]) == 2
        assert main(["--config", str(config), "incidents", "ack", "1", "--by", "Budi Santoso",
                     "--note", "berkas log lama dipindahkan"]) == 0  # fmt: skip
        assert main(["--config", str(config), "check", "web", "--only", "public-info"]) in (1, 2, 3)
        with Store.open(base / "state" / "history.sqlite") as store:
            records.save(store, uat_run(server.url))
        assert main(["--config", str(config), "uat", "review", "1", "--reviewer", "Siti Aminah",
                     "--note", "Sesuai kebutuhan", "--recommend", "approve"]) == 0  # fmt: skip
        assert main(["--config", str(config), "uat", "approve", "1", "--approver",
                     "Ahmad Fauzi"]) == 0  # fmt: skip
        yield {"config": config, "base": base}
    finally:
        server.stop()


def uat_run(url: str) -> NewRun:
    now = datetime.now(UTC)
    http = {"path": "/", "method": "GET", "status": [200], "contains": [], "absent": []}
    manual = {"instruction": "Cetak laporan perkara bulan ini.", "expected": "PDF memuat data uji."}
    steps = [
        StepRecord(
            1, "beranda", "Beranda terbuka", "http", True, http, "passed", "HTTP 200", now,
            {"url": url, "status": 200},
        ),
        StepRecord(
            2, "cetak", "Cetak laporan", "manual", True, manual, "passed", "", now,
            tester="Budi Santoso",
        ),
    ]  # fmt: skip
    started = now - timedelta(minutes=5)
    return NewRun(
        "rilis", "Rilis website", "builtin", "0" * 64, "Website PA Penajam", "2.1", url,
        "Budi Santoso", started, now, "passed", steps,
    )  # fmt: skip


def written(office: dict[str, Any], kind: str, language: str) -> tuple[Path, str]:
    from opskit.cli import main

    out = office["base"] / f"out-{language}"
    import io
    import json
    from contextlib import redirect_stdout

    printed = io.StringIO()
    with redirect_stdout(printed):
        code = main(["--config", str(office["config"]), "report", kind, *DOCUMENTS[kind],
                     "--lang", language, "--formats", "pdf,html", "--out", str(out),
                     "--format", "json"])  # fmt: skip
    envelope = json.loads(printed.getvalue())
    assert code == 0, envelope
    return Path(envelope["data"]["paths"]["pdf"]), envelope["data"]["number"]


def pdf_text(pdf: Path) -> str:
    pdftotext = require("pdftotext", "poppler-utils")
    return subprocess.run(
        [pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def cell_lines(pdf: Path) -> list[tuple[int, int, str]]:
    """(page, lines, text) of every table cell, lines counted from the text's positions."""
    import pdfplumber

    found = []
    with pdfplumber.open(pdf) as document:
        for number, page in enumerate(document.pages, 1):
            for table in page.find_tables():
                for cell in table.cells:
                    if cell is None:
                        continue
                    words = page.crop(cell).extract_words(keep_blank_chars=False)
                    tops = sorted({round(word["top"]) for word in words})
                    lines = sum(
                        1
                        for index, top in enumerate(tops)
                        if index == 0 or top - tops[index - 1] > 3
                    )
                    text = " ".join(word["text"] for word in words)
                    found.append((number, lines, text))
    return found


@pytest.mark.timeout(600)
@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("kind", list(DOCUMENTS))
def test_every_document_is_an_official_letter_that_fits_a4(
    office, kind: str, language: str
) -> None:
    pdf, number = written(office, kind, language)
    text = pdf_text(pdf)
    flat = " ".join(text.split())

    for line in [*HIERARCHY, "Pengadilan Agama Penajam"]:
        assert line.upper() in flat
    assert "Jl. Provinsi KM 9" in flat and "(0542) 7211222" in flat
    assert "pa.penajam@gmail.com" in flat and "www.pa-penajam.go.id" in flat
    assert number and number in flat
    if kind in ("incident", "daily", "uat"):
        assert re.fullmatch(r"W17-A23/\d+/HK\.05/[IVX]+/\d{4}", number)
    people = {role: (name, nip) for name, role, _, nip in PEOPLE}
    for role in SIGNERS[kind]:
        name, nip = people[role]
        assert name in flat and f"NIP{'.' if language == 'id' else ''} {nip}" in flat, (kind, role)
    assert ("Halaman 1 dari" if language == "id" else "Page 1 of") in flat

    pdfimages = require("pdfimages", "poppler-utils")
    images = subprocess.run(
        [pdfimages, "-f", "1", "-l", "1", "-list", str(pdf)],
        capture_output=True, text=True, check=True,
    ).stdout.strip().splitlines()[2:]  # fmt: skip
    assert images, "the emblem is on the first page"
    pdftoppm = require("pdftoppm", "poppler-utils")
    png = pdf.with_suffix("")
    subprocess.run([pdftoppm, "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(png)],
                   check=True, timeout=60)  # fmt: skip
    assert next(pdf.parent.glob(f"{png.name}*.png")).stat().st_size > 4000

    overflowing = [(page, lines, cell) for page, lines, cell in cell_lines(pdf)
                   if lines > MAX_CELL_LINES]  # fmt: skip
    assert overflowing == []

    # The catalogue of public information cites Indonesian rules in their own words.
    if language == "en" and kind != "public-info":
        own = [person[0] for person in PEOPLE] + [person[2] for person in PEOPLE]
        own += [*HIERARCHY, "Pengadilan Agama Penajam", "Jl. Provinsi KM 9, Nipah-Nipah"]
        own += [
            "berkas log lama dipindahkan",
            "Sesuai kebutuhan",
            "Cetak laporan perkara bulan ini.",
        ]
        own += ["PDF memuat data uji.", "Beranda terbuka", "Cetak laporan", "Rilis website"]
        for known in sorted(own, key=len, reverse=True):
            flat = flat.replace(known, " ")
        assert indonesian_words(flat) == []
