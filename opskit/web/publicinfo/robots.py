"""robots.txt, read the way RFC 9309 says: absent allows all, unreachable allows nothing.

A 4xx answer means the site has no rules; a server error or no answer means
the crawler cannot know them, so it must not crawl (RFC 9309 2.3.1.3-4).
``Crawl-delay`` and ``Sitemap`` lines are honoured too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.robotparser import RobotFileParser

from opskit.web.fetch import Page

ROBOTS_AGENT = "opskit"  # the name robots.txt groups address this crawler by


@dataclass
class Robots:
    """The rules for this crawler on one site."""

    note: str
    readable: bool = True
    parser: RobotFileParser | None = None
    sitemaps: list[str] = field(default_factory=list)
    delay_seconds: float = 0.0

    def allows(self, url: str) -> bool:
        if not self.readable:
            return False
        return self.parser is None or self.parser.can_fetch(ROBOTS_AGENT, url)


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
    delay = crawl_delay(lines)
    note = "robots.txt read" + (f", Crawl-delay {delay:g} s" if delay else "")
    return Robots(note, True, parser, sitemaps, delay)


def crawl_delay(lines: list[str]) -> float:
    """The Crawl-delay for this crawler: its own group's, else the ``*`` group's.

    Read here because the standard library's parser takes whole seconds only.
    """
    delays: dict[str, float] = {}
    agents: list[str] = []
    in_rules = False
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        name, value = (part.strip() for part in line.split(":", 1))
        name = name.lower()
        if name == "user-agent":
            if in_rules:
                agents, in_rules = [], False
            agents.append(value.lower())
        elif name == "crawl-delay":
            in_rules = True
            try:
                seconds = max(0.0, min(float(value), 60.0))
            except ValueError:
                continue
            for agent in agents:
                delays.setdefault(agent, seconds)
        else:
            in_rules = True
    own = next(
        (seconds for agent, seconds in delays.items() if agent != "*" and agent in ROBOTS_AGENT),
        None,
    )
    return own if own is not None else delays.get("*", 0.0)
