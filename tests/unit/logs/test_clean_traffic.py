"""Normal traffic gives no findings; a verified crawler is allowed, an impostor is not."""

from __future__ import annotations

from opskit.logs.crawlers import CrawlerCheck
from opskit.logs.report import Allowlist, judge
from opskit.logs.rules import load_rules
from support.dns import dns_server
from support.logs import fired, line, run

GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


def clean_log() -> str:
    text = ""
    for visitor in range(40):
        client = f"198.51.100.{visitor + 1}"
        start = visitor * 37
        text += line(start, "/", client=client)
        for asset in ("/assets/css/style.css", "/assets/js/app.js", "/images/logo.png"):
            text += line(start, asset, client=client, status=304)
        text += line(start + 20, "/berita?page=2", client=client)
        text += line(start + 21, "/favicon.ico", client=client, status=404)
    text += "".join(line(i * 2, f"/berita/{i}", client="66.249.66.1", agent=GOOGLEBOT)
                    for i in range(300))  # fmt: skip
    return text


def test_a_clean_log_of_normal_traffic_gives_no_findings() -> None:
    analysis = run(clean_log())

    assert analysis.malformed == 0
    assert fired(analysis) == {}


def fast_crawler(client: str) -> str:
    return "".join(
        line(i / 100, f"/berita/{i}", client=client, agent=GOOGLEBOT) for i in range(1100)
    )


def test_a_crawler_proven_by_reverse_and_forward_dns_is_allowed() -> None:
    records = {
        "ptr": ["1.66.249.66.in-addr.arpa. 60 PTR crawl-66-249-66-1.googlebot.com."],
        "a": ["crawl-66-249-66-1.googlebot.com. 60 A 66.249.66.1"],
    }
    analysis = run(fast_crawler("66.249.66.1") + fast_crawler("203.0.113.66"))
    assert set(fired(analysis)) == {"66.249.66.1", "203.0.113.66"}

    with dns_server(records) as port:
        check = CrawlerCheck(nameservers=("127.0.0.1",), port=port, timeout_seconds=2)
        judged = judge(
            analysis,
            load_rules(),
            target="site",
            zone=__import__("datetime").UTC,
            allowlist=Allowlist.build([], [], check),
        )

    assert [row["client"] for row in judged.data["offenders"]] == ["203.0.113.66"]
    assert judged.data["suppressed"][0]["client"] == "66.249.66.1"
    assert "verified crawler" in judged.data["suppressed"][0]["reason"]
    assert check.lookups >= 3


def test_allowlisted_networks_and_agents_suppress_findings() -> None:
    analysis = run(fast_crawler("10.1.2.3") + fast_crawler("203.0.113.66"))

    judged = judge(
        analysis,
        load_rules(),
        target="site",
        zone=__import__("datetime").UTC,
        allowlist=Allowlist.build(["10.0.0.0/8"], []),
    )
    statuses = {result.check_id: result.status.value for result in judged.results}

    assert [row["client"] for row in judged.data["offenders"]] == ["203.0.113.66"]
    assert statuses["logs.crawl"] == "WARNING"
    assert statuses["logs.activity"] == "OK"
