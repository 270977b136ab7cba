"""ClamAV: database headers, daemon answers and scan logs captured from real ClamAV 1.4."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from opskit.result import Status
from opskit.security.antivirus import evaluate_antivirus
from opskit.security.clamav import on_demand_scan, parse_cvd_header, parse_scan_log
from support.security import captured

NOW = datetime(2026, 11, 22, 4, 10, tzinfo=UTC)
PROGRAMS = "/usr/sbin/clamd\n/usr/bin/clamdscan\n/usr/bin/clamscan\n/usr/bin/freshclam"
CLAMD_CONF = "LocalSocket /run/clamav/clamd.ctl\nDatabaseDirectory /var/lib/clamav\n"
WITA = timezone(timedelta(hours=8))


def header(days_old: float, version: int = 27400) -> str:
    built = NOW - timedelta(days=days_old)
    stamp = built.strftime("%d %b %Y %H-%M %z")
    return f"ClamAV-VDB:{stamp}:{version}:2061234:90:X:X:raynman:{int(built.timestamp())}".ljust(
        512
    )


def test_cvd_header_fields() -> None:
    parsed = parse_cvd_header(header(3), "daily.cld")

    assert parsed.version == 27400
    assert parsed.signatures == 2061234
    assert parsed.functionality_level == 90
    assert parsed.builder == "raynman"
    assert parsed.built_at == (NOW - timedelta(days=3)).replace(second=0, microsecond=0)


def test_cvd_header_without_epoch_uses_the_time_field() -> None:
    parsed = parse_cvd_header("ClamAV-VDB:14 Feb 2024 07-40 -0500:27184:2053624:90:X:X:raynman")

    assert parsed.built_at == datetime(2024, 2, 14, 12, 40, tzinfo=UTC)


@pytest.mark.parametrize("text", ["", "not a header", "ClamAV-VDB:x:y:z:w:v:u:t:s"])
def test_something_else_is_not_a_header(text: str) -> None:
    with pytest.raises(ValueError, match="daily.cvd"):
        parse_cvd_header(text)


def test_clamscan_log_with_two_scans() -> None:
    scans = parse_scan_log(captured("clamscan-log-infected.txt"), WITA)

    assert [scan.infected for scan in scans] == [0, 1]
    assert scans[1].found == [("www/uploads/shell.php", "eicar.com.UNOFFICIAL")]
    assert scans[1].ended_at == datetime(2026, 11, 22, 4, 9, 44, tzinfo=WITA)


def test_clamdscan_output_with_an_error_still_counts_what_it_found() -> None:
    status, scan = on_demand_scan(captured("clamdscan-output-infected.txt"), 1, UTC)
    failed, nothing = on_demand_scan("ERROR: Can't access file /srv/x\n", 2, UTC)

    assert status is Status.CRITICAL
    assert scan is not None and scan.found[0][1] == "eicar.com.UNOFFICIAL"
    assert failed is Status.UNKNOWN and nothing is None


def gathered(facts, **changes):
    sections = {
        "clock": f"{int(NOW.timestamp())}+0800",
        "clamav_programs": PROGRAMS,
        "clamd_config": CLAMD_CONF,
        "clamd_ping": "PONG",
        "clamd_version": "ClamAV 1.4.6/27400/Thu Nov 19 04:06:19 2026",
        "signatures": f"directory /var/lib/clamav\nfile daily.cld\n{header(0.5)}\n",
        "scan_log": "modified 1795320000\n" + captured("clamdscan-log-infected.txt"),
    }
    sections.update(changes)
    return facts(**sections)


def by_id(results):
    return {result.check_id: result for result in results}


def test_healthy_clamav_with_an_infected_last_scan(facts, policy) -> None:
    results = by_id(evaluate_antivirus("web1", gathered(facts), policy().antivirus))

    assert results["av.installed"].status is Status.OK
    assert results["av.daemon"].status is Status.OK
    assert results["av.signatures-age"].status is Status.OK
    assert results["av.signatures-loaded"].status is Status.OK
    assert results["av.last-scan"].status is Status.CRITICAL
    assert (
        "/tmp/issue6-av/www/uploads/shell.php (eicar.com.UNOFFICIAL)"
        in results["av.last-scan"].summary
    )


@pytest.mark.parametrize(
    ("days_old", "status"), [(0.5, Status.OK), (2, Status.WARNING), (8, Status.CRITICAL)]
)
def test_signature_age_limits(facts, policy, days_old, status) -> None:
    signatures = f"directory /var/lib/clamav\nfile daily.cvd\n{header(days_old)}\n"

    results = by_id(
        evaluate_antivirus("web1", gathered(facts, signatures=signatures), policy().antivirus)
    )

    assert results["av.signatures-age"].status is status
    assert results["av.signatures-age"].metrics[0].value == pytest.approx(days_old, abs=0.01)


def test_daemon_running_older_signatures_than_on_disk(facts, policy) -> None:
    signatures = f"directory /var/lib/clamav\nfile daily.cld\n{header(0.2, version=27401)}\n"

    results = by_id(
        evaluate_antivirus("web1", gathered(facts, signatures=signatures), policy().antivirus)
    )

    assert results["av.signatures-loaded"].status is Status.WARNING
    assert "still runs daily 27400" in results["av.signatures-loaded"].summary


def test_daemon_down_is_critical_and_skips_the_loaded_check(facts, policy) -> None:
    down = ("ERROR: Could not connect to clamd on LocalSocket /run/clamav/clamd.ctl\n", 21)

    results = by_id(
        evaluate_antivirus(
            "web1",
            gathered(facts, clamd_ping=down, clamd_version="ClamAV 1.4.6"),
            policy().antivirus,
        )
    )
    optional = by_id(
        evaluate_antivirus(
            "web1",
            gathered(facts, clamd_ping=down),
            policy(antivirus={"daemon_required": False}).antivirus,
        )
    )

    assert results["av.daemon"].status is Status.CRITICAL
    assert "/run/clamav/clamd.ctl" in results["av.daemon"].summary
    assert "av.signatures-loaded" not in results
    assert optional["av.daemon"].status is Status.OK


def test_no_clamav_is_one_critical_result(facts, policy) -> None:
    results = evaluate_antivirus("web1", facts(clamav_programs=("", 1)), policy().antivirus)

    assert [(result.check_id, result.status) for result in results] == [
        ("av.installed", Status.CRITICAL)
    ]


def test_missing_scan_log_is_a_warning_unless_opskit_scanned(facts, policy) -> None:
    missing = ("stat: cannot statx '/var/log/clamav/scan.log': No such file or directory", 1)
    recent = {
        "source": "opskit antivirus scan",
        "at": NOW - timedelta(days=1),
        "infected": 0,
        "found": [],
    }

    without = by_id(
        evaluate_antivirus("web1", gathered(facts, scan_log=missing), policy().antivirus)
    )
    with_scan = by_id(
        evaluate_antivirus("web1", gathered(facts, scan_log=missing), policy().antivirus, recent)
    )

    assert without["av.last-scan"].status is Status.WARNING
    assert "no scan recorded" in without["av.last-scan"].summary
    assert with_scan["av.last-scan"].status is Status.OK
    assert "opskit antivirus scan" in with_scan["av.last-scan"].summary


def test_old_clean_scan_is_a_warning(facts, policy) -> None:
    old_log = (
        "modified 1\n"
        + captured("clamscan-log-infected.txt").split(
            "---------------------------------------------------------------------------\n\nwww/"
        )[0]
    )

    results = by_id(
        evaluate_antivirus(
            "web1",
            gathered(facts, scan_log=old_log),
            policy(antivirus={"scan_interval_days": 0.0001}).antivirus,
        )
    )

    assert results["av.last-scan"].status is Status.WARNING
    assert "older than" in results["av.last-scan"].summary
