"""One Jinja2 template per document, rendered to HTML, PDF and Markdown.

The HTML template is the single source: PDF is that HTML printed by
WeasyPrint (A4, the letterhead with its emblem, "Halaman 1 dari 3"),
Markdown is that HTML converted (charts and the emblem become image files
next to it). Nothing here knows what a document says; builders in
``opskit.reports.documents`` supply the data. The appendix of raw evidence
is written only when asked for.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from opskit.errors import OpskitError
from opskit.masking import mask
from opskit.reports.i18n import Words
from opskit.reports.printer import TEMPLATE_DIR, Printer

FORMATS = ("html", "pdf", "md")
RAW_LIMIT = 6000  # characters of one result's raw evidence in the appendix
DATA_URI = re.compile(r"data:image/(png|svg\+xml);base64,([A-Za-z0-9+/=]+)")
IMAGE_TYPES = {".png": "image/png", ".svg": "image/svg+xml"}


@dataclass(frozen=True)
class Signature:
    """One signature block: the role's title, and the person if the config names one."""

    caption: str
    role_title: str
    name: str | None = None
    nip: str | None = None


@dataclass
class Document:
    """What a builder hands to the renderer."""

    kind: str
    template: str
    title: str
    number: str
    stem: str
    subject: str
    chat_text: str
    context: dict[str, Any]
    signatures: Sequence[Signature] = ()
    charts: dict[str, bytes] = field(default_factory=dict)  # SVG drawings by name
    # The raw evidence behind what the document shows: (heading, data), for the appendix.
    raw: list[tuple[str, Any]] = field(default_factory=list)
    # The letter's date, from the register when the document has a number there.
    dated_at: datetime | None = None
    # False for a document numbered by whoever issues it (a decree's own number and date),
    # or not at all while it is a draft: the agenda register does not number it.
    registered: bool = True


@dataclass(frozen=True)
class Stationery:
    """The letterhead a document is printed on: language, organisation, place of signing."""

    words: Words
    organisation: Any
    place: str
    appendix: bool = False


@dataclass(frozen=True)
class Rendered:
    """Files written for a document, and its HTML for an e-mail body."""

    document: Document
    paths: dict[str, Path]
    html: str


def chart_uri(image: bytes) -> str:
    """A chart (SVG from ``opskit.reports.charts``, or PNG) as a data URI for the HTML."""
    kind = "svg+xml" if image.lstrip().startswith(b"<svg") else "png"
    return f"data:image/{kind};base64," + base64.b64encode(image).decode()


def render(
    document: Document,
    stationery: Stationery,
    *,
    generated_at: datetime,
    output_dir: Path,
    formats: Sequence[str] = FORMATS,
    printer: Printer | None = None,
) -> Rendered:
    """Write ``document`` in each of ``formats`` under ``output_dir/<kind>/``; returns the paths.

    With a ``printer``, the PDF is laid out in its worker while the other formats are written.
    """
    unknown = [kind for kind in formats if kind not in FORMATS]
    if unknown:
        raise OpskitError(
            f"unknown report format {unknown[0]!r} (choose from {', '.join(FORMATS)})"
        )
    html = mask(render_html(document, stationery, generated_at))
    target_dir = output_dir / document.kind
    # A copy in another language than the organisation's sits beside it, not over it.
    language = stationery.words.language
    stem = (
        document.stem
        if language == stationery.organisation.language
        else f"{document.stem}.{language}"
    )
    paths = {kind: target_dir / f"{stem}.{kind}" for kind in formats}
    try:
        target_dir.mkdir(parents=True, exist_ok=True)
        printing = (
            (printer or Printer(wanted=False)).start(html, paths["pdf"]) if "pdf" in paths else None
        )
        if "html" in paths:
            _write_text(paths["html"], html)
        if "md" in paths:
            _write_text(paths["md"], to_markdown(html, paths["md"]))
        if printing is not None:
            printing()
    except OSError as error:
        raise OpskitError(
            f"cannot write report to {target_dir}: {error.strerror or error}"
        ) from None
    return Rendered(document, paths, html)


def render_html(document: Document, stationery: Stationery, generated_at: datetime) -> str:
    from opskit.reports.sheet import Sheet

    template = _environment().get_template(document.template)
    return str(
        template.render(
            w=stationery.words,
            doc=document,
            sheet=Sheet(stationery.words),
            organisation=stationery.organisation,
            emblem=emblem_uri(stationery.organisation),
            place=stationery.place,
            appendix=stationery.appendix,
            generated_at=generated_at,
            dated_at=document.dated_at or generated_at,
            charts={name: chart_uri(image) for name, image in document.charts.items()},
            **document.context,
        )
    )


def emblem_uri(organisation: Any) -> str | None:
    """The letterhead's emblem as a data URI (the HTML stays one self-contained file)."""
    path = getattr(organisation, "emblem", None)
    if path is None:
        return None
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise OpskitError(f"organisation.emblem {path}: {error.strerror or error}") from None
    kind = IMAGE_TYPES.get(Path(path).suffix.lower(), "image/png")
    return f"data:{kind};base64," + base64.b64encode(data).decode()


def to_markdown(html: str, path: Path) -> str:
    """The document as Markdown; embedded charts are saved as image files (SVG or PNG) beside it."""
    from markdownify import markdownify

    body = re.sub(r"<head>.*?</head>", "", html, flags=re.DOTALL)
    body = KOP.sub(_kop_lines, body)
    counter = iter(range(1, 1000))

    def save(match: re.Match[str]) -> str:
        suffix = "svg" if match.group(1).startswith("svg") else "png"
        image = path.with_name(f"{path.stem}-image-{next(counter)}.{suffix}")
        image.write_bytes(base64.b64decode(match.group(2)))
        return image.name

    body = DATA_URI.sub(save, body)
    text = markdownify(body, heading_style="ATX", bullets="-", strip=["footer"])
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


KOP = re.compile(r'<header class="kop">.*?</header>', re.DOTALL)
KOP_LINE = re.compile(r'<div class="(?:level|organisation|address|contact)">(.*?)</div>', re.DOTALL)


def _kop_lines(match: re.Match[str]) -> str:
    """The letterhead as lines of text in Markdown (the emblem stays in the HTML and PDF)."""
    return "".join(f"<p>{line.strip()}</p>" for line in KOP_LINE.findall(match.group(0)))


def _write_text(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def _environment() -> Any:
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.do"],
    )
    environment.filters["code_spans"] = code_spans
    environment.filters["raw_text"] = raw_text
    return environment


def raw_text(data: Any) -> str:
    """Raw evidence as readable YAML for the appendix, secrets masked, long output cut."""
    import yaml

    from opskit.masking import mask_data

    text = yaml.safe_dump(
        mask_data(data), allow_unicode=True, sort_keys=False, width=100, default_flow_style=False
    )
    return text if len(text) < RAW_LIMIT else text[:RAW_LIMIT] + "\n..."


def code_spans(text: str) -> list[tuple[bool, str]]:
    """Runbook text split into (is_code, text) parts at `backticks`, for the ``prose`` macro."""
    return [(index % 2 == 1, part) for index, part in enumerate(text.split("`")) if part]
