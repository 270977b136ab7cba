"""The console in a real browser: sign in, see, review, approve, be refused, be throttled.

Chromium talks to the real server (uvicorn on loopback); screenshots of the
main pages are saved under test-artifacts/console/ for people to look at.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By

from opskit import audit
from opskit.config.schema import Config
from opskit.console.server import Background
from opskit.store import Store
from opskit.uat import records
from support.browser import chromium, screenshot
from support.console import PASSWORD, seed


@pytest.fixture
def court(court_config: Callable[..., Config]) -> tuple[Config, dict[str, int]]:
    config = court_config(console={"signin_failures_per_account": 3})
    return config, seed(config)


def sign_in(browser: Any, server: Background, login: str, password: str = PASSWORD) -> None:
    """Fill in and send the sign-in form, once the sign-in page has fully replaced the last."""
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    browser.delete_all_cookies()
    browser.get(server.url + "signin")
    wait = WebDriverWait(browser, 15)
    wait.until(expected_conditions.element_to_be_clickable((By.ID, "login"))).send_keys(login)
    wait.until(expected_conditions.element_to_be_clickable((By.ID, "password"))).send_keys(password)
    submit_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "form button[type=submit]"))


def submit_and_wait(browser: Any, button: Any) -> None:
    """Click and wait until the next page has replaced this one."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    page = browser.find_element(By.TAG_NAME, "html")
    button.click()

    def replaced(_: Any) -> bool:
        # Chromium answers "stale" or, mid-navigation, "node does not belong to the document".
        try:
            page.is_enabled()
        except WebDriverException:
            return True
        return False

    WebDriverWait(browser, 15).until(replaced)


def text(browser: Any) -> str:
    """The visible text of the page now; empty while a navigation swaps the document."""
    from selenium.common.exceptions import WebDriverException

    try:
        return str(browser.execute_script("return document.body ? document.body.innerText : ''"))
    except WebDriverException:
        return ""


