"""A real browser for the console: Debian's chromium driven through chromium-driver.

Selenium is told where both are, so it never tries to download a browser or
a driver; the flags keep Chromium off the network it has no business with.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from support.system import require

ARTIFACTS = Path(
    os.environ.get("OPSKIT_TEST_ARTIFACTS", Path(__file__).parents[2] / "test-artifacts")
)
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--lang=id",
)


@contextmanager
def chromium(
    profile: Path, width: int = 1280, height: int = 900, phone: bool = False
) -> Iterator[Any]:
    """A headless Chromium with an empty profile; fails (CI) or skips when it is missing."""
    binary = require("chromium", "chromium")
    driver_path = require("chromedriver", "chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={width},{height}")
    if phone:
        # A phone's viewport and touch, as the ketua would open the console on theirs.
        metrics = {"width": width, "height": height, "pixelRatio": 2, "touch": True}
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": metrics})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def screenshot(driver: Any, name: str) -> Path:
    """Save the whole page as a PNG artefact (test-artifacts/console/NAME.png)."""
    directory = ARTIFACTS / "console"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.png"
    height = driver.execute_script("return document.documentElement.scrollHeight")
    width = driver.get_window_size()["width"]
    if width > 600:  # a phone keeps its own viewport
        driver.set_window_size(width, max(600, min(int(height) + 120, 4000)))
    driver.save_screenshot(str(path))
    return path
