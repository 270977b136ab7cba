"""Failure paths against the real restic: each with its own message and the right status."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from opskit.locking import hold
from support.processes import descendants, restic_lock_count, wait_for
from support.restic import restic_direct, restic_env
from support.system import IN_CI, require

pytestmark = pytest.mark.integration

# As root every file is readable; dropping these capabilities makes root obey file modes.
NO_READ_OVERRIDE = (
    "setpriv",
    "--bounding-set=-dac_override,-dac_read_search",
    "--inh-caps=-dac_override,-dac_read_search",
)


def opskit_argv(*arguments: object) -> list[str]:
    prefix = list(NO_READ_OVERRIDE) if os.geteuid() == 0 else []
    return [*prefix, sys.executable, "-m", "opskit", *(str(argument) for argument in arguments)]


def test_unreadable_file_is_an_incomplete_backup_warning(
    cli, backup_config, website: Path, restic: str
) -> None:
    require("setpriv", "util-linux")
    config = backup_config()
    cli("--config", config, "backup", "init")
    secret = website / "config.php"
    secret.write_text("<?php $password = 'x'; ?>\n")
    secret.chmod(0)

    completed = subprocess.run(
        opskit_argv("--config", config, "backup", "run", "--format", "json"),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )

    import json

    document = json.loads(completed.stdout)
    assert completed.returncode == 1, completed.stderr
    [result] = document["results"]
    assert result["status"] == "WARNING"
    assert str(secret) in result["summary"] and "unreadable" in result["summary"]
    assert result["evidence"]["exit_code"] == 3 and result["evidence"]["outcome"] == "incomplete"
    assert result["evidence"]["unreadable_paths"] == [str(secret)]


def test_locked_repository_is_critical_and_says_locked(
    cli, backup_config, tmp_path: Path, repository_password: Path, restic: str
) -> None:
    config = backup_config()
    cli("--config", config, "backup", "init")
    cli("--config", config, "backup", "run")
    repository = tmp_path / "repo"
    reader, writer = os.pipe()
    holder = subprocess.Popen(  # a running backup: its lock keeps prune's exclusive lock out
        ["restic", "backup", "--stdin", "--stdin-filename", "held.txt"],
        stdin=reader,
        env=restic_env(repository, repository_password),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(reader)
    try:
        wait_for(lambda: restic_lock_count(repository, repository_password) == 1, what="a lock")
        run = cli("--config", config, "backup", "prune", "--format", "json")
    finally:
        os.close(writer)
        holder.wait(60)

    assert run.exit_code == 2
    [result] = run.json["results"]
    assert result["status"] == "CRITICAL"
    assert result["summary"].startswith("repository local is locked by another restic process")


def test_two_runs_of_one_set_never_overlap(cli, backup_config, tmp_path: Path, restic: str) -> None:
    config = backup_config()
    cli("--config", config, "backup", "init")
    lock_file = tmp_path / "state" / "locks" / "backup-website.lock"
    released = threading.Event()

    def hold_for_a_moment() -> None:
        with hold(lock_file, "backup of set website"):
            started.set()
            released.wait(10)

    started = threading.Event()
    other = threading.Thread(target=hold_for_a_moment)
    other.start()
    started.wait(10)
    try:
        busy = cli("--config", config, "backup", "run", "--format", "json")
        threading.Timer(1.0, released.set).start()
        waited = cli("--config", config, "backup", "run", "--wait", "30", "--format", "json")
    finally:
        released.set()
        other.join()

    [result] = busy.json["results"]
    assert result["status"] == "UNKNOWN"
    assert f"backup of set website is already running by pid {os.getpid()}" in result["summary"]
    assert waited.json["results"][0]["status"] == "OK"


def test_stale_lock_is_reported_and_unlock_removes_only_it(
    cli, backup_config, tmp_path: Path, repository_password: Path, restic: str
) -> None:
    config = backup_config()
    cli("--config", config, "backup", "init")
    repository = tmp_path / "repo"
    reader, writer = os.pipe()
    crashed = subprocess.Popen(
        ["restic", "backup", "--stdin", "--stdin-filename", "held.txt"],
        stdin=reader,
        env=restic_env(repository, repository_password),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(reader)
    wait_for(lambda: restic_lock_count(repository, repository_password) == 1, what="a lock")
    crashed.kill()  # dies holding its lock
    crashed.wait()
    os.close(writer)

    checked = cli("--config", config, "check", "backup", "--format", "json")
    unlocked = cli("--config", config, "backup", "unlock", "--format", "json")
    after = cli("--config", config, "check", "backup", "--format", "json")

    locks = next(item for item in checked.json["results"] if item["check_id"] == "backup.locks")
    assert locks["status"] == "WARNING"
    assert f"pid {crashed.pid}" in locks["summary"] and "opskit backup unlock" in locks["summary"]
    assert unlocked.exit_code == 0
    assert unlocked.json["messages"] == ["local: removed 1 stale lock"]
    assert [row["pid"] for row in unlocked.json["data"]["locks"]] == [crashed.pid]
    locks_after = next(item for item in after.json["results"] if item["check_id"] == "backup.locks")
    assert (locks_after["status"], locks_after["summary"]) == ("OK", "no locks")
    assert restic_lock_count(repository, repository_password) == 0


def test_unlock_keeps_the_lock_of_a_running_restic(
    cli, backup_config, tmp_path: Path, repository_password: Path, restic: str
) -> None:
    config = backup_config()
    cli("--config", config, "backup", "init")
    repository = tmp_path / "repo"
    reader, writer = os.pipe()
    running = subprocess.Popen(
        ["restic", "backup", "--stdin", "--stdin-filename", "held.txt"],
        stdin=reader,
        env=restic_env(repository, repository_password),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(reader)
    try:
        wait_for(lambda: restic_lock_count(repository, repository_password) == 1, what="a lock")
        unlocked = cli("--config", config, "backup", "unlock", "--format", "json")
        assert restic_lock_count(repository, repository_password) == 1
    finally:
        os.write(writer, b"data\n")
        os.close(writer)
        running.wait(60)

    assert unlocked.json["messages"] == ["local: removed 0 stale locks, kept 1 in use"]


@pytest.mark.timeout(300)
@pytest.mark.parametrize(
    "signal_number", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"]
)
def test_interrupted_backup_leaves_a_sound_repository_and_the_next_run_works(
    backup_config,
    website: Path,
    tmp_path: Path,
    repository_password: Path,
    restic: str,
    signal_number: int,
) -> None:
    config = backup_config()
    big = website / "big"
    big.mkdir()
    for index in range(12):
        (big / f"blob{index}.bin").write_bytes(os.urandom(8 << 20))
    run = [sys.executable, "-m", "opskit", "--config", str(config), "backup"]
    subprocess.run([*run, "init"], check=True, capture_output=True, timeout=120)
    process = subprocess.Popen([*run, "run"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wait_for(
        lambda: any(
            "restic" in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
            for pid in descendants(process.pid)
            if Path(f"/proc/{pid}").exists()
        ),
        what="restic started",
    )
    time.sleep(0.5)
    children = descendants(process.pid)
    process.send_signal(signal_number)
    process.wait(60)
    if signal_number == signal.SIGKILL:
        for child in children:  # a hard crash takes restic down with it
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)
    time.sleep(0.5)

    unlock = subprocess.run(
        [*run, "unlock"], capture_output=True, text=True, timeout=120, check=False
    )
    check = restic_direct(tmp_path / "repo", repository_password, "check")
    again = subprocess.run(
        [*run, "run", "--format", "json"], capture_output=True, text=True, timeout=300, check=False
    )

    assert process.returncode != 0
    assert unlock.returncode == 0, unlock.stderr
    assert check.returncode == 0, check.stderr
    assert "no errors were found" in check.stdout
    assert again.returncode == 0, again.stdout + again.stderr
    restored = tmp_path / "restored"
    subprocess.run(
        [*run, "restore", "website", "--target", str(restored)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    copy = restored / str(big).lstrip("/")
    assert sorted(path.name for path in copy.iterdir()) == sorted(
        path.name for path in big.iterdir()
    )
    assert (copy / "blob7.bin").read_bytes() == (big / "blob7.bin").read_bytes()


def test_restore_into_a_full_disk_is_critical_and_says_so(
    cli, backup_config, website: Path, tmp_path: Path, restic: str
) -> None:
    if os.geteuid() != 0:
        if IN_CI:
            pytest.fail("mounting a small tmpfs needs root in CI")
        pytest.skip("mounting a small tmpfs needs root")
    (website / "large.bin").write_bytes(os.urandom(3 << 20))
    config = backup_config()
    cli("--config", config, "backup", "init")
    cli("--config", config, "backup", "run")
    small = tmp_path / "small"
    small.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(small)], check=True)
    try:
        run = cli(
            "--config",
            config,
            "backup",
            "restore",
            "website",
            "--target",
            small,
            "--format",
            "json",
        )
    finally:
        subprocess.run(["umount", str(small)], check=True)

    assert run.exit_code == 2
    [result] = run.json["results"]
    assert result["check_id"] == "backup.restore" and result["status"] == "CRITICAL"
    assert result["summary"] == f"the restore target {small} ran out of space (restore incomplete)"
