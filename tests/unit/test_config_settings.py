"""The settings of the store-reading commands: kept by a validation, used only while the file,
the environment it reads, its place and opskit are unchanged; never a secret on disk."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from opskit.config import settings
from opskit.config.load import load
from opskit.config.schema import Organisation, Paths, field_extra
from opskit.context import AppContext
from opskit.errors import ConfigError
from opskit.masking import forget_secrets, mask

CONFIG = """\
organisation: {name: Pengadilan Agama Uji, timezone: Asia/Makassar, language: en}
paths: {state_dir: "${STATE_ROOT:-state}"}
notifications:
  channels:
    - name: chat
      url: "json://127.0.0.1:9/hook?token=${HOOK_TOKEN}"
"""
CHANNEL_URL = "json://127.0.0.1:9/hook?token=${HOOK_TOKEN}"


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOOK_TOKEN", "Rahasia9Token")
    monkeypatch.delenv("STATE_ROOT", raising=False)
    path = tmp_path / "opskit.yaml"
    path.write_text(CONFIG)
    return path


def store_only(path: Path) -> AppContext:
    return AppContext(str(path), settings_only=True)


def test_after_a_validation_the_same_settings_come_without_the_schema(config: Path) -> None:
    whole = load(config).settings

    kept = settings.cached(config)

    assert kept == whole
    assert kept is not None and kept.state_dir == config.parent / "state"
    assert kept.history_db == config.parent / "state" / "history.sqlite"
    assert str(store_only(config).timezone) == "Asia/Makassar"
    assert "config" not in store_only(config).__dict__


def test_history_runs_without_importing_pydantic_once_the_config_was_validated(
    config: Path, tmp_path: Path
) -> None:
    script = (
        "import sys\nfrom opskit.cli import main\n"
        f"code = main(['--config', {str(config)!r}, 'history', '--format', 'json'])\n"
        "print(code, 'pydantic' in sys.modules, 'rich' in sys.modules, file=sys.stderr)\n"
    )

    def run() -> str:
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        )
        return done.stderr.strip().splitlines()[-1]

    assert run() == "0 True False"  # the first time, the whole config is validated
    assert run() == "0 False False"


def test_no_entry_means_the_whole_validation(config: Path) -> None:
    assert settings.cached(config) is None

    context = store_only(config)
    assert context.settings.language == "en"
    assert "config" in context.__dict__  # validated, and kept for the next command
    assert settings.cached(config) == context.settings


def test_a_changed_file_is_validated_again_with_the_same_message(config: Path, cli) -> None:
    load(config)
    config.write_text(CONFIG.replace("timezone: Asia/Makassar", "timezone: Asia/Nowhere"))

    assert settings.cached(config) is None
    with pytest.raises(ConfigError) as whole:
        load(config)
    run = cli("--config", config, "history")
    assert run.exit_code == 3
    assert run.stderr.splitlines()[0] == f"opskit: {whole.value.message}"
    assert "unknown time zone 'Asia/Nowhere'" in run.stderr


@pytest.mark.parametrize(
    "change",
    [
        {"HOOK_TOKEN": "Rahasia9TokenBaru"},  # a secret's value
        {"STATE_ROOT": "/srv/opskit"},  # a variable unset before, read through its default
    ],
    ids=["changed", "newly-set"],
)
def test_a_changed_variable_of_the_file_is_validated_again(
    config: Path, monkeypatch: pytest.MonkeyPatch, change: dict[str, str]
) -> None:
    load(config)
    for name, value in change.items():
        monkeypatch.setenv(name, value)

    assert settings.cached(config) is None
    assert store_only(config).settings == load(config).settings


def test_an_unset_variable_is_the_same_error_as_for_every_command(
    config: Path, monkeypatch: pytest.MonkeyPatch, cli
) -> None:
    load(config)
    monkeypatch.delenv("HOOK_TOKEN")

    run = cli("--config", config, "history")

    assert run.exit_code == 3
    assert "environment variable HOOK_TOKEN is not set" in run.stderr


def test_no_value_from_the_environment_is_on_disk(config: Path) -> None:
    load(config)

    [entry] = settings.directory().glob("*.json")
    text = entry.read_text()
    assert "Rahasia9Token" not in text
    assert "Rahasia9Token" not in entry.name
    assert json.loads(text)["variables"] == ["HOOK_TOKEN", "STATE_ROOT"]
    assert entry.stat().st_mode & 0o077 == 0
    assert settings.directory().stat().st_mode & 0o077 == 0


def test_a_hit_masks_the_secrets_the_validation_masked(config: Path) -> None:
    load(config)
    forget_secrets()
    assert mask("token Rahasia9Token") == "token Rahasia9Token"

    assert store_only(config).settings.language == "en"  # from the entry, not the schema

    assert "config" not in store_only(config).__dict__
    assert mask("token Rahasia9Token") == "token ***"
    assert mask("hook?token=Rahasia9Token") == "hook?token=***"
    [entry] = settings.directory().glob("*.json")
    assert json.loads(entry.read_text())["masks"] == [
        ["secret", "notifications.channels[0].url", CHANNEL_URL],
        ["url", "notifications.channels.chat.url", CHANNEL_URL],
    ]


def test_a_shared_store_is_found_as_validated_and_its_password_file_checked_again(
    tmp_path: Path,
) -> None:
    password = tmp_path / "store.password"
    password.write_text("Rahasia9Store\n")
    password.chmod(0o600)
    path = tmp_path / "opskit.yaml"
    path.write_text(
        "organisation: {name: Pengadilan Agama Uji, code: pa_uji, timezone: Asia/Makassar}\n"
        "store: {url: 'postgresql://opskit@db.example/opskit', "
        f"password_file: {password}}}\n"
    )
    whole = load(path)

    assert settings.cached(path) == whole.settings
    assert store_only(path).settings.store_location == whole.store_location
    assert whole.store_location.schema == "org_pa_uji"

    password.chmod(0o644)
    assert settings.cached(path) is None
    with pytest.raises(ConfigError) as refused:
        store_only(path).settings  # noqa: B018 - validated again, and refused
    assert "store.password_file" in " ".join(refused.value.details)


def test_the_same_bytes_elsewhere_resolve_their_own_paths(config: Path, tmp_path: Path) -> None:
    load(config)
    elsewhere = tmp_path / "lain" / "opskit.yaml"
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(config.read_bytes())

    assert settings.cached(elsewhere) is None
    assert store_only(elsewhere).settings.state_dir == elsewhere.parent / "state"


def test_another_opskit_version_validates_again(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load(config)
    monkeypatch.setattr(settings, "__version__", "99.0")

    assert settings.cached(config) is None


@pytest.mark.parametrize(
    "damage",
    ["{not json", '{"variables": []}', json.dumps({"variables": 5, "environment": ""})],
)
def test_a_damaged_entry_is_a_miss(config: Path, damage: str) -> None:
    load(config)
    [entry] = settings.directory().glob("*.json")
    entry.write_text(damage)

    assert settings.cached(config) is None
    assert store_only(config).settings.language == "en"


def test_a_zone_this_machine_does_not_know_is_a_miss(config: Path) -> None:
    load(config)
    [entry] = settings.directory().glob("*.json")
    kept = json.loads(entry.read_text())
    kept["settings"]["timezone"] = "Asia/Nowhere"
    entry.write_text(json.dumps(kept))

    assert settings.cached(config) is None


def test_the_kept_fields_hold_no_secret() -> None:
    kept = [(Organisation, "timezone"), (Organisation, "language")]
    kept += [(Paths, "state_dir"), (Paths, "history_db")]

    assert not [field for model, field in kept if field_extra(model, field).get("sensitive")]
