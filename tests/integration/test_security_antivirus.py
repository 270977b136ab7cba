"""ClamAV checks and on-demand scans over SSH against a real clamd with a database built here."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from opskit.security.clamav import parse_cvd_header
from support.clamav import Clamd, eicar_signature, write_daily, write_eicar
from support.sshd import SshServer
from support.system import require

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]


@pytest.fixture
def clamd(tmp_path: Path) -> Iterator[Clamd]:
    database = tmp_path / "clamav-db"
    eicar_signature(database, tmp_path)
    write_daily(database, 27400, datetime.now(UTC) - timedelta(days=3))
    server = Clamd(tmp_path / "clamd", database)
    server.directory.mkdir()
    yield server.start()
    server.stop()


@pytest.fixture
def web_root(tmp_path: Path) -> Path:
    root = tmp_path / "www"
    (root / "uploads").mkdir(parents=True)
    (root / "index.php").write_text("<?php echo 'Pengadilan Agama';\n")
    write_eicar(root / "uploads" / "avatar.php")
    return root


@pytest.fixture
def configure(make_config, cli, sshd: SshServer) -> Callable[[dict, list[str]], Path]:
    """An opskit.yaml with web1 (the loopback sshd) and its antivirus policy, web1 trusted."""

    def write(antivirus: dict, roots: list[str]) -> Path:
        security = {"antivirus": antivirus, "web_files": {"roots": roots}}
        config = make_config({"hosts": [sshd.host_entry("web1", security=security)]})
        assert cli("--config", config, "hosts", "trust", "web1", "--yes").exit_code == 0
        return config

    return write


def by_id(run) -> dict[str, dict]:
    return {item["check_id"]: item for item in run.json["results"]}


def test_clamd_signatures_and_scans_are_checked_for_real(
    configure, cli, clamd: Clamd, web_root: Path, tmp_path: Path
) -> None:
    antivirus = {"clamd_config": str(clamd.config), "scan_log": str(tmp_path / "scan.log")}
    config = configure(antivirus, [str(web_root)])

    before = by_id(cli("--config", config, "check", "antivirus", "--format", "json"))
    scan = cli("--config", config, "antivirus", "scan", "web1", "--format", "json")
    after = by_id(cli("--config", config, "check", "antivirus", "--format", "json"))

    assert before["av.installed"]["status"] == "OK"
    assert before["av.daemon"]["status"] == "OK"
    assert str(clamd.socket) in before["av.daemon"]["summary"]
    age = before["av.signatures-age"]
    assert age["status"] == "WARNING"  # 3 days: over 1, under 7
    assert age["evidence"]["observed"]["version"] == 27400
    assert age["metrics"][0]["value"] == pytest.approx(3, abs=0.05)
    assert before["av.signatures-loaded"]["status"] == "OK"
    assert before["av.last-scan"]["status"] == "WARNING"
    assert "no scan recorded" in before["av.last-scan"]["summary"]

    assert scan.exit_code == 2
    [found] = scan.json["results"]
    assert found["check_id"] == "av.scan"
    assert found["status"] == "CRITICAL"
    assert found["evidence"]["scanner"] == "clamdscan"
    # The signature is named after the file sigtool hashed.
    assert found["evidence"]["found"] == [f"{web_root}/uploads/avatar.php (eicar.com.UNOFFICIAL)"]
    assert scan.json["run_id"] is not None

    assert after["av.last-scan"]["status"] == "CRITICAL"
    assert "opskit antivirus scan" in after["av.last-scan"]["summary"]
    assert "avatar.php" in after["av.last-scan"]["summary"]


def test_new_signatures_on_disk_that_clamd_has_not_loaded(
    configure, cli, clamd: Clamd, tmp_path: Path
) -> None:
    antivirus = {"clamd_config": str(clamd.config), "scan_log": str(tmp_path / "scan.log")}
    config = configure(antivirus, [])
    write_daily(clamd.database, 27401, datetime.now(UTC) - timedelta(hours=2))

    found = by_id(cli("--config", config, "check", "antivirus", "--format", "json"))

    assert found["av.signatures-age"]["status"] == "OK"
    assert found["av.signatures-loaded"]["status"] == "WARNING"
    assert "still runs daily 27400" in found["av.signatures-loaded"]["summary"]
    assert found["av.signatures-loaded"]["evidence"]["expected"] == 27401


def test_old_cld_header_and_a_clean_scheduled_scan_without_a_daemon(
    configure, cli, tmp_path: Path
) -> None:
    clamscan = require("clamscan", "clamav")
    sigtool = require("sigtool", "clamav")
    database = tmp_path / "db"
    eicar_signature(database, tmp_path)
    built = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(days=10)
    daily = write_daily(tmp_path / "cld", 26000, built, kind="cld")
    info = subprocess.run(
        [sigtool, "--info", str(daily)], capture_output=True, text=True, check=False, timeout=60
    ).stdout
    header = parse_cvd_header(daily.read_bytes()[:512].decode(), daily.name)
    assert "Version: 26000" in info  # sigtool reads the header we wrote the same way
    assert header.built_at == built
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "index.html").write_text("<h1>Selamat datang</h1>\n")
    log = tmp_path / "scan.log"
    subprocess.run(
        [clamscan, f"--database={database}", f"--log={log}", "-r", str(clean)],
        capture_output=True,
        check=True,
        timeout=120,
    )
    stopped = tmp_path / "clamd.conf"
    stopped.write_text(
        f"LocalSocket {tmp_path / 'none.sock'}\nDatabaseDirectory {tmp_path / 'cld'}\n"
    )
    config = configure({"clamd_config": str(stopped), "scan_log": str(log)}, [])

    found = by_id(cli("--config", config, "check", "antivirus", "--format", "json"))

    assert found["av.daemon"]["status"] == "CRITICAL"
    assert found["av.signatures-age"]["status"] == "CRITICAL"
    assert found["av.signatures-age"]["evidence"]["observed"]["file"] == "daily.cld"
    assert "av.signatures-loaded" not in found
    assert found["av.last-scan"]["status"] == "OK"
    assert "clean" in found["av.last-scan"]["summary"]


def test_scanning_a_clean_path_and_a_missing_one(
    configure, cli, clamd: Clamd, web_root: Path, tmp_path: Path
) -> None:
    antivirus = {"clamd_config": str(clamd.config)}
    config = configure(antivirus, [str(web_root)])

    clean = cli(
        "--config", config, "antivirus", "scan", "web1", str(web_root / "index.php"), "--lang", "en"
    )
    missing = cli(
        "--config", config, "antivirus", "scan", "web1", str(tmp_path / "nope"), "--format", "json"
    )

    assert clean.exit_code == 0, clean.stdout
    assert "found nothing" in clean.stdout
    assert missing.exit_code == 3
    [result] = missing.json["results"]
    assert result["status"] == "UNKNOWN"
    assert "failed" in result["summary"]


def test_without_a_daemon_the_scan_uses_clamscan_on_the_configured_database(
    configure, cli, web_root: Path, tmp_path: Path
) -> None:
    require("clamscan", "clamav")
    database = tmp_path / "db"
    eicar_signature(database, tmp_path)
    stopped = tmp_path / "clamd.conf"
    stopped.write_text(f"LocalSocket {tmp_path / 'none.sock'}\nDatabaseDirectory {database}\n")
    config = configure({"clamd_config": str(stopped)}, [str(web_root)])

    run = cli("--config", config, "antivirus", "scan", "web1", "--format", "json")

    [result] = run.json["results"]
    assert result["status"] == "CRITICAL"
    assert result["evidence"]["scanner"] == "clamscan"
    assert f"--database={database}" in result["evidence"]["command"]
    assert result["evidence"]["infected"] == 1
