"""A generated religious-court website for the public-information tests.

Built like the sites courts run: a WordPress theme (nested ``<ul
class="sub-menu">`` inside ``<nav>``, ``/slug/`` pages, ``/wp-content/
uploads/YYYY/MM/`` files, WordPress Download Manager's ``?wpdmdl=N``) or a
Joomla template (``<ul class="nav menu">`` with ``deeper parent`` items,
``/index.php/menu/item`` paths, a non-SEF ``index.php?option=...`` article,
Phoca Download's ``?download=N``). Some items are missing, some stale, one
only three clicks deep, one behind a download manager, one found only
through the sitemap, one linked but gone (404), one page failing (503).

``EXPECTED`` is every item's verdict when judged on 15 August 2026; the
numbers in the tests are worked out by hand from it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from html import escape

from support.court_site import PDF
from support.web import Reply, Request, WebServer

AUDIT_DAY = date(2026, 8, 15)

# Item -> verdict on AUDIT_DAY (see the module docstring).
EXPECTED = {
    "tugas-fungsi": "found", "wilayah-yurisdiksi": "found", "struktur-organisasi": "found",
    "alamat-kontak": "found", "profil-pimpinan": "found", "profil-pejabat-hakim": "found",
    "visi-misi": "found", "sejarah": "found", "lhkpn": "stale",
    "prosedur-berperkara": "found", "biaya-perkara": "found", "jadwal-sidang": "found",
    "hak-para-pihak": "found", "layanan-hukum-tidak-mampu": "found",
    "prosedur-pengaduan": "found", "hak-pelapor": "missing",
    "prosedur-permohonan-informasi": "found", "hak-pemohon-informasi": "missing",
    "biaya-salinan-informasi": "missing",
    "program-kerja": "found", "dipa": "found", "realisasi-anggaran": "found",
    "laporan-keuangan": "stale", "daftar-aset": "stale", "lkjip": "found",
    "perjanjian-kinerja": "found", "rencana-kinerja": "stale", "iku": "found",
    "renstra": "stale", "laporan-tahunan": "found", "pengadaan": "found",
    "laporan-layanan-informasi": "stale",
    "prosedur-evakuasi": "unknown", "informasi-serta-merta": "found",
    "daftar-informasi-publik": "found", "putusan": "found", "statistik-perkara": "found",
    "laporan-biaya-perkara": "stale", "pengawasan-disiplin": "found",
    "peraturan-kebijakan": "found", "pedoman-pengelolaan": "missing",
    "standar-maklumat-pelayanan": "found", "statistik-pegawai": "found", "sop": "found",
    "agenda-pimpinan": "found", "perjanjian-pihak-ketiga": "missing",
    "survei-kepuasan": "found",
}  # fmt: skip

SIPP = "https://sipp.pa-uji.go.id"
DOWNLOADS = ("wpdmdl=", "download=")
NEWS_PER_PAGE = 20
# The body of a news article, about the length courts post (2-3 KB of text).
ARTICLE = (
    "<p>Pengadilan Agama Uji menggelar kegiatan rutin yang diikuti oleh seluruh hakim, "
    "pejabat struktural dan fungsional serta pegawai. Kegiatan dibuka oleh Ketua "
    "Pengadilan yang menyampaikan arahan tentang peningkatan kualitas pelayanan publik, "
    "disiplin kerja, dan pelaksanaan zona integritas menuju wilayah bebas dari korupsi.</p>"
) * 6


@dataclass
class Page:
    """A page of the site: its title, body HTML (inside the theme) and status."""

    title: str
    body: str = ""
    status: int = 200
    in_sitemap: bool = True


NOT_FOUND = Page("404", status=404, in_sitemap=False)


@dataclass
class File:
    body: bytes
    content_type: str = "application/pdf"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Menu:
    text: str
    target: str  # a page key, "#", or a full URL off the site
    children: list[Menu] = field(default_factory=list)


def _documents(*entries: tuple[str, str]) -> str:
    items = "".join(f'<li><a href="{href}">{text}</a></li>' for text, href in entries)
    return f'<h2>Dokumen</h2><ul class="documents">{items}</ul>'


class CourtWebsite:
    """The site as data, answered by ``answer`` (a WebServer route for every path)."""

    def __init__(self, style: str = "wordpress", *, news: int = 12, other_origin: str = "") -> None:
        self.style = style
        self.base = ""
        self.pages: dict[str, Page] = {}
        self.files: dict[str, File] = {}
        self.downloads: dict[str, File] = {}
        self.news = news
        self.other_origin = other_origin
        self.robots = "User-agent: *\nDisallow: /wp-admin/\n"
        self.redirects: dict[str, str] = {}  # path -> Location
        self.home_links: list[tuple[str, str]] = []  # (text, address) in the home page's content
        self.sitemap_extra: list[str] = []
        self.hidden_menu: set[str] = set()  # menu entries taken out (a menu changed)
        self.extra_menu: list[Menu] = []
        self._build()

    # ------------------------------------------------------------------ addresses
    def path(self, key: str) -> str:
        """The address of a page key in this CMS's style."""
        if key == "home":
            return "/"
        if key.startswith("/") or key.startswith("http") or key == "#":
            return key
        if self.style == "joomla":
            return "/index.php/" + key
        return "/" + key.rsplit("/", 1)[-1] + "/"

    def upload(self, name: str, month: str = "2026/02") -> str:
        if self.style == "joomla":
            return f"/images/dokumen/{name}"
        return f"/wp-content/uploads/{month}/{name}"

    def download(self, number: int) -> str:
        if self.style == "joomla":
            return f"/index.php?option=com_phocadownload&view=category&download={number}&Itemid=130"
        return f"/download/?wpdmdl={number}"

    # ------------------------------------------------------------------ content
    def _build(self) -> None:
        add = self._page
        add("tentang-pengadilan", "Tentang Pengadilan", "<p>Informasi tentang pengadilan.</p>")
        add("tentang-pengadilan/visi-misi", "Visi dan Misi", "<p>Visi: terwujudnya ...</p>")
        add("tentang-pengadilan/sejarah-pengadilan", "Sejarah Pengadilan", "<p>Dibentuk ...</p>")
        add("tentang-pengadilan/tugas-pokok-dan-fungsi", "Tugas Pokok dan Fungsi", "<p>...</p>")
        add(
            "tentang-pengadilan/struktur-organisasi",
            "Struktur Organisasi",
            f'<img src="{self.upload("struktur-organisasi.png")}" alt="Bagan">',
        )
        add("tentang-pengadilan/wilayah-yurisdiksi", "Wilayah Yurisdiksi", "<p>Kecamatan ...</p>")
        add("tentang-pengadilan/profil-ketua", "Profil Ketua", "<p>Ketua Pengadilan ...</p>")
        add("tentang-pengadilan/profil-hakim", "Profil Hakim", "<p>Hakim ...</p>")
        add(
            "tentang-pengadilan/agenda-kerja-pimpinan",
            "Agenda Kerja Pimpinan",
            "<table><tr><td>3 Agustus 2026</td><td>Rapat koordinasi</td></tr>"
            "<tr><td>20 Juli 2026</td><td>Pembinaan pegawai</td></tr></table>",
        )
        add(
            "tentang-pengadilan/lhkpn",
            "LHKPN",
            _documents(
                ("Daftar Pejabat Wajib LHKPN Tahun 2024", self.upload("wajib-lhkpn-2024.pdf"))
            ),
        )
        add("layanan-publik", "Layanan Publik", "<p>Layanan bagi masyarakat.</p>")
        add("layanan-publik/prosedur-berperkara", "Prosedur Berperkara", "<p>Alur ...</p>")
        add(
            "layanan-publik/biaya-perkara",
            "Biaya Perkara",
            "<p>SK Ketua Nomor W17-A23/512/HK.05/VII/2025 tentang Panjar Biaya Perkara.</p>",
        )
        add("layanan-publik/posbakum", "Posbakum", "<p>Pos Bantuan Hukum ...</p>")
        self.pages[self.rights_page()] = Page("Hak-Hak Pencari Keadilan", "<p>Hak ...</p>")
        add("layanan-publik/prosedur-pengaduan", "Prosedur Pengaduan", "<p>Pengaduan ...</p>")
        add(
            "layanan-publik/prosedur-permohonan-informasi",
            "Prosedur Permohonan Informasi",
            "<p>Permohonan informasi diajukan ke meja PTSP.</p>",
        )
        self.pages[self.path("layanan-publik/hak-pemohon-informasi")] = Page(
            "Not found", "", 404, in_sitemap=False
        )
        # Transparency: a menu page whose content links lead on (documents three clicks deep).
        links = [
            ("Program Kerja", "transparansi/program-kerja"),
            ("DIPA", "transparansi/dipa"),
            ("Laporan Realisasi Anggaran", "transparansi/realisasi-anggaran"),
            ("Laporan Keuangan", "transparansi/laporan-keuangan"),
            ("Laporan Kinerja", "transparansi/laporan-kinerja"),
            ("Rencana Strategis", "transparansi/renstra"),
            ("Perjanjian Kinerja", "transparansi/perjanjian-kinerja"),
            ("Indikator Kinerja Utama", "transparansi/iku"),
            ("Rencana Kinerja Tahunan", "transparansi/rkt"),
            ("Survei Kepuasan Masyarakat", "transparansi/survei"),
        ]
        listing = "".join(f'<li><a href="{self.path(key)}">{text}</a></li>' for text, key in links)
        listing += (
            f'<li><a href="{self.upload("Laporan-Tahunan-2025.pdf")}">Laporan Tahunan</a></li>'
            f'<li><a href="{self.upload("daftar-aset-2024.pdf", "2025/03")}">'
            "Daftar Aset dan Inventaris</a></li>"
            '<li><a href="https://lpse.mahkamahagung.go.id/">Pengadaan Barang dan Jasa</a></li>'
        )
        add("transparansi", "Transparansi", f'<ul class="transparansi">{listing}</ul>')
        docs = {
            "program-kerja": ("Program Kerja", [("Program Kerja Tahun 2026", "progja-2026.pdf")]),
            "realisasi-anggaran": (
                "Laporan Realisasi Anggaran",
                [("Realisasi Anggaran Bulan VI Tahun 2026", "lra-06-2026.pdf"),
                 ("LRA Bulan Mei 2026", "lra-mei-2026.pdf")],
            ),
            "laporan-keuangan": (
                "Laporan Keuangan",
                [("Laporan Keuangan Semester I Tahun 2025", "lk-smt1-2025.pdf"),
                 ("Laporan Keuangan Tahun 2024 (Audited)", "lk-2024.pdf")],
            ),
            "laporan-kinerja": ("Laporan Kinerja", [("LKjIP Tahun 2025", "LKjIP_2025.pdf")]),
            "renstra": ("Rencana Strategis", [("Renstra 2020-2024", "renstra.pdf")]),
            "perjanjian-kinerja": (
                "Perjanjian Kinerja", [("Perjanjian Kinerja Tahun 2026", "pk-2026.pdf")]
            ),
            "iku": ("Indikator Kinerja Utama", [("IKU 2025-2029", "iku.pdf")]),
            "rkt": ("Rencana Kinerja Tahunan", [("RKT Tahun 2025", "rkt-2025.pdf")]),
            "survei": (
                "Survei Kepuasan Masyarakat",
                [("SKM Triwulan II 2026", "skm-tw2-2026.pdf"), ("SKM Triwulan I", "skm-tw1.pdf")],
            ),
        }  # fmt: skip
        for key, (title, entries) in docs.items():
            add(
                f"transparansi/{key}", title, _documents(*((t, self.upload(n)) for t, n in entries))
            )
        self.downloads["41"] = File(
            PDF, headers={"Content-Disposition": 'attachment; filename="DIPA_01_Tahun_2026.pdf"'}
        )
        self.downloads["40"] = File(
            PDF, headers={"Content-Disposition": "attachment; filename*=UTF-8''DIPA%202025.pdf"}
        )
        add(
            "transparansi/dipa",
            "DIPA",
            _documents(
                ("DIPA Badan Urusan Administrasi (01)", self.download(41)),
                ("DIPA Badan Urusan Administrasi (01) lama", self.download(40)),
            ),
        )
        add(
            "informasi-publik/daftar-informasi-publik",
            "Daftar Informasi Publik",
            _documents(("SK Daftar Informasi Publik", self.upload("dip-2026.pdf"))),
        )
        add(
            "informasi-publik/laporan-layanan-informasi",
            "Laporan Layanan Informasi Publik",
            _documents(
                ("Laporan Layanan Informasi Publik Tahun 2024", self.upload("llip-2024.pdf"))
            ),
        )
        add("informasi-publik/standar-pelayanan", "Standar Pelayanan", "<p>Standar ...</p>")
        add("informasi-publik/informasi-serta-merta", "Informasi Serta Merta", "<p>Tidak ada.</p>")
        self.pages[self.path("informasi-publik/prosedur-evakuasi")] = Page("Error", "", 503, False)
        add(
            "informasi-publik/laporan-biaya-perkara",
            "Laporan Penggunaan Biaya Perkara",
            _documents(("Laporan Biaya Perkara Maret 2026", self.upload("lbp-03-2026.pdf"))),
        )
        add("pengawasan/data-hukuman-disiplin", "Data Hukuman Disiplin", "<p>Nihil.</p>")
        # Only in the sitemap: no menu or page links to it.
        add(
            "tentang-pengadilan/statistik-pegawai", "Statistik Pegawai", "<p>Jumlah pegawai 42.</p>"
        )
        listings = max(1, -(-self.news // NEWS_PER_PAGE))
        for listing in range(1, listings + 1):
            key = "berita" if listing == 1 else f"berita/halaman-{listing}"
            add(key, "Berita" if listing == 1 else f"Berita {listing}", self._news_list(listing))
        for number in range(1, self.news + 1):
            add(
                f"berita/kegiatan-{number}",
                f"Kegiatan Pengadilan {number}",
                f"<p>Diposting 2 Juni 2026. Kegiatan rutin nomor {number}.</p>" + ARTICLE,
            )
        pdf_files = [
            "wajib-lhkpn-2024.pdf", "Laporan-Tahunan-2025.pdf", "daftar-aset-2024.pdf",
            "dip-2026.pdf", "llip-2024.pdf", "lbp-03-2026.pdf", "SOP-Pelayanan.pdf",
            *(name for _, entries in docs.values() for _, name in entries),
        ]  # fmt: skip
        for name in pdf_files:
            for month in ("2026/02", "2025/03", "2024/01"):
                self.files[self.upload(name, month)] = File(PDF)
        self.files[self.upload("struktur-organisasi.png")] = File(b"\x89PNG\r\n", "image/png")

    def _news_list(self, listing: int) -> str:
        first = (listing - 1) * NEWS_PER_PAGE + 1
        items = "".join(
            f'<li><a href="{self.path(f"berita/kegiatan-{n}")}">Kegiatan Pengadilan {n}</a></li>'
            for n in range(first, min(first + NEWS_PER_PAGE, self.news + 1))
        )
        following = ""
        if first + NEWS_PER_PAGE <= self.news:
            href = self.path(f"berita/halaman-{listing + 1}")
            following = f'<a class="next" href="{href}">Halaman berikutnya</a>'
        return f'<ul class="news">{items}</ul>{following}'

    def _page(self, key: str, title: str, body: str) -> None:
        self.pages[self.path(key)] = Page(title, body)

    def add_page(self, key: str, title: str, body: str, menu: str | None = None) -> str:
        """A page of the office's own (and its menu entry); returns its address."""
        self._page(key, title, body)
        if menu:
            self.extra_menu.append(Menu(menu, key))
        return self.path(key)

    def menu(self) -> list[Menu]:
        return [
            Menu("Beranda", "home"),
            Menu("Tentang Pengadilan", "tentang-pengadilan", [
                Menu("Visi dan Misi", "tentang-pengadilan/visi-misi"),
                Menu("Sejarah Pengadilan", "tentang-pengadilan/sejarah-pengadilan"),
                Menu("Tugas Pokok dan Fungsi", "tentang-pengadilan/tugas-pokok-dan-fungsi"),
                Menu("Struktur Organisasi", "tentang-pengadilan/struktur-organisasi"),
                Menu("Wilayah Yurisdiksi", "tentang-pengadilan/wilayah-yurisdiksi"),
                Menu("Profil Pimpinan", "#", [
                    Menu("Profil Ketua", "tentang-pengadilan/profil-ketua"),
                    Menu("Profil Hakim", "tentang-pengadilan/profil-hakim"),
                ]),
                Menu("Agenda Kerja Pimpinan", "tentang-pengadilan/agenda-kerja-pimpinan"),
                Menu("LHKPN", "tentang-pengadilan/lhkpn"),
            ]),
            Menu("Layanan Publik", "layanan-publik", [
                Menu("Prosedur Berperkara", "layanan-publik/prosedur-berperkara"),
                Menu("Biaya Perkara", "layanan-publik/biaya-perkara"),
                Menu("Jadwal Sidang", f"{SIPP}/list_jadwal_sidang"),
                Menu("Hak-Hak Pencari Keadilan", self.rights_page()),
                Menu("Posbakum", "layanan-publik/posbakum"),
                Menu("Pengaduan", "#", [
                    Menu("Prosedur Pengaduan", "layanan-publik/prosedur-pengaduan"),
                ]),
                Menu("Layanan Informasi", "#", [
                    Menu(
                        "Prosedur Permohonan Informasi",
                        "layanan-publik/prosedur-permohonan-informasi",
                    ),
                    Menu("Hak Pemohon Informasi", "layanan-publik/hak-pemohon-informasi"),
                ]),
            ]),
            Menu("Transparansi", "transparansi"),
            Menu("Informasi Publik", "#", [
                Menu("Daftar Informasi Publik", "informasi-publik/daftar-informasi-publik"),
                Menu("Laporan Layanan Informasi", "informasi-publik/laporan-layanan-informasi"),
                Menu("Standar Pelayanan", "informasi-publik/standar-pelayanan"),
                Menu("Standar Operasional Prosedur", self.upload("SOP-Pelayanan.pdf", "2024/01")),
                Menu("Informasi Serta Merta", "informasi-publik/informasi-serta-merta"),
                Menu("Prosedur Evakuasi", "informasi-publik/prosedur-evakuasi"),
                Menu("Laporan Penggunaan Biaya Perkara", "informasi-publik/laporan-biaya-perkara"),
            ]),
            Menu("Informasi Hukum", "#", [
                Menu("Peraturan dan Kebijakan", "https://jdih.mahkamahagung.go.id/"),
                Menu("Direktori Putusan", "https://putusan3.mahkamahagung.go.id/pengadilan/profil/pengadilan/pa-uji.html"),
                Menu("Statistik Perkara", f"{SIPP}/statistik_perkara"),
                Menu("Data Hukuman Disiplin", "pengawasan/data-hukuman-disiplin"),
            ]),
            Menu("Berita", "berita"),
            *self.extra_menu,
        ]  # fmt: skip

    def rights_page(self) -> str:
        """A Joomla site links this article the non-SEF way; WordPress by its slug."""
        if self.style == "joomla":
            return "/index.php?option=com_content&view=article&id=360&Itemid=895"
        return self.path("layanan-publik/hak-hak-pencari-keadilan")

    # ------------------------------------------------------------------ rendering
    def render_menu(self, entries: list[Menu], depth: int = 0) -> str:
        joomla = self.style == "joomla"
        css = (
            ("nav menu mod-list" if depth == 0 else "nav-child unstyled small")
            if joomla
            else ("menu" if depth == 0 else "sub-menu")
        )
        items = []
        for number, entry in enumerate(
            item for item in entries if item.text not in self.hidden_menu
        ):
            classes = f"item-{100 + number}" + (" deeper parent" if entry.children else "")
            if not joomla:
                classes = "menu-item" + (" menu-item-has-children" if entry.children else "")
            target = (
                self.path(entry.target) if not entry.target.startswith("http") else entry.target
            )
            child = self.render_menu(entry.children, depth + 1) if entry.children else ""
            # Joomla's templates leave the <li> unclosed before a nested list at times.
            close = "" if joomla and entry.children else "</li>"
            items.append(f'<li class="{classes}"><a href="{target}">{entry.text}</a>{child}{close}')
        return f'<ul class="{css}">{"".join(items)}</ul>'

    def render(self, page: Page) -> str:
        other = f'<a href="{self.other_origin}">Situs Lain</a>' if self.other_origin else ""
        return (
            "<!doctype html><html lang='id'><head><meta charset='utf-8'>"
            f"<title>{page.title} &#8211; Pengadilan Agama Uji</title></head><body>"
            '<header id="masthead"><div class="site-title">Pengadilan Agama Uji</div>'
            '<nav id="site-navigation" class="main-navigation">'
            f"{self.render_menu(self.menu())}</nav>"
            '</header><main id="content" class="site-content">'
            f'<article><h1 class="entry-title">{page.title}</h1>{page.body}</article></main>'
            '<footer class="site-footer"><p>Jl. Contoh No. 1, Kabupaten Uji. '
            "Telp. (0542) 123456, Faks. (0542) 123457, email: info@pa-uji.go.id</p>"
            f"<p>&copy; 2026 Pengadilan Agama Uji {other}</p></footer></body></html>"
        )

    def home(self) -> str:
        page = Page(
            "Beranda",
            "<p>Selamat datang di website resmi Pengadilan Agama Uji.</p>"
            f'<p><a href="{self.path("berita")}">Berita terbaru</a></p>'
            + "".join(f'<p><a href="{href}">{text}</a></p>' for text, href in self.home_links),
        )
        return self.render(page)

    def sitemap(self) -> str:
        urls = [
            f"<url><loc>{escape(self.base + path.lstrip('/'))}</loc>"
            "<lastmod>2026-06-02</lastmod></url>"
            for path, page in self.pages.items()
            if page.in_sitemap and page.status == 200
        ] + [f"<url><loc>{escape(url)}</loc></url>" for url in self.sitemap_extra]
        return (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "".join(urls)
            + "</urlset>"
        )

    def answer(self, request: Request) -> Reply:
        path = request.path
        special = {"/": self.home, "/robots.txt": self._robots, "/sitemap.xml": self.sitemap}
        if path in special:
            body = special[path]()
            kind = {"/robots.txt": "text/plain", "/sitemap.xml": "application/xml"}.get(path)
            return Reply(body=body, content_type=kind or "text/html; charset=utf-8")
        number = next(
            (path.split(marker, 1)[1].split("&", 1)[0] for marker in DOWNLOADS if marker in path),
            None,
        )
        if path in self.redirects:
            return Reply(301, "", headers={"Location": self.redirects[path]})
        file = self.downloads.get(number) if number else self.files.get(path)
        if file is not None:
            return Reply(body=file.body, content_type=file.content_type, headers=file.headers)
        page = self.pages.get(path, NOT_FOUND)
        if page.status != 200:
            return Reply(page.status, f"<html><body><h1>{page.title}</h1></body></html>")
        return Reply(body=self.render(page))

    def _robots(self) -> str:
        return self.robots + f"Sitemap: {self.base}sitemap.xml\n"

    def serve(self, server: WebServer) -> WebServer:
        """Answer every request of ``server`` from this site."""
        self.base = server.url
        server.fallback = self.answer
        return server
