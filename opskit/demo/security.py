"""What ``opskit demo`` needs to show the security checks on this machine.

A small web root with a planted web shell (the EICAR test file named
``avatar.php`` in ``uploads/``), a tiny Python application with a shell
injection for bandit (``checks/demo/export-app.py.txt``: kept as data, so
the insecure sample is never part of opskit's own code), and a ClamAV
signature database holding EICAR only, so an on-demand scan has something
real to find without downloading anything.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

from opskit.errors import CommandError
from opskit.execute import run
from opskit.paths import checks_dir

# The standard anti-virus test file: harmless, recognised by every scanner.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def prepare(workspace: Path) -> dict[str, Any]:
    """Write the demo files; returns the local host's settings and the code targets."""
    www = workspace / "www"
    (www / "uploads").mkdir(parents=True, exist_ok=True)
    (www / "index.php").write_text("<?php echo 'Pengadilan Agama Demo';\n", encoding="utf-8")
    (www / "uploads" / "avatar.php").write_bytes(EICAR)
    app = workspace / "app"
    app.mkdir(exist_ok=True)
    shutil.copyfile(checks_dir() / "demo" / "export-app.py.txt", app / "export.py")
    clamav = workspace / "clamav"
    clamav.mkdir(exist_ok=True)
    digest = hashlib.md5(EICAR, usedforsecurity=False).hexdigest()
    (clamav / "opskit-demo.hdb").write_text(f"{digest}:{len(EICAR)}:Opskit.Demo.EICAR\n")
    (clamav / "clamd.conf").write_text(
        f"LocalSocket {clamav / 'clamd.sock'}\nDatabaseDirectory {clamav}\n", encoding="utf-8"
    )
    host: dict[str, Any] = {
        "sudo": _sudo_helps(),
        "security": {
            "web_files": {"roots": [str(www)]},
            "antivirus": {
                "clamd_config": str(clamav / "clamd.conf"),
                "daemon_required": False,
                "scan_log": str(clamav / "scan.log"),
            },
        },
    }
    return {"host": host, "code": [{"name": "demo-app", "path": str(app)}]}


def can_scan() -> bool:
    """Whether ClamAV's scanner is installed here (the scan step needs it)."""
    return shutil.which("clamscan") is not None


def _sudo_helps() -> bool:
    """Root-only facts need sudo when the demo does not run as root and sudo asks no password."""
    if os.geteuid() == 0 or shutil.which("sudo") is None:
        return False
    try:
        return run(("sudo", "-n", "true"), timeout_seconds=5).ok
    except CommandError:
        return False
