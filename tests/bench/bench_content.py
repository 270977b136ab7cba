"""``opskit check content`` on a court's published content (printed, never asserted).

Run:  .venv/bin/python tests/bench/bench_content.py [--items 300] [--delay-ms 40] [--runs 3]

``--items`` news items are written through the same code the commands use (gathered with
one PDF, validated, drafted, reviewed, submitted, approved, published), each published on
a real web server on loopback that answers every page and document after ``--delay-ms``
(a CMS building its page). Then, interleaved:

1. ``opskit check content`` as the operator runs it (every page fetched and checked
   against the approved text, every document downloaded and compared), ``--jobs 8``
   (the default) and ``--jobs 1`` (one page after another);
2. the comparison anchor: a plain loop in Python fetching the same pages and documents
   one after another with one kept-alive connection, checking nothing.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from measure import compare, table  # noqa: E402

from opskit.config.load import load  # noqa: E402
from opskit.content import files as judged  # noqa: E402
from opskit.content import records  # noqa: E402
from opskit.helpdesk.attachments import Upload  # noqa: E402
from opskit.identity import terminal_actor  # noqa: E402
from opskit.procedures.definition import procedure  # noqa: E402
from opskit.result import utc_now  # noqa: E402
from opskit.store import Store  # noqa: E402
from support.pdfs import pdf_with_text  # noqa: E402
from support.web import Reply, WebServer  # noqa: E402

PEOPLE = [
    {"name": "Budi Santoso", "roles": ["operator"], "login": "budi"},
    {"name": "Rudi Hartono", "roles": ["redaktur"], "login": "rudi"},
    {"name": "Eka Putri", "roles": ["editor"], "login": "eka"},
    {"name": "Nur Aini", "roles": ["penanggung_jawab"], "login": "nur"},
]
PATH = (("validate", "budi"), ("draft", "rudi"), ("review", "eka"), ("submit", "rudi"),
        ("approve", "nur"), ("publish", "budi"))  # fmt: skip
PLAIN_LOOP = """
import sys, requests
session = requests.Session()
session.trust_env = False
for url in open(sys.argv[1]).read().split():
    session.get(url, timeout=10).content
"""


def text_of(index: int) -> tuple[str, str]:
    title = f"Sidang keliling nomor {index} di Kecamatan Babulu"
    body = "\n\n".join(
        f"Paragraf {part} berita {index}: Pengadilan Agama Uji menggelar sidang keliling "
        "untuk mendekatkan layanan kepada masyarakat pencari keadilan."
        for part in range(1, 5)
    )
    return title, body


def publish_all(config_path: Path, site: WebServer, count: int, delay: float) -> list[str]:
    """``count`` items published on ``site``; the URLs a reader would fetch."""
    config = load(config_path)
    chosen = procedure(config, "content")
    people = {login: terminal_actor(config, login) for login in ("budi", "rudi", "eka", "nur")}
    urls = []
    with Store.open(config.history_db) as store:
        for index in range(count):
            document = pdf_with_text([f"Laporan sidang keliling {index}"])
            name = f"laporan-{index}.pdf"
            upload = Upload(name, document)
            item = records.create(
                store, config, chosen, actor=people["budi"], kind="news", title=f"Berita {index}",
                material="Laporan panitera", files=[(upload, judged.judge(upload, config))],
                now=utc_now(),
            )  # fmt: skip
            title, body = text_of(index)
            page = f"/berita/{index}"
            for step, login in PATH:
                records.take_step(
                    store, config, chosen, item.id, step=step, actor=people[login],
                    now=utc_now(), text=(title, body) if step == "draft" else None,
                    url=f"{site.url.rstrip('/')}{page}" if step == "publish" else None,
                )  # fmt: skip
            paragraphs = "".join(f"<p>{block}</p>" for block in body.split("\n\n"))
            site.routes[page] = Reply(
                body=f"<html><body><h1>{title}</h1>{paragraphs}"
                f'<a href="/files/{name}">{name}</a></body></html>',
                delay_seconds=delay,
            )
            site.routes[f"/files/{name}"] = Reply(
                body=document, delay_seconds=delay, content_type="application/pdf"
            )
            urls += [f"{site.url.rstrip('/')}{page}", f"{site.url.rstrip('/')}/files/{name}"]
    return urls


def statuses(check: list[str]) -> str:
    """How many results of each status one more run gives (all OK: every page as approved)."""
    import collections
    import json
    import subprocess

    answer = subprocess.run(check, capture_output=True, text=True, timeout=600, check=False)
    found = collections.Counter(result["status"] for result in json.loads(answer.stdout)["results"])
    return ", ".join(f"{count} {status}" for status, count in sorted(found.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=300)
    parser.add_argument("--delay-ms", type=float, default=40.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    site = WebServer().start()
    try:
        with tempfile.TemporaryDirectory(prefix="bench-content-") as directory:
            base = Path(directory)
            config_path = base / "opskit.yaml"
            config_path.write_text(
                yaml.safe_dump(
                    {
                        "organisation": {"name": "PA Uji", "timezone": "Asia/Makassar"},
                        "paths": {"state_dir": str(base / "state")},
                        "people": PEOPLE,
                    }
                )
            )
            urls = publish_all(config_path, site, args.items, args.delay_ms / 1000)
            listing = base / "urls.txt"
            listing.write_text("\n".join(urls))
            opskit = str(Path(sys.executable).parent / "opskit")
            check = [opskit, "-c", str(config_path), "check", "content", "--format", "json"]
            samples = compare(
                {
                    "opskit check content (--jobs 8)": [*check, "--jobs", "8"],
                    "opskit check content --jobs 1": [*check, "--jobs", "1"],
                    "plain loop fetching the same URLs": [
                        sys.executable,
                        "-c",
                        PLAIN_LOOP,
                        str(listing),
                    ],
                },
                args.runs,
            )
            print(
                f"check content: {args.items} published items, {len(urls)} URLs "
                f"(page + 1 PDF each), server delay {args.delay_ms:g} ms per answer"
            )
            print(table(samples, "plain loop fetching the same URLs"))
            print(f"  what opskit found: {statuses(check)}")
    finally:
        site.stop()


if __name__ == "__main__":
    main()
