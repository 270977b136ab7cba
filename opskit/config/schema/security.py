"""``security:``: the security policy and the code scanned."""

from __future__ import annotations

from typing import Any

from pydantic import (
    Field,
)

from opskit.config.schema.common import ConfigPath, Name, Section


class CodeTarget(Section):
    name: Name = Field(description="Short name of the application, shown as the target.")
    path: ConfigPath = Field(description="Directory (or file) of its Python code on this machine.")
    exclude: list[str] = Field(
        default_factory=list, description="Paths under it bandit skips (tests, vendored code)."
    )


class Security(Section):
    policy_file: ConfigPath | None = Field(
        None,
        description="Your own security policy YAML in the format of the built-in baseline "
        "(`opskit paths checks`/security.yaml); the keys it sets replace the baseline's.",
    )
    policy: dict[str, Any] | None = Field(
        None,
        description="Changes to the security baseline for every host, in its format, e.g. "
        "{network: {allowed_ports: [22/tcp, 443/tcp]}, ssh: {max_auth_tries: 3}}.",
    )
    code: list[CodeTarget] = Field(
        default_factory=list,
        description="Python application code scanned with bandit by `opskit check code` (SOP D4).",
        json_schema_extra={
            "commented_examples": [
                {"name": "sipp-tools", "path": "/srv/sipp-tools", "exclude": ["tests"]}
            ]
        },
    )
