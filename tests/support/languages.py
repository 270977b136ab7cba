"""Word lists that tell an English sentence from an Indonesian one in what people read.

Only running words are judged: text in quotes or code, paths, addresses,
versions and upper-case names (HTTP, TLS, SPF) are data, not language. The
lists leave out words both languages use (server, backup, firewall, port,
status, data, normal, login, spam ...).
"""

from __future__ import annotations

import re

ENGLISH_WORDS = """
    a about above after ago all also an and answer answered answers any are as at available
    be because been before being below broken but by can cannot certificate changed check
    checks clean closed command connection could days default did does done down dropped
    each empty error errors every expected expires expired failed failure fetched file files
    first for found free from has have high hours if in inbound is it its last less limit
    limits lines listening low may medium minute minutes missing modified more must name
    never new no none not of off old on one only open or other outbound over page pages
    passed pending policy reachable read recorded refused removed restored run runs same
    scan security should since slow some still than that the their there these this those
    three timed to too trusted two unchanged under unknown until up updates used valid was
    were what when where which while who will with within without would yes
"""
ENGLISH = frozenset(ENGLISH_WORDS.split())
INDONESIAN_WORDS = """
    ada adalah akan atau bagian baris belum berakhir berkas berubah bukan dalam dan dapat
    dari dengan di diterima ditemukan ditolak gagal hanya hari harus ini itu jam jawaban
    kali karena ke kebijakan keamanan kedaluwarsa lalu lebih masih masuk menit menjawab
    menurut oleh pada pembaruan pemeriksaan permintaan salinan sampai sebagai sebelum sejak
    semua seharusnya sekarang setelah setiap sisa sudah tanpa telah temuan terbuka tersedia
    tertunda tidak untuk waktu yang
"""
INDONESIAN = frozenset(INDONESIAN_WORDS.split())
QUOTED = re.compile(r"“[^”]*”|'[^']*'|\"[^\"]*\"|`[^`]*`")  # quoted text and code
DATA = re.compile(
    r"\S*[/@:=\\_.<>{}\[\]]\S*"  # paths, addresses, versions, keys
    r"|\S*\d\S*"  # anything with a digit
)
WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")


def words_of(text: str) -> list[str]:
    """The running words of ``text``, lower case (data and upper-case names left out)."""
    plain = DATA.sub(" ", QUOTED.sub(" ", text))
    return [word.lower() for word in WORD.findall(plain) if not word.isupper()]


def english_words(text: str) -> list[str]:
    return [word for word in words_of(text) if word in ENGLISH]


def indonesian_words(text: str) -> list[str]:
    return [word for word in words_of(text) if word in INDONESIAN]
