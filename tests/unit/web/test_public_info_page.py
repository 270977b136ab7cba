"""Reading menus, links and text from WordPress and Joomla pages, and matching items by words."""

from __future__ import annotations

from opskit.web.publicinfo.catalogue import load
from opskit.web.publicinfo.match import Matchers, address_tail, words
from opskit.web.publicinfo.page import read_page

WORDPRESS = """<html><head><title>Visi &amp; Misi &#8211; PA Uji</title></head><body>
<header><nav class="main-navigation"><ul class="menu">
<li class="menu-item menu-item-has-children"><a href="/tentang/">Tentang</a>
<ul class="sub-menu"><li><a href="/visi-misi/">Visi &amp; Misi</a></li>
<li><a href="#">Profil</a><ul class="sub-menu">
<li><a href="/profil-ketua/">Profil Ketua</a></li></ul></li>
</ul></li></ul></nav></header>
<main><h1>Visi &amp; Misi</h1><p>Diperbarui 3 Agustus 2026.</p>
<a href="/wp-content/uploads/2026/02/LKjIP_2025.pdf"><img alt="LKjIP 2025"></a>
<script>var x = "<a href='/hidden'>no</a>";</script></main>
<footer><a href="mailto:info@pa-uji.go.id">e-mail</a> Telp. (0542) 123456</footer></body></html>"""

JOOMLA = """<html><body><ul class="nav menu mod-list">
<li class="item-101 deeper parent"><a href="/index.php/transparansi">Transparansi</a>
<ul class="nav-child unstyled small">
<li class="item-102"><a href="/index.php/transparansi/dipa">DIPA</a>
<li class="item-103"><a href="/index.php?option=com_content&amp;view=article&amp;id=360">
Hak-Hak Pencari Keadilan</a>
</ul>
<li class="item-104"><a href="/index.php/berita">Berita</a></ul>
<div class="item-page"><a href="/index.php/berita/rapat">Rapat koordinasi</a></div></body></html>"""


def test_a_wordpress_page_gives_title_headings_menu_and_content_links() -> None:
    page = read_page(WORDPRESS, "https://pa-uji.go.id/visi-misi/")

    assert page.title == "Visi & Misi – PA Uji"
    assert page.headings == ["Visi & Misi"]
    links = {link.text: link for link in page.links}
    assert set(links) == {"Tentang", "Visi & Misi", "Profil Ketua", "LKjIP 2025"}
    assert links["Profil Ketua"].menu and links["Profil Ketua"].url == (
        "https://pa-uji.go.id/profil-ketua/"
    )
    assert not links["LKjIP 2025"].menu and not links["LKjIP 2025"].chrome
    assert "Diperbarui 3 Agustus 2026." in page.text
    assert "Telp." not in page.text and "Telp. (0542) 123456" in page.all_text


def test_a_joomla_menu_with_unclosed_items_is_still_a_menu() -> None:
    page = read_page(JOOMLA, "https://pa-uji.go.id/")

    links = {link.text: link for link in page.links}
    assert links["DIPA"].menu and links["Hak-Hak Pencari Keadilan"].menu
    assert links["Hak-Hak Pencari Keadilan"].url.endswith("option=com_content&view=article&id=360")
    assert links["Berita"].menu
    assert not links["Rapat koordinasi"].menu


def test_broken_markup_never_raises() -> None:
    page = read_page("<html><a href='/x'>X<li><ul></div></a><![if", "https://a.go.id/")

    assert [link.text for link in page.links] == ["X"]


def test_link_words_ignore_case_punctuation_and_ampersands() -> None:
    assert words("Hak-Hak Pelapor & Terlapor") == "hak hak pelapor dan terlapor"
    assert address_tail("https://a.go.id/layanan-publik/Prosedur%20Pengaduan/") == (
        "prosedur pengaduan"
    )
    assert address_tail("https://a.go.id/index.php?option=com_content&id=3") == (
        "index.php?option=com_content&id=3"
    )


def test_items_are_matched_by_words_address_and_title_with_exclusions() -> None:
    matchers = Matchers(load())
    by_id = {matcher.item.id: matcher for matcher in matchers.items}

    assert by_id["hak-pelapor"].link("Hak-Hak Pelapor dan Terlapor", "https://a.go.id/x")
    assert by_id["lkjip"].link("Unduh", "https://a.go.id/images/LKjIP_2025.pdf")
    # Under a menu group named after another item, the page is its own slug.
    procedure = "https://a.go.id/layanan-informasi-publik/prosedur-permohonan-informasi"
    assert by_id["prosedur-permohonan-informasi"].address(procedure)
    assert not by_id["laporan-layanan-informasi"].address(procedure)
    # "Perjanjian Kinerja" is a performance agreement, not a contract with a third party.
    assert not by_id["perjanjian-pihak-ketiga"].link(
        "Perjanjian Kinerja 2026", "https://a.go.id/pk"
    )
    assert not by_id["biaya-perkara"].link("Laporan Biaya Perkara", "https://a.go.id/lbp")
    assert by_id["visi-misi"].title("Visi & Misi – PA Uji")
    assert matchers.is_document("https://a.go.id/download/?wpdmdl=41")
    assert matchers.is_document("https://a.go.id/index.php?option=com_phocadownload&download=12")
    assert not matchers.is_document("https://a.go.id/download/laporan-kinerja/")
    assert matchers.host_name("sipp.pa-uji.go.id") == "sipp"
    assert matchers.live("sipp") and not matchers.live("drive")
