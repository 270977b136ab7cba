"""Every check kind's findings read in one language: the evaluators on captured facts, in all
their statuses, said in Indonesian hold no English sentence, and in English no Indonesian.

The summary and the evidence a document shows (the readable tables, not the
raw data) are said through the same words as the documents; a word list
flags a sentence of the other language. Paths, addresses, quoted text and
tool names are data and are not judged.
"""

from __future__ import annotations

import json
import zoneinfo
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from opskit.backup.exitcodes import SENTENCES, explain
from opskit.config.schema import HostChecks, Site
from opskit.evidence import Code, facts_for
from opskit.hosts import facts as host_facts
from opskit.policy.records import Regulation
from opskit.result import Result, Status
from opskit.security.antivirus import evaluate_antivirus
from opskit.security.code import evaluate_code, parse_report
from opskit.security.facts import HostFacts
from opskit.security.firewall import evaluate_firewall
from opskit.security.policy import baseline, validate
from opskit.security.ports import evaluate_listening
from opskit.security.score import hardening_score
from opskit.security.sshd import evaluate_ssh
from opskit.security.updates import evaluate_updates
from opskit.security.webfiles import evaluate_web_root
from opskit.text import Message, Words
from opskit.uat.automated import judge_page
from opskit.web import dns, domain, freshness, http, tls
from opskit.web.fetch import Page
from opskit.web.rdap import Registration
from support.languages import english_words, indonesian_words
from support.security import DATA, captured, section

MAKASSAR = zoneinfo.ZoneInfo("Asia/Makassar")
NOW = datetime(2026, 11, 22, 4, 10, tzinfo=UTC)
SITE = Site(name="website", url="https://www.pa-uji.go.id/", must_contain=["Pengadilan"])


def host(**sections: object) -> HostFacts:
    built = {}
    for name, value in sections.items():
        key = name.replace("_", "-")
        output, code = value if isinstance(value, tuple) else (value, 0)
        built[key] = section(str(output), code, key)
    return HostFacts("web1", built, {})


def policy():  # noqa: ANN201 - the policy model of opskit.security.policy
    return validate(baseline(), "test")


def hosts_results() -> list[Result]:
    mount = {"source": "/dev/vda1", "fstype": "ext4", "mount": "/", "size_bytes": 100,
             "inodes": 100, "inodes_used": 95}  # fmt: skip
    found = []
    for used in (10, 85, 95):
        facts = {
            "mounts": [{**mount, "used_bytes": used, "available_bytes": 100 - used}],
            "memory": {"total_bytes": 8_000_000_000, "available_bytes": 400_000_000},
            "load": {"1m": 1.0, "5m": used / 10, "15m": 1.0},
            "cpus": 2,
        }
        found += host_facts.evaluate("web1", facts, HostChecks())
    found += host_facts.evaluate("local", {}, HostChecks())  # nothing read: UNKNOWN
    return found


def web_results() -> list[Result]:
    up = Page(SITE.url, 200, {}, b"<h1>Pengadilan Agama Uji</h1>", elapsed_ms=120)
    slow = Page(SITE.url, 200, {}, b"<h1>Pengadilan</h1>", elapsed_ms=9000)
    down = Page(SITE.url, None, error=Message("web.error.refused"), elapsed_ms=3)
    wrong = Page(SITE.url, 503, {}, b"maintenance", elapsed_ms=40)
    found = [
        http.evaluate(SITE, http.Availability((up,), None)),
        http.evaluate(SITE, http.Availability((slow,), None)),
        http.evaluate(SITE, http.Availability((down,), None)),
        http.evaluate(
            SITE,
            http.Availability((wrong, wrong), None),
            {"failed": True},
        ),  # fmt: skip
        tls.plain_http(SITE),
        tls.evaluate(
            SITE,
            tls.TlsFacts("www.pa-uji.go.id", 443, error=tls._handshake(OSError("refused"))),
            NOW,
        ),
    ]
    for days, verified, name in ((90, True, "www.pa-uji.go.id"), (5, True, "www.pa-uji.go.id"),
                                 (-3, False, "lain.go.id")):  # fmt: skip
        certificate = tls.Certificate(
            subject=f"CN={name}", issuer="CN=R11", not_before=NOW - timedelta(days=60),
            not_after=NOW + timedelta(days=days), dns_names=(name,),
        )  # fmt: skip
        facts = tls.TlsFacts(
            "www.pa-uji.go.id", 443, (certificate,), "TLSv1.1", verified,
            None if verified else "certificate has expired",
        )  # fmt: skip
        found.append(tls.evaluate(SITE, facts, NOW))
    for days in (200, 10, -1):
        registration = Registration(
            domain="pa-uji.go.id", expires=NOW + timedelta(days=days), registrar="PANDI",
            source="rdap", server="https://rdap.pandi.id/",
        )  # fmt: skip
        facts = domain.DomainFacts("pa-uji.go.id", registration, looked_up_at=NOW)
        found.append(domain.evaluate(SITE, facts, NOW))
    missing = domain.DomainFacts("pa-uji.go.id", None, [{"source": "rdap"}], NOW)
    found.append(domain.evaluate(SITE, missing, NOW))
    found.append(dns.evaluate(SITE, dns.DnsFacts("pa-uji.go.id")))
    broken = dns.DnsFacts("pa-uji.go.id")
    broken.nameservers = [dns.Answer("pa-uji.go.id", "SOA", server="192.0.2.1", error="timed out")]
    broken.spf = dns.Answer("pa-uji.go.id", "TXT", values=("v=spf1 ipv4:1.2.3.4",))
    broken.dmarc = dns.Answer("_dmarc.pa-uji.go.id", "TXT", values=())
    found.append(dns.evaluate(SITE, broken))
    fresh = freshness.FreshnessFacts()
    fresh.dates["sitemap lastmod"] = NOW - timedelta(days=40)
    found.append(freshness.evaluate(SITE, fresh, NOW))
    found.append(freshness.evaluate(SITE, freshness.FreshnessFacts(), NOW))
    return found


