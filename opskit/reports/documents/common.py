"""What every document builder shares: words, numbers, signatures, check titles."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from typing import Any

import yaml

from opskit.catalog import runbook
from opskit.config.schema import Config
from opskit.masking import mask_data
from opskit.reports.i18n import Words, roman_month
from opskit.reports.render import Signature, Stationery


def words_for(config: Config, language: str | None = None) -> Words:
    """The document language: ``--lang`` if given, else the organisation's."""
    return Words(
        language or config.organisation.language, zoneinfo.ZoneInfo(config.organisation.timezone)
    )


def stationery(config: Config, language: str | None = None) -> Stationery:
    """Language, letterhead and place of signing for documents of this organisation."""
    place = config.reports.place or config.organisation.display_name
    return Stationery(words_for(config, language), config.organisation, place)


def number(config: Config, code: str, sequence: int, moment: datetime, words: Words) -> str:
    """An office-style number: ``[PREFIX/]007/LSK/XI/2026``."""
    local = moment.astimezone(words.zone)
    parts = [config.reports.number_prefix] if config.reports.number_prefix else []
    parts += [f"{sequence:03d}", code, roman_month(local.month), str(local.year)]
    return "/".join(parts)


def signatures(config: Config, kind: str, words: Words) -> list[Signature]:
    """Signature blocks by role: the first prepares, the others acknowledge."""
    blocks = []
    for index, role in enumerate(config.reports.signatures.get(kind, [])):  # type: ignore[call-overload]
        people = config.people_with_role(role)
        person = people[0] if people else None
        blocks.append(
            Signature(
                caption=words("document.prepared_by" if index == 0 else "document.approved_by"),
                role_title=(person.position if person and person.position else words.role(role)),
                name=person.name if person else None,
                nip=person.nip if person else None,
            )
        )
    return blocks


def check_title(check_id: str, words: Words) -> str:
    entry = runbook(check_id)
    return entry.text("title", words.language) if entry else check_id


def evidence_text(evidence: dict[str, Any]) -> str:
    """Evidence as readable YAML, secrets masked, long output cut."""
    text = yaml.safe_dump(mask_data(evidence), allow_unicode=True, sort_keys=False, width=100)
    return text if len(text) < 4000 else text[:4000] + "\n..."
