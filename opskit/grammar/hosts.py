"""Options and help of ``opskit hosts list|ping|trust``."""

from __future__ import annotations

import argparse
from typing import Any

from opskit.grammar import add_command, add_group, add_jobs_option

# The first words of a command line this module adds (see opskit.grammar.modules_for).
WORDS = ("hosts",)


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    group = add_group(
        subparsers, "hosts", "the inventory: list hosts, check they answer, trust SSH keys"
    )
    add_command(
        group,
        common,
        "list",
        command_name="hosts list",
        help_text="list inventory hosts and whether their SSH key is trusted",
        examples=["opskit hosts list"],
    )
    parser = add_command(
        group,
        common,
        "ping",
        command_name="hosts ping",
        help_text="check each host answers: reachable, remote user, round trip, sudo",
        description="Connect to each host (all when none are named), run `id -un`, and try sudo "
        "where the host has sudo: true. An unreachable host is UNKNOWN; the others still report.",
        examples=["opskit hosts ping", "opskit hosts ping web1 db1 --jobs 4"],
    )
    parser.add_argument("names", nargs="*", metavar="NAME", help="hosts to ping (default: all)")
    add_jobs_option(parser)
    parser = add_command(
        group,
        common,
        "trust",
        command_name="hosts trust",
        help_text="show an SSH host's key fingerprint and record it as trusted",
        description="Fetch the host key the server offers, show its SHA256 fingerprint, and record "
        "it in opskit's own known_hosts after you confirm. Compare the fingerprint with "
        "`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` run on the server itself. "
        "opskit refuses hosts whose key is unknown or changed.",
        examples=[
            "opskit hosts trust web1",
            "opskit hosts trust web1 --yes   # after checking",
            "opskit hosts trust web1 --replace   # the server was reinstalled",
        ],
    )
    parser.add_argument("name", metavar="NAME", help="inventory host name")
    parser.add_argument("-y", "--yes", action="store_true", help="do not ask for confirmation")
    parser.add_argument(
        "--replace",
        action="store_true",
        help="replace a key recorded before (only after confirming the server changed)",
    )
