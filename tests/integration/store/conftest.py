"""Servers the shared-store tests start, torn down after each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest


@pytest.fixture
def servers() -> Iterator[Callable[[Any], Any]]:
    """Start a server object (anything with start/stop) and stop it after the test."""
    started: list[Any] = []

    def start(server: Any) -> Any:
        started.append(server.start())
        return server

    yield start
    for server in reversed(started):
        server.stop()
