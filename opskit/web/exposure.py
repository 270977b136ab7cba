"""``web.exposure``: security headers, version disclosure, and files that must never be public (D4).

A request for a random path first tells what "not found" looks like on
this site: a server that answers 200 with the same page for everything is
not exposing ``/.env``. Any listed file that answers 200 with a different
body is CRITICAL. What such a file holds is recorded by the names of its
keys and its size only: its values are someone's passwords, and the result
travels on into mails, PDFs, the provider handoff and the history.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable
from typing import Any

from opskit.catalog import sop_row
from opskit.config.schema import Site
from opskit.result import Result, Status, worst
from opskit.web.fetch import Page, resolve

CHECK_ID = "web.exposure"
PROBE_MAX_BYTES = 65_536
MUST_NOT_BE_PUBLIC = (
    "/.env",
    "/.git/HEAD",
    "/.git/config",
    "/.svn/entries",
    "/phpinfo.php",
    "/info.php",
    "/backup.zip",
    "/backup.tar.gz",
    "/backup.sql",
    "/db.sql",
    "/database.sql",
    "/www.zip",
    "/site.tar.gz",
    "/wp-config.php.bak",
    "/configuration.php.bak",
    "/.htpasswd",
    "/server-status",
)
VERSION = re.compile(r"\d+\.\d+")
# ``NAME=value``, ``export NAME=value``, ``name = value`` (INI) and ``name: value`` (YAML).
KEY_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.\-]{0,63})\s*[=:]", re.MULTILINE)
MAX_KEYS = 30


def key_names(body: bytes) -> list[str]:
    """The names of the settings a text file holds (never their values), in order, once each."""
    if b"\0" in body:
        return []  # an archive or a binary: it has no lines to name
    text = body.decode("utf-8", errors="replace")
    return list(dict.fromkeys(KEY_LINE.findall(text)))[:MAX_KEYS]


def header_problems(page: Page, https: bool) -> list[str]:
    """Missing protective headers and version disclosure in one response's headers."""
    found = []
    if https and not page.header("strict-transport-security"):
        found.append("no Strict-Transport-Security (HSTS)")
    if page.header("x-content-type-options").lower() != "nosniff":
        found.append("no X-Content-Type-Options: nosniff")
    policy = page.header("content-security-policy").lower()
    if not page.header("x-frame-options") and "frame-ancestors" not in policy:
        found.append("no frame protection (X-Frame-Options or CSP frame-ancestors)")
    for name in ("server", "x-powered-by", "x-aspnet-version"):
        value = page.header(name)
        if value and VERSION.search(value):
            found.append(f"{name} discloses a version: {value}")
    return found


def check(site: Site, home: Page, get: Callable[..., Page]) -> Result:
    if home.status is None:
        return Result(
            check_id=CHECK_ID,
            target=site.name,
            status=Status.UNKNOWN,
            summary=f"home page did not answer: {home.error}",
            sop_row=sop_row(CHECK_ID),
        )
    headers = header_problems(home, site.url.startswith("https://"))
    missing_page = get(
        resolve(site.url, f"/opskit-{secrets.token_hex(8)}"), max_bytes=PROBE_MAX_BYTES
    )
    soft_404 = _digest(missing_page) if missing_page.status == 200 else None
    exposed: list[dict[str, Any]] = []
    for path in dict.fromkeys([*MUST_NOT_BE_PUBLIC, *site.exposure_paths]):
        page = get(resolve(site.url, path), follow_redirects=False, max_bytes=PROBE_MAX_BYTES)
        if page.status == 200 and page.body and _digest(page) != soft_404:
            exposed.append(
                {"path": path, "status": 200, "bytes": len(page.body),
                 "content_type": page.header("content-type"), "keys": key_names(page.body)}
            )  # fmt: skip
    statuses = [Status.WARNING] * bool(headers) + [Status.CRITICAL] * bool(exposed)
    parts = []
    if exposed:
        parts.append("PUBLIC: " + ", ".join(item["path"] for item in exposed))
    parts += headers
    return Result(
        check_id=CHECK_ID,
        target=site.name,
        status=worst(statuses),
        summary="; ".join(parts) if parts else "security headers present, no exposed files",
        evidence={
            "exposed": exposed,
            "header_problems": headers,
            "headers": {key: value for key, value in home.headers.items() if key in (
                "strict-transport-security", "x-content-type-options", "x-frame-options",
                "content-security-policy", "server", "x-powered-by")},
            "soft_404": soft_404 is not None,
            "paths_checked": len(MUST_NOT_BE_PUBLIC) + len(site.exposure_paths),
        },
        sop_row=sop_row(CHECK_ID),
    )  # fmt: skip


def _digest(page: Page) -> str:
    return hashlib.sha256(page.body).hexdigest()
