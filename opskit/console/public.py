"""``opskit report status-page --output DIR``: the public status page as static files.

The same template as the console's /status, so a scheduled CI job can publish
it (GitHub Pages) where the console itself is not reachable from outside.
"""

from __future__ import annotations

import json
import shutil
import zoneinfo
from pathlib import Path

from opskit.actions.status_page import status_page
from opskit.context import AppContext
from opskit.errors import OpskitError
from opskit.outcome import Outcome
from opskit.reports.i18n import Words
from opskit.result import utc_now

STATIC_DIR = Path(__file__).parent / "static"


def write_status_page(context: AppContext, output: str, language: str | None) -> Outcome:
    from opskit.console.web import _environment

    config = context.config
    language = language or config.organisation.language
    words = Words(language, zoneinfo.ZoneInfo(config.organisation.timezone))
    data = status_page(config, context.store(), utc_now())
    html = (
        _environment()
        .get_template("status.html.j2")
        .render(w=words, data=data, language=language, static="")
    )
    directory = Path(output).expanduser()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        _write(directory / "index.html", html)
        _write(directory / "status.json", json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        shutil.copyfile(STATIC_DIR / "status.css", directory / "status.css")
    except OSError as error:
        raise OpskitError(
            f"cannot write the status page to {directory}: {error.strerror or error}"
        ) from None
    return Outcome(
        command="report status-page",
        data={"directory": str(directory), "overall": data["overall"], "sites": len(data["sites"])},
        messages=[f"wrote {directory / 'index.html'}, status.json and status.css"],
    )


def _write(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
