"""The validated config kept between commands: the same config without validating it again,
never when what validation relied on changed, never a value from the environment on disk."""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from pathlib import Path

import pytest

from opskit.config import load as load_module
from opskit.config import snapshot
from opskit.config.load import load
from opskit.errors import ConfigError
from opskit.masking import forget_secrets, mask

LOGO = b"<svg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/>"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """A config naming a secret file and an image, with a channel URL's token written in it."""
    password = tmp_path / "restic-password"
    password.write_text("kata-sandi-cadangan\n")
    password.chmod(0o600)
    (tmp_path / "logo.svg").write_bytes(LOGO)
    path = tmp_path / "opskit.yaml"
    path.write_text(
        f"""\
organisation: {{name: Pengadilan Agama Uji, timezone: Asia/Makassar, emblem: logo.svg}}
paths: {{state_dir: state}}
backup:
  repositories:
    - {{name: lokal, path: {tmp_path / "repo"}, password_file: restic-password}}
  sets:
    - {{name: data, paths: [{tmp_path / "data"}], repositories: [lokal]}}
notifications:
  channels:
    - name: chat
      url: "json://127.0.0.1:9/hook?token=Tertulis7Token"
"""
    )
    return path


def refuse_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the config was validated again")

    monkeypatch.setattr(load_module, "cross_check", refuse)


def entries() -> list[Path]:
    return sorted(snapshot.directory().glob("*.pickle"))


