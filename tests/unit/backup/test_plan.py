"""The backup plan: the config's sets and repositories as plain data, kept and read back whole,
anything else refused; and the config loading beside the work, its error kept for later."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from opskit.backup import plan as plans
from opskit.backup.repository import open_access
from opskit.config.load import load
from opskit.context import AppContext
from opskit.errors import ConfigError
from support.system import require


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """Sets here and on an SSH host, with a database; local, S3 and SFTP repositories."""
    for name in ("password", "key-id", "secret-key"):
        secret = tmp_path / name
        secret.write_text(f"{name}-value\n")
        secret.chmod(0o600)
    path = tmp_path / "opskit.yaml"
    path.write_text(
        f"""\
organisation: {{name: Pengadilan Agama Uji}}
paths: {{state_dir: {tmp_path / "state"}}}
hosts:
  - {{name: web, address: 192.0.2.10, user: backup}}
backup:
  restic: /usr/bin/restic
  lock_wait_seconds: 5
  repositories:
    - {{name: lokal, path: {tmp_path / "repo"}, password_file: password}}
    - name: awan
      type: s3
      endpoint: http://127.0.0.1:9000
      bucket: cadangan
      prefix: pa
      password_env: AWAN_PASSWORD
      access_key_id_file: key-id
      secret_access_key_file: secret-key
    - {{name: jauh, type: sftp, host: web, remote_path: /srv/restic, password_file: password}}
    - {{name: salah, type: sftp, host: local, remote_path: /srv/restic, password_file: password}}
  sets:
    - name: situs
      paths: [{tmp_path / "www"}]
      exclude: ["*.tmp"]
      repositories: [lokal, awan, jauh]
    - name: basis
      host: web
      databases: [{{name: perkara, database: sipp, password_file: password}}]
      repositories: [awan]
"""
    )
    return path


def test_the_plan_holds_what_restic_is_given_and_reads_back_whole(config: Path) -> None:
    plan = plans.plan_for(load(config))

    assert (plan.restic, plan.lock_wait_seconds) == ("/usr/bin/restic", 5.0)
    assert plan.lock_path("situs") == config.parent / "state" / "locks" / "backup-situs.lock"
    situs, basis = plan.sets
    assert (situs.local, situs.exclude, situs.repositories) == (
        True,
        ("*.tmp",),
        ("lokal", "awan", "jauh"),
    )
    assert (basis.host, basis.local, basis.databases) == ("web", False, ("perkara",))
    awan = plan.repository("awan")
    assert (awan.url, awan.location) == ("s3:http://127.0.0.1:9000/cadangan/pa", awan.location)
    assert awan.options == ("-o", "s3.region=us-east-1") and awan.password_env == "AWAN_PASSWORD"
    jauh = plan.repository("jauh")
    assert jauh.url == "sftp:backup@192.0.2.10:/srv/restic"
    assert "StrictHostKeyChecking=yes" in jauh.options[1]
    assert plan.repository("salah").unusable == (
        "backup.repositories.salah: host 'local' is not an SSH host"
    )
    assert plans.decode(plans.encode(plan)) == plan
    assert b"-value" not in plans.encode(plan), "secrets are named, never held"


def test_a_repository_restic_cannot_reach_fails_when_opened_as_before(config: Path) -> None:
    plan = plans.plan_for(load(config))

    with (
        pytest.raises(ConfigError) as raised,
        open_access(plan.repository("salah"), require("restic", "restic"), "/tmp"),
    ):
        pass

    assert raised.value.message == "backup.repositories.salah: host 'local' is not an SSH host"


@pytest.mark.parametrize(
    "change",
    [
        lambda data: data.pop("sets"),
        lambda data: data.update(restic=7),
        lambda data: data.update(lock_wait_seconds=True),
        lambda data: data["sets"][0].update(local="yes"),
        lambda data: data["sets"][0].update(paths="/srv"),
        lambda data: data["repositories"][0].update(extra=1),
        lambda data: data["repositories"][0].pop("unusable"),
        lambda data: data["repositories"][0].update(password_file=["/etc/passwd"]),
    ],
    ids=[
        "no-sets",
        "program-not-text",
        "wait-not-a-number",
        "local-not-a-flag",
        "paths-not-a-list",
        "repository-with-more",
        "repository-with-less",
        "path-not-text",
    ],
)
def test_anything_but_a_plan_is_refused(config: Path, change: object) -> None:
    data = json.loads(plans.encode(plans.plan_for(load(config))))
    change(data)  # type: ignore[operator]

    with pytest.raises((ValueError, KeyError, TypeError)):
        plans.decode(json.dumps(data).encode())


def test_a_deferred_config_gives_the_settings_of_its_last_validation(config: Path) -> None:
    load(config)  # validated once, as by an earlier command
    context = AppContext(str(config))

    context.defer_config()

    assert context.settings.organisation == "Pengadilan Agama Uji"
    assert context.settings.delivery_retry_hours == 72
    assert not context.config_known()
    assert context.config.organisation.name == "Pengadilan Agama Uji"  # loaded when asked for
    assert context.config_known()
