"""robots.txt, read the way RFC 9309 says: absent allows all, unreachable allows nothing.

A 4xx answer means the site has no rules; a server error or no answer means
the crawler cannot know them, so it must not crawl (RFC 9309 2.3.1.3-4).
``Crawl-delay`` and ``Sitemap`` lines are honoured too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.robotparser import RobotFileParser

from opskit.web.fetch import Page

AGENT_TOKEN = "opskit"  # noqa: S105 - the robots.txt user-agent name, not a secret


@dataclass
class Robots:
    """The rules for this crawler on one site."""

    note: str
    readable: bool = True
    parser: RobotFileParser | None = None
    sitemaps: list[str] = field(default_factory=list)

    def allows(self, url: str) -> bool:
        if not self.readable:
            return False
        return self.parser is None or self.parser.can_fetch(AGENT_TOKEN, url)

    @property
    def delay_seconds(self) -> float:
        if self.parser is None:
            return 0.0
        value = self.parser.crawl_delay(AGENT_TOKEN)
        return float(value) if value else 0.0


def read_robots(page: Page) -> Robots:
    """The rules from the answer to ``/robots.txt``."""
    if page.status is None:
        return Robots(f"robots.txt could not be read ({page.error}): nothing may be crawled", False)
    if page.status >= 500 or page.status == 429:
        return Robots(
            f"robots.txt answered HTTP {page.status}: nothing may be crawled until it answers",
            False,
        )
    if page.status >= 400:
        return Robots(f"no robots.txt (HTTP {page.status}): everything may be crawled")
    if page.status != 200:
        return Robots(f"robots.txt answered HTTP {page.status}: treated as absent")
    parser = RobotFileParser()
    lines = page.text.splitlines()
    parser.parse(lines)
    sitemaps = [
        line.split(":", 1)[1].strip()
        for line in lines
        if line.lower().startswith("sitemap:") and line.split(":", 1)[1].strip()
    ]
    return Robots("robots.txt read", True, parser, sitemaps)
