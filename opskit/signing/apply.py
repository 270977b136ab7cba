"""Adding one signature to a document, in its turn, with its visible block."""

from __future__ import annotations

import hashlib
import io
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from opskit import audit
from opskit.config.schema import Config, Person
from opskit.errors import NotFoundError
from opskit.identity import Actor
from opskit.reports import written
from opskit.reports.i18n import Words
from opskit.signing import records, sheet
from opskit.signing.keys import SigningError, opened_signer
from opskit.store import Store

STAMP_FONT_SIZE = 9


@dataclass(frozen=True)
class Turn:
    """Who signs a document next: the position, the role, and its caption."""

    position: int
    role: str
    needed: int


def next_turn(config: Config, store: Store, document: written.Written) -> Turn | None:
    """The next signature a document waits for, or None (no blocks, or all signed)."""
    order = list(config.reports.signatures.get(document.kind, []))  # type: ignore[call-overload]
    signed = records.get(store, document.id)
    done = len(signed.signatures) if signed else 0
    if done >= len(order):
        return None
    return Turn(position=done, role=order[done], needed=len(order))


def sign(config: Config, store: Store, document_id: int, actor: Actor, now: datetime) -> Path:
    """Sign ``document_id`` as ``actor`` if it is their turn; returns the signed file."""
    document = written.get(store, document_id)
    if document is None:
        raise NotFoundError(f"no document {document_id}")
    turn = next_turn(config, store, document)
    if turn is None:
        raise SigningError(
            f"document {document_id} needs no more signatures", code="signing-complete"
        )
    if actor.edge != "console" or actor.login is None:
        raise SigningError(
            "a signature is given by a person signed in to the console", code="signing-console"
        )
    if turn.role not in actor.roles:
        raise SigningError(
            f"document {document_id} waits for the signature of the {turn.role}",
            code="signing-not-your-turn",
        )
    person = config.person_with_login(actor.login)
    if person is None:
        raise SigningError(f"{actor.name} is not in people[]", code="no-signing-key")
    words = Words(document.language, _zone(config))
    signed = records.get(store, document_id)
    if signed is None:
        source, code, path = _first_source(config, document, words)
    else:
        path, code = signed.path, signed.verify_code
        source = path.read_bytes()
        if hashlib.sha256(source).hexdigest() != signed.sha256:
            raise SigningError(
                f"{path} was changed after its last signature; it is not signed again",
                code="signed-file-changed",
            )
    slot = sheet.slots(_captions(config, document.kind, words))[turn.position]
    with opened_signer(person) as signer:
        result = _apply(
            source,
            signer=signer,
            slot=slot,
            person=person,
            turn=turn,
            words=words,
            timestamp_url=config.signing.timestamp_url,
            now=now,
        )
    digest = hashlib.sha256(result).hexdigest()
    _write(path, result)
    with store.transaction() as connection:
        records.add_signature(
            connection,
            document_id=document_id,
            first=(path, code, turn.needed) if signed is None else None,
            signature=records.Signature(
                position=turn.position,
                role=turn.role,
                signer=person.name,
                login=person.login,
                nip=person.nip,
                title=person.position,
                edge=actor.edge,
                signed_at=now,
                sha256=digest,
            ),
            now=now,
        )
        audit.record(
            connection,
            actor,
            "documents.sign",
            now,
            object=f"document:{document_id}",
            detail=f"{document.number or ''} sha256 {digest}",
        )
    return path


def verify_url(config: Config, code: str) -> str:
    base = config.console.public_url
    if not base:
        raise SigningError(
            "set console.public_url: the QR code on signed documents leads to its "
            "verification page there",
            code="signing-no-public-url",
        )
    return f"{base.rstrip('/')}/verify/{code}"


def _first_source(
    config: Config, document: written.Written, words: Words
) -> tuple[bytes, str, Path]:
    pdf = document.paths.get("pdf")
    if pdf is None or not pdf.is_file():
        raise SigningError(
            f"document {document.id} has no PDF to sign; write it with --formats pdf",
            code="signing-no-pdf",
        )
    code = secrets.token_urlsafe(12)
    prepared = sheet.prepare(
        pdf.read_bytes(),
        words=words,
        organisation=config.organisation.name,
        title=document.title,
        number=document.number or "-",
        verify_url=verify_url(config, code),
        signature_slots=sheet.slots(_captions(config, document.kind, words)),
    )
    path = config.signed_dir / document.kind / f"{pdf.stem}.{code[:8]}.pdf"
    return prepared, code, path


def _captions(config: Config, kind: str, words: Words) -> list[tuple[str, str]]:
    from opskit.reports.documents.common import signatures

    return [(block.caption, block.role_title) for block in signatures(config, kind, words)]


def _apply(
    source: bytes,
    *,
    signer: Any,
    slot: sheet.Slot,
    person: Person,
    turn: Turn,
    words: Words,
    timestamp_url: str | None,
    now: datetime,
) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields, signers, timestamps
    from pyhanko.stamp import TextStampStyle

    style = TextStampStyle(
        stamp_text=words("signing.stamp"),
        # PDF's standard Courier: embedded TrueType fonts are spaced wrongly by the
        # current pyHanko/uharfbuzz pair, and a signature block must read cleanly.
        text_box_style=TextBoxStyle(font_size=STAMP_FONT_SIZE, leading=STAMP_FONT_SIZE + 3),
        inner_content_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MIN,
            y_align=AxisAlignment.ALIGN_MID,
            margins=Margins(left=12, right=12, top=8, bottom=8),
        ),
        border_width=1,
    )
    field_name = f"Signature{turn.position + 1}"
    pdf_signer = signers.PdfSigner(
        signers.PdfSignatureMetadata(
            field_name=field_name,
            name=person.name,
            reason=words("signing.reason", caption=slot.caption, role=slot.role_title),
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
        ),
        signer=signer,
        stamp_style=style,
        timestamper=timestamps.HTTPTimeStamper(timestamp_url) if timestamp_url else None,
        new_field_spec=fields.SigFieldSpec(field_name, on_page=-1, box=slot.box),
    )
    out = io.BytesIO()
    try:
        pdf_signer.sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(source)),
            output=out,
            appearance_text_params={
                "nip": person.nip or "-",
                "position": person.position or words.role(turn.role),
                "when": words.datetime(now),
            },
        )
    except (OSError, ValueError) as error:
        raise SigningError(f"the document could not be signed: {error}") from None
    return out.getvalue()


def _write(path: Path, data: bytes) -> None:
    """Write the signed file whole or not at all (never a half-signed document)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    temporary.replace(path)


def _zone(config: Config) -> Any:
    import zoneinfo

    return zoneinfo.ZoneInfo(config.organisation.timezone)
