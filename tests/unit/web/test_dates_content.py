"""Dates in both languages, page text, links, sitemaps and feeds, from captured bytes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from opskit.web import content
from opskit.web.dates import all_dates, parse_date

WITA = timezone(timedelta(hours=8))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-02-14T23:59:59Z", datetime(2027, 2, 14, 23, 59, 59, tzinfo=UTC)),
        ("14-Feb-2025 23:59:59 UTC", datetime(2025, 2, 14, 23, 59, 59, tzinfo=UTC)),
        ("Senin, 3 Januari 2026", datetime(2026, 1, 3, tzinfo=UTC)),
        ("17 Agustus 2026 10.30", datetime(2026, 8, 17, 10, 30, tzinfo=UTC)),
        ("Thu, 19 Nov 2026 09:00:00 +0000", datetime(2026, 11, 19, 9, 0, tzinfo=UTC)),
        ("25/12/2025", datetime(2025, 12, 25, tzinfo=UTC)),
        ("2026-03-01T08:00:00+08:00", datetime(2026, 3, 1, tzinfo=UTC)),
    ],
)
def test_dates_in_registry_feed_and_indonesian_formats_are_read(
    text: str, expected: datetime
) -> None:
    assert parse_date(text) == expected


def test_text_without_a_date_gives_none() -> None:
    assert parse_date("Jam pelayanan Senin - Jumat") is None
    assert parse_date("31 Februari 2026") is None


def test_all_dates_uses_the_given_zone_for_dates_without_one() -> None:
    assert all_dates("Diperbarui 5 Mei 2026", WITA) == [datetime(2026, 5, 5, tzinfo=WITA)]


def test_visible_lines_drop_scripts_but_keep_hidden_spam() -> None:
    html = (
        "<html><head><style>p{}</style><script>var judi=1</script></head><body><p>Selamat  "
        "Datang</p><div style='display:none'>Slot Gacor</div></body></html>"
    )

    assert content.visible_lines(html) == ["selamat datang", "slot gacor"]


def test_links_are_absolute_without_fragments_or_mail() -> None:
    html = (
        '<a href="/berita#atas">Berita</a><a href="mailto:a@b.id">x</a>'
        '<a href="https://slot.example/">daftar</a><a href="/berita">lagi</a>'
    )

    found = content.links(html, "https://pa.go.id/index.php")

    assert [link.url for link in found] == ["https://pa.go.id/berita", "https://slot.example/"]


def test_sitemap_urls_and_lastmod_are_read() -> None:
    body = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://pa.go.id/</loc><lastmod>2026-11-02</lastmod></url>"
        b"<url><loc>https://pa.go.id/berita</loc></url></urlset>"
    )

    found = content.parse_sitemap(body)

    assert found.urls == {
        "https://pa.go.id/": datetime(2026, 11, 2, tzinfo=UTC),
        "https://pa.go.id/berita": None,
    }


def test_entity_expansion_bomb_in_a_sitemap_is_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><urlset><url><loc>&lol2;</loc></url></urlset>'
    )

    with pytest.raises(ValueError, match="unsafe XML"):
        content.parse_sitemap(bomb)


def test_atom_feed_dates_are_read() -> None:
    body = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><updated>2026-10-01T10:00:00Z</updated>'
        b"</entry></feed>"
    )

    assert content.feed_dates(body) == [datetime(2026, 10, 1, 10, 0, tzinfo=UTC)]


def test_region_dates_come_from_the_selected_region_only() -> None:
    html = (
        "<div class='berita-terbaru'><span>2 November 2026</span><time datetime='2026-11-05'>"
        "</time></div><footer>1 Januari 2020</footer>"
    )

    found = content.region_dates(html, ".berita-terbaru", UTC)

    assert max(found) == datetime(2026, 11, 5, tzinfo=UTC)
    assert datetime(2020, 1, 1, tzinfo=UTC) not in found
