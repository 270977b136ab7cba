"""E6 against a real web server on loopback: the page as approved is OK, a page missing a
paragraph is a WARNING, a broken attachment link is CRITICAL, and an item whose page
disappears later is found CRITICAL by `opskit check content` (and opens an incident).
The archive (E7) survives a restic backup and restore with its manifest verified."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support.restic import REPOSITORY_PASSWORD
from support.secrets import write_secret
from support.system import require
from support.web import Reply, WebServer

TITLE = "Sidang keliling di Babulu"
BODY = (
    "Pengadilan Agama Uji menggelar sidang keliling di Babulu pada Kamis, 3 Desember 2026."
    "\n\nSebanyak 12 perkara diperiksa dalam satu hari."
    "\n\nMasyarakat menyambut baik layanan ini."
)


@pytest.fixture
def site() -> Iterator[WebServer]:
    server = WebServer().start()
    yield server
    server.stop()


def approved(office: Any, files: dict[str, Path]) -> str:
    number = str(
        office.ok(
            "content",
            "new",
            "--by",
            "budi",
            "--kind",
            "news",
            "--title",
            "Sidang",
            "--material",
            "Laporan",
            "--attach",
            files["laporan.pdf"],
        )["id"]  # fmt: skip
    )
    office.ok("content", "validate", number, "--by", "budi")
    office.ok("content", "edit", number, "--by", "rudi", "--title", TITLE, "--body", BODY)
    office.ok("content", "review", number, "--by", "eka")
    office.ok("content", "submit", number, "--by", "rudi")
    office.ok("content", "approve", number, "--by", "nur")
    return number


def serve(site: WebServer, files: dict[str, Path], paragraphs: list[str], pdf: str) -> str:
    blocks = "".join(f"<p>{text}</p>" for text in paragraphs)
    site.routes["/berita/1"] = Reply(
        body=f'<html><body><h1>{TITLE}</h1>{blocks}<a href="{pdf}">Unduh laporan</a></body></html>'
    )
    site.routes["/unggah/laporan.pdf"] = Reply(
        body=files["laporan.pdf"].read_bytes(), content_type="application/pdf"
    )
    return f"{site.url}berita/1"


def publish(office: Any, number: str, url: str) -> Any:
    return office.run("content", "publish", number, "--by", "budi", "--url", url,
                      "--format", "json")  # fmt: skip


def test_the_page_as_approved_is_ok(desk: Any, files: dict[str, Path], site: WebServer) -> None:
    office = desk()
    number = approved(office, files)
    # The CMS renamed the file: the same bytes under another name still count as linked.
    site.routes["/wp-content/uploads/2026/12/laporan-1.pdf"] = Reply(
        body=files["laporan.pdf"].read_bytes(), content_type="application/pdf"
    )
    url = serve(site, files, BODY.split("\n\n"), "/wp-content/uploads/2026/12/laporan-1.pdf")

    result = publish(office, number, url)

    assert result.exit_code == 0, result.stdout
    [found] = result.json["results"]
    assert (found["status"], found["target"]) == ("OK", f"content:{number}")
    human = office.run("check", "content")
    assert "judul dan 3 paragraf yang disetujui ada di halaman" in " ".join(human.stdout.split())


def test_a_missing_paragraph_is_a_warning(
    desk: Any, files: dict[str, Path], site: WebServer
) -> None:
    office = desk()
    number = approved(office, files)
    url = serve(site, files, BODY.split("\n\n")[:2], "/unggah/laporan.pdf")

    result = publish(office, number, url)

    assert result.exit_code == 1
    [found] = result.json["results"]
    assert found["status"] == "WARNING"
    assert "1 of the 3 approved paragraphs are not on the page" in found["summary"]
    assert "Masyarakat menyambut baik" in found["summary"]


def test_a_broken_attachment_link_is_critical(
    desk: Any, files: dict[str, Path], site: WebServer
) -> None:
    office = desk()
    number = approved(office, files)
    url = serve(site, files, BODY.split("\n\n"), "/hilang/laporan.pdf")

    result = publish(office, number, url)

    assert result.exit_code == 2
    [found] = result.json["results"]
    assert found["status"] == "CRITICAL"
    assert "attachment laporan.pdf is linked" in found["summary"]
    assert "does not download: HTTP 404" in found["summary"]
    refused = office.refused("content", "archive", number, "--by", "budi")
    assert "belum dapat diarsipkan: halaman yang dipublikasi belum sesuai" in refused
    assert "tidak dapat diunduh: HTTP 404" in refused


def test_an_item_that_disappears_later_is_critical_and_opens_an_incident(
    desk: Any, files: dict[str, Path], site: WebServer
) -> None:
    office = desk()
    number = approved(office, files)
    url = serve(site, files, BODY.split("\n\n"), "/unggah/laporan.pdf")
    assert publish(office, number, url).exit_code == 0
    assert office.run("check", "content").exit_code == 0

    del site.routes["/berita/1"]
    later = office.run("check", "content", "--format", "json")

    assert later.exit_code == 2
    [found] = [item for item in later.json["results"] if item["check_id"] == "content.published"]
    assert found["status"] == "CRITICAL"
    assert "answers HTTP 404: the published page is gone" in found["summary"]
    incidents = office.ok("incidents", "--open")
    assert any(item["check_id"] == "content.published" for item in incidents["incidents"])


def test_the_archive_survives_a_backup_and_restore_with_its_manifest(
    desk: Any, files: dict[str, Path], site: WebServer, tmp_path: Path
) -> None:
    require("restic", "restic")
    website = tmp_path / "www"
    website.mkdir()
    (website / "index.php").write_text("<?php echo 'PA Uji'; ?>\n")
    password = write_secret(tmp_path / "repository.password", REPOSITORY_PASSWORD)
    office = desk(
        backup={
            "repositories": [
                {"name": "local", "path": str(tmp_path / "repo"), "password_file": str(password)}
            ],
            "sets": [{"name": "website", "paths": [str(website)], "repositories": ["local"]}],
        }
    )
    number = approved(office, files)
    url = serve(site, files, BODY.split("\n\n"), "/unggah/laporan.pdf")
    assert publish(office, number, url).exit_code == 0
    office.ok("content", "archive", number, "--by", "budi")
    archive = tmp_path / "state" / "archive" / "content" / number
    assert sorted(path.name for path in archive.iterdir()) == [
        "files", "manifest.json", "page.html", "text.md",
    ]  # fmt: skip
    assert office.run("content", "archive", "verify").exit_code == 0

    assert office.run("backup", "init").exit_code == 0
    assert office.run("backup", "run").exit_code == 0
    target = tmp_path / "restored"
    assert office.run("backup", "restore", "website", "--target", target).exit_code == 0
    restored = target / str(archive.parent).lstrip("/")

    verified = office.run("content", "archive", "verify", "--dir", restored, "--format", "json")
    assert verified.exit_code == 0, verified.stdout
    [result] = verified.json["results"]
    assert result["status"] == "OK" and result["evidence"]["files"] == 3

    (restored / number / "files" / "laporan.pdf").write_bytes(b"%PDF-1.4 diganti")
    changed = office.run("content", "archive", "verify", "--dir", restored, "--format", "json")
    assert changed.exit_code == 2
    assert changed.json["results"][0]["evidence"]["problems"] == [
        {"kind": "changed", "path": "files/laporan.pdf"}
    ]
