"""Every document in both languages: HTML, Markdown and a PDF that really renders; no secrets."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from support.smtp import SmtpServer
from support.system import require

pytestmark = pytest.mark.integration

TOKEN = "tg-TOKEN-4f9a8b7c6d5e"
PASSWORD = "restic-PASSWORD-0a1b2c3d"
DISK_FULL = {"disk_critical_percent": 0.1, "disk_warning_percent": 0.1}
DOCUMENTS = [
    ("incident", ["1"]),
    ("daily", []),
    ("recap", []),
    ("handoff", []),
    ("schedule", ["--month", "2026-12"]),
]


@pytest.fixture
def populated(make_config, cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A config with secrets; a history with an incident, an acknowledgement and host facts."""
    monkeypatch.setenv("OPSKIT_TEST_TOKEN", TOKEN)
    password_file = tmp_path / "restic.pass"
    password_file.write_text(PASSWORD)
    password_file.chmod(0o600)
    config = make_config(
        {
            "organisation": {
                "name": "Pengadilan Agama Uji",
                "short_name": "PA Uji",
                "timezone": "Asia/Makassar",
                "address": "Jl. Uji No. 1",
            },
            "reports": {"place": "Penajam", "number_prefix": "W17-A23"},
            "people": [
                {
                    "name": "Budi Santoso",
                    "roles": ["operator"],
                    "position": "Pranata Komputer",
                    "nip": "198501012010121001",
                    "email": "op@pa-uji.go.id",
                },
                {"name": "Rahmat Hidayat", "roles": ["penanggung_jawab"], "position": "Panitera"},
                {
                    "name": "Siti Aminah",
                    "roles": ["kasubbag_ti"],
                    "email": "ti@pa-uji.go.id",
                    "notify": ["email"],
                },
                {
                    "name": "Dewi Lestari",
                    "roles": ["sekretaris"],
                    "email": "sek@pa-uji.go.id",
                    "notify": ["email"],
                },
                {"name": "CV Penyedia", "roles": ["provider"], "phone": "+62 811 0000 000"},
            ],
            "notifications": {
                "channels": [
                    {"name": "email", "url": "mailto://127.0.0.1:9?from=o@pa-uji.go.id"},
                    {"name": "tg", "url": "tgram://${OPSKIT_TEST_TOKEN}/12345"},
                ]
            },
            "hosts": [
                {
                    "name": "web1",
                    "address": "127.0.0.1",
                    "port": 9,
                    "password_env": "OPSKIT_TEST_TOKEN",
                    "connect_timeout_seconds": 1,
                }
            ],
            "backup": {
                "repositories": [
                    {
                        "name": "main",
                        "path": str(tmp_path / "repo"),
                        "password_file": str(password_file),
                    }
                ]
            },
            "schedule": {
                "jobs": [
                    {"name": "web", "cron": "*/15 * * * *", "run": "check host"},
                    {"name": "daily-report", "cron": "0 16 * * *", "run": "report daily --send"},
                ]
            },
            "host_checks": DISK_FULL,
        }
    )
    assert cli("--config", config, "check", "host", "local").exit_code == 2
    assert cli("--config", config, "check", "host").exit_code == 2  # web1 unreachable too
    assert (
        cli(
            "--config",
            config,
            "incidents",
            "ack",
            "1",
            "--by",
            "Budi Santoso",
            "--note",
            "log lama dihapus",
        ).exit_code
        == 0
    )
    return config


@pytest.mark.timeout(300)
@pytest.mark.parametrize("language", ["id", "en"])
def test_every_document_renders_in_every_format(
    populated: Path, cli, tmp_path: Path, language: str
) -> None:
    pdftoppm = require("pdftoppm", "poppler-utils")
    pdftotext = require("pdftotext", "poppler-utils")
    out = tmp_path / f"out-{language}"
    for kind, arguments in DOCUMENTS:
        run = cli(
            "--config",
            populated,
            "report",
            kind,
            *arguments,
            "--lang",
            language,
            "--out",
            out,
            "--format",
            "json",
        )
        assert run.exit_code == 0, run.stderr
        paths = {key: Path(value) for key, value in run.json["data"]["paths"].items()}
        assert set(paths) == {"html", "pdf", "md"}
        png = tmp_path / f"{kind}-{language}"
        subprocess.run(
            [pdftoppm, "-png", "-r", "40", "-f", "1", "-l", "1", str(paths["pdf"]), str(png)],
            check=True,
            timeout=60,
        )
        rendered = next(tmp_path.glob(f"{kind}-{language}*.png"))
        assert rendered.stat().st_size > 2000, "page 1 rendered to an image"
        text = subprocess.run(
            [pdftotext, str(paths["pdf"]), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "PENGADILAN AGAMA UJI" in text
        assert "W17-A23/" in text
        markdown = paths["md"].read_text()
        assert markdown.startswith("PENGADILAN AGAMA UJI")
        assert run.json["data"]["number"] in markdown
    suffix = "" if language == "id" else ".en"
    incident = (out / "incident" / f"incident-1-report{suffix}.html").read_text()
    expected = {
        "id": [
            "Laporan Situasi dan Kondisi",
            "Tindak lanjut",
            "log lama dihapus",
            "Penajam, ",
            "NIP. 198501012010121001",
            "Mengetahui,",
        ],
        "en": [
            "Situation and Condition Report",
            "Follow-up",
            "log lama dihapus",
            "Acknowledged by,",
        ],
    }
    for fragment in expected[language]:
        assert fragment in incident
    assert "<code>du -xh --max-depth=1 /MOUNT | sort -h</code>" in incident  # runbook `code` spans
    handoff = (out / "handoff").glob("*.html")
    handoff_html = next(handoff).read_text()
    assert "password_env: $OPSKIT_TEST_TOKEN" in handoff_html
    assert "+62 811 0000 000" in handoff_html
    schedule = (out / "schedule" / f"schedule-2026-12{suffix}.html").read_text()
    # A job running every day is said once, with how often, not on every day of the calendar.
    assert {"id": "96 kali sehari", "en": "96 times a day"}[language] in schedule
    assert "web (96x, " not in schedule
    assert "network-physical" not in schedule and ("(C4)" in schedule)


def test_no_secret_appears_in_any_document_or_message(populated: Path, cli, tmp_path: Path) -> None:
    smtp = SmtpServer().start()
    try:
        config_text = populated.read_text().replace(
            "mailto://127.0.0.1:9", f"mailto://127.0.0.1:{smtp.port}"
        )
        populated.write_text(config_text)
        out = tmp_path / "all"
        for kind, arguments in DOCUMENTS:
            assert cli(
                "--config", populated, "report", kind, *arguments, "--out", out, "--send"
            ).exit_code in (0, 1)
    finally:
        smtp.stop()
    pdftotext = require("pdftotext", "poppler-utils")
    texts = []
    for path in out.rglob("*"):
        if path.suffix == ".pdf":
            texts.append(
                subprocess.run(
                    [pdftotext, str(path), "-"], capture_output=True, text=True, check=True
                ).stdout
            )
        elif path.suffix in (".html", ".md"):
            texts.append(path.read_text())
    texts += [received.message.as_string() for received in smtp.messages]
    assert len(texts) >= 15 and smtp.messages
    for text in texts:
        assert TOKEN not in text
        assert PASSWORD not in text
