"""The backup section of the config: repository kinds, sets, and cross-field rules."""

from __future__ import annotations

from pathlib import Path

from opskit.config.load import validate_file


def problems(make_config, backup: dict, hosts: list | None = None) -> list[str]:
    path: Path = make_config({"backup": backup, "hosts": hosts or []})
    return [problem.render("") for problem in validate_file(path).errors]


def secret(tmp_path: Path) -> str:
    path = tmp_path / "pw"
    path.write_text("password-value\n")
    path.chmod(0o600)
    return str(path)


def test_each_repository_type_needs_its_own_keys(make_config, tmp_path: Path) -> None:
    found = problems(
        make_config,
        {
            "repositories": [
                {"name": "a", "password_file": secret(tmp_path)},
                {
                    "name": "b",
                    "type": "s3",
                    "endpoint": "https://s3.example",
                    "password_file": secret(tmp_path),
                },
                {
                    "name": "c",
                    "type": "s3",
                    "endpoint": "https://s3.example",
                    "bucket": "good-bucket",
                    "password_file": secret(tmp_path),
                },
                {
                    "name": "d",
                    "type": "sftp",
                    "host": "nas",
                    "remote_path": "/r",
                    "password_env": "X",
                },
            ]
        },
    )

    text = "\n".join(found)
    assert "backup.repositories[0]: a local repository needs path" in text
    assert "backup.repositories[1]: a s3 repository needs bucket" in text
    assert "backup.repositories[2]: access_key_id_file or access_key_id_env is required" in text
    assert "backup.repositories[3].host: host 'nas' does not exist" in text


def test_sets_need_absolute_paths_or_databases_and_unique_dump_names(
    make_config, tmp_path: Path
) -> None:
    found = problems(
        make_config,
        {
            "repositories": [{"name": "local", "path": "repo", "password_file": secret(tmp_path)}],
            "sets": [
                {"name": "empty", "repositories": ["local"]},
                {"name": "relative", "paths": ["var/www"], "repositories": ["local"]},
                {
                    "name": "dbs",
                    "databases": [
                        {"name": "site", "database": "a"},
                        {"name": "site", "database": "b"},
                    ],
                    "repositories": ["locl"],
                },
            ],
        },
    )

    text = "\n".join(found)
    assert "backup.sets[0]: a backup set needs paths or databases" in text
    assert "backup.sets[1]: backup paths must be absolute" in text
    assert "backup.sets[2].databases[1].name: duplicate name 'site'" in text
    assert (
        "backup.sets[2].repositories[0]: repository 'locl' does not exist (did you mean 'local'?)"
        in text
    )


def test_a_local_repository_inside_a_path_its_set_backs_up_is_refused(
    make_config, tmp_path: Path
) -> None:
    password = secret(tmp_path)
    found = problems(
        make_config,
        {
            "repositories": [
                {"name": name, "path": path, "password_file": password}
                for name, path in (
                    ("same", "/srv/www"),
                    ("below", "/srv/www/backup/restic/"),
                    ("excluded", "/srv/www/backup/restic"),
                    ("apart", "/srv/backup"),
                )
            ],
            "sets": [
                {"name": "site", "paths": ["/srv/www/"], "repositories": ["same", "below"]},
                {
                    "name": "kept-out",
                    "paths": ["/srv/www"],
                    "exclude": ["/srv/www/backup"],
                    "repositories": ["excluded", "apart"],
                },
            ],
        },
    )

    text = "\n".join(found)
    assert (
        "backup.sets[0].repositories[0]: repository 'same' at /srv/www is inside /srv/www, "
        "which this set backs up into it; choose a repository directory outside the set's paths"
    ) in text
    assert "backup.sets[0].repositories[1]: repository 'below' at /srv/www/backup/restic/" in text
    assert "sets[1]" not in text, text


def test_init_creates_the_default_repository_and_a_0600_password(
    cli, tmp_path: Path, isolated: Path
) -> None:
    target = tmp_path / "opskit.yaml"

    first = cli("init", "--config", target)
    password = isolated / ".local" / "state" / "opskit" / "backup" / "repository.password"
    kept = password.read_text()
    again = cli("init", "--config", target, "--force")

    assert first.exit_code == 0, first.stderr
    assert "created the local backup repository" in " ".join(first.stdout.split())
    assert password.stat().st_mode & 0o777 == 0o600 and len(kept.strip()) >= 32
    assert (password.parent / "repository" / "config").is_file()
    assert "already exists; left as it is" in " ".join(again.stdout.split())
    assert password.read_text() == kept, "an existing password is never replaced"
    assert validate_file(target).errors == []
    listed = cli("--config", target, "backup", "snapshots", "--format", "json")
    assert listed.exit_code == 3 and "no backup sets are configured" in listed.stderr
