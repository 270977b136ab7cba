"""A day of a small site's traffic with slow attackers mixed in: each is found, visitors are not."""

from __future__ import annotations

import random

from opskit.logs.report import Allowlist, judge
from opskit.logs.rules import load_rules
from support.logs import BROWSER, fired, line, run

GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
BINGBOT = "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"
FEEDLY = "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 3 subscribers)"
MONITOR = "Uptime-Kuma/1.23.11"
BROWSERS = (
    BROWSER,
    "Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 Chrome/124.0 Mobile "
    "Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Version/17.4",
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
)
PAGES = ("/", "/berita", "/berita/sidang-keliling", "/jadwal-sidang", "/layanan/e-court", "/kontak")
ASSETS = ("/assets/css/style.css", "/assets/js/app.js", "/images/logo.png", "/favicon.ico")
DAY = 86400
ADMIN = "10.0.0.5"


def visitors(chooser: random.Random) -> list[tuple[float, str]]:
    """Browsers with their assets, crawlers, a feed reader, a monitor and the site's own admin."""
    found: list[tuple[float, str]] = []
    for number in range(300):
        client = f"114.125.{number // 200}.{number % 200 + 1}"
        agent = chooser.choice(BROWSERS)
        start = chooser.uniform(0, DAY - 600)
        for step in range(chooser.randrange(1, 6)):
            moment = start + step * chooser.uniform(5, 60)
            found.append((moment, line(moment, chooser.choice(PAGES), client=client, agent=agent)))
            for asset in ASSETS:
                found.append((moment, line(moment, asset, client=client, agent=agent, status=304)))
    for number in range(600):
        moment = number * DAY / 600
        bot, agent = ("66.249.66.1", GOOGLEBOT) if number % 2 else ("157.55.39.7", BINGBOT)
        found.append((moment, line(moment, f"/berita/{number}", client=bot, agent=agent)))
    for minute in range(0, DAY, 60):
        found.append((minute, line(minute, "/", client="203.0.113.250", agent=MONITOR)))
    for half_hour in range(0, DAY, 1800):
        found.append((half_hour, line(half_hour, "/feed", client="198.51.100.77", agent=FEEDLY)))
    for step, (method, path) in enumerate(
        [("GET", "/wp-admin/"), ("GET", "/wp-login.php?redirect_to=%2Fwp-admin%2F"),
         ("POST", "/wp-login.php"), ("GET", "/wp-admin/post-new.php"),
         ("POST", "/wp-admin/post.php"), ("GET", "/administrator/")]
    ):  # fmt: skip
        moment = 9 * 3600 + step * 30
        found.append((moment, line(moment, path, client=ADMIN, method=method)))
    return found


def slow_attackers(chooser: random.Random) -> list[tuple[float, str]]:
    found: list[tuple[float, str]] = []
    # The trio, once each, spread over two hours (three addresses).
    for number in range(3):
        client = f"45.9.20.{number + 1}"
        for step, path in enumerate(("/wp-login.php", "/administrator/", "/admin.php")):
            moment = 3600 * (number + 1) + step * 2400
            found.append((moment, line(moment, path, client=client, status=404)))
    # Editor and phpMyAdmin discovery over a few minutes.
    for step, path in enumerate(("/fckeditor/editor/filemanager/connectors/test.html",
                                 "/phpmyadmin/setup.php")):  # fmt: skip
        moment = 5 * 3600 + step * 240
        found.append((moment, line(moment, path, client="45.9.21.1", status=404)))
    # Registration spam: a few POSTs per ten minutes, each from another of 300 addresses.
    for number in range(300):
        moment = 6 * 3600 + number * 200
        client = f"185.{number // 250 + 100}.{number % 250}.9"
        found.append((moment, line(moment, "/user/register", client=client, method="POST")))
    # A known spam tool, twice during the day.
    for moment in (4000.0, 50000.0):
        found.append((moment, line(moment, "/kontak", client="45.9.22.1", agent="XRumer 7.0.12")))
    # One address posting a comment form every half hour all day (per-client, per-day view).
    for moment in range(0, DAY, 1800):
        found.append((moment, line(moment, "/wp-comments-post.php", client="45.9.23.1",
                                   method="POST")))  # fmt: skip
    return found


def day_log() -> str:
    chooser = random.Random(22)  # noqa: S311 - repeatable test data
    entries = visitors(chooser) + slow_attackers(chooser)
    return "".join(text for _, text in sorted(entries, key=lambda item: item[0]))


def test_slow_attackers_in_a_days_traffic_are_found_and_visitors_are_not() -> None:
    analysis = run(day_log())
    found = fired(analysis)
    judged = judge(analysis, load_rules(), target="site", zone=__import__("datetime").UTC,
                   allowlist=Allowlist.build([ADMIN], []))  # fmt: skip
    flagged = {row["client"] for row in judged.data["offenders"]}

    for number in range(3):
        assert found[f"45.9.20.{number + 1}"] == {"admin-discovery"}
    assert "admin-probe" in found["45.9.21.1"]
    assert found["45.9.22.1"] == {"abusive-ua"}
    assert "form-spam" in found["45.9.23.1"]
    spammers = {client for client, rules in found.items() if rules == {"form-flood"}}
    assert len(spammers) == 300
    assert [form["form"] for form in judged.data["forms"]] == ["/user/register"]
    visitors_flagged = {
        c for c in flagged if c.startswith(("114.", "66.249.", "157.55.", "203.0."))
    }
    assert visitors_flagged == set()
    assert "198.51.100.77" not in flagged and ADMIN not in flagged


def test_a_wordpress_admin_using_only_wordpress_pages_is_not_a_cms_hunter() -> None:
    text = "".join(line(i * 20, path, client="36.80.1.2") for i, path in enumerate(
        ("/wp-admin/", "/wp-login.php?redirect_to=x", "/wp-login.php", "/wp-admin/")))  # fmt: skip

    assert fired(run(text)) == {}


def test_random_query_strings_on_one_page_are_cache_busting() -> None:
    chooser = random.Random(3)  # noqa: S311 - repeatable test data
    busting = "".join(line(i * 0.5, f"/berita?{chooser.getrandbits(40):x}") for i in range(100))
    fewer = "".join(line(i * 0.5, f"/berita?{chooser.getrandbits(40):x}") for i in range(99))

    assert "cache-busting" in fired(run(busting))["203.0.113.7"]
    assert "203.0.113.7" not in fired(run(fewer))


def test_one_address_cycling_user_agents_is_found() -> None:
    cycling = "".join(line(i * 5, "/", agent=f"Mozilla/5.0 (X11; rv:{i}) Firefox/{i}")
                      for i in range(30))  # fmt: skip
    fewer = "".join(line(i * 5, "/", agent=f"Mozilla/5.0 (X11; rv:{i}) Firefox/{i}")
                    for i in range(29))  # fmt: skip

    assert "agent-cycling" in fired(run(cycling))["203.0.113.7"]
    assert "203.0.113.7" not in fired(run(fewer))


def test_many_addresses_posting_to_one_form_is_a_site_finding() -> None:
    posts = "".join(line(i * 60, "/wp-login.php", client=f"185.1.{i}.9", method="POST")
                    for i in range(30))  # fmt: skip
    fewer = "".join(line(i * 60, "/wp-login.php", client=f"185.1.{i}.9", method="POST")
                    for i in range(29))  # fmt: skip

    assert len(run(posts).site_findings["forms"]) == 1
    assert run(fewer).site_findings["forms"] == []
