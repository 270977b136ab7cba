"""An IT service request in a real browser, from the employee's form to her confirmation:
every SOP step taken by the person holding it on the request's page, the inbox with the
clock running, a reopen, rejections at verification and at approval, and a refusal.
Screenshots go to test-artifacts/console/ (requests-*.png)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from opskit import audit
from opskit.actions import requests as actions
from opskit.config.schema import Config
from opskit.console.server import Background
from opskit.context import AppContext
from opskit.helpdesk import records
from opskit.helpdesk.records import NewRequest
from opskit.identity import terminal_actor
from opskit.result import utc_now
from opskit.store import Store
from support.browser import chromium, screenshot
from support.console import PASSWORD

PHOTO = b"\x89PNG\r\n\x1a\n" + b"\x00" * 256


def sign_in(browser: Any, server: Background, login: str) -> None:
    browser.delete_all_cookies()
    browser.get(server.url + "signin")
    browser.find_element(By.ID, "login").send_keys(login)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form button[type=submit]"))
    shows(browser, "Ringkasan")


def submit_and_wait(browser: Any, button: Any) -> None:
    """Click and wait until the next page has replaced this one.

    Chromium reports the old page's node as stale, or, while the new one is arriving, as
    belonging to no document; both mean the navigation happened."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    page = browser.find_element(By.TAG_NAME, "html")
    button.click()

    def replaced(driver: Any) -> bool:
        try:
            page.is_enabled()
        except WebDriverException:
            return True
        return False

    WebDriverWait(browser, 30).until(replaced)


def text(browser: Any) -> str:
    return str(browser.find_element(By.TAG_NAME, "body").text)


def shows(browser: Any, expected: str, seconds: float = 15) -> str:
    from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    def has(driver: Any) -> bool:
        try:
            return expected in text(driver)
        except StaleElementReferenceException:
            return False

    try:
        WebDriverWait(browser, seconds).until(has)
    except TimeoutException:
        pytest.fail(f"the page never showed {expected!r}; it shows:\n{text(browser)}")
    return text(browser)


def take(
    browser: Any, server: Background, request: int, step: str, note: str = "", **choices: str
) -> str:
    """Open the request's page, fill in the step's form and send it; the next page's text."""
    browser.get(server.url + f"requests/{request}")
    form = browser.find_element(By.ID, f"step-{step}")
    for field, value in choices.items():
        Select(form.find_element(By.NAME, field)).select_by_value(value)
    if note:
        form.find_element(By.NAME, "note").send_keys(note)
    submit_and_wait(browser, form.find_element(By.TAG_NAME, "button"))
    return shows(browser, "Langkah dicatat.")


def steps_of(config: Config, request: int) -> list[tuple[str, str, str]]:
    with Store.open(config.history_db) as store:
        found = records.get(store, request)
    return [(record.step, record.actor, record.edge) for record in found.records]


def test_an_employee_asks_the_office_serves_she_reopens_then_confirms(
    court: tuple[Config, dict[str, int]], server: Background, browser: Any, tmp_path: Path
) -> None:
    config, _ = court
    photo = tmp_path / "printer macet.png"
    photo.write_bytes(PHOTO)

    sign_in(browser, server, "rina")
    browser.get(server.url + "requests")
    submit_and_wait(browser, browser.find_element(By.LINK_TEXT, "Ajukan permintaan layanan"))
    browser.find_element(By.ID, "unit").send_keys("Kepaniteraan")
    browser.find_element(By.ID, "contact").send_keys("0812-5555-0199")
    browser.find_element(By.ID, "subject").send_keys("Printer ruang sidang 1 bergaris")
    browser.find_element(By.ID, "description").send_keys("Hasil cetak bergaris hitam.")
    browser.find_element(By.ID, "files").send_keys(str(photo))
    screenshot(browser, "requests-01-form")
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form button.primary"))
    page = shows(browser, "Permintaan Anda dicatat dengan nomor")
    request = int(browser.current_url.split("/requests/")[1].split("?")[0])
    assert "printer macet.png" in page
    assert "Tidak ada langkah yang dapat Anda ambil sekarang." in page
    screenshot(browser, "requests-02-registered")

    sign_in(browser, server, "dewi")
    browser.get(server.url + "requests")
    inbox = browser.find_element(By.ID, "inbox").text
    assert (
        "Printer ruang sidang 1 bergaris" in inbox and "Mendisposisikan surat permintaan" in inbox
    )
    assert "tepat waktu" in inbox or "terlambat" in inbox
    screenshot(browser, "requests-03-inbox-sekretaris")
    take(browser, server, request, "dispose", "Mohon segera ditelaah", assignee="Siti Aminah")

    sign_in(browser, server, "siti")
    take(browser, server, request, "study", "Drum printer kotor")
    take(browser, server, request, "classify", category="hardware")
    take(browser, server, request, "verify", "Valid")
    take(browser, server, request, "prioritise", urgency="high", impact="medium")
    browser.get(server.url + f"requests/{request}")
    screenshot(browser, "requests-04-kasubbag-considers")
    take(browser, server, request, "consider", "Bersihkan drum, ganti bila perlu")

    sign_in(browser, server, "ahmad")
    take(browser, server, request, "approve", "Setuju")

    sign_in(browser, server, "budi")
    take(browser, server, request, "work", "Drum dibersihkan")
    take(browser, server, request, "handle", "Drum diganti dengan yang baru")

    sign_in(browser, server, "rina")
    browser.get(server.url + f"requests/{request}")
    assert {"step-close", "step-reopen"} == {
        form.get_attribute("id")
        for form in browser.find_elements(By.CSS_SELECTOR, "form.step-form")
    }
    take(browser, server, request, "reopen", "Masih ada garis tipis")
    sign_in(browser, server, "budi")
    take(browser, server, request, "handle", "Kabel fuser diganti")
    sign_in(browser, server, "rina")
    final = take(browser, server, request, "close", "Terima kasih")
    assert "Selesai" in final and "P2 Tinggi" in final
    screenshot(browser, "requests-05-closed-timeline")

    assert steps_of(config, request) == [
        ("receive", "Rina Wulandari", "console"),
        ("dispose", "Dewi Lestari", "console"),
        ("study", "Siti Aminah", "console"),
        ("classify", "Siti Aminah", "console"),
        ("verify", "Siti Aminah", "console"),
        ("prioritise", "Siti Aminah", "console"),
        ("consider", "Siti Aminah", "console"),
        ("approve", "Ahmad Fauzi", "console"),
        ("work", "Budi Santoso", "console"),
        ("handle", "Budi Santoso", "console"),
        ("reopen", "Rina Wulandari", "console"),
        ("handle", "Budi Santoso", "console"),
        ("close", "Rina Wulandari", "console"),
    ]
    with Store.open(config.history_db) as store:
        entries = [
            entry
            for entry in audit.listing(store, limit=500)
            if entry.object == f"requests:{request}"
        ]
    assert len(entries) == 13
    assert all(entry.address == "127.0.0.1" for entry in entries)