def test_a_config_validated_once_is_the_same_config_without_validating_it_again(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load(config)
    refuse_validation(monkeypatch)

    second = load(config)

    assert second == first
    assert second is not first
    assert second.source == config
    assert second.backup.repository("lokal").password_file == config.parent / "restic-password"
    assert second.organisation.emblem == config.parent / "logo.svg"


def test_the_entry_is_private_to_its_user(config: Path) -> None:
    load(config)

    [entry] = entries()
    assert entry.stat().st_mode & 0o777 == 0o600
    assert snapshot.directory().stat().st_mode & 0o777 == 0o700


def test_a_hit_registers_the_channel_token_for_masking_again(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(config)
    forget_secrets()
    refuse_validation(monkeypatch)

    load(config)

    assert "Tertulis7Token" not in mask("sent to json://127.0.0.1:9/hook?token=Tertulis7Token")


def test_a_secret_file_opened_to_others_since_is_reported_as_validation_reports_it(
    config: Path,
) -> None:
    load(config)
    (config.parent / "restic-password").chmod(0o644)

    with pytest.raises(ConfigError) as raised:
        load(config)

    assert any("restic-password" in line for line in raised.value.details)


def test_an_image_removed_since_is_reported(config: Path) -> None:
    load(config)
    (config.parent / "logo.svg").unlink()

    with pytest.raises(ConfigError) as raised:
        load(config)

    assert any("no image file" in line for line in raised.value.details)


def test_changed_bytes_are_validated_again(config: Path) -> None:
    load(config)
    config.write_text(config.read_text().replace("timezone: Asia/Makassar", "timezone: Mars/Base"))

    with pytest.raises(ConfigError) as raised:
        load(config)

    assert any("Mars/Base" in line for line in raised.value.details)


def test_a_config_interpolating_variables_is_never_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOOK_TOKEN", "Rahasia9Token")
    path = tmp_path / "opskit.yaml"
    path.write_text(
        "organisation: {name: Uji, timezone: Asia/Makassar}\n"
        "notifications:\n  channels:\n"
        '    - {name: chat, url: "json://127.0.0.1:9/hook?token=${HOOK_TOKEN}"}\n'
    )

    load(path)

    assert entries() == []
    cache_root = snapshot.directory().parent
    for file in cache_root.rglob("*"):
        if file.is_file():
            assert b"Rahasia9Token" not in file.read_bytes(), file


def parts(entry: Path) -> tuple[object, ...]:
    """An entry's key, facts, masks and config (a header, then the config, pickled apart)."""
    with entry.open("rb") as file:
        key, facts, masks = pickle.load(file)  # noqa: S301 - the test's own
        return key, facts, masks, pickle.load(file)  # noqa: S301


def write_parts(entry: Path, kept: tuple[object, ...]) -> None:
    entry.write_bytes(pickle.dumps(tuple(kept[:3])) + pickle.dumps(kept[3]))


def with_fact(entry: Path, fact: tuple[str, str]) -> None:
    """The entry as kept, with one more fact of the machine that no longer holds."""
    key, facts, masks, config = parts(entry)
    write_parts(entry, (key, [*facts, fact], masks, config))  # type: ignore[misc]


def rewritten(entry: Path, change: Callable[[tuple[object, ...]], tuple[object, ...]]) -> None:
    write_parts(entry, change(parts(entry)))


@pytest.mark.parametrize(
    "damage",
    [
        lambda entry: entry.write_bytes(entry.read_bytes()[:40]),
        lambda entry: entry.write_bytes(b"not a pickle"),
        lambda entry: entry.write_bytes(pickle.dumps(("not", "an entry"))),
        lambda entry: entry.write_bytes(pickle.dumps(parts(entry))),
        lambda entry: with_fact(entry, ("zone", "No/Such_Zone")),
        lambda entry: with_fact(entry, ("secret", "/nonexistent/password")),
        lambda entry: rewritten(entry, lambda kept: ("another key", *kept[1:])),
        lambda entry: rewritten(entry, lambda kept: (*kept[:3], {"not": "a config"})),
        lambda entry: rewritten(entry, lambda kept: (kept[0], kept[1], [("url", 1)], kept[3])),
        lambda entry: entry.chmod(0o620),
    ],
    ids=[
        "truncated",
        "not-a-pickle",
        "wrong-shape",
        "one-pickle",
        "zone-no-longer-known",
        "secret-file-gone",
        "another-key",
        "not-a-config",
        "malformed-masks",
        "group-writable",
    ],
)
def test_a_damaged_or_doubtful_entry_is_validated_again_and_kept_anew(
    config: Path, damage: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load(config)
    [entry] = entries()
    damage(entry)  # type: ignore[operator]
    validations = []
    checked = load_module.cross_check

    def counted(*args: object, **kwargs: object) -> object:
        validations.append(1)
        return checked(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(load_module, "cross_check", counted)

    assert load(config) == first
    assert validations == [1]
    assert load(config) == first
    assert validations == [1]  # kept again by the second load


def test_a_cache_that_cannot_be_written_costs_only_the_validation(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = Path(os.environ["HOME"]) / ".cache"
    blocker.write_text("a file where the cache directory would be")

    assert load(config).organisation.name == "Pengadilan Agama Uji"
    assert load(config).organisation.name == "Pengadilan Agama Uji"
    assert blocker.read_text() == "a file where the cache directory would be"


def test_an_entry_owned_by_another_user_is_not_read(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(config)
    monkeypatch.setattr(os, "getuid", lambda: 4242)

    assert snapshot.read(config, config.read_bytes()) is None


@pytest.mark.parametrize("move", ["home", "directory"])
def test_the_entry_belongs_to_its_home_and_the_config_s_directory(
    config: Path, move: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(config)
    data = config.read_bytes()
    assert snapshot.read(config, data) is not None

    if move == "home":
        elsewhere = tmp_path / "another-home"
        elsewhere.mkdir()
        monkeypatch.setenv("HOME", str(elsewhere))
        monkeypatch.setenv("XDG_CACHE_HOME", os.environ["XDG_CACHE_HOME"])  # the same cache
        assert snapshot.read(config, data) is None
    else:
        other = tmp_path / "other"
        other.mkdir()
        assert snapshot.read(other / "opskit.yaml", data) is None


def test_a_variable_with_a_default_is_still_interpolation_and_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPSKIT_COURT", raising=False)
    path = tmp_path / "opskit.yaml"
    path.write_text("organisation: {name: '${OPSKIT_COURT:-Pengadilan Agama Uji}'}\n")

    assert load(path).organisation.name == "Pengadilan Agama Uji"
    assert entries() == []


def test_an_escaped_dollar_is_text_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "opskit.yaml"
    path.write_text("organisation: {name: 'Biaya $${PERKARA}'}\n")

    assert load(path).organisation.name == "Biaya ${PERKARA}"
    refuse_validation(monkeypatch)
    assert load(path).organisation.name == "Biaya ${PERKARA}"
    assert len(entries()) == 1


def test_no_entry_is_read_from_a_directory_others_may_write(config: Path) -> None:
    load(config)
    snapshot.directory().chmod(0o770)

    assert snapshot.read(config, config.read_bytes()) is None
    assert load(config).organisation.name == "Pengadilan Agama Uji"  # validated instead
