"""A real wheel carries the playbooks and checks, and the installed package finds them."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.integration


def test_wheel_ships_playbooks_and_checks_and_finds_them_when_installed(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        timeout=300,
        capture_output=True,
    )
    [wheel] = wheels.glob("opskit-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "opskit/playbooks/facts.py" in names
    assert "opskit/playbooks/fabfile.py" in names
    assert "opskit/checks/runbooks/host.yaml" in names
    assert "opskit/checks/runbooks/web.yaml" in names
    assert "opskit/checks/web/spam-keywords.yaml" in names
    assert "opskit/checks/demo/export-app.py.txt" in names
    assert "opskit/web/runner.py" in names
    assert "opskit/playbooks/uat.py" in names
    assert "opskit/checks/uat/website-release.yaml" in names
    assert "opskit/reports/templates/uat.html.j2" in names
    assert "opskit/uat/records.py" in names
    assert any(name.endswith("entry_points.txt") for name in names)

    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--quiet",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        timeout=300,
        capture_output=True,
    )
    probe = (
        "from opskit.paths import checks_dir, playbooks_dir; import opskit.catalog as c;"
        "print(playbooks_dir()); print(checks_dir()); print(c.sop_row('host.disk'))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(target)},
    )

    playbooks, checks, row = completed.stdout.split()
    assert Path(playbooks) == target / "opskit" / "playbooks"
    assert Path(checks) == target / "opskit" / "checks"
    assert row == "C5"
