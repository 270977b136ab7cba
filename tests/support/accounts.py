"""A throw-away Unix account for testing what opskit does without root.

The account (and, when asked, a sudoers rule that wants its password) is
removed when the ``with`` block ends, whatever happened in it.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from support.netns import root_run
from support.system import IN_CI


@contextmanager
def temporary_user(password: str | None = None, sudo_with_password: bool = False) -> Iterator[str]:
    name = f"opskit{secrets.token_hex(3)}"
    home = Path(tempfile.mkdtemp(prefix="opskit-home-"))
    rule = Path(f"/etc/sudoers.d/{name}")
    made = root_run(["useradd", "-M", "-d", str(home), "-s", "/bin/sh", name])
    if made.returncode != 0:
        shutil.rmtree(home, ignore_errors=True)
        message = f"cannot create a test user (needs root or passwordless sudo): {made.stderr}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    try:
        root_run(["chown", f"{name}:", str(home)])
        if password is not None:
            root_run(["chpasswd"], input=f"{name}:{password}\n")
        else:  # no password, but not locked: sshd refuses locked accounts even with a key
            root_run(["usermod", "-p", "*", name])
        if sudo_with_password:
            draft = home / "sudoers"
            draft.write_text(f"{name} ALL=(ALL) ALL\n")
            checked = root_run(["visudo", "-cf", str(draft)])
            assert checked.returncode == 0, checked.stdout + checked.stderr
            root_run(["install", "-m", "0440", str(draft), str(rule)])
        yield name
    finally:
        root_run(["rm", "-f", str(rule)])
        _remove(name)
        root_run(["rm", "-rf", str(home)])


def _remove(name: str) -> None:
    """Delete the account once its SSH sessions (closing in the background) are gone."""
    for _ in range(50):
        for pid in root_run(["pgrep", "-u", name]).stdout.split():
            root_run(["kill", pid])
        if root_run(["userdel", name]).returncode == 0:
            return
        time.sleep(0.1)
    root_run(["userdel", "-f", name])
