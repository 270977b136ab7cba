"""A content item's files in the console: each is a link on the item's page that downloads
the very file E2 accepted, for those who work on website content; anyone else is refused
by the role table, and an attachment of another item (or of a service request) is not found
under this item's address."""

from __future__ import annotations

import hashlib
from typing import Any

from selenium.webdriver.common.by import By

from opskit.config.schema import Config
from opskit.console.server import Background
from opskit.content import records
from opskit.helpdesk.attachments import path_of
from opskit.store import Store
from support.browser import screenshot
from support.console import console_for

from .test_requests_browser import sign_in

# Fetched by the page itself: what a click on the link downloads, with its headers.
FETCH = """
const done = arguments[arguments.length - 1];
fetch(arguments[0], {credentials: 'same-origin'}).then(async (answer) => {
  const bytes = await answer.arrayBuffer();
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  done({status: answer.status, disposition: answer.headers.get('content-disposition'),
        type: answer.headers.get('content-type'),
        sha256: [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')});
}).catch((error) => done({error: String(error)}));
"""


def stored(config: Config, item_id: int) -> tuple[str, str]:
    with Store.open(config.history_db) as store:
        photo = records.get(store, item_id).files()[0]
    return photo.name, hashlib.sha256(path_of(config, photo.stored).read_bytes()).hexdigest()


def test_the_item_page_links_each_file_and_the_link_downloads_it(
    court: tuple[Config, dict[str, int]], server: Background, browser: Any
) -> None:
    config, ids = court
    item, attachment = ids["content_photo"], ids["content_attachment"]
    name, digest = stored(config, item)

    sign_in(browser, server, "fajar")  # the editor: works on content, did not upload it
    browser.get(server.url + f"content/{item}")
    link = browser.find_element(By.CSS_SELECTOR, "#files a")
    assert link.text == name == "pelantikan.png"
    href = link.get_attribute("href")
    assert href == f"{server.url}content/{item}/attachments/{attachment}"
    screenshot(browser, "content-04-files")
    got = browser.execute_async_script(FETCH, href)
    assert got["status"] == 200, got
    assert got["sha256"] == digest
    assert got["type"] == "image/png"
    assert got["disposition"].startswith("attachment;") and "pelantikan.png" in got["disposition"]

    sign_in(browser, server, "rina")  # a pegawai: not her work
    refused = browser.execute_async_script(FETCH, href)
    assert refused["status"] == 403, refused
    browser.get(href)
    assert "Tindakan ini memerlukan peran" in browser.find_element(By.TAG_NAME, "body").text


def test_only_this_items_files_are_served_under_its_address(
    court: tuple[Config, dict[str, int]],
) -> None:
    config, ids = court
    item, photo = ids["content_photo"], ids["content_attachment"]
    with console_for(config, "budi") as operator:
        ok = operator.client.get(f"/content/{item}/attachments/{photo}")
        other_item = operator.client.get(f"/content/{ids['content']}/attachments/{photo}")
        request_file = operator.client.get(f"/content/{item}/attachments/{ids['attachment']}")
        missing_item = operator.client.get(f"/content/999/attachments/{photo}")

    assert ok.status_code == 200 and ok.headers["cache-control"] == "no-store"
    assert hashlib.sha256(ok.content).hexdigest() == stored(config, item)[1]
    assert ok.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert [other_item.status_code, request_file.status_code, missing_item.status_code] == [
        404,
        404,
        404,
    ]


def test_a_file_gone_from_the_disk_is_not_found_not_an_error(
    court: tuple[Config, dict[str, int]],
) -> None:
    config, ids = court
    item, photo = ids["content_photo"], ids["content_attachment"]
    with Store.open(config.history_db) as store:
        path_of(config, records.get(store, item).files()[0].stored).unlink()
    with console_for(config, "budi") as operator:
        gone = operator.client.get(f"/content/{item}/attachments/{photo}")

    assert gone.status_code == 404 and "Traceback" not in gone.text