def more_web_results() -> list[Result]:
    """Exposure, links, spam and cloaking, with the site's answers given by a stub."""
    from opskit.web import cloaking, exposure, links, spam_scan
    from opskit.web.pages import Copies

    clean = b'<p>Pengadilan</p><a href="/berita">Berita</a><a href="/putusan.pdf">PDF</a>'
    spammy = b"<p>Pengadilan slot gacor maxwin</p>"
    answers = {"/.env": Page(SITE.url + ".env", 200, {}, b"DB_PASSWORD=x", elapsed_ms=5)}

    def get(url: str, **options: object) -> Page:
        path = "/" + url.split("/", 3)[-1]
        if path in answers:
            return answers[path]
        if path.endswith(".pdf"):
            return Page(url, 200, {"content-type": "text/html"}, b"<html>", elapsed_ms=5)
        return Page(url, 404, {}, b"", elapsed_ms=5)

    home = Page(SITE.url, 200, {"server": "Apache/2.4.57"}, clean, elapsed_ms=5)
    crawler = Page(SITE.url, 200, {}, spammy, elapsed_ms=5)
    copies = [Copies(SITE.url, home, crawler, home)]
    listed = {"slot gacor": "gambling", "maxwin": "gambling"}
    return [
        exposure.check(SITE, home, get),
        exposure.check(SITE, Page(SITE.url, None, error=Message("web.error.refused")), get),
        links.check(SITE, [home], get),
        links.check(SITE, [Page(SITE.url, None, error=Message("web.error.unresolved"))], get),
        spam_scan.evaluate(SITE, copies, None, new_urls=[], get=get, listed=listed),
        spam_scan.evaluate(
            SITE, [Copies(SITE.url, home, home, home)], None, new_urls=[], get=get, listed=listed
        ),  # fmt: skip
        cloaking.evaluate(SITE, copies, listed),
        cloaking.evaluate(SITE, [Copies(SITE.url, home, home, home)], listed),
    ]


def operations_results() -> list[Result]:
    from opskit.config.schema import Host, Job
    from opskit.hosts.reachability import reached
    from opskit.scheduling.heartbeat import evaluate
    from opskit.scheduling.jobs import JobState

    job = Job(name="daily-report", cron="0 16 * * *", run="report daily --send")
    return [
        evaluate(job, JobState(first_seen=NOW - timedelta(days=10)), NOW, MAKASSAR),
        evaluate(
            job,
            JobState(
                first_seen=NOW - timedelta(days=10),
                last_started=NOW - timedelta(hours=2),
                last_status="OK",
            ),
            NOW,
            MAKASSAR,
        ),  # fmt: skip
        reached(Host(name="web1", address="192.0.2.10")),
    ]


def security_results() -> list[Result]:
    rules = policy()
    found = []
    for ruleset in ("nft-drop.json", "nft-empty.json", "nft-accept.json"):
        found += evaluate_firewall("web1", host(nft=captured(ruleset)), rules)
    found += evaluate_firewall("web1", host(nft=("nft: Operation not permitted", 1)), rules)
    for ruleset in ("nft-drop.json", "nft-empty.json"):
        gathered = host(ss=captured("ss-tulpnH-server.txt"), nft=captured(ruleset))
        found.append(evaluate_listening("web1", gathered, rules))
    for config in ("sshd-T-debian12-default.txt", "sshd-T-hardened.txt"):
        found += evaluate_ssh("web1", host(sshd=captured(config)), rules.ssh)
    found += evaluate_ssh("web1", host(sshd=(captured("sshd-T-bad-option.txt"), 255)), rules.ssh)
    for listing in ("apt-get-s-dist-upgrade.txt", "apt-get-s-dist-upgrade-current.txt"):
        gathered = host(apt=captured(listing), reboot_required="required linux-image", kernels="")
        found += evaluate_updates("web1", gathered, rules.updates)
    found += evaluate_updates("web1", host(apt=("", 127), reboot_required=""), rules.updates)
    found += evaluate_antivirus("web1", host(clamav_programs=""), rules.antivirus)
    found += evaluate_antivirus(
        "web1",
        host(
            clock=f"{int(NOW.timestamp())}+0800",
            clamav_programs="/usr/bin/clamscan\n/usr/sbin/clamd",
            clamd_config="LocalSocket /run/clamav/clamd.ctl\n",
            clamd_ping=("ERROR: Could not connect", 1),
            signatures="directory /var/lib/clamav\n",
            scan_log="modified 1795320000\n" + captured("clamscan-log-infected.txt"),
        ),
        rules.antivirus,
    )
    listing = (DATA / "web-listing.bin").read_bytes().decode()
    for accepted in (None, {"index.php": "0"}):
        results, _ = evaluate_web_root(
            "web1", "/var/www/html", host(**{"web:0": listing, "web-errors:0": ""}),
            index=0, policy=rules.web_files, baseline=accepted,
        )  # fmt: skip
        found += results
    report = parse_report(json.loads(captured("bandit-app.json")), Path("app"), "bandit -r app")
    target = type("Target", (), {"name": "app", "path": Path("/srv/app")})()
    accepted = {finding.fingerprint for finding in report.findings}
    found += [
        evaluate_code(target, report, rules.code, None),
        evaluate_code(target, report, rules.code, accepted),
    ]
    found.append(hardening_score("web1", found, rules.score))
    return found


