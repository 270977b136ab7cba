"""A court with every role, for signing its documents."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from opskit.config.schema import Config
from support.console import court


@pytest.fixture
def court_config(make_config: Callable[..., Path]) -> Callable[..., Config]:
    def make(**extra: Any) -> Config:
        return court(make_config, **extra)

    return make
