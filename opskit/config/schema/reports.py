"""``reports:``, ``uat:`` and ``paths:``."""

from __future__ import annotations

import string
from typing import Annotated

from pydantic import AfterValidator, Field

from opskit.config.schema.common import ConfigPath, Seconds, Section
from opskit.config.schema.notifications import DEFAULT_SIGNATURES, DocumentKind
from opskit.config.schema.organisation import Role

NUMBER_FIELDS = ("seq", "code", "month_roman", "month", "year", "prefix")


def _number_pattern(value: str) -> str:
    """A register number pattern: known fields only, the sequence always in it."""
    try:
        found = [name for _, name, _, _ in string.Formatter().parse(value) if name is not None]
    except ValueError as error:
        raise ValueError(f"not a valid number pattern: {error}") from None
    unknown = sorted(set(found) - set(NUMBER_FIELDS))
    if unknown:
        known = ", ".join("{" + name + "}" for name in NUMBER_FIELDS)
        raise ValueError(f"unknown field {{{unknown[0]}}} (use {known})")
    if "seq" not in found:
        raise ValueError("the pattern needs {seq}, the number from the register")
    try:
        value.format(seq=1, code="X", month_roman="I", month="01", year=2026, prefix="P")
    except (ValueError, IndexError) as error:
        raise ValueError(f"not a valid number pattern: {error}") from None
    return value


NumberPattern = Annotated[str, AfterValidator(_number_pattern)]


class Reports(Section):
    place: str | None = Field(
        None,
        description="Town written before the date above signatures (default: the organisation's "
        "short name).",
        examples=["Penajam"],
    )
    number_prefix: str | None = Field(
        None,
        description="Office code, the {prefix} of number patterns (by default in front of "
        "every document number).",
        examples=["W17-A23"],
    )
    numbering: dict[DocumentKind, NumberPattern] = Field(
        default_factory=dict,
        description="Register number pattern per document kind; {seq} is the next number of "
        "that kind in the year (never reused), with {code}, {month_roman}, {month}, {year} and "
        "{prefix}. Default: [{prefix}/]{seq:03}/{code}/{month_roman}/{year}.",
        examples=[{"incident": "W17-A5/{seq}/HK.05/{month_roman}/{year}"}],
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
