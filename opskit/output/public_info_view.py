"""The human view of a public-information audit: scores, then every item that needs work."""

from typing import Any

from opskit.masking import mask
from opskit.outcome import Outcome
from opskit.output.human import simple_table

STYLES = {"found": "green", "stale": "yellow", "missing": "red", "unknown": "magenta"}


def _title(entry: dict[str, Any]) -> str:
    titles = entry.get("title") or {}
    return str(titles.get("id") or entry["item"])


def render_public_info(console: Any, outcome: Outcome) -> None:
    data = outcome.data
    crawl = data.get("crawl") or {}
    console.print(
        f"{data['url']}: {crawl.get('pages', 0)} pages read, {crawl.get('documents_checked', 0)} "
        f"documents checked, {crawl.get('requests', 0)} requests in {crawl.get('seconds', 0)} s",
        markup=False,
        highlight=False,
    )
    for note in (crawl.get("robots"), crawl.get("sitemap"), crawl.get("incomplete")):
        if note:
            console.print(f"  {note}", markup=False, highlight=False)
    scores = data.get("scores") or {}
    rows = [
        [
            category["id"],
            *(str(category["counts"].get(state, 0)) for state in STYLES),
            f"{category['score']:.1f}%" if category.get("score") is not None else "-",
        ]
        for category in scores.get("categories", [])
    ]
    console.print(simple_table(["Category", "Found", "Stale", "Missing", "Unknown", "Score"], rows))
    items = data.get("items") or []
    for entry in items:
        state = entry["state"]
        style = STYLES.get(state, "")
        console.print(f"[{style}]{state:<8}[/{style}] ", end="", highlight=False)
        where = f" -> {entry['target']}" if state == "found" and entry.get("target") else ""
        console.print(
            f"{entry['item']} ({_title(entry)}): {mask(entry.get('reason') or '')}{where}",
            markup=False,
            highlight=False,
            overflow="fold",
        )
