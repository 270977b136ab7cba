"""Preparing a document for signatures: a signature sheet at the end, a QR code on
every page. Done once, before the first signature, so later signatures never change
what an earlier one covered."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from html import escape
from pathlib import Path

from opskit.reports.i18n import Words

A4_HEIGHT = 842.0
SLOT_LEFT, SLOT_RIGHT = 70, 525
SLOT_HEIGHT, SLOT_GAP, FIRST_SLOT_TOP = 118, 40, 300
QR_BOX = (64, 6, 122, 64)  # x1, y1, x2, y2 in points: bottom left, inside the page margin


@dataclass(frozen=True)
class Slot:
    """Where one signer's visible signature goes on the sheet, and what it is for."""

    caption: str
    role_title: str
    box: tuple[int, int, int, int]  # x1, y1, x2, y2 in PDF points, from the bottom left


def slots(captions: list[tuple[str, str]]) -> list[Slot]:
    """One box per signer, top to bottom, in signing order."""
    found = []
    for index, (caption, role_title) in enumerate(captions):
        top = FIRST_SLOT_TOP + index * (SLOT_HEIGHT + SLOT_GAP)
        box = (SLOT_LEFT, int(A4_HEIGHT - top - SLOT_HEIGHT), SLOT_RIGHT, int(A4_HEIGHT - top))
        found.append(Slot(caption, role_title, box))
    return found


def prepare(
    rendered_pdf: bytes,
    *,
    words: Words,
    organisation: str,
    title: str,
    number: str,
    verify_url: str,
    signature_slots: list[Slot],
) -> bytes:
    """The document with its signature sheet appended and a QR code on every page."""
    from pypdf import PdfReader, PdfWriter

    sheet = _sheet_pdf(words, organisation, title, number, verify_url, signature_slots)
    overlay = PdfReader(io.BytesIO(_qr_overlay_pdf(verify_url, words))).pages[0]
    writer = PdfWriter()
    for source in (rendered_pdf, sheet):
        for page in PdfReader(io.BytesIO(source)).pages:
            writer.add_page(page).merge_page(overlay)
    writer.add_metadata({"/Title": title, "/Subject": number})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def qr_svg(text: str) -> str:
    import segno

    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="svg", border=1, scale=4)
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def _sheet_pdf(  # noqa: PLR0917 - the sheet's parts, each named at its one call
    words: Words,
    organisation: str,
    title: str,
    number: str,
    verify_url: str,
    signature_slots: list[Slot],
) -> bytes:
    boxes = "".join(
        f'<div class="caption" style="top:{A4_HEIGHT - slot.box[3] - 16}pt">'
        f"{escape(slot.caption)} {escape(slot.role_title)}</div>"
        f'<div class="slot" style="top:{A4_HEIGHT - slot.box[3]}pt;'
        f'height:{slot.box[3] - slot.box[1]}pt"></div>'
        for slot in signature_slots
    )
    html = f"""<!doctype html><html lang="{words.language}"><head><meta charset="utf-8">
<style>
@page {{ size: A4; margin: 0; }}
body {{ font-family: "DejaVu Serif", serif; font-size: 10.5pt; margin: 0; }}
.head {{ position: absolute; left: {SLOT_LEFT}pt; right: {595 - SLOT_RIGHT}pt; top: 60pt; }}
h1 {{ font-size: 13pt; text-align: center; text-transform: uppercase; margin: 0 0 10pt 0; }}
p {{ margin: 3pt 0; }}
.caption {{ position: absolute; left: {SLOT_LEFT}pt; font-weight: bold; font-size: 10pt; }}
.slot {{ position: absolute; left: {SLOT_LEFT}pt; width: {SLOT_RIGHT - SLOT_LEFT}pt;
  border: 0.6pt dashed #999; }}
</style></head><body>
<div class="head">
<h1>{escape(words("signing.sheet_title"))}</h1>
<p><b>{escape(organisation)}</b></p>
<p>{escape(words("signing.sheet_document"))}: {escape(title)}</p>
<p>{escape(words("document.number"))}: {escape(number)}</p>
<p>{escape(words("signing.sheet_basis"))}</p>
<p>{escape(words("signing.sheet_verify"))} {escape(verify_url)}</p>
</div>
{boxes}
</body></html>"""
    return _pdf(html)


def _qr_overlay_pdf(verify_url: str, words: Words) -> bytes:
    x1, y1, x2, y2 = QR_BOX
    size = x2 - x1
    html = f"""<!doctype html><html><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 0; }}
body {{ margin: 0; font-family: "DejaVu Sans", sans-serif; }}
img {{ position: absolute; left: {x1}pt; top: {A4_HEIGHT - y2}pt; width: {size}pt;
  height: {size}pt; }}
.note {{ position: absolute; left: {x2 + 4}pt; top: {A4_HEIGHT - y2 + size / 2 - 8}pt;
  font-size: 6.5pt; color: #444; width: 200pt; }}
</style></head><body><img src="{qr_svg(verify_url)}" alt="">
<div class="note">{escape(words("signing.qr_note"))}</div></body></html>"""
    return _pdf(html)


def _pdf(html: str) -> bytes:
    import logging

    from weasyprint import HTML

    for name in ("weasyprint", "fontTools"):
        logging.getLogger(name).setLevel(logging.ERROR)
    return bytes(HTML(string=html, base_url=str(Path(__file__).parent)).write_pdf())
