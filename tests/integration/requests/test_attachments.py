"""Attachments: kept in the state directory when they are what they say and small enough;
refused with a clear message otherwise, and then nothing is written at all."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from opskit.config.schema import Config
from opskit.errors import NotFoundError, UsageError
from opskit.helpdesk.attachments import Upload
from opskit.store import Store

from .conftest import moment

TUESDAY = date(2026, 12, 8)
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def office_file(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = office_file({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
DOCM = office_file(
    {
        "[Content_Types].xml": b"<Types/>",
        "word/document.xml": b"<w:document/>",
        "word/vbaProject.bin": b"macro",
    }
)
ODT = office_file({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})


def stored_files(config: Config) -> list[Path]:
    directory = config.state_dir / "attachments"
    return sorted(path for path in directory.rglob("*") if path.is_file())


def requests_count(config: Config) -> int:
    with Store.open(config.history_db) as store:
        return int(store.read("SELECT COUNT(*) AS n FROM requests")[0]["n"])


def test_accepted_files_are_kept_by_content_with_their_names(
    court: Callable[..., Config], desk: Any
) -> None:
    config = court()
    office = desk(config)
    files = [
        Upload("surat.pdf", PDF),
        Upload("../../etc/Daftar barang.docx", DOCX),
        Upload("catatan.odt", ODT),
        Upload("log.txt", b"galat: kertas macet\n"),
    ]

    request = office.new("budi", moment(TUESDAY, 9), uploads=files)

    attached = request["steps"][0]["attachments"]
    assert [(item["name"], item["media_type"]) for item in attached] == [
        ("surat.pdf", "application/pdf"),
        (
            "Daftar barang.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("catatan.odt", "application/vnd.oasis.opendocument.text"),
        ("log.txt", "text/plain"),
    ]
    kept = stored_files(config)
    assert len(kept) == 4
    assert all(path.stat().st_mode & 0o777 == 0o600 for path in kept)
    assert {path.read_bytes() for path in kept} == {PDF, DOCX, ODT, b"galat: kertas macet\n"}


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (Upload("setup.exe", b"MZ\x90\x00"), "setup.exe: files of this type are not accepted"),
        (Upload("surat.pdf", b"<html>bukan pdf</html>"), "surat.pdf: the content is not PDF"),
        (Upload("foto.jpg", b"\x89PNG\r\n\x1a\n"), "foto.jpg: the content is not JPG"),
        (Upload("makro.docx", DOCM), "makro.docx: the document holds macros, which are refused"),
        (Upload("rusak.xlsx", b"PK\x03\x04 rusak"), "rusak.xlsx: not a xlsx document"),
        (Upload("biner.txt", b"\x00\x01\x02"), "biner.txt: not text (it holds NUL bytes)"),
        (Upload("kosong.pdf", b""), "kosong.pdf: the file is empty"),
        (Upload("besar.pdf", PDF + b"0" * 3000), "besar.pdf is 3 KB; the limit is 2 KB"),
    ],
)
def test_a_refused_file_leaves_nothing_behind(
    court: Callable[..., Config], desk: Any, upload: Upload, message: str
) -> None:
    config = court(requests={"attachments": {"max_megabytes": 2 / 1024}})
    office = desk(config)

    with pytest.raises(UsageError) as raised:
        office.new("budi", moment(TUESDAY, 9), uploads=[Upload("ok.pdf", PDF), upload])

    assert raised.value.message.startswith(message)
    assert stored_files(config) == []
    assert requests_count(config) == 0


def test_files_stored_for_a_step_that_then_fails_are_removed(
    court: Callable[..., Config], desk: Any
) -> None:
    config = court()
    office = desk(config)

    with pytest.raises(NotFoundError, match="no incident 99"):
        office.new("budi", moment(TUESDAY, 9), incident_id=99, uploads=[Upload("a.pdf", PDF)])

    assert stored_files(config) == []
    assert requests_count(config) == 0


def test_too_many_files_at_once_are_refused(court: Callable[..., Config], desk: Any) -> None:
    config = court(requests={"attachments": {"max_files": 2}})

    with pytest.raises(UsageError, match="at most 2 files at once"):
        desk(config).new(
            "budi", moment(TUESDAY, 9), uploads=[Upload(f"{n}.pdf", PDF) for n in range(3)]
        )


def test_a_missing_file_at_the_terminal_is_named(
    court: Callable[..., Config], cli: Any, tmp_path: Path
) -> None:
    config = court()

    result = cli(
        "-c",
        config.source,
        "request",
        "new",
        "--by",
        "budi",
        "--unit",
        "TI",
        "--contact",
        "1",
        "--subject",
        "x",
        "--description",
        "y",
        "--attach",
        str(tmp_path / "hilang.pdf"),
    )

    assert result.exit_code == 3
    assert f"--attach {tmp_path / 'hilang.pdf'}: No such file or directory" in result.stderr
    assert requests_count(config) == 0
