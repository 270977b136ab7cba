"""Options and help of ``opskit check web`` and its eight checks."""

from __future__ import annotations

import argparse
from typing import Any

from opskit.grammar import add_command, add_jobs_option, add_shard_option, check_group

# The first words of a command line this module adds (see opskit.grammar.modules_for).
WORDS = ("check",)

CHECKS = (
    "http", "tls", "domain", "dns", "freshness", "integrity", "links", "exposure", "public-info"
)  # fmt: skip


def _check_list(text: str) -> list[str]:
    chosen = [part.strip() for part in text.split(",") if part.strip()]
    wrong = [part for part in chosen if part not in CHECKS]
    if not chosen:
        raise argparse.ArgumentTypeError(f"name at least one check ({', '.join(CHECKS)})")
    if wrong:
        raise argparse.ArgumentTypeError(
            f"unknown check {', '.join(wrong)} (choose from {', '.join(CHECKS)})"
        )
    return chosen


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = add_command(
        check_group(subparsers),
        common,
        "web",
        command_name="check web",
        help_text="website availability, TLS, domain, DNS, freshness, spam and defacement "
        "(SOP F1, F4, D4)",
        description="Check every site in the config (or those named), all at once: http on\n"
        "one event loop for every site, the other checks --jobs at a time.\n\n"
        "  http       status, keywords, response time, HTTP->HTTPS redirect; CRITICAL only\n"
        "             after failures_before_critical failed runs in a row\n"
        "  tls        every certificate served: days left, name, trust, protocol\n"
        "  domain     expiry via RDAP, then WHOIS (cached a day)\n"
        "  dns        expected records, name servers agreeing, SPF and DMARC\n"
        "  freshness  newest date from sitemap, feeds, a dated region, Last-Modified\n"
        "  integrity  baseline diff, gambling spam, cloaking, new sitemap URLs\n"
        "  links      broken links and invalid PDF documents\n"
        "  exposure   security headers and files that must never be public\n"
        "  public-info  the public information UU 14/2008 and SK KMA 2-144/2022 require, and\n"
        "             whether it is current (a polite crawl: run with --only public-info,\n"
        "             or set public_info.interval_hours to include it when due)\n\n"
        "Results are recorded in history; the exit code is the worst status.",
        examples=[
            "opskit check web",
            "opskit check web website --only http,tls",
            "opskit check web --only public-info   # audit the public information now",
            "opskit check web --accept-baseline   # the site is known good now",
            "opskit check web --jobs 32 --format json",
        ],
    )
    parser.add_argument("names", nargs="*", metavar="SITE", help="sites to check (default: all)")
    parser.add_argument(
        "--only",
        type=_check_list,
        default=[],
        metavar="CHECKS",
        help="comma-separated checks to run: " + ",".join(CHECKS),
    )
    parser.add_argument(
        "--accept-baseline",
        action="store_true",
        help="record the watched pages' current text as the accepted baseline",
    )
    add_jobs_option(parser)
    add_shard_option(parser)
