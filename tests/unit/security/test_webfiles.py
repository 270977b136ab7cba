"""Web root integrity from a captured listing (the playbook's find + sha256sum on a real tree)."""

from __future__ import annotations

from opskit.result import Status
from opskit.security.webfiles import evaluate_web_root, manifest, parse_listing
from support.security import DATA

LISTING = (DATA / "web-listing.bin").read_bytes().decode()
ODD_NAME = "odd\tna\nme.txt"


def evaluate(facts, policy, baseline=None, listing=LISTING, errors=""):
    gathered = facts(**{"web:0": listing, "web-errors:0": errors})
    results, entries = evaluate_web_root(
        "web1",
        "/var/www/html",
        gathered,
        index=0,
        policy=policy().web_files,
        baseline=baseline,
    )
    return {result.check_id: result for result in results}, entries


def test_listing_keeps_odd_names_modes_and_hashes() -> None:
    entries = parse_listing(LISTING)

    assert entries[ODD_NAME].kind == "f"
    assert entries[ODD_NAME].sha256 is not None
    assert entries["writable.txt"].mode == 0o666
    assert entries["wp-content/uploads/2026"].mode == 0o777
    assert entries["link.php"].kind == "l"
    # Over the hash limit of the capture (64 KiB): compared by size and time.
    assert entries["big.bin"].sha256 is None
    assert entries["big.bin"].fingerprint.startswith("size=70000,mtime=")
    assert entries["index.php"].sha256 == (
        "3d832eb41c6a98e296ac438b1f8ef3b38457bccd2eb55b9ef7527b5b32d33ec4"
    )


def test_executables_in_uploads_and_world_writable_files_are_found(facts, policy) -> None:
    results, _ = evaluate(facts, policy)

    uploads = results["web.files.uploads"]
    assert uploads.status is Status.CRITICAL
    assert uploads.evidence["observed"] == [
        "wp-content/uploads/.htaccess",
        "wp-content/uploads/2026/11/shell.php.jpg",
    ]
    writable = results["web.files.writable"]
    assert writable.status is Status.WARNING
    assert writable.evidence["observed"] == [
        "wp-content/uploads/2026 (0777)",
        "writable.txt (0666)",
    ]


def test_first_run_records_a_baseline_and_later_changes_are_reported(facts, policy) -> None:
    first, entries = evaluate(facts, policy)
    assert first["web.files.changed"].status is Status.OK
    assert first["web.files.changed"].summary.startswith("baseline recorded")
    baseline = manifest(entries)
    assert "cache/page/a.html" in baseline

    same, _ = evaluate(facts, policy, baseline=baseline)
    assert same["web.files.changed"].status is Status.OK

    edited = dict(baseline)
    edited["wp-includes/load.php"] = "0" * 64  # the file on disk differs from the accepted one
    del edited["index.php"]  # a file that appeared since
    edited["old.html"] = "1" * 64  # a file that went away
    edited["cache/page/a.html"] = "2" * 64  # ignored by the policy
    changed, _ = evaluate(facts, policy, baseline=edited)

    result = changed["web.files.changed"]
    assert result.status is Status.CRITICAL
    assert result.evidence["added"] == ["index.php"]
    assert result.evidence["modified"] == ["wp-includes/load.php"]
    assert result.evidence["removed"] == ["old.html"]
    assert "executable: index.php, wp-includes/load.php" in result.summary


def test_changed_non_executable_file_is_a_warning(facts, policy) -> None:
    _, entries = evaluate(facts, policy)
    baseline = manifest(entries)
    baseline["wp-content/uploads/2026/11/photo.jpg"] = "3" * 64

    results, _ = evaluate(facts, policy, baseline=baseline)

    assert results["web.files.changed"].status is Status.WARNING


def test_unreadable_parts_make_comparison_unknown_but_findings_stand(facts, policy) -> None:
    errors = "find: './private': Permission denied"

    results, _ = evaluate(facts, policy, baseline={}, errors=errors)

    assert results["web.files.changed"].status is Status.UNKNOWN
    assert results["web.files.uploads"].status is Status.CRITICAL
    assert results["web.files.uploads"].evidence["errors"] == errors


def test_missing_root_is_unknown(facts, policy) -> None:
    gathered = facts(
        **{
            "web:0": ("", 2),
            "web-errors:0": "sh: 1: cd: can't cd to /var/www/html",
        }
    )

    results, entries = evaluate_web_root(
        "web1", "/var/www/html", gathered, index=0, policy=policy().web_files, baseline=None
    )

    assert entries is None
    assert {result.status for result in results} == {Status.UNKNOWN}
    assert "can't cd to /var/www/html" in results[0].summary
