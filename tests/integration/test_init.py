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


def readme_tour() -> list[str]:
    """The commands of the README's short tour, in order, and its one instruction to edit."""
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    block = readme.split("## A short tour", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip()]


@pytest.mark.timeout(300)
def test_the_readme_tour_works_as_written_from_an_empty_directory(
    tmp_path: Path, sshd, client_key: Path
) -> None:
    import re

    from support.cli import run_opskit
    from support.terminal import Terminal

    tour = readme_tour()
    written = Path.home() / ".config" / "opskit" / "opskit.yaml"
    assert tour[0].startswith("opskit init ") and "~/.config/opskit/opskit.yaml" in tour[0]
    for raw in tour:
        line = raw.split("  #", 1)[0].strip()
        if line.startswith("# edit"):
            # What the tour asks of the reader: the web1 example, uncommented, made theirs.
            text = written.read_text()
            example = re.search(r"  # More examples:\n((?:  # .*\n)+)", text)
            assert example, "the sample config shows a commented web1 host"
            host = example.group(1).replace("  # ", "  ", 1).replace("  #   ", "    ")
            host = re.sub(r"address: .*", f"address: 127.0.0.1\n    port: {sshd.port}", host)
            host = re.sub(r"user: .*", f"user: {sshd.user}", host)
            host = re.sub(r"key_file: .*", f"key_file: {client_key}", host)
            written.write_text(text.replace(example.group(0), host))
            continue
        if line.startswith("#"):
            continue
        words = line.split()[1:]
        if words[:2] == ["hosts", "trust"]:
            terminal = Terminal(*words)
            terminal.expect("[y/N]")
            terminal.type("y")
            assert terminal.finish() == 0, terminal.output
            continue
        run = run_opskit(*words, cwd=Path.cwd())
        assert "opskit:" not in run.stderr, f"{line}: {run.stderr}"  # no usage or config error
        assert run.exit_code in (0, 1, 2), f"{line}: exit {run.exit_code}\n{run.stdout}"
