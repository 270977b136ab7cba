"""Captured real outputs (tests/data/security) turned into the facts the evaluators read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from opskit.security.facts import HostFacts
from opskit.security.policy import SecurityPolicy, baseline, merge, validate
from support.security import section


@pytest.fixture
def facts() -> Callable[..., HostFacts]:
    """HostFacts from keyword sections: a str is a successful output, a tuple (output, code)."""

    def make(privilege: dict[str, Any] | None = None, **sections: Any) -> HostFacts:
        built = {}
        for name, value in sections.items():
            key = name.replace("_", "-")
            if isinstance(value, tuple):
                built[key] = section(value[0], value[1], key)
            else:
                built[key] = section(value, 0, key)
        return HostFacts("web1", built, privilege or {})

    return make


@pytest.fixture
def policy() -> Callable[..., SecurityPolicy]:
    """The built-in baseline with changes, as a host's policy."""

    def make(**changes: Any) -> SecurityPolicy:
        return validate(merge(baseline(), changes), "test")

    return make
