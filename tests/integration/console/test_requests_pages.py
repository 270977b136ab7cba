"""Request pages in-process: who sees which request, forms with files and their CSRF token,
the registers written from the console and downloaded as spreadsheets."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook

from support.console import CSRF, console_for

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_employees_see_their_own_requests_and_the_office_sees_all(seeded: Any) -> None:
    config, ids = seeded
    with console_for(config, "rina") as requester:
        assert requester.client.get(f"/requests/{ids['request']}").status_code == 200
        assert "Printer ruang sidang 2 macet" in requester.client.get("/requests").text
    with console_for(config, "nur") as another:  # a redaktur: not hers, not her work
        assert another.client.get(f"/requests/{ids['request']}").status_code == 404
        attachment = f"/requests/{ids['request']}/attachments/{ids['attachment']}"
        assert another.client.get(attachment).status_code == 404
        assert "Printer ruang sidang 2 macet" not in another.client.get("/requests").text
    with console_for(config, "dewi") as sekretaris:
        page = sekretaris.client.get("/requests").text
        assert "Menunggu tindakan saya" in page and "Printer ruang sidang 2 macet" in page
        assert sekretaris.client.get(attachment).content == b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_a_form_with_files_needs_its_token_first(seeded: Any) -> None:
    config, _ = seeded
    fields = {"unit": "TI", "contact": "1", "subject": "Tanpa token", "description": "x"}
    with console_for(config, "rina") as rina:
        token = CSRF.search(rina.client.get("/requests/new").text).group(1)  # type: ignore[union-attr]
        without = rina.client.post(
            "/requests/new", data=fields, files=[("files", ("a.png", PNG, "image/png"))]
        )
        forged = rina.client.post(
            "/requests/new",
            data={**fields, "csrftoken": "palsu"},
            files=[("files", ("a.png", PNG, "image/png"))],
        )
        accepted = rina.client.post(
            "/requests/new",
            data={"csrftoken": token, **fields},
            files=[("files", ("a.png", PNG, "image/png"))],
        )

    assert (without.status_code, forged.status_code) == (403, 403)
    assert "Formulir ini sudah kedaluwarsa" in without.text
    assert accepted.status_code == 303
    assert accepted.headers["location"].startswith("/requests/")


def test_a_register_written_from_the_console_is_downloaded_as_a_spreadsheet(seeded: Any) -> None:
    config, _ = seeded
    with console_for(config, "siti") as kasubbag:
        written = kasubbag.post(
            "/requests/registers", {"register": "permintaan", "month": "2026-12"}
        )
        listing = kasubbag.client.get("/documents").text
        link = next(
            part.split('"')[0]
            for part in listing.split('href="/documents/')[1:]
            if part.split('"')[0].endswith("/xlsx")
        )
        sheet = kasubbag.client.get(f"/documents/{link}")

    assert written.status_code == 303 and written.headers["location"].startswith("/documents")
    assert "Daftar Permintaan Layanan TI" in listing
    assert sheet.status_code == 200
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("No.", "Nomor Registrasi", "Diterima")
    assert rows[1][4] == "Kepaniteraan" and rows[1][6] == "Printer ruang sidang 2 macet"
    with console_for(config, "dewi") as sekretaris:
        assert sekretaris.client.get("/requests/registers").status_code == 403
