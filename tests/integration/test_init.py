"""`opskit init` where the config cannot be written: a clear reason, and nothing left behind."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    state = tmp_path / "st4"
    monkeypatch.setenv("OPSKIT_STATE_DIR", str(state))
    return state


def test_init_onto_a_directory_creates_no_repository_or_password(
    cli, tmp_path: Path, state_dir: Path
) -> None:
    adir = tmp_path / "adir"
    adir.mkdir()

    run = cli("init", "--config", adir, "--force")

    assert run.exit_code == 3
    assert f"opskit: cannot write {adir}: Is a directory" in run.stderr
    assert not state_dir.exists()
    assert list(adir.iterdir()) == []
    assert list(tmp_path.glob(".adir*")) == []


def test_init_under_a_file_says_not_a_directory_and_creates_nothing(
    cli, tmp_path: Path, state_dir: Path
) -> None:
    outfile = tmp_path / "outfile"
    outfile.write_text("keep me\n")

    run = cli("init", "--config", outfile / "x.yaml")

    assert run.exit_code == 3
    assert f"opskit: cannot write {outfile / 'x.yaml'}: Not a directory" in run.stderr
    assert "File exists" not in run.stderr
    assert not state_dir.exists()
    assert outfile.read_text() == "keep me\n"


def test_init_that_succeeds_leaves_no_temporary_file(cli, tmp_path: Path, state_dir: Path) -> None:
    target = tmp_path / "etc" / "opskit.yaml"

    run = cli("init", "--config", target)

    assert run.exit_code == 0, run.stderr
    assert sorted(path.name for path in target.parent.iterdir()) == ["opskit.yaml"]
    assert (state_dir / "backup" / "repository.password").is_file()
    assert str(state_dir / "backup" / "repository") in target.read_text()
