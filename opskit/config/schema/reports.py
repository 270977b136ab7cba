"""``reports:``, ``uat:`` and ``paths:``."""

from __future__ import annotations

from pydantic import (
    Field,
)

from opskit.config.schema.common import ConfigPath, Seconds, Section
from opskit.config.schema.notifications import DEFAULT_SIGNATURES, DocumentKind
from opskit.config.schema.organisation import Role


class Reports(Section):
    place: str | None = Field(
        None,
        description="Town written before the date above signatures (default: the organisation's "
        "short name).",
        examples=["Penajam"],
    )
    number_prefix: str | None = Field(
        None, description="Office code put in front of document numbers.", examples=["W17-A23"]
    )
    signatures: dict[DocumentKind, list[Role]] = Field(
        default_factory=lambda: {kind: list(roles) for kind, roles in DEFAULT_SIGNATURES.items()},
        description="Whose signature blocks close each document, by SOP role (left to right).",
    )


class Uat(Section):
    """User acceptance tests: checklists, who reviews and who approves (SOP D2, D3, D6)."""

    checklists_dir: ConfigPath | None = Field(
        None,
        description="Directory of your own UAT checklists (*.yaml); one there replaces a "
        "built-in checklist of the same name (e.g. /etc/opskit/checklists).",
    )
    approver_role: Role = Field(
        "ketua",
        description="SOP role whose holders (people[]) may approve or reject a UAT run.",
    )
    reviewer_role: Role | None = Field(
        None,
        description="SOP role a reviewer must hold (people[]); unset: anyone named may review.",
        examples=["kasubbag_ti"],
    )
    timeout_seconds: Seconds = Field(
        10, description="Give up on one automated step after this long (a step may set its own)."
    )


class Paths(Section):
    state_dir: ConfigPath | None = Field(
        None,
        description="Where opskit keeps its history database, known_hosts and caches "
        "(default: the user's state directory, e.g. ~/.local/state/opskit).",
    )
    history_db: ConfigPath | None = Field(
        None, description="History database file (default: <state_dir>/history.sqlite)."
    )
    output_dir: ConfigPath | None = Field(
        None, description="Where reports are written (default: <state_dir>/reports)."
    )
