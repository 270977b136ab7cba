"""A website content item in a real browser, from the operator's gathering (a bad file refused
with the whole form) and from the redaktur's draft to the archive: the
editor sends it back once, the ketua sends it back once at approval, the penanggung jawab
approves it, the operator publishes it (verified against a real page on loopback) and
archives it; the diff between versions side by side; a person without the step's role sees
no form for it. Screenshots go to test-artifacts/console/ (content-*.png)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from opskit.config.schema import Config
from opskit.console.server import Background
from opskit.content import records
from opskit.store import Store
from support.browser import screenshot
from support.web import Reply, WebServer

from .test_requests_browser import shows, sign_in, submit_and_wait

TITLE = "Sidang keliling di Babulu"
BODY_2 = "Sidang keliling digelar di Babulu pada Kamis.\n\nSebanyak 12 perkara diperiksa."
BODY_3 = "Sidang keliling digelar di Kecamatan Babulu pada Kamis.\n\nSebanyak 12 perkara diperiksa."


@pytest.fixture
def site() -> Iterator[WebServer]:
    web = WebServer().start()
    yield web
    web.stop()


def forms(browser: Any, server: Background, item: int) -> set[str]:
    browser.get(server.url + f"content/{item}")
    return {
        form.get_attribute("id")
        for form in browser.find_elements(By.CSS_SELECTOR, "form.step-form")
    }


def take(browser: Any, server: Background, item: int, step: str, **fields: str) -> str:
    browser.get(server.url + f"content/{item}")
    form = browser.find_element(By.ID, f"step-{step}")
    for name, value in fields.items():
        box = form.find_element(By.NAME, name)
        box.clear()
        box.send_keys(value)
    submit_and_wait(browser, form.find_element(By.TAG_NAME, "button"))
    return shows(browser, "Langkah dicatat.")


def test_content_from_draft_to_archive_with_two_send_backs(
    court: tuple[Config, dict[str, int]], server: Background, site: WebServer, browser: Any
) -> None:
    config, ids = court
    item = ids["content"]

    sign_in(browser, server, "fajar")
    browser.get(server.url + "content")
    inbox = browser.find_element(By.ID, "inbox").text
    assert "Sidang keliling di Babulu" in inbox and "Memeriksa dan mengoreksi konsep" in inbox
    screenshot(browser, "content-01-inbox-editor")
    assert forms(browser, server, item) == {"step-review", "step-send_back"}
    take(browser, server, item, "send_back", note="Sebutkan harinya")

    sign_in(browser, server, "nur")
    page = take(browser, server, item, "draft", title=TITLE, body=BODY_2)
    assert "versi 2" in page
    sign_in(browser, server, "fajar")
    take(browser, server, item, "review", body=BODY_3, note="Nama kecamatan dilengkapi")
    browser.get(server.url + f"content/{item}/diff")
    diff = shows(browser, "Perubahan naskah: versi 2 dan versi 3")
    removed = browser.find_elements(By.CSS_SELECTOR, "#diff td.removed")
    added = browser.find_elements(By.CSS_SELECTOR, "#diff td.added")
    assert [cell.text for cell in removed] == ["Sidang keliling digelar di Babulu pada Kamis."]
    assert [cell.text for cell in added] == [
        "Sidang keliling digelar di Kecamatan Babulu pada Kamis."
    ]
    assert "Fajar Pratama" in diff
    screenshot(browser, "content-02-diff")

    sign_in(browser, server, "nur")
    take(browser, server, item, "submit_special")
    sign_in(browser, server, "rahmat")
    assert forms(browser, server, item) == {"step-withdraw"}  # approving is the ketua's
    sign_in(browser, server, "ahmad")
    assert forms(browser, server, item) == {
        "step-approve_special",
        "step-send_back",
        "step-withdraw",
    }
    take(browser, server, item, "send_back", note="Cukup informasi rutin")

    sign_in(browser, server, "nur")
    take(browser, server, item, "draft", title=TITLE, body=BODY_3)
    sign_in(browser, server, "fajar")
    take(browser, server, item, "review")
    sign_in(browser, server, "nur")
    take(browser, server, item, "submit")
    sign_in(browser, server, "rahmat")
    take(browser, server, item, "approve", note="Silakan tayang")

    paragraphs = "".join(f"<p>{block}</p>" for block in BODY_3.split("\n\n"))
    site.routes["/berita/sidang"] = Reply(
        body=f"<html><body><h1>{TITLE}</h1>{paragraphs}</body></html>"
    )
    sign_in(browser, server, "budi")
    published = take(browser, server, item, "publish", url=f"{site.url}berita/sidang")
    assert "judul dan 2 paragraf yang disetujui ada di halaman" in published
    page = take(browser, server, item, "archive")
    assert "Diarsipkan" in page
    screenshot(browser, "content-03-archived")

    with Store.open(config.history_db) as store:
        done = records.get(store, item)
    assert [(record.step, record.actor, record.edge) for record in done.records][3:] == [
        ("send_back", "Fajar Pratama", "console"),
        ("draft", "Nur Aini", "console"),
        ("review", "Fajar Pratama", "console"),
        ("submit_special", "Nur Aini", "console"),
        ("send_back", "Ahmad Fauzi", "console"),
        ("draft", "Nur Aini", "console"),
        ("review", "Fajar Pratama", "console"),
        ("submit", "Nur Aini", "console"),
        ("approve", "Rahmat Hidayat", "console"),
        ("publish", "Budi Santoso", "console"),
        ("archive", "Budi Santoso", "console"),
    ]
    assert done.url == f"{site.url}berita/sidang"
    # The redraft and the review sent the text unchanged: no new version for them.
    assert [version.number for version in done.versions] == [1, 2, 3]
    assert (config.state_dir / "archive" / "content" / str(item) / "manifest.json").is_file()


def test_the_operator_gathers_material_in_the_browser_and_a_bad_file_is_refused_whole(
    court: tuple[Config, dict[str, int]], server: Background, browser: Any, tmp_path: Path
) -> None:
    config, _ = court
    photo = tmp_path / "sidang keliling.jpg"
    picture = io.BytesIO()
    Image.new("RGB", (1200, 800), (30, 90, 160)).save(picture, format="JPEG")
    photo.write_bytes(picture.getvalue())
    program = tmp_path / "pembaruan.exe"
    program.write_bytes(b"MZ\x90\x00" + b"\x00" * 512)

    sign_in(browser, server, "nur")  # the redaktur does not gather (E1 is the operator's)
    browser.get(server.url + "content")
    assert not browser.find_elements(By.LINK_TEXT, "Konten baru")

    sign_in(browser, server, "budi")
    browser.get(server.url + "content")
    submit_and_wait(browser, browser.find_element(By.LINK_TEXT, "Konten baru"))
    Select(browser.find_element(By.ID, "kind")).select_by_value("announcement")
    browser.find_element(By.ID, "title").send_keys("Jadwal sidang keliling Desember")
    browser.find_element(By.ID, "material").send_keys("Jadwal dari kepaniteraan.")
    browser.find_element(By.ID, "files").send_keys(f"{photo}\n{program}")
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form button.primary"))
    refused = shows(browser, "pembaruan.exe")
    screenshot(browser, "content-04-new-refused")
    assert browser.find_element(By.ID, "title").get_attribute("value") == (
        "Jadwal sidang keliling Desember"
    )
    with Store.open(config.history_db) as store:
        before = len(records.listing(store, limit=300))

    browser.find_element(By.ID, "files").send_keys(str(photo))
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form button.primary"))
    page = shows(browser, "Bahan konten dicatat.")
    screenshot(browser, "content-05-gathered")
    item = int(browser.current_url.split("/content/")[1].split("?")[0])
    assert "Jadwal sidang keliling Desember" in page and "sidang keliling.jpg" in page
    assert "step-validate" in forms(browser, server, item)

    with Store.open(config.history_db) as store:
        gathered = records.get(store, item)
        after = len(records.listing(store, limit=300))
    assert "pembaruan.exe" in refused
    assert after == before + 1  # the refused form recorded nothing
    assert (gathered.kind, gathered.state) == ("announcement", "gathered")
    assert [(record.step, record.actor, record.edge) for record in gathered.records] == [
        ("gather", "Budi Santoso", "console")
    ]
    assert [file.name for file in gathered.files()] == ["sidang keliling.jpg"]
