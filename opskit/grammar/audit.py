"""Options and help of ``opskit audit public-info URL``."""

from __future__ import annotations

import argparse
from typing import Any

from opskit.grammar import add_command, add_group, positive_int

# The first words of a command line this module adds (see opskit.grammar.modules_for).
WORDS = ("audit",)


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError("must be between 0 (no pacing) and 100")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 300:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 300")
    return value


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    group = add_group(subparsers, "audit", "one-off audits of a website; need no opskit.yaml")
    parser = add_command(
        group,
        common,
        "public-info",
        command_name="audit public-info",
        help_text="the public information a court's website must carry (UU 14/2008, "
        "SK KMA 2-144/2022); needs no opskit.yaml",
        description=(
            "Read the site at URL politely (same site only, robots.txt honoured, a page\n"
            "limit and a rate limit) and judge every item of the public-information\n"
            "catalogue (checks/web/public-information.yaml, or your own copy): found\n"
            "(where, with the link text), stale (the newest period shown is older than\n"
            "required), missing, or unknown (the site or the item's page did not answer).\n"
            "Scores per category and overall as the catalogue weights them.\n"
            "\n"
            "Exit code: the status of the score (1 below scoring.warning_below, 2 below\n"
            "critical_below, 3 when items could not be checked). Nothing is recorded in\n"
            "history; `opskit check web --only public-info` records it."
        ),
        examples=[
            "opskit audit public-info https://www.pa-penajam.go.id/",
            "opskit audit public-info https://www.pa-penajam.go.id/ --report ./laporan --lang en",
            "opskit audit public-info https://www.pa-penajam.go.id/ --catalogue ./daftar.yaml "
            "--max-pages 500 --format json",
        ],
    )
    parser.add_argument("url", metavar="URL", help="the website's home page")
    parser.add_argument("--catalogue", metavar="FILE", help="your own copy of the catalogue")
    parser.add_argument(
        "--max-pages", type=positive_int, default=300, metavar="N", help="pages read at most (300)"
    )
    parser.add_argument(
        "--max-depth", type=positive_int, default=4, metavar="N", help="clicks from home (4)"
    )
    parser.add_argument(
        "--rate",
        type=_rate,
        default=2.0,
        metavar="N",
        help="requests a second at most (2; 0: none)",
    )
    parser.add_argument(
        "--workers", type=positive_int, default=2, metavar="N", help="requests at once (2)"
    )
    parser.add_argument(
        "--timeout", type=_seconds, default=10.0, metavar="SECONDS", help="per request (10)"
    )
    parser.add_argument("--as-of", metavar="DAY", help="judge periods as on this day (YYYY-MM-DD)")
    parser.add_argument("--ca-bundle", metavar="FILE", help="CA certificates to verify TLS with")
    parser.add_argument(
        "--report", metavar="DIR", help="also write the Laporan Kepatuhan Informasi Publik here"
    )
    parser.add_argument("--organisation", metavar="NAME", help="name on the report's letterhead")
    parser.add_argument(
        "--timezone", default="Asia/Jakarta", metavar="ZONE", help="for dates (Asia/Jakarta)"
    )
