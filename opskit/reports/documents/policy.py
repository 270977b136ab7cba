"""A document of the register of IT policy as the ketua set it (SOP A4): a programme plan, a
policy or a decree of the IT team (*SK Tim IT*), with the decree's own number and date,
its latest text, and the ketua's signature block; a draft until it is set.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time

from opskit.config.schema import Config
from opskit.policy.records import Document as PolicyDocument
from opskit.procedures.definition import procedure
from opskit.reports.documents.common import signatures
from opskit.reports.i18n import Words
from opskit.reports.render import Document

IN_FORCE = ("set", "superseded")


def build(config: Config, document: PolicyDocument, words: Words) -> Document:
    kinds = procedure(config, "policy").definition.settings.get("kinds", {})
    kind = kinds.get(document.kind, {}).get(words.language, document.kind)
    latest = document.versions[-1] if document.versions else {"title": document.title, "body": ""}
    paragraphs = [part.strip() for part in str(latest["body"]).split("\n\n")]
    issued = document.state in IN_FORCE and bool(document.decree_number)
    dated_at = None
    if issued and document.decree_date:
        zone = zoneinfo.ZoneInfo(config.organisation.timezone)
        dated_at = datetime.combine(date.fromisoformat(document.decree_date), time(8), zone)
    organisation = config.organisation.display_name
    return Document(
        kind="policy",
        template="policy.html.j2",
        title=kind if issued else words("policy_document.draft", kind=kind),
        number=document.decree_number or "" if issued else "",
        stem=f"policy-{document.id}",
        subject=words(
            "policy_document.subject", organisation=organisation, kind=kind, title=latest["title"]
        ),
        chat_text=words("policy_document.chat", kind=kind, title=latest["title"]),
        context={
            "document": document,
            "about": latest["title"],
            "paragraphs": [part for part in paragraphs if part],
            "version": latest.get("version"),
            "issued": issued,
            "superseded": document.state == "superseded",
        },
        signatures=signatures(config, "policy", words) if issued else (),
        dated_at=dated_at,
        registered=False,
    )