def shows(browser: Any, expected: str, seconds: float = 15) -> str:
    """The page's text once it shows ``expected`` (a click's navigation may still be under way)."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    def has(driver: Any) -> bool:
        return expected in text(driver)

    try:
        WebDriverWait(browser, seconds).until(has)
    except TimeoutException:
        pytest.fail(f"the page never showed {expected!r}; it shows:\n{text(browser)}")
    return text(browser)


def post_crafted_form(browser: Any, action: str, fields: dict[str, str], token: bool) -> None:
    """Submit a form the page does not offer, as a person fiddling with the page could."""
    browser.execute_script(
        """
        const [action, fields, withToken] = arguments;
        const form = document.createElement('form');
        form.method = 'post'; form.action = action;
        const entries = Object.entries(fields);
        if (withToken) {
          entries.unshift(['csrftoken', document.querySelector('input[name=csrftoken]').value]);
        }
        for (const [name, value] of entries) {
          const input = document.createElement('input');
          input.type = 'hidden'; input.name = name; input.value = value;
          form.appendChild(input);
        }
        document.body.appendChild(form); form.submit();
        """,
        action,
        fields,
        token,
    )


def test_kasubbag_reviews_ketua_approves_operator_is_refused(
    court: tuple[Config, dict[str, int]], server: Background, browser: Any
) -> None:
    config, ids = court
    run = ids["uat"]
    browser.get(server.url + "signin")
    screenshot(browser, "01-signin")

    sign_in(browser, server, "budi")
    assert "Insiden terbuka" in shows(browser, "Ringkasan")
    assert browser.current_url.endswith("/dashboard")
    screenshot(browser, "02-dashboard-operator")
    browser.get(server.url + f"uat/{run}")
    assert "Setujui penerapan aplikasi" not in shows(browser, "E-Pengaduan")
    post_crafted_form(browser, f"/uat/{run}/decide", {"decision": "approve"}, token=True)
    shows(browser, "memerlukan peran: Ketua")
    screenshot(browser, "03-operator-refused")

    sign_in(browser, server, "siti")
    shows(browser, "Ringkasan")
    browser.get(server.url + f"uat/{run}")
    browser.find_element(By.ID, "review-note").send_keys("Fitur pengaduan sesuai kebutuhan.")
    browser.find_element(By.CSS_SELECTOR, "input[name=recommendation][value=approve]").click()
    submit_and_wait(
        browser, browser.find_element(By.CSS_SELECTOR, "form[action$='/review'] button")
    )
    shows(browser, "Pertimbangan Anda dicatat.")
    screenshot(browser, "04-uat-reviewed")

    sign_in(browser, server, "ahmad")
    shows(browser, "Ringkasan")
    browser.get(server.url + f"uat/{run}")
    submit_and_wait(
        browser, browser.find_element(By.CSS_SELECTOR, "button[name=decision][value=approve]")
    )
    assert "Disetujui oleh Ahmad Fauzi" in shows(browser, "Keputusan Anda dicatat")
    screenshot(browser, "05-uat-approved")

    with Store.open(config.history_db) as store:
        decided = records.get(store, run)
        entries = audit.listing(store)
    assert decided.ruling is not None
    assert (decided.ruling.approver, decided.ruling.edge, decided.ruling.login) == (
        "Ahmad Fauzi",
        "console",
        "ahmad",
    )
    assert decided.reviews[0].edge == "console"
    assert {("uat.review", "Siti Aminah"), ("uat.approved", "Ahmad Fauzi")} <= {
        (entry.action, entry.actor) for entry in entries
    }
    assert all(entry.address == "127.0.0.1" for entry in entries if entry.edge == "console")


def test_a_form_without_its_token_is_refused(
    court: tuple[Config, dict[str, int]], server: Background, browser: Any
) -> None:
    _, ids = court
    sign_in(browser, server, "budi")
    shows(browser, "Ringkasan")
    browser.get(server.url + f"incidents/{ids['incident']}")

    post_crafted_form(browser, f"/incidents/{ids['incident']}/note", {"note": "x"}, token=False)

    shows(browser, "Formulir ini sudah kedaluwarsa")
    browser.get(server.url + f"incidents/{ids['incident']}")
    assert "x" not in [note.text for note in browser.find_elements(By.CSS_SELECTOR, "ul.plain li")]


def test_repeated_wrong_passwords_are_throttled_even_before_the_right_one(
    server: Background, browser: Any
) -> None:
    for _ in range(3):
        sign_in(browser, server, "siti", "salah-sekali-lagi")
        shows(browser, "Nama pengguna atau kata sandi salah.")

    sign_in(browser, server, "siti")

    shows(browser, "Terlalu banyak percobaan")
    assert "/signin" in browser.current_url
    screenshot(browser, "06-throttled")


def test_the_pages_people_read_render_on_a_desktop_and_a_phone(
    court: tuple[Config, dict[str, int]], server: Background, tmp_path: Path
) -> None:
    _, ids = court
    pages = {
        "07-incident": f"incidents/{ids['incident']}",
        "08-documents": "documents",
        "09-audit": "audit",
        "10-entity": "entity/site/website",
        "11-run": "run",
    }
    with chromium(tmp_path / "desktop") as desktop:
        sign_in(desktop, server, "budi")
        shows(desktop, "Ringkasan")
        for name, path in pages.items():
            desktop.get(server.url + path)
            assert desktop.find_element(By.TAG_NAME, "h1").text, name
            screenshot(desktop, name)
        desktop.get(server.url + "status")
        shows(desktop, "Status Layanan")
        screenshot(desktop, "12-status-page")
    with chromium(tmp_path / "phone", width=390, height=844, phone=True) as phone:
        sign_in(phone, server, "ahmad")
        shows(phone, "Ringkasan")
        widths = phone.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth]"
        )
        screenshot(phone, "13-dashboard-phone")
        assert widths[0] <= widths[1] == 390, "the dashboard does not fit a phone's width"
