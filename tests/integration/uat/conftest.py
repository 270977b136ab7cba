"""A real web application on loopback, and a config with the people who test, review, approve."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from support.uat_app import ComplaintApp
from support.web import CertificateFactory, loopback_only

PEOPLE = [
    {"name": "Budi Santoso", "roles": ["operator"], "position": "Pranata Komputer"},
    {"name": "Siti Aminah", "roles": ["kasubbag_ti"], "position": "Kasubbag TI"},
    {"name": "Dewi Lestari", "roles": ["sekretaris"], "position": "Sekretaris"},
    {"name": "Ahmad Fauzi", "roles": ["ketua"], "position": "Ketua", "nip": "197001011990031001"},
]


@pytest.fixture(autouse=True)
def only_loopback(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """UAT tests never reach past this machine: any other address fails the test."""
    refused = loopback_only(monkeypatch)
    yield refused
    assert not refused, f"the test tried to reach addresses off this machine: {refused}"


@pytest.fixture
def start_app() -> Iterator[Callable[..., ComplaintApp]]:
    started: list[ComplaintApp] = []

    def start(**options: Any) -> ComplaintApp:
        app = ComplaintApp(**options).start()
        started.append(app)
        return app

    yield start
    for app in started:
        app.stop()


@pytest.fixture
def app(start_app: Callable[..., ComplaintApp]) -> ComplaintApp:
    return start_app()


@pytest.fixture
def certificates(tmp_path: Path) -> CertificateFactory:
    return CertificateFactory(tmp_path / "certs")


@pytest.fixture
def uat_config(make_config: Callable[..., Path]) -> Callable[..., Path]:
    """opskit.yaml with the court's people; ``extra`` adds or replaces sections."""

    def write(**extra: Any) -> Path:
        return make_config({"people": PEOPLE, **extra})

    return write


@pytest.fixture
def checklist(tmp_path: Path) -> Callable[..., Path]:
    """Write a checklist file from its steps."""

    def write(*steps: dict[str, Any], name: str = "layanan", **fields: Any) -> Path:
        path = tmp_path / f"{name}.yaml"
        data = {"title": "Layanan pengaduan", "application": "E-Pengaduan", **fields}
        path.write_text(yaml.safe_dump({**data, "steps": list(steps)}, allow_unicode=True))
        return path

    return write
