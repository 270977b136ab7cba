"""A content item's whole life at the terminal: gathered with files, validated, drafted, sent
back at editing, corrected, submitted to the ketua, sent back at approval, approved,
published (verified against a real page on loopback), archived; at every step each person
without the step's role is refused, with who may."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from opskit import audit
from opskit.config.load import load
from opskit.store import Store
from support.web import Reply, WebServer

from .conftest import ROLE_OF

LOGINS = tuple(ROLE_OF)
TEXT_1 = "Pengadilan Agama Uji menggelar sidang keliling di Babulu.\n\nSebanyak 12 perkara."
TEXT_2 = (
    "Pengadilan Agama Uji menggelar sidang keliling di Babulu pada Kamis, 3 Desember 2026."
    "\n\nSebanyak 12 perkara diperiksa dalam satu hari."
)


@pytest.fixture
def site() -> Any:
    server = WebServer().start()
    yield server
    server.stop()


def page(title: str, body: str, links: str) -> str:
    paragraphs = "".join(f"<p>{block}</p>" for block in body.split("\n\n"))
    return f"<html><body><h1>{title}</h1>{paragraphs}{links}</body></html>"


def only(office: Any, holder: str, *arguments: str | Path) -> dict[str, Any]:
    """Every other person is refused the step; then its holder takes it."""
    for login in LOGINS:
        if login == holder:
            continue
        refused = office.refused(*arguments, "--by", login)
        assert "tidak berwenang" in refused or "tidak dapat mengambil" in refused, (login, refused)
        assert ("memerlukan peran" in refused and role_name(holder) in refused) or (
            "hanya" in refused
        ), (login, refused)
    return office.ok(*arguments, "--by", holder)


def role_name(login: str) -> str:
    """The role of ``login`` as an Indonesian refusal names it."""
    from datetime import UTC

    from opskit.text import Words

    return Words("id", UTC).role(ROLE_OF[login])


def test_every_step_by_its_role_with_two_send_backs(
    desk: Any, files: dict[str, Path], tmp_path: Path, site: WebServer
) -> None:
    office = desk()
    body_1, body_2 = tmp_path / "v1.txt", tmp_path / "v2.txt"
    body_1.write_text(TEXT_1)
    body_2.write_text(TEXT_2)
    for login in LOGINS:
        if login != "budi":
            office.refused("content", "new", "--by", login, "--kind", "news", "--title", "X",
                           "--material", "Y")  # fmt: skip
    item = office.ok(
        "content", "new", "--by", "budi", "--kind", "news", "--title", "Sidang keliling",
        "--material", "Laporan panitera dan foto", "--attach", files["laporan.pdf"],
    )  # fmt: skip
    number = str(item["id"])
    assert item["state"] == "gathered"

    only(office, "budi", "content", "attach", number, "--attach", files["foto.jpg"])
    validated = only(office, "budi", "content", "validate", number)
    assert [file["status"] for file in validated["steps"][-1]["fields"]["files"]] == ["OK", "OK"]
    wrong = office.refused("content", "review", number, "--by", "eka")
    assert "yang ditunggu adalah “Menyusun konsep berita, artikel atau laporan”" in wrong
    title = ("--title", "Sidang keliling di Babulu")
    only(office, "rudi", "content", "edit", number, *title, "--body-file", body_1)
    sent = only(office, "eka", "content", "send-back", number, "--reason", "Hari belum disebut")
    assert sent["state"] == "returned"
    only(office, "rudi", "content", "edit", number, *title, "--body-file", body_2)
    only(office, "eka", "content", "review", number, "--note", "Ejaan baik")
    submitted = only(office, "rudi", "content", "submit", number, "--special")
    assert submitted["state"] == "submitted_special"
    refused = office.refused("content", "approve", number, "--by", "nur")
    assert "tindakan ini memerlukan peran Ketua" in refused
    sent = only(office, "ahmad", "content", "send-back", number, "--reason", "Tambah jumlah hari")
    assert sent["state"] == "returned"
    only(office, "rudi", "content", "edit", number, *title, "--body-file", body_2)
    only(office, "eka", "content", "review", number)
    only(office, "rudi", "content", "submit", number, "--special")
    approved = only(office, "ahmad", "content", "approve", number)
    assert approved["state"] == "approved"
    assert len(approved["versions"]) == 2  # the second redraft repeated version 2

    links = '<a href="/unggah/laporan.pdf">Laporan</a><a href="/unggah/foto.jpg">Foto</a>'
    site.routes["/berita/sidang-keliling"] = Reply(
        body=page("Sidang keliling di Babulu", TEXT_2, links)
    )
    site.routes["/unggah/laporan.pdf"] = Reply(
        body=files["laporan.pdf"].read_bytes(), content_type="application/pdf"
    )
    site.routes["/unggah/foto.jpg"] = Reply(
        body=files["foto.jpg"].read_bytes(), content_type="image/jpeg"
    )
    url = f"{site.url}berita/sidang-keliling"
    for login in LOGINS:
        if login != "budi":
            office.refused("content", "publish", number, "--url", url, "--by", login)
    published = office.run("content", "publish", number, "--url", url, "--by", "budi",
                           "--format", "json")  # fmt: skip
    assert published.exit_code == 0, published.stdout + published.stderr
    [verified] = published.json["results"]
    assert (verified["check_id"], verified["status"]) == ("content.published", "OK")
    for login in LOGINS:
        if login != "budi":
            office.refused("content", "archive", number, "--by", login)
    archived = office.ok("content", "archive", number, "--by", "budi")
    assert archived["state"] == "archived"

    steps = [(step["step"], step["actor"]) for step in archived["steps"]]
    assert steps == [
        ("gather", "Budi Santoso"), ("attach", "Budi Santoso"), ("validate", "Budi Santoso"),
        ("draft", "Rudi Hartono"), ("send_back", "Eka Putri"), ("draft", "Rudi Hartono"),
        ("review", "Eka Putri"), ("submit_special", "Rudi Hartono"),
        ("send_back", "Ahmad Fauzi"), ("draft", "Rudi Hartono"), ("review", "Eka Putri"),
        ("submit_special", "Rudi Hartono"), ("approve_special", "Ahmad Fauzi"),
        ("publish", "Budi Santoso"), ("archive", "Budi Santoso"),
    ]  # fmt: skip
    assert [step["note"] for step in archived["steps"] if step["step"] == "send_back"] == [
        "Hari belum disebut",
        "Tambah jumlah hari",
    ]
    assert {step["edge"] for step in archived["steps"]} == {"terminal"}
    assert [item["sop"] for item in archived["timing"]][:4] == ["E1", "E2", "E3", "E3"]
    config = load(office.config)
    with Store.open(config.history_db) as store:
        actions = [entry.action for entry in audit.listing(store, limit=100)]
    assert "content.approve_special" in actions and "content.archive" in actions


def test_routine_content_goes_to_the_penanggung_jawab_not_the_ketua(
    desk: Any, files: dict[str, Path]
) -> None:
    office = desk()
    number = str(
        office.ok(
            "content",
            "new",
            "--by",
            "budi",
            "--kind",
            "announcement",
            "--title",
            "Jadwal libur",
            "--material",
            "Surat edaran",
        )["id"]  # fmt: skip
    )
    office.ok("content", "validate", number, "--by", "budi")
    office.ok("content", "edit", number, "--by", "rudi", "--body", "Kantor libur 25 Desember.")
    office.ok("content", "review", number, "--by", "eka")
    office.ok("content", "submit", number, "--by", "rudi")

    assert "tindakan ini memerlukan peran Penanggung Jawab Website" in office.refused(
        "content", "approve", number, "--by", "ahmad"
    )
    assert office.ok("content", "approve", number, "--by", "nur")["state"] == "approved"
    diff = office.ok("content", "diff", number)
    assert diff["newer"]["version"] == 1
