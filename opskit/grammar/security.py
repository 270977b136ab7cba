"""Options and help of ``opskit check security`` and its parts, and ``antivirus scan``."""

from __future__ import annotations

import argparse
from typing import Any

from opskit.grammar import add_command, add_group, add_jobs_option, add_shard_option, check_group

# The first words of a command line this module adds (see opskit.grammar.modules_for).
WORDS = ("antivirus", "check")

# name -> (areas, help, description)
CHECKS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "security": (
        ("firewall", "ports", "ssh", "antivirus", "updates", "webfiles", "code"),
        "all server security checks and a hardening score per host (SOP D1, D4, D5, C5, C6)",
        "Run every security check on each host in parallel: firewall, listening ports, SSH "
        "hardening, ClamAV, pending updates and web root integrity, plus bandit over the "
        "configured application code. Each host gets a hardening score (the weighted share of "
        "checks that passed), shown and recorded so its trend can be followed. The policy is "
        "checks/security.yaml with the changes in opskit.yaml.",
    ),
    "firewall": (
        ("firewall",),
        "is a firewall active, dropping inbound by default, opening only allowed ports (SOP D1)",
        "Read the rules loaded in the kernel (nft -j list ruleset, iptables-save; ufw status "
        "for the record) and judge them: no firewall = CRITICAL, inbound accepted by default = "
        "CRITICAL, ports open to anyone outside network.allowed_ports = WARNING. Needs root: "
        "give the host sudo: true.",
    ),
    "ports": (
        ("ports",),
        "listening ports outside the policy, with their process (SOP D1)",
        "List listeners with `ss -tulpnH`; one on a public address outside "
        "network.allowed_ports that the firewall lets in is CRITICAL (e.g. MySQL on 0.0.0.0).",
    ),
    "ssh": (
        ("ssh",),
        "SSH hardening from the effective sshd configuration (sshd -T)",
        "Judge PermitRootLogin, PasswordAuthentication, KbdInteractiveAuthentication, "
        "PermitEmptyPasswords, MaxAuthTries, X11Forwarding and weak ciphers, MACs and key "
        "exchange as `sshd -T` reports them (Include files count) against the ssh policy.",
    ),
    "antivirus": (
        ("antivirus",),
        "ClamAV installed, clamd answering, signatures fresh and loaded, last scan clean (SOP D5)",
        "Check ClamAV: installed; clamd answers PING; daily signatures' age from the database "
        "header (WARNING over 1 day, CRITICAL over 7 by default); the daemon runs the newest "
        "database; the last scan in the scan log (or by `opskit antivirus scan`) is recent and "
        "found nothing.",
    ),
    "updates": (
        ("updates",),
        "pending updates, pending security updates, reboot needed (SOP C6)",
        "Simulate `apt-get dist-upgrade` on each host from its package lists (nothing is "
        "installed): pending updates, security updates apart, and whether a reboot is waiting.",
    ),
    "webfiles": (
        ("webfiles",),
        "web roots: executables in upload directories, changes, world-writable files (SOP D4)",
        "List each web root (web_files.roots in the policy, per host) with SHA-256 hashes: "
        "executable files in upload directories = CRITICAL, files changed since the accepted "
        "baseline = WARNING (CRITICAL for executables), world-writable files = WARNING. The first "
        "run records the baseline; --accept makes the current files the baseline.",
    ),
    "code": (
        ("code",),
        "bandit over the configured Python application code (SOP D4)",
        "Run bandit on each security.code path; new findings (not in the accepted baseline) "
        "are WARNING, CRITICAL if high severity; a scan with errors is UNKNOWN. --accept "
        "records the current findings as known.",
    ),
}


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    group = check_group(subparsers)
    for name, (_areas, help_text, description) in CHECKS.items():
        examples = [f"opskit check {name}"]
        if name != "code":
            examples.append(f"opskit check {name} web1 --format json")
        if name in ("webfiles", "code"):
            examples.append(f"opskit check {name} --accept   # after reviewing the findings")
        parser = add_command(
            group,
            common,
            name,
            command_name=f"check {name}",
            help_text=help_text,
            description=description,
            examples=examples,
        )
        parser.set_defaults(security_check=name)
        if name != "code":
            parser.add_argument(
                "names", nargs="*", metavar="NAME", help="hosts to check (default: all)"
            )
            add_jobs_option(parser)
            add_shard_option(parser)
        if name in ("webfiles", "code"):
            parser.add_argument(
                "--accept",
                action="store_true",
                help="accept what is found now as the baseline (review the findings first)",
            )
    antivirus = add_group(subparsers, "antivirus", "ClamAV on the hosts: scan on demand")
    parser = add_command(
        antivirus,
        common,
        "scan",
        command_name="antivirus scan",
        help_text="scan a path on a host with ClamAV now and record the result (SOP D5)",
        description="Scan PATH (default: the host's first web root) with clamdscan when clamd "
        "answers, else clamscan. Infected files are CRITICAL with their paths; a scan error is "
        "UNKNOWN. The result is recorded, and `opskit check antivirus` counts it as a scan.",
        examples=["opskit antivirus scan web1", "opskit antivirus scan web1 /var/www/html/uploads"],
    )
    parser.add_argument("name", metavar="HOST", help="inventory host name")
    parser.add_argument("path", nargs="?", metavar="PATH", help="file or directory on the host")
