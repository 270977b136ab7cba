"""Judging what an automated step got back: pure functions of the answer, tested directly."""

from __future__ import annotations

from opskit.uat.automated import excerpt, judge_command, judge_page
from opskit.uat.checklist import CommandStep, HttpStep
from opskit.web.fetch import Page

HTML = "text/html; charset=utf-8"


def page(status: int | None = 200, body: bytes = b"", **extra: object) -> Page:
    return Page(url="https://pa.test/", status=status, body=body, final_url="https://pa.test/",
                elapsed_ms=120.0, **extra)  # fmt: skip


def test_every_unmet_expectation_is_named() -> None:
    expected = HttpStep(
        status=[200], contains=["Jadwal sidang"], absent=["Fatal error"], max_ms=100
    )
    got = page(500, b"<p>Fatal error: db</p>", headers={"content-type": HTML})

    outcome, summary, evidence = judge_page(expected, got)

    assert outcome == "failed"
    assert summary == (
        "HTTP 500 (expected 200); missing text 'Jadwal sidang'; unwanted text 'Fatal error'; "
        "took 120 ms (limit 100 ms)"
    )
    assert evidence["excerpt"] == "Fatal error: db"


def test_an_answer_cut_short_fails_even_when_everything_else_matches() -> None:
    got = page(200, b"<p>ok</p>", headers={"content-type": HTML},
               error="the body was still arriving at the time limit", truncated=True)  # fmt: skip

    outcome, summary, _ = judge_page(HttpStep(), got)

    assert (outcome, summary) == ("failed", "the body was still arriving at the time limit")


def test_no_answer_fails_with_the_reason() -> None:
    outcome, summary, evidence = judge_page(HttpStep(), page(None, error="connection refused"))

    assert outcome == "failed"
    assert summary == "no answer from https://pa.test/: connection refused"
    assert evidence["status"] is None


def test_a_matching_answer_passes() -> None:
    got = page(404, b"<html><body>Tidak ditemukan</body></html>")

    outcome, summary, _ = judge_page(HttpStep(status=[404], contains=["Tidak ditemukan"]), got)

    assert (outcome, summary) == ("passed", "HTTP 404 in 120 ms as expected")


def test_excerpt_is_the_readable_text_or_the_size_of_a_document() -> None:
    html = page(body=b"<html><script>var x=1</script><h1>Berita</h1>\n<p>Rapat</p></html>",
                headers={"content-type": HTML})  # fmt: skip
    pdf = page(body=b"%PDF-1.4 ...", headers={"content-type": "application/pdf"})

    assert excerpt(html) == "Berita Rapat"
    assert excerpt(pdf) == "(12 bytes of application/pdf)"


def test_command_exit_code_output_and_time_limit() -> None:
    expected = CommandStep(argv=["systemctl", "is-active", "nginx"], contains=["active"],
                           absent=["inactive"], timeout_seconds=5)  # fmt: skip

    assert judge_command(expected, {"exit_code": 0, "stdout": "active\n", "stderr": ""})[0] == (
        "passed"
    )
    outcome, summary, _ = judge_command(
        expected, {"exit_code": 3, "stdout": "inactive\n", "stderr": ""}
    )
    assert (outcome, summary) == ("failed", "exit code 3 (expected 0); unwanted text 'inactive'")
    assert judge_command(expected, {"exit_code": None, "timed_out": True})[1] == (
        "did not finish within 5 s"
    )
