"""Options and help of ``opskit serve``."""

from __future__ import annotations

import argparse
from typing import Any

from opskit.grammar import add_command

# The first words of a command line this module adds (see opskit.grammar.modules_for).
WORDS = ("serve",)

DESCRIPTION = """\
Serve the office's console: a dashboard of every site, host and backup set,
incidents, UAT reviews and approvals, documents and the audit trail, for the
people in people[] who have a login (`opskit users passwd LOGIN`), and the
public status page at /status.

It listens on 127.0.0.1:8080 unless told otherwise (console.address and
console.port). Any other address needs TLS (--tls-cert and --tls-key) or
--behind-proxy, for a reverse proxy (nginx) that terminates TLS and is
listed in console.trusted_proxies."""


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = add_command(
        subparsers,
        common,
        "serve",
        command_name="serve",
        help_text="the office's web console and the public status page",
        description=DESCRIPTION,
        examples=[
            "opskit serve",
            "opskit serve --address 0.0.0.0 --tls-cert /etc/opskit/tls.crt "
            "--tls-key /etc/opskit/tls.key",
            "opskit serve --behind-proxy   # nginx in front, on the same machine",
        ],
    )
    parser.add_argument("--address", metavar="ADDRESS", help="listen here (console.address)")
    parser.add_argument("--port", type=int, metavar="PORT", help="listen here (console.port)")
    parser.add_argument("--tls-cert", metavar="FILE", help="TLS certificate chain (PEM)")
    parser.add_argument("--tls-key", metavar="FILE", help="its private key (PEM, mode 0600)")
    parser.add_argument(
        "--behind-proxy",
        action="store_true",
        help="a reverse proxy terminates TLS; trust its forwarded headers "
        "(only from console.trusted_proxies)",
    )
