"""The register of IT policy in a real browser: the kasubbag TI starts a decree of the IT
team, plans and proposes it; the ketua sends it back once, then sets it with the decree's
number and date; a newer decree set by the ketua supersedes it. Nobody else sees the ketua's
forms, and a set forced by hand (a form sent without the page offering it) is refused by the
role table. Regulations are added and reviewed by the kasubbag. Screenshots go to
test-artifacts/console/ (policy-*.png)."""

from __future__ import annotations

from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from opskit.config.schema import Config
from opskit.console.server import Background
from opskit.policy import records
from opskit.store import Store
from support.browser import screenshot

from .test_requests_browser import shows, sign_in, submit_and_wait, text

NUMBER_1 = "W20-A1/101/OT.01/XII/2026"
NUMBER_2 = "W20-A1/7/OT.01/I/2027"


def forms(browser: Any, server: Background, document: int) -> set[str]:
    browser.get(server.url + f"policy/{document}")
    return {
        form.get_attribute("id")
        for form in browser.find_elements(By.CSS_SELECTOR, "form.step-form")
    }


def fill(form: Any, browser: Any, **fields: str) -> None:
    for name, value in fields.items():
        box = form.find_element(By.NAME, name)
        if box.tag_name == "select":
            Select(box).select_by_value(value)
        elif box.get_attribute("type") == "date":  # the browser's own date picker
            browser.execute_script("arguments[0].value = arguments[1]", box, value)
        else:
            box.clear()
            box.send_keys(value)


def take(browser: Any, server: Background, document: int, step: str, **fields: str) -> str:
    browser.get(server.url + f"policy/{document}")
    form = browser.find_element(By.ID, f"step-{step}")
    fill(form, browser, **fields)
    submit_and_wait(browser, form.find_element(By.TAG_NAME, "button"))
    return shows(browser, "Langkah dicatat.")


def start(browser: Any, server: Background, title: str, body: str) -> int:
    """The kasubbag's form on the register page; the new document's number."""
    browser.get(server.url + "policy")
    form = browser.find_element(By.ID, "new-document")
    fill(form, browser, kind="decree", title=title, body=body)
    submit_and_wait(browser, form.find_element(By.TAG_NAME, "button"))
    shows(browser, "Dokumen kebijakan dimulai.")
    return int(browser.current_url.rstrip("/").split("?")[0].split("/")[-1])


def forced_set(browser: Any, server: Background, document: int) -> str:
    """A set sent by hand: a form built in the page with the page's own CSRF token."""
    browser.get(server.url + f"policy/{document}")
    browser.execute_script(
        """
        const token = document.querySelector('input[name=csrftoken]').value;
        const form = document.createElement('form');
        form.method = 'post';
        form.action = arguments[0];
        for (const [name, value] of Object.entries({csrftoken: token, number: arguments[1],
                                                     date: '2026-12-01'})) {
          const input = document.createElement('input');
          input.name = name; input.value = value; form.appendChild(input);
        }
        const button = document.createElement('button');
        button.id = 'forced';
        form.appendChild(button);
        document.body.appendChild(form);
        """,
        f"/policy/{document}/set",
        "W20-A1/999/OT.01/XII/2026",
    )
    submit_and_wait(browser, browser.find_element(By.ID, "forced"))
    return text(browser)


