"""web.http's evaluator on recorded pages: flap control reads the previous result's evidence."""

from __future__ import annotations

from opskit.config.schema import Site
from opskit.result import Status
from opskit.web.fetch import Page
from opskit.web.http import Availability, evaluate, plain_http_url

SITE = Site(name="pa", url="https://www.pa-uji.go.id/", must_contain=["Pengadilan"])
UP = Page("https://www.pa-uji.go.id/", 200, {}, b"<h1>Pengadilan Agama Uji</h1>", elapsed_ms=120)
DOWN = Page("https://www.pa-uji.go.id/", None, error="connection refused", elapsed_ms=3)


def previous(failed: bool, consecutive: int) -> dict[str, object]:
    return {"failed": failed, "consecutive_failures": consecutive}


def test_first_failure_is_a_warning_and_counts_one() -> None:
    result = evaluate(SITE, Availability((DOWN,), None), previous(False, 0))

    assert result.status is Status.WARNING
    assert result.evidence["consecutive_failures"] == 1


def test_failure_after_a_failure_reaches_the_limit_and_is_critical() -> None:
    result = evaluate(SITE, Availability((DOWN, DOWN), None), previous(True, 1))

    assert result.status is Status.CRITICAL
    assert result.evidence["retries_used"] == 1


def test_recovery_resets_the_count() -> None:
    result = evaluate(SITE, Availability((UP,), None), previous(True, 3))

    assert result.status is Status.OK
    assert result.evidence["consecutive_failures"] == 0


def test_redirect_to_plain_http_is_a_warning() -> None:
    redirect = Page(
        "http://www.pa-uji.go.id/", 301, {"location": "http://www.pa-uji.go.id/index.php"}
    )

    result = evaluate(SITE, Availability((UP,), redirect), None)

    assert result.status is Status.WARNING
    assert "instead of HTTPS" in result.summary


def test_first_result_ever_has_no_previous_failures() -> None:
    result = evaluate(SITE, Availability((DOWN,), None))

    assert result.status is Status.WARNING
    assert result.evidence["consecutive_failures"] == 1


def test_plain_http_address_is_only_guessed_without_a_port() -> None:
    assert plain_http_url(SITE) == "http://www.pa-uji.go.id/"
    assert plain_http_url(Site(name="s", url="https://127.0.0.1:8443/")) is None