def prepared(config: Config, until: str) -> int:
    """A request moved by the office's people (at the terminal) up to the step ``until``."""
    context = AppContext(None, interactive=False, config=config)
    try:
        rina = terminal_actor(config, "rina")
        form = NewRequest(
            requester=rina.name,
            requester_login="rina",
            unit="Kepaniteraan",
            contact="0812",
            subject=f"Permintaan sampai {until}",
            description="Uraian",
        )
        request = actions.new(context, rina, form).data["id"]
        plan = [
            ("dispose", "dewi", {"assignee": "Siti Aminah"}),
            ("study", "siti", {}),
            ("classify", "siti", {"category": "software"}),
            ("verify", "siti", {}),
            ("prioritise", "siti", {"urgency": "low", "impact": "low"}),
            ("consider", "siti", {}),
        ]
        for step, login, values in plan:
            if step == until:
                break
            actions.take(
                context,
                request,
                step,
                terminal_actor(config, login),
                note="catatan",
                values=values,
                now=utc_now(),
            )
        return int(request)
    finally:
        context.close()


def test_rejected_at_verification_and_at_approval_and_a_refusal(
    court: tuple[Config, dict[str, int]], server: Background, browser: Any
) -> None:
    config, _ = court
    at_verification = prepared(config, "verify")
    at_approval = prepared(config, "approve")

    sign_in(browser, server, "siti")
    take(browser, server, at_verification, "reject", "Bukan kebutuhan dinas")
    page = text(browser)
    assert "Ditolak" in page and "Bukan kebutuhan dinas" in page
    screenshot(browser, "requests-06-rejected-at-verification")
    browser.get(server.url + f"requests/{at_approval}")
    assert browser.find_elements(By.CSS_SELECTOR, "form.step-form") == []
    browser.execute_script(
        """
        const form = document.createElement('form');
        form.method = 'post'; form.action = arguments[0];
        const token = document.createElement('input');
        token.type = 'hidden'; token.name = 'csrftoken';
        token.value = document.querySelector('input[name=csrftoken]').value;
        form.appendChild(token); document.body.appendChild(form); form.submit();
        """,
        f"/requests/{at_approval}/approve",
    )
    shows(browser, "memerlukan peran: Ketua")
    screenshot(browser, "requests-07-refused")

    sign_in(browser, server, "ahmad")
    browser.get(server.url + "requests")
    assert "Permintaan sampai approve" in browser.find_element(By.ID, "inbox").text
    take(browser, server, at_approval, "reject", "Anggaran belum tersedia")
    assert "Anggaran belum tersedia" in text(browser)

    assert steps_of(config, at_verification)[-1] == ("reject", "Siti Aminah", "console")
    assert steps_of(config, at_approval)[-1] == ("reject", "Ahmad Fauzi", "console")
    with Store.open(config.history_db) as store:
        assert records.get(store, at_verification).records[-1].from_state == "classified"
        assert records.get(store, at_approval).records[-1].from_state == "considered"


def test_the_request_pages_fit_a_phone(
    court: tuple[Config, dict[str, int]], server: Background, tmp_path: Path
) -> None:
    _, ids = court
    with chromium(tmp_path / "phone", width=390, height=844, phone=True) as phone:
        sign_in(phone, server, "dewi")
        for name, path in (
            ("requests-08-inbox-phone", "requests"),
            ("requests-09-request-phone", f"requests/{ids['request']}"),
        ):
            phone.get(server.url + path)
            widths = phone.execute_script(
                "return [document.documentElement.scrollWidth, window.innerWidth]"
            )
            screenshot(phone, name)
            assert widths[0] <= widths[1] == 390, f"{path} does not fit a phone's width"
