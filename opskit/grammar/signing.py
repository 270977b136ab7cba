"""Options and help of ``opskit verify FILE.pdf``."""

from __future__ import annotations

import argparse
from typing import Any

from opskit.grammar import add_command

# The first words of a command line this module adds (see opskit.grammar.modules_for).
WORDS = ("verify",)

DESCRIPTION = """\
Check every electronic signature in a PDF: is what it signed intact, does the
signer's certificate chain to a trusted authority (signing.trust_roots in the
config, and every --trust), was the certificate valid when it signed, and was
anything but later signatures added after it. Said in the organisation's
language. Exit 0 when every signature is valid, 2 when one is not or there is
none; a config is not needed when --trust is given."""


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    parser = add_command(
        subparsers,
        common,
        "verify",
        command_name="verify",
        help_text="check the electronic signatures of a signed PDF (UU 11/2008)",
        description=DESCRIPTION,
        examples=[
            "opskit verify Berita-Acara-UAT-7.pdf",
            "opskit verify surat.pdf --trust /etc/opskit/ca-bsre.pem --format json",
        ],
    )
    parser.add_argument("file", metavar="FILE.pdf", help="the signed document")
    parser.add_argument(
        "--trust",
        action="append",
        default=[],
        metavar="CERT",
        help="also trust this authority's certificate (PEM or DER; repeat)",
    )
