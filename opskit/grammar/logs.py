"""Options and help of ``opskit logs analyze FILE...`` and ``opskit check logs [SITE...]``."""

from __future__ import annotations

import argparse
from typing import Any

from opskit.grammar import add_command, add_group, add_shard_option, check_group, positive_int

# The first words of a command line this module adds (see opskit.grammar.modules_for).
WORDS = ("check", "logs")


def register(subparsers: Any, common: argparse.ArgumentParser) -> None:
    group = add_group(
        subparsers, "logs", "visitor activity: access-log anomaly detection (SOP F3, C2, D1)"
    )
    parser = add_command(
        group,
        common,
        "analyze",
        command_name="logs analyze",
        help_text="analyse access and error log files; needs no opskit.yaml",
        description="Read Apache/Nginx/Caddy/Traefik access logs and Apache/nginx error logs "
        "(plain or .gz, in time order, their format found from the first lines) and report "
        "suspicious clients per detection rule, with first/last seen, evidence lines and "
        "SUGGESTED block rules (nftables, ufw, iptables, fail2ban; never applied), plus top "
        "clients, paths, status mix and requests per hour. Windows run on log time. Exit code: "
        "1 for medium findings, 2 for high ones. Nothing is recorded in history.",
        examples=[
            "opskit logs analyze /var/log/nginx/access.log",
            "opskit logs analyze access.log access.log.1 access.log.2.gz --since 24h",
            "opskit logs analyze access.log --format json > findings.json",
            "opskit logs analyze access.log --log-format '$remote_addr [$time_iso8601] "
            '"$request" $status "$http_user_agent"\'',
        ],
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="log files (.gz allowed)")
    parser.add_argument(
        "--log-format",
        default="auto",
        metavar="FORMAT",
        help="auto (default: found from the first lines), combined, common, vhost_combined, "
        "error, or an nginx/Apache format string",
    )
    parser.add_argument(
        "--error-log",
        action="append",
        default=[],
        metavar="FILE",
        help="an Apache/nginx error log; its findings join the access log's by address",
    )
    parser.add_argument("--since", help="only lines from this time (7d, 24h, 2024-05-06T08:00)")
    parser.add_argument("--until", help="only lines before this time")
    parser.add_argument("--rules", metavar="FILE", help="your own rules YAML")
    parser.add_argument(
        "--allow", action="append", default=[], metavar="ADDRESS", help="address or CIDR to ignore"
    )
    parser.add_argument(
        "--allow-agent", action="append", default=[], metavar="TEXT", help="user agent to ignore"
    )
    parser.add_argument(
        "--login-path", action="append", default=[], metavar="PATH", help="extra login URL path"
    )
    parser.add_argument(
        "--verify-crawlers",
        action="store_true",
        help="ignore crawlers proven by reverse+forward DNS (sends DNS queries)",
    )
    parser.add_argument("--resolver", metavar="IP[:PORT]", help="DNS server for --verify-crawlers")
    parser.add_argument("--timezone", help="time zone for shown times (default: this machine's)")
    parser.add_argument(
        "-j", "--jobs", type=positive_int, default=2, metavar="N", help="scanning threads (2)"
    )

    parser = add_command(
        group,
        common,
        "fail2ban-config",
        command_name="logs fail2ban-config",
        help_text="write the fail2ban filter and jail (opskit-web) the suggestions name",
        description="Write filter.d/opskit-web.conf and jail.d/opskit-web.local for fail2ban, "
        "so the suggested `fail2ban-client set opskit-web banip ADDRESS` works, and fail2ban "
        "itself bans requests no browser sends (secret files, known exploits). Review the "
        "files, then run `fail2ban-client reload`; opskit never reloads fail2ban.",
        examples=[
            "sudo opskit logs fail2ban-config --log-path /var/log/nginx/access.log",
            "opskit logs fail2ban-config --dir ./fail2ban --log-path /var/log/apache2/access.log",
        ],
    )
    parser.add_argument("--dir", default="/etc/fail2ban", help="fail2ban's configuration directory")
    parser.add_argument(
        "--log-path", action="append", default=[], metavar="FILE", help="access log to watch"
    )
    parser.add_argument("--force", action="store_true", help="replace files that differ")

    parser = add_command(
        check_group(subparsers),
        common,
        "logs",
        command_name="check logs",
        help_text="new lines of each site's access logs (SOP F3, C2, D1)",
        description="Read what is new in each configured site log (local or on an inventory "
        "host over SSH; rotation and truncation are followed), run the detection rules on log "
        "time and record the findings in history: WARNING for medium, CRITICAL for high.",
        examples=["opskit check logs", "opskit check logs website --format json"],
    )
    parser.add_argument("sites", nargs="*", metavar="SITE", help="sites to check (default: all)")
    add_shard_option(parser)
    parser.add_argument(
        "-j", "--jobs", type=positive_int, default=None, metavar="N", help="scanning processes"
    )
