"""The visitor-log part of ``opskit demo``: an access log with a few attacks among visitors."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path


def write_demo_log(workspace: Path) -> Path:
    """A demo access log: visitors and their assets, with a few attacks among them."""
    path = workspace / "logs" / "access.log"
    path.parent.mkdir(parents=True, exist_ok=True)
    start = datetime(2024, 5, 6, 8, 0, tzinfo=timezone(timedelta(hours=8)))
    agent = "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/124.0 Mobile Safari/537.36"
    lines = []

    def add(seconds: float, client: str, request: str, status: int, ua: str = agent) -> None:
        stamp = (start + timedelta(seconds=seconds)).strftime("%d/%b/%Y:%H:%M:%S %z")
        lines.append(f'{client} - - [{stamp}] "{request} HTTP/1.1" {status} 900 "-" "{ua}"\n')

    for visitor in range(200):
        client = f"198.51.100.{visitor % 250 + 1}"
        for page in ("/", "/berita", "/jadwal-sidang"):
            add(visitor * 15, client, f"GET {page}", 200)
            add(visitor * 15, client, "GET /assets/css/style.css", 304)
    # The first probe is answered 200: a leaked file, which makes this client high severity.
    probes = ("/.env", "/.git/config", "/backup.sql.gz", "/wp-config.php.bak")
    for number, probe in enumerate(probes):
        add(600 + number, "203.0.113.45", f"GET {probe}", 404 if number else 200)
    for number in range(12):
        add(900 + number, "203.0.113.77", f"GET /berita?id={number}' UNION SELECT password--", 500)
    for number in range(8):
        add(1200 + number, "192.0.2.9", "POST /wp-login.php", 200, "python-requests/2.31")
    lines.sort(key=lambda text: text.split("[", 1)[1][:20])
    path.write_text("".join(lines), encoding="utf-8")
    return path
