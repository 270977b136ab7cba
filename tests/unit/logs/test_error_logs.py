"""Apache 2.2/2.4 and nginx error logs: each detection at its threshold and below, by address."""

from __future__ import annotations

from datetime import UTC

import pytest

from opskit.logs.engine import analyze
from opskit.logs.errorlog import client_address, scan_error_log
from opskit.logs.formats import compile_format
from opskit.logs.rules import load_rules
from opskit.logs.settings import ScanSettings, Zone
from opskit.logs.sniff import sniff
from support.logs import error_line, fired, line

MESSAGES = {
    "apache24": {
        "auth": 'AH01617: user admin: authentication failure for "/admin/": Password Mismatch',
        "denied": "AH01630: client denied by server configuration: /var/www/html/.htaccess",
        "missing": "AH00128: File does not exist: /var/www/html/wp-login.php",
    },
    "apache22": {
        "auth": "user admin not found: /admin/",
        "denied": "client denied by server configuration: /var/www/html/server-status",
        "missing": "File does not exist: /var/www/html/phpmyadmin",
    },
    "nginx": {
        "auth": 'user "admin": password mismatch',
        "denied": "access forbidden by rule",
        "limit": 'limiting requests, excess: 10.520 by zone "one"',
        "missing": 'open() "/var/www/html/wp-login.php" failed (2: No such file or directory)',
    },
}
RULES = {"auth": ("error-auth", 5), "denied": ("error-denied", 10),
         "limit": ("error-limit", 10), "missing": ("error-missing", 10)}  # fmt: skip
CASES = [(server, kind) for server, kinds in MESSAGES.items() for kind in kinds]


def found(text: str, access: str = "") -> dict[str, set[str]]:
    rules = load_rules()
    report = scan_error_log(text.encode(), rules, Zone("Asia/Makassar").zoneinfo())
    settings = ScanSettings(compile_format("combined"), tuple(rules), zone=Zone("Asia/Makassar"))
    data = access.encode()
    return fired(analyze([("bytes", data, 0, len(data))], settings, extra=[report]))


def lines(server: str, kind: str, count: int) -> str:
    message = MESSAGES[server][kind]
    if kind == "missing":
        # Distinct scripts: the rule counts distinct paths.
        return "".join(
            error_line(server, i * 20, message.replace("wp-login", f"x{i}").replace(
                "phpmyadmin", f"x{i}"))
            for i in range(count)
        )  # fmt: skip
    return "".join(error_line(server, i * 20, message) for i in range(count))


@pytest.mark.parametrize(("server", "kind"), CASES)
def test_an_error_detection_fires_at_its_threshold_and_not_below(server: str, kind: str) -> None:
    rule_id, threshold = RULES[kind]

    assert rule_id in found(lines(server, kind, threshold)).get("203.0.113.7", set())
    assert rule_id not in found(lines(server, kind, threshold - 1)).get("203.0.113.7", set())


@pytest.mark.parametrize("server", sorted(MESSAGES))
def test_each_error_log_layout_is_found_by_itself(server: str) -> None:
    text = lines(server, "auth", 3)

    detected = sniff(text.encode().split(b"\n")).log_format

    assert detected is not None and detected.kind == "error"


def test_error_log_findings_join_the_access_log_findings_of_the_same_address() -> None:
    access = "".join(line(i, "/.env", status=404) for i in range(1))

    result = found(lines("nginx", "auth", 5), access)

    assert result == {"203.0.113.7": {"sensitive-files", "error-auth"}}


@pytest.mark.parametrize(
    ("text", "address"),
    [("192.0.2.1:54321", "192.0.2.1"), ("[2001:db8::1]:443", "2001:db8::1"),
     ("2001:db8::1", "2001:db8::1"), ("192.0.2.1", "192.0.2.1")],
)  # fmt: skip
def test_client_addresses_lose_their_port(text: str, address: str) -> None:
    assert client_address(text) == address


def test_error_log_times_are_read_in_the_zone_given() -> None:
    report = scan_error_log(lines("apache24", "auth", 1).encode(), load_rules(), UTC)

    assert report.events[0].epoch == pytest.approx(
        __import__("support.logs").logs.utc(0) + 8 * 3600
    )
