"""web.public-info against generated court websites on loopback (WordPress and Joomla built).

The site (tests/support/public_site.py) has nested menus, a sitemap, PDFs
named with years and Roman-numeral months, items missing and stale, an
item only three clicks deep, one behind a download manager, one only in
the sitemap, a broken link and a failing page. Periods are judged as on
15 August 2026 (``--as-of``), so no verdict depends on the machine's clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from support.public_site import AUDIT_DAY, EXPECTED, CourtWebsite, Menu
from support.web import Reply, Request, WebServer

pytestmark = pytest.mark.integration

FAST = ("--rate", "0", "--workers", "4", "--as-of", AUDIT_DAY.isoformat())


def audit(cli: Any, url: str, *options: str) -> Any:
    return cli("audit", "public-info", url, *FAST, *options, "--format", "json")


def verdicts(run: Any) -> dict[str, dict[str, Any]]:
    assert run.json["error"] is None, run.stderr
    return {entry["item"]: entry for entry in run.json["data"]["items"]}


def serve(servers: Callable[[Any], Any], site: CourtWebsite) -> WebServer:
    server = servers(WebServer())
    site.serve(server)
    return server


def percent(found: int, stale: int, total: int) -> float:
    return float(100 * (Fraction(found) + Fraction(stale, 2)) / total)


# Worked out by hand from EXPECTED: (found, stale, items judged) per category.
CATEGORY_SCORES = {
    "profil": percent(8, 1, 9),
    "pelayanan-dasar": percent(3, 0, 3),
    "hak-masyarakat": percent(4, 0, 7),
    "program-keuangan-kinerja": percent(8, 4, 12),
    "laporan-akses-informasi": percent(0, 1, 1),
    "informasi-lain": None,  # evacuation unknown, immediate information weighs 0
    "setiap-saat": percent(10, 1, 13),
}
OVERALL = sum(value for value in CATEGORY_SCORES.values() if value is not None) / 6


@pytest.mark.parametrize("style", ["wordpress", "joomla"])
def test_every_item_gets_its_verdict_and_the_scores_are_exact(cli, servers, style) -> None:
    server = serve(servers, CourtWebsite(style))

    run = audit(cli, server.url)

    found = verdicts(run)
    assert {item: entry["state"] for item, entry in found.items()} == EXPECTED
    scores = run.json["data"]["scores"]
    for category in scores["categories"]:
        expected = CATEGORY_SCORES[category["id"]]
        assert category["score"] == (pytest.approx(expected, abs=1e-9) if expected else None)
    assert scores["overall"] == pytest.approx(OVERALL, abs=1e-9)
    assert round(OVERALL, 2) == 77.61
    assert scores["counts"] == {"found": 34, "stale": 7, "missing": 5, "unknown": 1}
    [result] = run.json["results"]
    assert result["status"] == "UNKNOWN"  # one weighted item could not be checked
    assert run.exit_code == 3
    assert result["metrics"][0] == {
        "name": "public_info_score_percent", "value": 77.61, "unit": "%",
        "warning": 90.0, "critical": 50.0,
    }  # fmt: skip


def test_the_evidence_says_where_each_item_was_found(cli, servers) -> None:
    site = CourtWebsite()
    server = serve(servers, site)

    found = verdicts(audit(cli, server.url))

    base = server.url.rstrip("/")
    assert found["visi-misi"]["where"] == server.url
    assert found["visi-misi"]["text"] == "Visi dan Misi"  # a nested menu entry
    assert found["profil-pimpinan"]["text"] == "Profil Ketua"  # two levels down
    # Three clicks deep: menu "Transparansi", its link "Laporan Kinerja", the PDF.
    assert found["lkjip"]["target"] == base + site.upload("LKjIP_2025.pdf")
    assert found["lkjip"]["where"] == base + site.path("transparansi/laporan-kinerja")
    assert found["lkjip"]["period"]["label"] == "2025"
    # Behind a download manager: the period is in the file name the server sends.
    assert found["dipa"]["target"] == base + site.download(41)
    assert found["dipa"]["code"] == "period_ok"
    assert "DIPA_01_Tahun_2026.pdf" in found["dipa"]["text"]
    # A Roman-numeral month in the title, an Indonesian month name in another.
    assert found["realisasi-anggaran"]["period"]["label"] == "2026-06"
    assert found["laporan-biaya-perkara"]["period"]["label"] == "2026-03"
    assert found["laporan-biaya-perkara"]["expected"]["label"] == "2026-06"
    assert found["renstra"]["period"]["label"] == "2020-2024"
    # Only the sitemap leads to the staff statistics.
    assert found["statistik-pegawai"]["where"] == base + site.path(
        "tentang-pengadilan/statistik-pegawai"
    )
    assert found["alamat-kontak"]["code"] == "found"  # phone and e-mail in the footer
    assert found["jadwal-sidang"]["target"] == "https://sipp.pa-uji.go.id/list_jadwal_sidang"
    assert found["statistik-perkara"]["code"] == "live"
    assert found["agenda-pimpinan"]["code"] == "date_ok"
    assert found["agenda-pimpinan"]["dated"] == "2026-08-03"
    assert found["hak-pemohon-informasi"]["code"] == "broken_link"
    assert found["hak-pemohon-informasi"]["detail"] == "HTTP 404"
    assert found["prosedur-evakuasi"]["code"] == "target_failed"
    assert found["hak-pelapor"]["code"] == "not_linked"


def test_no_request_leaves_the_site_s_origin(cli, servers) -> None:
    other = servers(WebServer())
    site = CourtWebsite(other_origin=other.url)
    server = serve(servers, site)
    site.redirects["/tautan-lama/"] = other.url + "lama"
    site.home_links += [
        ("Tautan Lama", "/tautan-lama/"),
        ("Visi dan Misi (salinan)", server.url_for("localhost") + "visi-misi/"),
    ]
    site.sitemap_extra.append(other.url + "dari-peta-situs/")

    run = audit(cli, server.url)

    assert other.requests == []
    hosts = {request.headers.get("host") for request in server.requests}
    assert hosts == {f"127.0.0.1:{server.port}"}  # localhost:PORT is another origin
    crawl = run.json["data"]["crawl"]
    assert crawl["left_site"] == [f"{server.url}tautan-lama/ -> {other.url}lama"]
    # sipp, lpse, jdih and the decisions directory were linked but never asked:
    # the autouse guard of tests/integration/web refuses any address off this machine.
    assert verdicts(run)["pengadaan"]["code"] == "live"


def test_the_page_limit_is_kept_and_unread_menus_make_items_unknown(cli, servers) -> None:
    site = CourtWebsite(news=300)
    server = serve(servers, site)

    run = audit(cli, server.url, "--max-pages", "20")

    pages = [
        request
        for request in server.requests
        if request.path not in ("/robots.txt", "/sitemap.xml")
        and not request.path.endswith((".pdf", ".png"))
        and "wpdmdl" not in request.path
    ]
    crawl = run.json["data"]["crawl"]
    assert len(pages) == crawl["pages"] == 20
    assert crawl["limit_reached"] is True
    assert "page limit (20) was reached" in crawl["incomplete"]
    found = verdicts(run)
    assert not any(entry["code"] == "not_linked" for entry in found.values())
    assert found["hak-pelapor"]["state"] == "unknown"
    # The menus come before the news archive: no news article was read.
    assert not any("kegiatan-" in request.path for request in pages)


def test_the_rate_limit_spaces_the_requests(cli, servers) -> None:
    server = serve(servers, CourtWebsite(news=0))
    rate = 25  # requests a second, this test's own setting

    started = time.monotonic()
    run = cli(
        "audit", "public-info", server.url, "--rate", str(rate), "--as-of",
        AUDIT_DAY.isoformat(), "--max-pages", "15", "--format", "json",
    )  # fmt: skip
    elapsed = time.monotonic() - started

    requests = len(server.requests)
    assert run.json["data"]["crawl"]["requests"] == requests
    # A lower bound only: a slow machine can make it longer, never shorter.
    assert elapsed >= (requests - 1) / rate
    assert run.json["data"]["crawl"]["seconds"] >= (requests - 1) / rate


def test_robots_txt_crawl_delay_is_honoured(cli, servers) -> None:
    site = CourtWebsite(news=0)
    site.robots = "User-agent: *\nCrawl-delay: 0.1\n"
    server = serve(servers, site)

    run = audit(cli, server.url, "--max-pages", "8")  # --rate 0: only robots.txt paces

    crawl = run.json["data"]["crawl"]
    assert crawl["robots"] == "robots.txt read, Crawl-delay 0.1 s"
    assert crawl["requests"] == len(server.requests) >= 8
    # Every request after robots.txt itself waits its turn.
    assert crawl["seconds"] >= (crawl["requests"] - 2) * 0.1


def test_pages_robots_txt_disallows_are_never_requested(cli, servers) -> None:
    site = CourtWebsite("joomla", news=0)
    site.robots = "User-agent: opskit\nDisallow: /index.php/transparansi\n"
    server = serve(servers, site)

    run = audit(cli, server.url)

    assert not any(r.path.startswith("/index.php/transparansi") for r in server.requests)
    found = verdicts(run)
    assert run.json["data"]["crawl"]["blocked_by_robots"]
    # Behind the page it may not read: unknown, never missing.
    assert found["lkjip"]["state"] == "unknown"
    assert found["program-kerja"]["state"] == "unknown"
    assert found["visi-misi"]["state"] == "found"
    assert not any(entry["code"] == "not_linked" for entry in found.values())


@pytest.mark.parametrize(
    ("robots", "reason"),
    [
        (Reply(503, "busy"), "robots.txt answered HTTP 503"),
        (Reply(body="User-agent: opskit\nDisallow: /\n", content_type="text/plain"), "home page"),
    ],
)
def test_a_site_closed_by_robots_txt_is_not_read_at_all(cli, servers, robots, reason) -> None:
    site = CourtWebsite(news=0)
    server = serve(servers, site)
    server.routes["/robots.txt"] = robots

    run = audit(cli, server.url)

    assert [request.path for request in server.requests] == ["/robots.txt"]
    found = verdicts(run)
    assert {entry["state"] for entry in found.values()} == {"unknown"}
    assert reason in found["visi-misi"]["reason"]
    assert run.json["data"]["scores"]["overall"] is None
    assert run.exit_code == 3


def test_a_failing_home_page_makes_every_item_unknown(cli, servers) -> None:
    server = serve(servers, CourtWebsite(news=0))
    server.routes["/"] = Reply(503, "<html><body>Service Unavailable</body></html>")

    run = audit(cli, server.url)

    found = verdicts(run)
    assert {entry["state"] for entry in found.values()} == {"unknown"}
    assert found["lkjip"]["code"] == "site_unreadable"
    assert "HTTP 503" in found["lkjip"]["reason"]
    assert run.json["results"][0]["status"] == "UNKNOWN"
    assert "could not be judged" in run.json["results"][0]["summary"]


def test_a_failing_menu_page_hides_nothing_as_missing(cli, servers) -> None:
    site = CourtWebsite(news=0)
    server = serve(servers, site)
    server.routes[site.path("transparansi")] = Reply(500, "<html><body>Error</body></html>")

    found = verdicts(audit(cli, server.url))

    # Linked only from the failed page: not seen, so unknown.
    assert found["laporan-tahunan"]["state"] == "unknown"
    assert found["laporan-tahunan"]["code"] == "crawl_incomplete"
    assert "menu page(s) did not answer" in found["laporan-tahunan"]["reason"]
    assert found["hak-pelapor"]["state"] == "unknown"  # could be behind the failed page
    # The sitemap still leads to the pages below it.
    assert found["lkjip"]["state"] == "found"
    assert found["visi-misi"]["state"] == "found"
    assert found["hak-pemohon-informasi"]["state"] == "missing"  # its own link is broken


def test_a_slow_site_stops_the_crawl_and_gives_unknown(cli, servers) -> None:
    site = CourtWebsite(news=0)
    server = serve(servers, site)

    def slow(request: Request) -> Reply:
        reply = site.answer(request)
        if request.path not in ("/", "/robots.txt", "/sitemap.xml"):
            reply.delay_seconds = 3.0
        return reply

    server.fallback = slow

    run = audit(cli, server.url, "--timeout", "0.3")

    crawl = run.json["data"]["crawl"]
    assert "pages in a row did not answer" in crawl["incomplete"]
    assert crawl["pages"] < 20
    found = verdicts(run)
    assert "missing" not in {entry["state"] for entry in found.values()}
    assert found["alamat-kontak"]["state"] == "found"  # read on the home page itself
    assert found["visi-misi"]["state"] == "unknown"
    assert "timed out" in found["visi-misi"]["detail"]


def test_an_office_copy_of_the_catalogue_rewords_and_drops_items(
    cli, servers, tmp_path: Path
) -> None:
    from opskit.web.publicinfo.catalogue import builtin_path

    site = CourtWebsite(news=0)
    site.add_page("layanan-publik/perlindungan-pelapor", "Perlindungan Pelapor", "<p>...</p>",
                  menu="Perlindungan Pelapor")  # fmt: skip
    server = serve(servers, site)
    text = builtin_path().read_text(encoding="utf-8")
    text = text.replace(
        "link_text: [hak-hak pelapor, hak pelapor,",
        "link_text: [perlindungan pelapor, hak-hak pelapor, hak pelapor,",
    )
    start = text.index("  - id: perjanjian-pihak-ketiga")
    end = text.index("  - id: survei-kepuasan")
    own = tmp_path / "daftar-kami.yaml"
    own.write_text(text[:start] + text[end:], encoding="utf-8")

    run = audit(cli, server.url, "--catalogue", str(own))

    found = verdicts(run)
    assert found["hak-pelapor"]["state"] == "found"
    assert "perjanjian-pihak-ketiga" not in found
    assert len(found) == 46
    scores = {entry["id"]: entry["score"] for entry in run.json["data"]["scores"]["categories"]}
    assert scores["hak-masyarakat"] == pytest.approx(percent(5, 0, 7))
    assert scores["setiap-saat"] == pytest.approx(percent(10, 1, 12))
    assert run.json["data"]["catalogue"] == str(own)


def test_a_broken_catalogue_copy_is_refused_with_its_path_and_lines(cli, tmp_path: Path) -> None:
    from opskit.web.publicinfo.catalogue import builtin_path

    text = builtin_path().read_text(encoding="utf-8")
    text = text.replace(
        "  - id: lkjip\n    category: program-keuangan-kinerja",
        "  - id: lkjip\n    category: kinerja",
        1,
    )
    text = text.replace(
        "title: ['visi\\s*(dan|&)?\\s*misi']", "title: ['visi\\s*(dan|&?\\s*misi']", 1
    )
    own = tmp_path / "mine.yaml"
    own.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    category_line = lines.index("    category: kinerja") + 1
    regex_line = next(n for n, line in enumerate(lines, 1) if "(dan|&?" in line)

    run = cli("audit", "public-info", "http://127.0.0.1:9/", "--catalogue", str(own))

    assert run.exit_code == 3
    assert f"{own}:{category_line}: items[" in run.stderr
    assert "].category: unknown name 'kinerja'" in run.stderr
    assert f"{own}:{regex_line}: items[" in run.stderr
    assert "not a valid regular expression" in run.stderr
    assert "Traceback" not in run.stderr


def test_check_web_records_the_audit_and_reports_items_gone_missing(
    cli, servers, make_config, tmp_path: Path
) -> None:
    site = CourtWebsite(news=0)
    server = serve(servers, site)
    config = make_config(
        {
            "people": [
                {"name": "Budi Santoso", "roles": ["penanggung_jawab"], "position": "Panitera"},
                {"name": "Siti Aminah", "roles": ["redaktur"]},
            ],
            "sites": [
                {
                    "name": "website",
                    "url": server.url,
                    "public_info": {"requests_per_second": 0, "workers": 4},
                }
            ],
        }
    )

    early = cli("--config", config, "report", "public-info")
    assert early.exit_code == 3
    assert "no public-information audit yet" in early.stderr
    assert "opskit check web --only public-info" in early.stderr

    first = cli("--config", config, "check", "web", "--only", "public-info", "--format", "json")
    assert [r["check_id"] for r in first.json["results"]] == ["web.public-info"]
    site.hidden_menu.add("Sejarah Pengadilan")  # the menu changed: the page is gone from it
    site.pages[site.path("tentang-pengadilan/sejarah-pengadilan")].in_sitemap = False
    second = cli("--config", config, "check", "web", "--only", "public-info", "--format", "json")

    audit_result, change = second.json["results"]
    assert change["check_id"] == "web.public-info.changes"
    assert change["status"] == "WARNING"
    assert change["summary"].startswith("1 item(s) no longer found since the last audit: sejarah")
    [moved] = change["evidence"]["changes"]
    assert moved["before"] == "found" and moved["now"] == "missing"
    assert moved["was_at"] == server.url.rstrip("/") + site.path(
        "tentang-pengadilan/sejarah-pengadilan"
    )
    plain = cli("--config", config, "check", "web")  # not due: no interval_hours set
    assert "web.public-info" not in plain.stdout

    report = cli("--config", config, "report", "public-info", "--out", tmp_path / "out")
    assert report.exit_code == 0, report.stderr
    markdown = next((tmp_path / "out" / "public-info").glob("*.md")).read_text()
    assert "LAPORAN KEPATUHAN INFORMASI PUBLIK WEBSITE" in markdown.upper()
    assert "Perubahan sejak pemeriksaan sebelumnya" in markdown
    assert "| Sejarah Pengadilan | Ditemukan | Tidak ditemukan |" in markdown
    assert "Penanggung Jawab Website; Redaktur" in markdown
    assert "Hak Pelapor" in markdown and "Terbitkan Hak Pelapor di website" in markdown
    assert "Pulihkan halaman atau tautan menunya; sebelumnya ada di " in markdown
    pdf = next((tmp_path / "out" / "public-info").glob("*.pdf"))
    assert pdf.read_bytes().startswith(b"%PDF-")

    english = cli("--config", config, "report", "public-info", "website", "--lang", "en",
                  "--formats", "md", "--out", tmp_path / "out")  # fmt: skip
    assert english.exit_code == 0, english.stderr
    text = next((tmp_path / "out" / "public-info").glob("*.en.md")).read_text()
    assert "Changes since the previous audit" in text and "Publish Hak Pelapor" not in text

    recap = cli("--config", config, "report", "recap", "--formats", "md", "--out", tmp_path / "out")
    assert recap.exit_code == 0, recap.stderr
    recap_text = next((tmp_path / "out" / "recap").glob("*.md")).read_text()
    assert "Kepatuhan informasi publik website (E1)" in recap_text
    # The latest score, none the month before, one item gone missing this month.
    score = audit_result["metrics"][0]["value"]
    assert f"| {_id_percent(score)} | - | 1 |" in recap_text


def test_a_broken_catalogue_in_the_config_stops_check_web_before_any_request(
    cli, servers, make_config, tmp_path: Path
) -> None:
    server = serve(servers, CourtWebsite(news=0))
    own = tmp_path / "mine.yaml"
    own.write_text("title: {id: Daftar, en: List}\nitems: []\n", encoding="utf-8")
    config = make_config(
        {"sites": [{"name": "website", "url": server.url, "public_info": {"catalogue": str(own)}}]}
    )

    run = cli("--config", config, "check", "web", "--only", "public-info")

    assert run.exit_code == 3
    assert f"{own}:" in run.stderr and "items" in run.stderr
    assert server.requests == []
    history = cli("--config", config, "history", "--format", "json")
    assert history.json["data"]["runs"] == []


def test_the_report_of_a_standalone_audit_is_written_in_english(cli, servers, tmp_path) -> None:
    site = CourtWebsite(news=0)
    site.extra_menu.append(Menu("Kontak", "home"))
    server = serve(servers, site)

    run = audit(cli, server.url, "--report", str(tmp_path), "--lang", "en")

    paths = run.json["data"]["report"]
    assert set(paths) == {"html", "pdf", "md"}
    text = Path(paths["md"]).read_text()
    assert "WEBSITE PUBLIC INFORMATION COMPLIANCE REPORT" in text.upper()
    assert "judged as on 15 August 2026" in text
    assert "Q2 2026" in text and "H1 2025" in text
    assert Path(paths["pdf"]).read_bytes().startswith(b"%PDF-")


def _id_percent(value: float) -> str:
    return f"{value:.1f}%".replace(".", ",")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["ftp://pa-uji.go.id/"], "is not a website address"),
        (
            ["http://127.0.0.1:9/", "--as-of", "2026-13-01"],
            "--as-of '2026-13-01': use YEAR-MONTH-DAY",
        ),
        (["http://127.0.0.1:9/", "--rate", "-1"], "must be between 0 (no pacing) and 100"),
        (["http://127.0.0.1:9/", "--timezone", "Asia/Nowhere"], "not a time zone"),
    ],
)
def test_wrong_arguments_are_one_readable_line(cli, arguments, message) -> None:
    run = cli("audit", "public-info", *arguments)

    assert run.exit_code == 3
    assert message in run.stderr
    assert "Traceback" not in run.stderr


def test_a_site_that_refuses_connections_is_unknown(cli) -> None:
    run = audit(cli, "http://127.0.0.1:9/")  # nothing listens on the discard port

    found = verdicts(run)
    assert {entry["state"] for entry in found.values()} == {"unknown"}
    assert "robots.txt could not be read" in found["sop"]["reason"]
    assert run.exit_code == 3


def test_a_home_page_redirecting_elsewhere_is_not_followed(cli, servers) -> None:
    other = servers(WebServer())
    server = serve(servers, CourtWebsite(news=0))
    server.routes["/"] = Reply(301, "", headers={"Location": other.url})

    found = verdicts(audit(cli, server.url))

    assert other.requests == []
    assert {entry["state"] for entry in found.values()} == {"unknown"}
    assert f"redirects to {other.url}, another address" in found["sop"]["reason"]
