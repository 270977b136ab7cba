"""Loopback web, WHOIS and DNS servers for the website-check tests, torn down after each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from support.web import CertificateFactory, WebServer, loopback_only


@pytest.fixture(autouse=True)
def only_loopback(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Website tests never reach past this machine: any other address fails the test."""
    refused = loopback_only(monkeypatch)
    yield refused
    assert not refused, f"the test tried to reach addresses off this machine: {refused}"


@pytest.fixture
def certificates(tmp_path: Path) -> CertificateFactory:
    return CertificateFactory(tmp_path / "certs")


@pytest.fixture
def https_site(
    certificates: CertificateFactory, servers: Callable[[Any], Any]
) -> Callable[..., WebServer]:
    """An HTTPS server with a certificate from the test CA (valid 90 days unless told)."""

    def make(name: str = "site", **issue: Any) -> WebServer:
        cert, key = certificates.issue(name, *issue.pop("identities", ()), **issue)
        return servers(WebServer(cert, key))

    return make
