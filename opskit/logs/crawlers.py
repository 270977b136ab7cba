"""Verifying that a client claiming to be a search-engine crawler really is one.

Forward-confirmed reverse DNS, as the search engines document it: the
address's PTR name must end in the engine's domain, and that name must
resolve back to the same address. The resolver (server, port, timeout) is
configurable, so tests use a DNS server on loopback.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

CRAWLER_DOMAINS = (
    ".googlebot.com",
    ".google.com",
    ".googleusercontent.com",
    ".search.msn.com",
    ".crawl.yahoo.net",
    ".yandex.ru",
    ".yandex.net",
    ".yandex.com",
    ".applebot.apple.com",
    ".crawl.baidu.com",
    ".duckduckgo.com",
)


@dataclass
class CrawlerCheck:
    """Forward-confirmed reverse DNS with a configurable resolver; answers are cached."""

    nameservers: tuple[str, ...] = ()
    port: int = 53
    timeout_seconds: float = 3.0
    domains: tuple[str, ...] = CRAWLER_DOMAINS
    lookups: int = 0
    failures: int = 0
    answers: dict[str, bool] = field(default_factory=dict)

    def __call__(self, client: str, agent: str) -> bool:
        if client not in self.answers:
            self.answers[client] = self._verify(client)
        return self.answers[client]

    def _resolver(self) -> object:
        import dns.resolver

        resolver = dns.resolver.Resolver(configure=not self.nameservers)
        if self.nameservers:
            resolver.nameservers = list(self.nameservers)
        resolver.port = self.port
        resolver.timeout = self.timeout_seconds
        resolver.lifetime = self.timeout_seconds
        return resolver

    def _verify(self, client: str) -> bool:
        import dns.exception
        import dns.resolver
        import dns.reversename

        resolver = self._resolver()
        try:
            self.lookups += 1
            answer = resolver.resolve(dns.reversename.from_address(client), "PTR")  # type: ignore[attr-defined]
            names = [str(record.target).rstrip(".").lower() for record in answer]
            for name in names:
                if not name.endswith(self.domains):
                    continue
                kind = "AAAA" if ":" in client else "A"
                self.lookups += 1
                forward = resolver.resolve(name, kind)  # type: ignore[attr-defined]
                if client in {record.address for record in forward}:
                    return True
        except (dns.exception.DNSException, ValueError) as error:
            self.failures += 1
            logger.info("crawler check of %s: %s", client, error.__class__.__name__)
        return False
