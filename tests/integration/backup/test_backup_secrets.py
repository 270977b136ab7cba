"""A full backup with every kind of secret: none appears in argv, logs, JSON or history."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from support.cli import run_opskit
from support.mariadb import DUMP_PASSWORD, MariaDB
from support.moto_s3 import MotoServer
from support.processes import command_lines
from support.secrets import write_secret
from support.sshd import SshServer

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]

REMOTE_PASSWORD = "Remote-Repo-Password-from-ENV-1618"


class ArgvWatcher:
    """Reads the argv of every process on the machine, over and over, while the backup runs."""

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def _watch(self) -> None:
        while not self.stop.is_set():
            for argv in command_lines().values():
                self.seen.add("\0".join(argv))
            time.sleep(0.005)  # restic and dump processes live far longer

    def __enter__(self) -> ArgvWatcher:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop.set()
        self.thread.join()


def test_full_backup_never_shows_a_secret(
    backup_config,
    website: Path,
    tmp_path: Path,
    repository_password: Path,
    moto: MotoServer,
    mariadb: MariaDB,
    sshd: SshServer,
    restic: str,
) -> None:
    from support.restic import REPOSITORY_PASSWORD

    mariadb.make_website("joomla_secret")
    moto.client().create_bucket(Bucket="secret-bucket")
    config = backup_config(
        repositories=[
            {
                "name": "local",
                "path": str(tmp_path / "repo"),
                "password_file": str(repository_password),
            },
            {
                "name": "offsite",
                "type": "s3",
                "endpoint": moto.endpoint,
                "bucket": "secret-bucket",
                "access_key_id_file": str(write_secret(tmp_path / "key", moto.access_key_id)),
                "secret_access_key_file": str(
                    write_secret(tmp_path / "secret", moto.secret_access_key)
                ),
                "password_file": str(repository_password),
            },
            {
                "name": "onsite",
                "path": str(tmp_path / "web1-repo"),
                "password_env": "OPSKIT_TEST_REMOTE_PW",
            },
        ],
        sets=[
            {
                "name": "website",
                "paths": [str(website)],
                "databases": [
                    mariadb.database_entry(
                        "joomla_secret", write_secret(tmp_path / "db.password", DUMP_PASSWORD)
                    )
                ],
                "repositories": ["local", "offsite"],
            },
            {"name": "web1", "host": "web1", "paths": [str(website)], "repositories": ["onsite"]},
        ],
        extra_hosts=[sshd.host_entry("web1")],
    )
    env = {"OPSKIT_TEST_REMOTE_PW": REMOTE_PASSWORD}
    secrets = (
        REPOSITORY_PASSWORD,
        REMOTE_PASSWORD,
        DUMP_PASSWORD,
        moto.secret_access_key,
        moto.access_key_id,
    )
    common = ("--config", config, "-vv")
    assert run_opskit(*common, "hosts", "trust", "web1", "--yes", env=env).exit_code == 0

    with ArgvWatcher() as watcher:
        runs = [
            run_opskit(*common, "backup", "init", "--format", "json", env=env),
            run_opskit(*common, "backup", "run", "--format", "json", env=env),
            run_opskit(*common, "backup", "verify", "--format", "json", env=env),
            run_opskit(*common, "backup", "snapshots", env=env),
            run_opskit(*common, "check", "backup", "--format", "json", env=env),
            run_opskit(*common, "history", "--results", "--format", "json", env=env),
        ]

    run = runs[1].json
    assert {item["target"]: item["status"] for item in run["results"]} == {
        "website:local": "OK",
        "website/joomla_secret:local": "OK",
        "website:offsite": "OK",
        "website/joomla_secret:offsite": "OK",
        "web1:onsite": "OK",
    }, runs[1].stdout
    assert "DEBUG" in "".join(item.stderr for item in runs), "debug logging was on"
    assert any("restic" in argv for argv in watcher.seen), "the watcher saw the children"
    assert any("mariadb-dump" in argv for argv in watcher.seen)
    for secret in secrets:
        assert not [argv for argv in watcher.seen if secret in argv], f"{secret} in a command line"
        for item in runs:
            assert secret not in item.stdout and secret not in item.stderr, f"{secret} leaked"
    stored = b"".join(
        path.read_bytes() for path in (tmp_path / "state").rglob("*") if path.is_file()
    )
    for secret in secrets:
        assert secret.encode() not in stored, f"{secret} leaked into the state directory"
