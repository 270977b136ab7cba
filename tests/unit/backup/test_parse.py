"""restic output parsers and the exit-code table, on outputs captured from real restic runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from opskit.backup import listings, parse
from opskit.backup.exitcodes import Kind, classify, explain, failure_reason
from opskit.backup.version import parse_version

DATA = Path(__file__).parents[2] / "data" / "backup"
V014 = parse_version((DATA / "restic-0.14-version.stdout").read_text())
V017 = parse_version((DATA / "restic-0.17-version.stdout").read_text())
V018 = parse_version((DATA / "restic-0.18-version.stdout").read_text())


def captured(name: str) -> tuple[str, str, int]:
    stdout = DATA / f"{name}.stdout"
    stderr = DATA / f"{name}.stderr"
    return (
        stdout.read_text() if stdout.exists() else "",
        stderr.read_text() if stderr.exists() else "",
        int((DATA / f"{name}.exit").read_text()),
    )


def test_versions_and_their_features() -> None:
    assert str(V014) == "0.14.0"
    assert not V014.has_exit_codes and not V014.has_stdin_from_command
    assert not V014.has_check_json and not V014.has_forget_prune_json
    assert V017.has_exit_codes and V017.has_stdin_from_command and not V017.has_check_json
    assert V018.has_check_json
    with pytest.raises(Exception, match="cannot read the restic version"):
        parse_version("borg 1.2.4")


@pytest.mark.parametrize(
    ("name", "version", "kind"),
    [
        ("restic-0.14-backup", V014, Kind.OK),
        ("restic-0.14-backup-unreadable", V014, Kind.INCOMPLETE),
        ("restic-0.14-wrong-password", V014, Kind.WRONG_PASSWORD),
        ("restic-0.14-missing-repository", V014, Kind.REPOSITORY_MISSING),
        ("restic-0.14-locked", V014, Kind.LOCKED),
        ("restic-0.14-s3-endpoint-down", V014, Kind.UNREACHABLE),
        ("restic-0.17-missing-repository", V017, Kind.REPOSITORY_MISSING),
        ("restic-0.17-wrong-password", V017, Kind.WRONG_PASSWORD),
        ("restic-0.17-locked", V017, Kind.LOCKED),
        ("restic-0.18-check-errors", V018, Kind.FAILED),
    ],
)
def test_exit_code_and_stderr_give_the_kind_of_outcome(name: str, version, kind: Kind) -> None:
    _, stderr, exit_code = captured(name)

    assert classify(exit_code, stderr, version) is kind


def test_exit_code_10_from_an_old_restic_is_not_trusted_as_missing_repository() -> None:
    assert classify(10, "", V014) is Kind.FAILED
    assert classify(-9, "", V014) is Kind.INTERRUPTED
    assert classify(130, "", V014) is Kind.INTERRUPTED


def test_failure_reason_reads_fatal_lines_and_017_exit_errors() -> None:
    _, old, _ = captured("restic-0.14-wrong-password")
    _, new, _ = captured("restic-0.17-wrong-password")

    assert failure_reason(old) == "wrong password or no key found"
    assert failure_reason(new) == "Fatal: wrong password or no key found"
    assert "opskit backup init offsite" in explain(Kind.REPOSITORY_MISSING, "offsite", "")


def test_backup_summary_and_progress_from_014_and_017() -> None:
    for name in ("restic-0.14-backup", "restic-0.17-backup"):
        stdout, _, _ = captured(name)
        messages = parse.json_lines(stdout)
        summaries = [parse.backup_summary(message) for message in messages]
        summary = next(item for item in summaries if item is not None)
        assert summary.snapshot_id and len(summary.snapshot_id) >= 8
        assert summary.total_bytes_processed == 600000
        assert summary.data_added_bytes > 0
    stdout, _, _ = captured("restic-0.17-backup")
    status = parse.progress(parse.json_lines(stdout)[0])
    assert status is not None and status.bytes_done == 246000 and status.total_bytes == 600000


def test_unreadable_files_are_named_from_stderr_json() -> None:
    _, stderr, _ = captured("restic-0.14-backup-unreadable")

    assert parse.unreadable_items(stderr) == ["/WORK/src/site/unreadable"]


def test_snapshots_are_sorted_with_aware_times_and_tags() -> None:
    stdout, _, _ = captured("restic-0.14-snapshots")

    snapshots = listings.snapshots(stdout)

    assert len(snapshots) == 4
    assert [snapshot.time for snapshot in snapshots] == sorted(s.time for s in snapshots)
    assert all(snapshot.time.tzinfo is not None for snapshot in snapshots)
    assert snapshots[-1].paths in (("/website.sql",), ("/WORK/src",))
    assert listings.snapshots("") == []


def test_forget_json_lists_kept_and_removed_snapshots() -> None:
    stdout, _, _ = captured("restic-0.14-forget")

    groups = listings.forget(stdout)

    assert [len(group.kept) for group in groups] == [2, 1]  # files (keep-last 2), the stdin dump
    assert sum(len(group.removed) for group in groups) == 1


def test_check_text_014_and_json_018() -> None:
    stdout, stderr, _ = captured("restic-0.14-check")
    old = listings.check_report(stdout, stderr, json_output=False)
    good_stdout, _, _ = captured("restic-0.18-check")
    good = listings.check_report(good_stdout, "", json_output=True)
    bad_stdout, _, _ = captured("restic-0.18-check-errors")
    bad = listings.check_report(bad_stdout, "", json_output=True)

    assert old.errors == () and old.read_packs and old.read_packs.startswith("group 1:")
    assert good.errors == ()
    assert len(bad.errors) == 3
    assert "run `restic repair index`" in bad.suggestions


def test_locks_list_and_cat() -> None:
    stdout, _, _ = captured("restic-0.14-list-locks-held")
    lock_ids = listings.lock_ids(stdout)
    cat, _, _ = captured("restic-0.14-cat-lock")

    lock = listings.lock(lock_ids[0], cat)

    assert len(lock_ids) == 1
    assert (lock.exclusive, lock.username) == (False, "root")
    assert lock.pid > 0 and lock.time.tzinfo is not None
    assert listings.lock_ids(captured("restic-0.14-list-locks-after-unlock")[0]) == []


def test_stats_json() -> None:
    stdout, _, _ = captured("restic-0.14-stats-raw")

    stats = listings.stats(stdout)

    assert stats["snapshots_count"] >= 1 and stats["total_size"] > 0
