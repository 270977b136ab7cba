"""opskit's user directories: the same as platformdirs gives, without importing it where it
need not be."""

from __future__ import annotations

import subprocess
import sys

import platformdirs
import pytest

from opskit.userdirs import APP_NAME, user_dir

KINDS = ("config", "state", "cache")


@pytest.mark.parametrize(
    "environment",
    [
        {"HOME": "/home/admin"},
        {"HOME": "/home/admin/"},
        {"HOME": "/"},
        {"HOME": "/home/admin", "XDG_CONFIG_HOME": "/etc/xdg-config",
         "XDG_STATE_HOME": "/var/lib/opskit-state", "XDG_CACHE_HOME": "/var/cache/x"},
        {"HOME": "/home/admin", "XDG_CONFIG_HOME": "relative", "XDG_STATE_HOME": "",
         "XDG_CACHE_HOME": "also/relative"},
        {"HOME": "relative-home"},
    ],
    ids=["home", "home-slash", "root-home", "xdg", "relative-xdg", "relative-home"],
)  # fmt: skip
@pytest.mark.parametrize("kind", KINDS)
def test_each_directory_is_the_one_platformdirs_names(
    environment: dict[str, str], kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    expected = getattr(platformdirs, f"user_{kind}_dir")(APP_NAME)

    assert user_dir(kind) == type(user_dir(kind))(expected)


def test_history_does_not_import_platformdirs(make_config) -> None:
    config = make_config()
    script = (
        "import sys\nfrom opskit.cli import main\n"
        f"for _ in range(2):\n    main(['--config', {str(config)!r}, 'history'])\n"
        "print('platformdirs' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )

    assert done.stderr.strip().splitlines()[-1] == "False"
