"""The fail2ban files opskit writes load in Debian's real fail2ban and ban what they should."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from support.logs import BROWSER, line
from support.system import require

pytestmark = pytest.mark.integration


def fail2ban_copy(tmp_path: Path) -> Path:
    """Debian's fail2ban configuration, without its stock sshd jail (no sshd log here)."""
    require("fail2ban-client", "fail2ban")
    directory = tmp_path / "fail2ban"
    shutil.copytree("/etc/fail2ban", directory)
    (directory / "jail.d" / "defaults-debian.conf").unlink(missing_ok=True)
    return directory


def test_the_written_jail_loads_in_fail2ban_and_its_filter_bans_only_attacks(
    cli, tmp_path: Path
) -> None:
    directory = fail2ban_copy(tmp_path)
    log = tmp_path / "access.log"
    attacks = [
        line(0, "/.env", client="198.51.100.9", status=404),
        line(1, "/.git/config", client="198.51.100.9", status=404),
        line(2, "/vendor/phpunit/phpunit/src/Util/PHP/eval-stdin.php", client="203.0.113.5"),
    ]
    browsing = [line(3, "/", agent=BROWSER), line(4, "/berita?page=2"), line(5, "/env-info")]
    log.write_text("".join(attacks + browsing))

    written = cli("logs", "fail2ban-config", "--dir", directory, "--log-path", log)
    dump = subprocess.run(
        ["fail2ban-client", "-c", str(directory), "-d"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    matched = subprocess.run(
        ["fail2ban-regex", "--print-all-matched", str(log),
         str(directory / "filter.d" / "opskit-web.conf")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip

    assert written.exit_code == 0, written.stderr
    assert dump.returncode == 0, dump.stderr
    assert "['add', 'opskit-web', 'auto']" in dump.stdout
    assert f"['set', 'opskit-web', 'addlogpath', '{log}'" in dump.stdout
    assert "Lines: 6 lines, 0 ignored, 3 matched, 3 missed" in matched.stdout, matched.stdout


def test_a_changed_file_is_not_overwritten_without_force(cli, tmp_path: Path) -> None:
    directory = tmp_path / "fail2ban"
    (directory / "filter.d").mkdir(parents=True)
    (directory / "filter.d" / "opskit-web.conf").write_text("# the admin's own\n")

    refused = cli("logs", "fail2ban-config", "--dir", directory, "--log-path", "/var/log/x.log")
    forced = cli(
        "logs", "fail2ban-config", "--dir", directory, "--log-path", "/var/log/x.log", "--force"
    )

    assert refused.exit_code == 3
    assert "exists and differs; add --force" in refused.stderr
    assert forced.exit_code == 0
    assert "failregex" in (directory / "filter.d" / "opskit-web.conf").read_text()
