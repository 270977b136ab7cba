"""The Berita Acara UAT in both languages and every format: every step, the consideration, the
approval and the signature block, also as a PDF that really renders; sent by e-mail on request."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from support.smtp import SmtpServer
from support.system import require
from support.uat_app import ComplaintApp

pytestmark = pytest.mark.integration

STEPS = (
    {"id": "beranda", "title": "Beranda terbuka", "http": {"path": "/", "max_ms": 3000}},
    {"id": "pengaduan", "title": "Pengaduan lengkap diterima", "form": {
        "path": "/pengaduan", "fields": {"nama": "A", "pesan": "B"}, "contains": ["Nomor"]}},
    {"id": "arsip", "title": "Halaman arsip lama", "required": False, "http": {"path": "/hilang"}},
    {"id": "ponsel", "title": "Tampilan di ponsel", "manual": {
        "instruction": "Buka beranda di ponsel", "expected": "Menu dapat dibuka"}},
    {"id": "kontak", "title": "Nomor telepon benar", "manual": {
        "instruction": "Periksa nomor telepon", "expected": "Nomor sesuai"}},
)  # fmt: skip
TITLES = [step["title"] for step in STEPS]
EXPECTED = {
    "id": [
        "Berita Acara User Acceptance Test (UAT)",
        "W17-A23/001/BA-UAT/",
        "E-Pengaduan",
        "versi 2.0",
        "Hasil Test",
        "Lulus",
        "Gagal",
        "Tidak berlaku",
        "Catatan Pertimbangan",
        "Layak digunakan, arsip lama boleh menyusul",
        "Persetujuan Aplikasi",
        "DISETUJUI",
        "Menyetujui,",
        "Pemeriksa,",
        "Ahmad Fauzi",
        "Siti Aminah",
        "Rina Wulandari",
        "NIP. 197001011990031001",
        "Penajam, ",
    ],
    "en": [
        "User Acceptance Test (UAT) Record",
        "Test results",
        "Passed",
        "Not applicable",
        "Consideration of the results",
        "Approval of the application",
        "APPROVED",
        "Approved by,",
        "Reviewed by,",
        "Ahmad Fauzi",
        "Siti Aminah",
    ],
}


@pytest.fixture
def decided(uat_config, checklist, cli, app: ComplaintApp, tmp_path: Path) -> Path:
    """A passed run 1 of five steps (one optional step failed), reviewed and approved."""
    config = uat_config(
        organisation={"name": "Pengadilan Agama Uji", "short_name": "PA Uji",
                      "timezone": "Asia/Makassar"},
        reports={"place": "Penajam", "number_prefix": "W17-A23"},
    )  # fmt: skip
    answers = tmp_path / "answers.yaml"
    answers.write_text(
        yaml.safe_dump(
            {
                "tester": "Rina Wulandari",
                "answers": {"ponsel": "pass", "kontak": {"result": "na", "note": "Belum diganti"}},
            }
        )
    )
    path = checklist(*STEPS, target=app.url)
    assert cli("--config", config, "uat", "run", path, "--answers", answers,
               "--app-version", "2.0").exit_code == 0  # fmt: skip
    assert cli("--config", config, "uat", "review", "1", "--reviewer", "Siti Aminah", "--note",
               "Layak digunakan, arsip lama boleh menyusul", "--recommend", "approve"
               ).exit_code == 0  # fmt: skip
    assert (
        cli("--config", config, "uat", "approve", "1", "--approver", "Ahmad Fauzi").exit_code == 0
    )
    return config


@pytest.mark.timeout(180)
@pytest.mark.parametrize("language", ["id", "en"])
def test_the_uat_record_has_every_step_the_review_the_approval_and_signatures(
    decided: Path, cli, tmp_path: Path, language: str
) -> None:
    pdftotext = require("pdftotext", "poppler-utils")
    pdftoppm = require("pdftoppm", "poppler-utils")
    out = tmp_path / f"out-{language}"

    run = cli("--config", decided, "report", "uat", "1", "--lang", language, "--out", out,
              "--format", "json")  # fmt: skip

    assert run.exit_code == 0, run.stderr
    paths = {kind: Path(path) for kind, path in run.json["data"]["paths"].items()}
    # The organisation writes Indonesian; an English copy is kept beside it, not over it.
    assert paths["html"] == out / "uat" / ("uat-1.html" if language == "id" else "uat-1.en.html")
    pdf_text = subprocess.run(
        [pdftotext, str(paths["pdf"]), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat_pdf = " ".join(pdf_text.split())
    html = paths["html"].read_text()
    markdown = paths["md"].read_text()
    for text in (html, markdown):
        for title in TITLES:
            assert title in text
        for fragment in EXPECTED[language]:
            assert fragment in text, fragment
    for fragment in [*TITLES, "Ahmad Fauzi", "Siti Aminah"]:
        assert fragment in flat_pdf, fragment
    assert markdown.startswith("PENGADILAN AGAMA UJI")
    assert html.count('class="status-CRITICAL"') == 1  # the failed optional step
    subprocess.run([pdftoppm, "-png", "-r", "40", "-f", "1", "-l", "1", str(paths["pdf"]),
                    str(tmp_path / "page")], check=True, timeout=60)  # fmt: skip
    assert next(tmp_path.glob("page*.png")).stat().st_size > 2000


def test_an_undecided_run_is_a_draft_record(
    uat_config, checklist, cli, app: ComplaintApp, tmp_path: Path
) -> None:
    config = uat_config()
    cli("--config", config, "uat", "run", checklist(*STEPS[:2]), "--target", app.url)

    run = cli("--config", config, "report", "uat", "1", "--formats", "md", "--out", tmp_path)

    assert run.exit_code == 0, run.stderr
    markdown = (tmp_path / "uat" / "uat-1.md").read_text()
    assert "Belum ada catatan pertimbangan." in markdown
    assert "Belum ada keputusan; berita acara ini belum final." in markdown
    assert "Menunggu catatan pertimbangan" in markdown


def test_the_record_goes_by_email_to_the_roles_routed_to_it(
    decided: Path, cli, tmp_path: Path
) -> None:
    smtp = SmtpServer().start()
    try:
        text = yaml.safe_load(decided.read_text())
        text["notifications"] = {"channels": [{"name": "email", "url": smtp.url()}]}
        for person in text["people"]:
            person["email"] = f"{person['name'].split()[0].lower()}@pa-uji.go.id"
            person["notify"] = ["email"]
        decided.write_text(yaml.safe_dump(text))

        run = cli("--config", decided, "report", "uat", "1", "--send", "--out", tmp_path)
    finally:
        smtp.stop()

    assert run.exit_code == 0, run.stderr
    received = sorted(recipient for item in smtp.messages for recipient in item.recipients)
    assert received == ["ahmad@pa-uji.go.id", "siti@pa-uji.go.id"]
    message = smtp.messages[0].message
    assert "Berita Acara UAT E-Pengaduan 2.0: LULUS" in message["Subject"]
    attachments = [part.get_filename() for part in message.iter_attachments()]
    assert "uat-1.pdf" in attachments


def test_a_record_of_an_unknown_run_is_a_clear_error(uat_config, cli) -> None:
    run = cli("--config", uat_config(), "report", "uat", "9")

    assert run.exit_code == 3
    assert "no UAT run 9 in history" in run.stderr


def test_the_monthly_recap_lists_the_months_uat_runs(decided: Path, cli, tmp_path: Path) -> None:
    run = cli("--config", decided, "report", "recap", "--formats", "md", "--out", tmp_path)

    assert run.exit_code == 0, run.stderr
    markdown = next((tmp_path / "recap").glob("*.md")).read_text()
    section = markdown.split("Uji penerimaan aplikasi (UAT) (D2, D3, D6)")[1]
    assert "E-Pengaduan 2.0" in section
    assert "LULUS" in section
    assert "Disetujui (Ahmad Fauzi)" in section
