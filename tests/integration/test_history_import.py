"""`opskit history --import`: exports from other machines merged all or nothing."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from opskit.result import Result, Status
from opskit.store import Store

pytestmark = pytest.mark.integration


def _export(cli, make_config, tmp_path: Path, name: str, runs: int) -> list[str]:
    """Lines of a real export of ``runs`` recorded runs from a machine's own history."""
    state = tmp_path / f"{name}-state"
    config = make_config({"paths": {"state_dir": str(state)}}, name=f"{name}.yaml")
    started = datetime.now(UTC) - timedelta(hours=1)
    with Store.open(state / "history.sqlite") as store:
        for number in range(runs):
            moment = started + timedelta(minutes=number)
            result = Result("host.disk", f"{name}-{number}", Status.OK, "fine", observed_at=moment)
            store.record_run(f"check host {name}", moment, moment, [result], Status.OK)
    export = tmp_path / f"{name}.jsonl"
    assert cli("--config", config, "history", "--export", export).exit_code == 0
    lines = export.read_text(encoding="utf-8").splitlines()
    assert len(lines) == runs
    return lines


def _runs_in(store_path: Path) -> int:
    if not store_path.exists():
        return 0
    with Store.open(store_path) as store:
        return len(store.runs(limit=1000))


def test_a_bad_line_imports_nothing_and_names_file_and_line(
    cli, make_config, tmp_path: Path
) -> None:
    lines = _export(cli, make_config, tmp_path, "shard", 8)
    broken = tmp_path / "broken.jsonl"
    broken.write_text("\n".join([*lines[:5], "{not json", *lines[5:]]) + "\n")
    config = make_config()

    run = cli("--config", config, "history", "--import", broken)
    fixed = cli(
        "--config", config, "history", "--format", "json", "--import", tmp_path / "shard.jsonl"
    )

    assert run.exit_code == 3
    assert f"{broken}:6: cannot import" in run.stderr
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr
    assert fixed.exit_code == 0 and fixed.json["data"] == {"added": 8, "skipped": 0}
    assert _runs_in(tmp_path / "state" / "history.sqlite") == 8


def test_a_bad_second_file_leaves_the_first_unimported(cli, make_config, tmp_path: Path) -> None:
    good = _export(cli, make_config, tmp_path, "one", 3)
    other = _export(cli, make_config, tmp_path, "two", 2)
    second = tmp_path / "second.jsonl"
    # A well-formed line that is not a whole run: its machine is missing.
    incomplete = other[1].replace('"machine"', '"machine_name"')
    second.write_text(f"{other[0]}\n{incomplete}\n")
    config = make_config()

    run = cli("--config", config, "history", "--import", tmp_path / "one.jsonl", second)

    assert run.exit_code == 3
    assert f"{second}:2: cannot import: missing 'machine'" in run.stderr
    assert len(good) == 3
    assert _runs_in(tmp_path / "state" / "history.sqlite") == 0


def test_binary_file_is_refused_with_its_name(cli, make_config, tmp_path: Path) -> None:
    binary = tmp_path / "bin.log"
    binary.write_bytes(b"\n" + os.urandom(4096).replace(b"\n", b"") + b"\xff\xfe")

    run = cli("--config", make_config(), "history", "--import", binary)

    assert run.exit_code == 3
    assert f"{binary}:2: cannot import: not UTF-8 text" in run.stderr
    assert "internal error" not in run.stderr
