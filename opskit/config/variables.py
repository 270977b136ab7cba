"""``${VAR}`` interpolation in opskit.yaml: one reading of it for every caller.

``${VAR}`` is the variable's value, ``${VAR:-default}`` the default when it
is unset, ``$${`` a literal ``${``. Validation (``config.load``) and the
settings kept for the store-reading commands (``config.settings``) both
read it here; this module imports nothing heavy.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

INTERPOLATION = re.compile(r"\$(\$)?\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


def substitute(
    text: str,
    *,
    on_value: Callable[[str, str], None] | None = None,
    on_unset: Callable[[str], None] | None = None,
) -> str:
    """``text`` with every variable replaced; an unset one without default becomes "".

    ``on_value(name, value)`` hears each value taken from the environment,
    ``on_unset(name)`` each variable unset with no default.
    """

    def one(match: re.Match[str]) -> str:
        escaped, name, default = match.groups()
        if escaped:
            return match.group(0)[1:]
        value = os.environ.get(name)
        if value is None:
            if default is not None:
                return default
            if on_unset is not None:
                on_unset(name)
            return ""
        if on_value is not None:
            on_value(name, value)
        return value

    return INTERPOLATION.sub(one, text) if "{" in text else text


def names_in(written: Any) -> set[str]:
    """The variables the data as written would read, set or not."""
    names: set[str] = set()
    pending = [written]
    while pending:
        node = pending.pop()
        if isinstance(node, str):
            if "{" in node:
                found = INTERPOLATION.findall(node)
                names.update(name for escaped, name, _ in found if not escaped)
        elif isinstance(node, dict):
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return names
