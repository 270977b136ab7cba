"""A public .env holds passwords: opskit records that it is exposed, never what it says."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.court_site import serve_court_site, web_config
from support.smtp import SmtpServer
from support.system import require
from support.web import Reply

pytestmark = pytest.mark.integration

DB_PASSWORD = "Sangat-Rahasia-7731"
APP_KEY = "base64:QXBwS2V5LTQyNDI0Mg"
LEAKED = f"DB_PASSWORD={DB_PASSWORD}\n# Laravel\nAPP_NAME=Sipp\nexport APP_KEY={APP_KEY}\n"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


def readable(path: Path) -> str:
    """A document's text as a person reads it (a PDF's compressed streams through pdftotext)."""
    if path.suffix == ".pdf":
        pdftotext = require("pdftotext", "poppler-utils")
        return subprocess.run(
            [pdftotext, str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    return path.read_text(errors="replace")


def test_an_exposed_env_file_is_named_by_its_keys_and_its_values_go_nowhere(
    https_site, certificates, make_config, cli, smtp: SmtpServer, tmp_path: Path
) -> None:
    site = serve_court_site(https_site())
    site.routes["/.env"] = Reply(body=LEAKED, content_type="text/plain")
    config = make_config(
        {
            **web_config(certificates, {"name": "pa", "url": site.url}),
            "people": [
                {
                    "name": "Rahmat Hidayat",
                    "roles": ["penanggung_jawab"],
                    "email": "pj@pa-uji.go.id",
                    "notify": ["email"],
                },
                {"name": "CV Penyedia", "roles": ["provider"], "email": "cv@penyedia.id"},
            ],
            "notifications": {"channels": [{"name": "email", "url": smtp.url()}]},
        }
    )
    out = tmp_path / "out"

    run = cli("--config", config, "check", "web", "--only", "exposure", "--format", "json")
    documents = [
        cli("--config", config, "report", "incident", "1", "--out", out),
        cli("--config", config, "report", "handoff", "--incident", "1", "--out", out),
    ]
    history = cli("--config", config, "history", "--results", "--format", "json")

    [result] = run.json["results"]
    assert result["status"] == "CRITICAL"
    [exposed] = result["evidence"]["exposed"]
    assert exposed["path"] == "/.env" and exposed["bytes"] == len(LEAKED)
    assert all(document.exit_code == 0 for document in documents), documents
    assert smtp.messages, "the incident was mailed"
    written = sorted(path for path in out.rglob("*") if path.is_file())
    assert {path.suffix for path in written} >= {".html", ".md", ".pdf"}
    mails = []
    for received in smtp.messages:
        for part in received.message.walk():
            payload = part.get_payload(decode=True)
            if payload and part.get_content_type() == "application/pdf":
                attachment = tmp_path / "attachment.pdf"
                attachment.write_bytes(payload)
                mails.append(readable(attachment))
            elif payload:
                mails.append(payload.decode(errors="replace"))
    seen = {
        "json output": run.stdout,
        "history": history.stdout,
        "mail": "\n".join(mails),
        **{str(path): readable(path) for path in written},
        "state": b"".join(
            path.read_bytes() for path in (tmp_path / "state").rglob("*") if path.is_file()
        ).decode(errors="replace"),
    }
    for where, text in seen.items():
        for value in (DB_PASSWORD, APP_KEY):
            assert value not in text, f"{value} travelled into the {where}"
    assert exposed["keys"] == ["DB_PASSWORD", "APP_NAME", "APP_KEY"]
    assert "DB_PASSWORD" in seen["mail"], "the mail names the exposed key"
