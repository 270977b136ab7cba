"""What every document builder shares: words, letterhead, signatures, check titles, numbers."""

from __future__ import annotations

import zoneinfo
from datetime import datetime

from opskit.catalog import runbook
from opskit.config.schema import Config
from opskit.reports import register
from opskit.reports.render import Document, Signature, Stationery
from opskit.store import Store
from opskit.text import Words


def words_for(config: Config, language: str | None = None) -> Words:
    """The document language: ``--lang`` if given, else the organisation's."""
    return Words(
        language or config.organisation.language, zoneinfo.ZoneInfo(config.organisation.timezone)
    )


def stationery(config: Config, language: str | None = None, appendix: bool = False) -> Stationery:
    """Language, letterhead and place of signing for documents of this organisation."""
    place = config.organisation.place or config.reports.place or config.organisation.display_name
    return Stationery(words_for(config, language), config.organisation, place, appendix)


def file_in_register(config: Config, store: Store, document: Document, now: datetime) -> None:
    """Give ``document`` its register number and letter date (the ones it has if filed before)."""
    if not document.registered:
        return  # a decree keeps the number and date the ketua gave it
    reports = config.reports
    entry = register.assign(
        store,
        kind=document.kind,
        key=document.stem,
        moment=now,
        zone=zoneinfo.ZoneInfo(config.organisation.timezone),
        pattern=register.pattern_for(
            document.kind,
            {str(kind): text for kind, text in reports.numbering.items()},
            reports.number_prefix,
        ),
        prefix=reports.number_prefix or "",
        title=document.title,
    )
    document.number = entry.number
    document.dated_at = entry.dated_at


# Documents whose signers do more than prepare and acknowledge: the ketua sets a decree (A4)
# and approves a service request (B8).
CAPTIONS = {"policy": "document.set_by", "request-form": "document.agreed_by"}


def signatures(config: Config, kind: str, words: Words) -> list[Signature]:
    """Signature blocks by role: the first prepares, the others acknowledge."""
    blocks = []
    for index, role in enumerate(config.reports.signatures.get(kind, [])):  # type: ignore[call-overload]
        people = config.people_with_role(role)
        person = people[0] if people else None
        blocks.append(
            Signature(
                caption=words(
                    CAPTIONS.get(kind)
                    or ("document.prepared_by" if index == 0 else "document.approved_by")
                ),
                role_title=(person.position if person and person.position else words.role(role)),
                name=person.name if person else None,
                nip=person.nip if person else None,
            )
        )
    return blocks


def check_title(check_id: str, words: Words) -> str:
    entry = runbook(check_id)
    return entry.text("title", words.language) if entry else check_id
