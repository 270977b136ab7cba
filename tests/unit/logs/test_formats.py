"""Formats found from the lines themselves, each read with its detections, oddities handled."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from opskit.logs.sniff import sniff
from support.logs import fired, in_format, line, run, utc

KINDS = (
    "combined", "common", "vhost-port", "vhost", "syslog", "syslog-common", "naive",
    "json-nginx", "json-caddy", "json-traefik", "json-naive",
)  # fmt: skip
LABELS = {
    "combined": "combined", "common": "common", "vhost-port": "combined with virtual host",
    "vhost": "combined with virtual host", "syslog": "combined with syslog prefix",
    "syslog-common": "common with syslog prefix", "naive": "combined, times without zone",
    "json-nginx": "JSON lines (nginx)", "json-caddy": "JSON lines (Caddy)",
    "json-traefik": "JSON lines (Traefik)", "json-naive": "JSON lines (nginx)",
}  # fmt: skip


def sample(kind: str) -> str:
    """A small realistic log in ``kind``: visitors, one secret-file hunter, one broken line."""
    text = "".join(
        in_format(kind, i * 7, page, client=f"198.51.100.{i + 1}")
        for i, page in enumerate(("/", "/berita", "/jadwal-sidang", "/kontak") * 5)
    )
    text += "this line is broken and no format reads it\n"
    text += in_format(kind, 200, "/.git/config", client="45.1.2.3", status=404)
    return text


@pytest.mark.parametrize("kind", KINDS)
def test_each_format_is_found_parsed_and_its_attacker_caught(kind: str) -> None:
    text = sample(kind)

    found = sniff(text.encode().split(b"\n"))
    analysis = run(text, "auto")

    assert found.log_format is not None and found.log_format.described == LABELS[kind]
    assert (analysis.lines, analysis.parsed, analysis.malformed) == (22, 21, 1)
    assert fired(analysis) == {"45.1.2.3": {"sensitive-files"}}
    assert analysis.first_epoch == utc(0)
    assert analysis.malformed_samples == ["this line is broken and no format reads it"]


def test_times_without_a_zone_are_read_in_the_zone_given_and_counted() -> None:
    analysis = run(sample("naive"), "auto", zone="Asia/Makassar")
    later = run(sample("naive"), "auto", zone="Asia/Jakarta")

    assert analysis.first_epoch == utc(0)
    assert later.first_epoch == utc(0) + 3600
    assert analysis.naive_times == 21


def test_a_file_mixing_layouts_reads_every_line() -> None:
    kinds = ("combined", "common", "vhost-port", "syslog", "naive")
    text = "".join(in_format(kind, i, f"/p{i}") for i, kind in enumerate(kinds * 4))

    analysis = run(text, "auto")

    assert (analysis.parsed, analysis.malformed) == (20, 0)


def test_lines_wrapped_in_quotes_give_the_bare_address() -> None:
    text = "".join('"' + line(i, f"/p{i}").rstrip("\n") + '"\n' for i in range(3))

    analysis = run(text, "auto")

    assert analysis.clients == {"203.0.113.7": 3}


def test_a_log_going_back_in_time_is_counted_and_detection_stays_on_log_time() -> None:
    day_two = "".join(line(86400 + i, f"/berita/{i}") for i in range(5))
    day_one = "".join(line(i, f"/missing-{i}", status=404, client="45.1.2.3")
                      for i in range(10))  # fmt: skip

    analysis = run(day_two + day_one, "auto")

    assert analysis.backwards == 10
    assert "probing" in fired(analysis)["45.1.2.3"]
    assert datetime.fromtimestamp(analysis.first_epoch or 0, UTC) < datetime.fromtimestamp(
        analysis.last_epoch or 0, UTC
    )


def test_small_steps_back_as_apache_writes_them_are_not_counted() -> None:
    text = line(10, "/a") + line(4, "/b") + line(12, "/c")

    assert run(text, "auto").backwards == 0


def test_an_unknown_layout_says_what_the_lines_look_like() -> None:
    found = sniff([b'203.0.113.7 "GET / HTTP/1.1" 200 [2024-05-06 08:00:00]'])

    assert found.log_format is None
    assert "--log-format" in found.hint and "custom layout" in found.hint


def test_many_unreadable_lines_say_what_they_look_like_and_which_option_reads_them() -> None:
    from opskit.logs.report import judge
    from opskit.logs.rules import load_rules

    text = line(0, "/") + "".join(
        f'203.0.113.7 "GET /p{i} HTTP/1.1" 200 [2024-05-06 08:00:0{i}]\n' for i in range(3)
    )

    activity = judge(run(text), load_rules(), target="site", zone=UTC).results[0]

    assert activity.status.value == "WARNING"
    assert "3 malformed lines" in activity.summary
    assert "custom layout" in activity.summary and "--log-format" in activity.summary