def test_a_decree_set_and_superseded_by_the_ketua_and_refused_for_others(
    court: tuple[Config, dict[str, int]], server: Background, browser: Any
) -> None:
    config, _ = court

    sign_in(browser, server, "siti")
    first = start(browser, server, "SK Tim IT 2026", "Menetapkan susunan Tim IT tahun 2026.")
    take(browser, server, first, "plan", note="Program tiga tahun")
    take(browser, server, first, "propose")
    assert forms(browser, server, first) == {"step-withdraw"}
    refused = forced_set(browser, server, first)
    assert "memerlukan peran: Ketua" in refused, refused
    screenshot(browser, "policy-01-set-refused")

    for login in ("budi", "dewi", "rahmat", "nur", "fajar", "rina"):
        sign_in(browser, server, login)
        assert forms(browser, server, first) == set(), login
    sign_in(browser, server, "budi")
    assert "memerlukan peran: Ketua" in forced_set(browser, server, first)

    sign_in(browser, server, "ahmad")
    assert forms(browser, server, first) == {"step-set", "step-send_back", "step-withdraw"}
    take(browser, server, first, "send_back", note="Lengkapi tugas koordinator")
    sign_in(browser, server, "siti")
    take(browser, server, first, "revise", body="Menetapkan susunan dan tugas Tim IT tahun 2026.")
    take(browser, server, first, "propose")
    sign_in(browser, server, "ahmad")
    page = take(browser, server, first, "set", number=NUMBER_1, date="2026-12-01")
    assert "Ditetapkan ketua" in page and f"Nomor {NUMBER_1} tanggal 1 Desember 2026" in page
    screenshot(browser, "policy-02-set")

    sign_in(browser, server, "siti")
    second = start(browser, server, "SK Tim IT 2027", "Menetapkan susunan Tim IT tahun 2027.")
    take(browser, server, second, "plan")
    take(browser, server, second, "propose")
    sign_in(browser, server, "ahmad")
    browser.get(server.url + f"policy/{second}")
    options = [
        option.text for option in browser.find_elements(By.CSS_SELECTOR, "#set-supersedes option")
    ]
    assert options[1:] == [f"#{first} · SK Tim IT 2026 ({NUMBER_1})"]
    page = take(
        browser, server, second, "set", number=NUMBER_2, date="2027-01-04",
        supersedes=str(first),
    )  # fmt: skip
    assert f"mengganti nomor {first}" in page
    browser.get(server.url + f"policy/{first}")
    old = shows(browser, f"diganti dengan nomor {second}")
    assert "Diganti" in browser.find_element(By.ID, "state").text
    assert forms(browser, server, first) == set()  # nothing more to do on a superseded one
    screenshot(browser, "policy-03-superseded")
    browser.get(server.url + "policy")
    register = browser.find_element(By.ID, "documents").text
    assert f"diganti dengan nomor {second}" in register and NUMBER_2 in register
    assert "Lengkapi tugas koordinator" in old

    with Store.open(config.history_db) as store:
        done, replaced = records.get(store, second), records.get(store, first)
    assert (done.state, done.decree_number, done.decree_date, done.supersedes) == (
        "set", NUMBER_2, "2027-01-04", first,
    )  # fmt: skip
    assert (replaced.state, replaced.superseded_by) == ("superseded", second)
    assert [(r.step, r.actor, r.edge) for r in replaced.records] == [
        ("gather", "Siti Aminah", "console"),
        ("plan", "Siti Aminah", "console"),
        ("propose", "Siti Aminah", "console"),
        ("send_back", "Ahmad Fauzi", "console"),
        ("revise", "Siti Aminah", "console"),
        ("propose", "Siti Aminah", "console"),
        ("set", "Ahmad Fauzi", "console"),
        ("supersede", "Ahmad Fauzi", "console"),
    ]
    assert [version["version"] for version in replaced.versions] == [1, 2]


def test_regulations_added_and_reviewed_by_the_kasubbag_only(
    court: tuple[Config, dict[str, int]], server: Background, browser: Any
) -> None:
    config, _ = court
    sign_in(browser, server, "ahmad")
    browser.get(server.url + "policy")
    assert browser.find_elements(By.ID, "add-regulation") == []

    sign_in(browser, server, "siti")
    browser.get(server.url + "policy")
    form = browser.find_element(By.ID, "add-regulation")
    fill(
        form, browser, title="Keterbukaan Informasi Publik", number="UU 14", year="2008",
        link="https://peraturan.example/uu-14-2008", summary="Informasi publik di situs web",
    )  # fmt: skip
    submit_and_wait(browser, form.find_element(By.TAG_NAME, "button"))
    shows(browser, "Peraturan ditambahkan.")
    form = browser.find_element(By.ID, "review-regulations")
    fill(form, browser, note="Masih berlaku")
    submit_and_wait(browser, form.find_element(By.TAG_NAME, "button"))
    listed = shows(browser, "Peninjauan dicatat.")
    assert "UU 14/2008" in listed
    screenshot(browser, "policy-04-regulations")

    with Store.open(config.history_db) as store:
        reviews = store.read("SELECT actor, edge, note FROM regulation_reviews ORDER BY id")
    assert [tuple(row) for row in reviews] == [
        ("Siti Aminah", "console", "added"),
        ("Siti Aminah", "console", "Masih berlaku"),
    ]