def procedure_results() -> list[Result]:
    """SOP E's clock (an item within its standard, late, very late) and SOP A's yearly review
    of the regulations (reviewed, overdue), as ``check content`` and ``check policy`` say them."""
    from opskit.actions.content_check import _late_result
    from opskit.content.records import Item
    from opskit.procedures.definition import builtin
    from opskit.procedures.timing import Waiting

    content = builtin("content")
    item = Item(
        id=3, kind="news", title="Sidang keliling", material="", url=None, created_at=NOW,
        state="drafted", entered_at=NOW, entered_position=3, versions=(), records=(),
    )  # fmt: skip
    found = []
    for late_minutes in (0, 30, 600):
        waiting = Waiting(
            step="review", since=NOW, due=NOW + timedelta(hours=1), elapsed=timedelta(hours=1),
            late_by=timedelta(minutes=late_minutes), standard=content.steps["review"].standard,
        )  # fmt: skip
        found.append(_late_result(content, item, waiting, timedelta(hours=2), NOW))
    regulation = Regulation(
        id=1, title="Keterbukaan Informasi Publik", number="UU 14", year=2008, link=None,
        summary="", added_at=NOW, reviewed_at=NOW, reviewed_by="Siti Aminah",
    )  # fmt: skip
    found += [policy_result(regulation, NOW + timedelta(days=days)) for days in (30, 400)]
    return found


def policy_result(regulation: Regulation, now: datetime) -> Result:
    from opskit.actions.policy import review_result

    return review_result(regulation, timedelta(days=365), now)


def backup_results() -> list[Result]:
    return [
        Result("backup.run", "website:local", Status.CRITICAL, explain(kind, "local", ""))
        for kind in SENTENCES
    ]


def uat_summaries() -> list[str]:
    from opskit.uat.checklist import HttpStep

    check = HttpStep(path="/", status=[200], contains=["Pengadilan"], max_ms=100)
    return [
        judge_page(check, Page(SITE.url, 200, {}, b"Pengadilan", elapsed_ms=40))[1],
        judge_page(check, Page(SITE.url, 404, {}, b"", elapsed_ms=400))[1],
    ]


RESULTS = [
    *hosts_results(),
    *web_results(),
    *more_web_results(),
    *security_results(),
    *backup_results(),
    *operations_results(),
    *procedure_results(),
]


def said(result: Result, words: Words) -> str:
    """The summary and the readable evidence, as a document says them (data cells left out)."""
    parts = [words.sentence(result.summary)]
    for table in facts_for(result.check_id, result.evidence):
        parts += [words.say(column) for column in table.columns]
        for row in table.rows:
            parts += [words.form(value) for value in row if not isinstance(value, Code | str)]
    return "\n".join(parts)


def test_the_findings_cover_every_status_and_many_kinds() -> None:
    assert {result.status for result in RESULTS} == set(Status)
    assert len({result.check_id for result in RESULTS}) >= 40


@pytest.mark.parametrize(("language", "other"), [("id", english_words), ("en", indonesian_words)])
def test_findings_and_their_evidence_are_said_in_one_language(language, other) -> None:
    words = Words(language, MAKASSAR)
    flagged = {
        f"{result.check_id} {result.status.value}": other(text)
        for result in RESULTS
        if other(text := said(result, words))
    }
    flagged |= {
        f"uat {index}": other(words.sentence(summary))
        for index, summary in enumerate(uat_summaries())
        if other(words.sentence(summary))
    }

    assert flagged == {}


def test_every_view_reads_the_evidence_its_check_writes() -> None:
    """A view that fails shows no evidence at all (facts_for hides it), so none may fail here."""
    from opskit.evidence import view_for

    failed = {}
    for result in RESULTS:
        view = view_for(result.check_id)
        if view is None or not result.evidence:
            continue
        try:
            view(result.evidence)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            failed[f"{result.check_id} {result.status.value}"] = repr(error)

    assert failed == {}
