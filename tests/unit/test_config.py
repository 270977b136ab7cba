"""Configuration: every error at once with its path and line, secret references, init."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from opskit.config.load import load, validate_file
from opskit.errors import ConfigError

BROKEN = """\
organisation:
  name: Pengadilan Agama Uji
  timezone: Asia/Nowhere
hosts:
  - name: web1
    adress: 10.0.0.5
  - name: db1
    address: 10.0.0.6
    port: 70000
sites:
  - name: website
    url: not-a-url
    host: web9
"""


def test_five_errors_are_reported_at_once_with_paths_and_lines(tmp_path: Path) -> None:
    path = tmp_path / "opskit.yaml"
    path.write_text(BROKEN)

    validation = validate_file(path)

    found = {(problem.path, problem.line): problem.message for problem in validation.errors}
    assert len(validation.errors) == 5, found
    assert "unknown time zone 'Asia/Nowhere'" in found[("organisation.timezone", 3)]
    assert "unknown key (did you mean 'address'?" in found[("hosts[0].adress", 6)]
    assert "less than or equal to 65535" in found[("hosts[1].port", 9)]
    assert "not a valid http(s) URL" in found[("sites[0].url", 12)]
    assert "host 'web9' does not exist" in found[("sites[0].host", 13)]
    assert validation.config is None


def test_cli_validate_lists_every_error_and_exits_3(tmp_path: Path, cli) -> None:
    path = tmp_path / "opskit.yaml"
    path.write_text(BROKEN)

    run = cli("--config", path, "config", "validate")

    assert run.exit_code == 3
    for fragment in (
        f"{path}:3: organisation.timezone:",
        f"{path}:6: hosts[0].adress:",
        f"{path}:9: hosts[1].port:",
        f"{path}:12: sites[0].url:",
        f"{path}:13: sites[0].host:",
    ):
        assert fragment in run.stdout
    assert "5 errors" in run.stdout
    assert "Traceback" not in run.stdout + run.stderr


def test_other_commands_refuse_an_invalid_config_with_one_message(tmp_path: Path, cli) -> None:
    path = tmp_path / "opskit.yaml"
    path.write_text(BROKEN)

    run = cli("--config", path, "hosts", "list")

    assert run.exit_code == 3
    assert run.stdout == ""
    assert run.stderr.startswith(f"opskit: {path}: 5 errors in configuration")
    assert "Traceback" not in run.stderr


def test_yaml_syntax_error_names_the_line(tmp_path: Path, cli) -> None:
    path = tmp_path / "opskit.yaml"
    path.write_text("organisation:\n  name: [unclosed\nhosts: []\n")

    run = cli("--config", path, "config", "validate", "--format", "json")

    assert run.exit_code == 3
    [problem] = run.json["data"]["problems"]
    assert problem["line"] == 3
    assert "not valid YAML" in problem["message"]


def test_duplicate_keys_and_names_are_errors(make_config, tmp_path: Path) -> None:
    path = tmp_path / "opskit.yaml"
    path.write_text(
        "organisation:\n  name: A\n  name: B\n"
        "hosts:\n  - {name: web1, address: a}\n  - {name: web1, address: b}\n"
    )

    messages = {problem.path: problem.message for problem in validate_file(path).errors}

    assert messages["organisation.name"] == "duplicate key"
    assert messages["hosts[1].name"] == "duplicate name 'web1'"


def test_missing_config_says_where_it_looked(cli) -> None:
    run = cli("hosts", "list")

    assert run.exit_code == 3
    assert "no opskit.yaml found; run `opskit init`" in run.stderr
    assert "opskit.yaml (current directory)" in run.stderr


def test_config_is_found_through_the_environment(make_config, cli, monkeypatch) -> None:
    path = make_config()
    monkeypatch.setenv("OPSKIT_CONFIG", str(path))

    run = cli("hosts", "list", "--format", "json")

    assert run.exit_code == 0
    assert [host["name"] for host in run.json["data"]["hosts"]] == ["local"]


def test_relative_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    path = tmp_path / "conf" / "opskit.yaml"
    path.parent.mkdir()
    path.write_text("organisation: {name: A}\npaths: {state_dir: state}\n")

    assert load(path).state_dir == tmp_path / "conf" / "state"


def test_secret_file_with_open_mode_is_refused(make_config, tmp_path: Path) -> None:
    secret = tmp_path / "restic.pass"
    secret.write_text("hunter2-long-password\n")
    secret.chmod(0o644)
    path = make_config(
        {
            "backup": {
                "repositories": [
                    {"name": "local", "path": str(tmp_path / "repo"), "password_file": str(secret)}
                ]
            }
        }
    )

    with pytest.raises(ConfigError) as raised:
        load(path)

    detail = " ".join(raised.value.details)
    assert "backup.repositories[0].password_file" in detail
    assert "mode 0644; it must be 0600 or stricter (run: chmod 600" in detail
    assert "hunter2" not in detail


def test_secret_file_with_mode_0400_is_accepted(make_config, tmp_path: Path) -> None:
    secret = tmp_path / "restic.pass"
    secret.write_text("hunter2-long-password\n")
    secret.chmod(0o400)
    path = make_config(
        {
            "backup": {
                "repositories": [{"name": "local", "path": "repo", "password_file": str(secret)}]
            }
        }
    )

    assert load(path).backup.repositories[0].password_file == secret


def test_missing_secret_file_is_an_error(make_config, tmp_path: Path) -> None:
    path = make_config(
        {"hosts": [{"name": "web1", "address": "a", "password_file": str(tmp_path / "missing")}]}
    )

    [problem] = validate_file(path).errors

    assert problem.path == "hosts[0].password_file"
    assert problem.message == f"secret file {tmp_path / 'missing'} does not exist"


def test_empty_secret_file_is_an_error(make_config, tmp_path: Path) -> None:
    empty = tmp_path / "password"
    empty.touch(mode=0o600)
    path = make_config({"hosts": [{"name": "web1", "address": "a", "password_file": str(empty)}]})

    [problem] = validate_file(path).errors

    assert problem.path == "hosts[0].password_file"
    assert problem.message == f"secret file {empty} is empty"


def test_a_config_that_is_not_utf8_names_the_line(tmp_path: Path, cli) -> None:
    path = tmp_path / "opskit.yaml"
    path.write_bytes(
        b"organisation:\n  name: Pengadilan Agama Penajam\n" + b"  short_name: PA P\xe9najam\n"
    )

    run = cli("--config", path, "config", "validate")

    assert run.exit_code == 3
    assert f"{path}:3: not UTF-8 text (byte 0xe9); save the file as UTF-8" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_directory_given_as_the_config_is_named_as_such(tmp_path: Path, cli) -> None:
    run = cli("--config", tmp_path, "config", "validate")

    assert run.exit_code == 3
    assert f"config file {tmp_path} is a directory; give the YAML file in it" in run.stderr


def test_a_boolean_is_not_a_port(make_config) -> None:
    path = make_config({"hosts": [{"name": "web1", "address": "127.0.0.1", "port": True}]})

    [problem] = validate_file(path).errors

    assert problem.path == "hosts[0].port"
    assert problem.message == "a port number is needed, not true/false"


def test_secret_references_must_not_be_doubled(make_config, tmp_path: Path) -> None:
    secret = tmp_path / "password"
    secret.write_text("long-enough-password")
    secret.chmod(0o600)
    path = make_config(
        {
            "hosts": [
                {"name": "web1", "address": "a", "password_env": "A", "password_file": str(secret)}
            ]
        }
    )

    [problem] = validate_file(path).errors

    assert problem.path == "hosts[0]"
    assert problem.message == "give either password_file or password_env, not both"


def test_unset_interpolation_variable_is_an_error_with_its_path(make_config) -> None:
    path = make_config({"sites": [{"name": "site", "url": "https://${OPSKIT_TEST_UNSET_HOST}/"}]})

    [problem] = validate_file(path).errors[:1]

    assert problem.path == "sites[0].url"
    assert "OPSKIT_TEST_UNSET_HOST is not set" in problem.message


def test_interpolation_default_and_escape(make_config, monkeypatch) -> None:
    monkeypatch.setenv("OPSKIT_TEST_HOST", "www.example.go.id")
    path = make_config(
        {
            "sites": [
                {"name": "a", "url": "https://${OPSKIT_TEST_HOST}/"},
                {"name": "b", "url": "https://${OPSKIT_TEST_NONE:-b.example.go.id}/"},
            ],
            "organisation": {"name": "Costs $${NOT_A_VAR}"},
        }
    )

    config = load(path)

    assert [site.url for site in config.sites] == [
        "https://www.example.go.id/",
        "https://b.example.go.id/",
    ]
    assert config.organisation.name == "Costs ${NOT_A_VAR}"


def test_literal_password_in_a_url_is_refused(make_config) -> None:
    path = make_config(
        {"sites": [{"name": "a", "url": "https://admin:s3cret-pass@example.go.id/"}]}
    )

    [problem] = validate_file(path).errors

    assert "use ${VAR} interpolation" in problem.message


def test_empty_section_means_defaults(tmp_path: Path) -> None:
    path = tmp_path / "opskit.yaml"
    path.write_text("organisation:\n  name: A\nsecurity:\nhost_checks:\nsites:\n")

    config = load(path)

    assert config.sites == []
    assert config.host_checks_for(config.inventory()["local"]).disk_warning_percent == 80


def test_host_thresholds_override_global_ones(make_config) -> None:
    path = make_config(
        {
            "host_checks": {"disk_warning_percent": 70},
            "hosts": [
                {"name": "web1", "address": "a", "host_checks": {"disk_critical_percent": 95}}
            ],
        }
    )

    config = load(path)
    limits = config.host_checks_for(config.inventory()["web1"])

    assert (
        limits.disk_warning_percent,
        limits.disk_critical_percent,
        limits.memory_warning_percent,
    ) == (70, 95, 90)


def test_init_writes_a_valid_commented_sample_with_mode_0600(cli, tmp_path: Path) -> None:
    target = tmp_path / "etc" / "opskit.yaml"

    run = cli("init", "--config", target)

    assert run.exit_code == 0, run.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    text = target.read_text()
    assert "# Full name of the organisation, printed on every report." in text
    assert "#   address: 203.0.113.10" in text
    validation = validate_file(target)
    assert validation.errors == []


def test_init_refuses_to_overwrite_without_force(cli, tmp_path: Path) -> None:
    target = tmp_path / "opskit.yaml"
    target.write_text("mine\n")

    refused = cli("init", "--config", target)
    forced = cli("init", "--config", target, "--force")

    assert refused.exit_code == 3
    assert "already exists; add --force" in refused.stderr
    assert forced.exit_code == 0
    assert "organisation:" in target.read_text()


def test_init_defaults_to_the_user_config_directory(cli, isolated: Path) -> None:
    run = cli("init")

    expected = isolated / ".config" / "opskit" / "opskit.yaml"
    assert run.exit_code == 0
    assert expected.is_file()
    assert cli("config", "validate").exit_code == 0


def test_site_thresholds_in_the_wrong_order_are_reported_with_their_path(make_config) -> None:
    from opskit.config.load import validate_file

    path = make_config(
        {
            "sites": [
                {
                    "name": "pa",
                    "url": "https://www.pa-uji.go.id/",
                    "tls_warning_days": 5,
                    "tls_critical_days": 10,
                    "response_warning_ms": 3000,
                    "response_critical_ms": 1000,
                }
            ]
        }
    )

    messages = {problem.path: problem.message for problem in validate_file(path).errors}

    assert "must be at or below tls_warning_days" in messages["sites[0].tls_critical_days"]
    assert "must be at or above response_warning_ms" in messages["sites[0].response_critical_ms"]


def test_a_site_with_only_a_url_gets_sensible_monitoring_defaults(make_config) -> None:
    from opskit.config.load import load

    config = load(make_config({"sites": [{"name": "pa", "url": "https://www.pa-uji.go.id/"}]}))
    [site] = config.sites

    assert site.expected_status == [200]
    assert (site.tls_warning_days, site.tls_critical_days) == (21, 7)
    assert site.failures_before_critical == 2
    assert config.web.rdap_bootstrap_url == "https://data.iana.org/rdap/dns.json"
    assert config.web.domain_sources == ["rdap", "whois"]


def test_uat_reviewer_and_approver_roles_must_differ_and_warnings_follow_the_approver_role(
    make_config,
) -> None:
    same = validate_file(make_config({"uat": {"reviewer_role": "ketua"}}))
    moved = validate_file(
        make_config(
            {"uat": {"approver_role": "sekretaris"}, "people": [{"name": "K", "roles": ["ketua"]}]}
        )
    )

    [error] = same.errors
    assert (error.path, error.message.split(":")[0]) == (
        "uat.reviewer_role",
        "must differ from approver_role",
    )
    assert error.line is not None
    assert not moved.errors
    assert [item.message for item in moved.warnings if "sekretaris" in item.message] == [
        "nobody has the role sekretaris; nobody can approve a UAT run"
    ]
    no_people = validate_file(make_config({}))
    assert "nobody has the role penanggung_jawab; incident reports have no recipient" in [
        item.message for item in no_people.warnings
    ]


def test_inverted_host_thresholds_are_errors(make_config) -> None:
    path = make_config(
        {
            "host_checks": {"disk_warning_percent": 30, "disk_critical_percent": 10},
            "hosts": [
                {"name": "web1", "address": "a", "host_checks": {"memory_critical_percent": 50}}
            ],
        }
    )

    messages = {problem.path: problem.message for problem in validate_file(path).errors}

    assert messages["host_checks.disk_critical_percent"] == (
        "disk_critical_percent (10) must be at or above disk_warning_percent (30)"
    )
    assert (
        "memory_critical_percent (50) must be at or above memory_warning_percent (90)"
        in messages["hosts[0].host_checks.memory_critical_percent"]
    )


def test_a_password_written_in_a_channel_url_is_refused(make_config, monkeypatch) -> None:
    monkeypatch.setenv("OPSKIT_TEST_SMTP", "from-the-environment")
    path = make_config(
        {
            "notifications": {
                "channels": [
                    {
                        "name": "mail",
                        "url": "mailto://opskit:RahasiaSekali@127.0.0.1:25?from=o@a.go.id",
                    },
                    {
                        "name": "ok",
                        "url": "mailto://opskit:${OPSKIT_TEST_SMTP}@127.0.0.1:25?from=o@a.go.id",
                    },
                ]
            }
        }
    )

    [problem] = validate_file(path).errors

    assert problem.path == "notifications.channels[0].url"
    assert "use ${VAR}" in problem.message and "RahasiaSekali" not in problem.message


def test_warnings_for_documents_reaching_nobody_and_window_typos(make_config) -> None:
    path = make_config(
        {
            "people": [
                {"name": "PJ", "roles": ["penanggung_jawab"], "notify": ["mail"]},
                {"name": "Sek", "roles": ["sekretaris"]},
            ],
            "notifications": {"channels": [{"name": "mail", "url": "json://127.0.0.1:9/hook"}]},
            "sites": [{"name": "website", "url": "https://www.pengadilan.example/"}],
            "schedule": {
                "maintenance_windows": [
                    {
                        "name": "x",
                        "start": "2026-12-01T20:00",
                        "end": "2026-12-01T21:00",
                        "targets": ["websitee", "local:*", "website"],
                    }
                ]
            },
        }
    )

    validation = validate_file(path)
    warnings = {problem.path: problem.message for problem in validation.warnings}

    assert validation.errors == []
    assert "recap documents reach nobody" in warnings["notifications.routes.recap"]
    assert "notifications.routes.incident" not in warnings
    assert "did you mean 'website'?" in warnings["schedule.maintenance_windows[0].targets[0]"]
    assert "schedule.maintenance_windows[0].targets[1]" not in warnings


def test_job_commands_that_opskit_run_cannot_run_as_written_are_errors(make_config) -> None:
    jobs = [
        {"name": "a", "cron": "0 0 * * *", "run": "--config /etc/passwd check host"},
        {"name": "b", "cron": "0 0 * * *", "run": "check host --format=human"},
        {"name": "c", "cron": "0 0 * * *", "run": "init"},
        {"name": "d", "cron": "0 0 * * *", "run": "check hosts"},
        {"name": "e", "cron": "0 0 * * *", "run": "check host"},
    ]
    path = make_config({"schedule": {"jobs": jobs}})

    errors = {problem.path: problem.message for problem in validate_file(path).errors}

    assert errors["schedule.jobs[0].run"].endswith("not an option")
    assert errors["schedule.jobs[1].run"].startswith("--format is set by opskit run itself")
    assert errors["schedule.jobs[2].run"] == "'init' cannot be a scheduled job"
    assert errors["schedule.jobs[3].run"].startswith("not an opskit command")
    assert "schedule.jobs[4].run" not in errors


def test_validate_warns_of_each_secret_variable_unset_in_this_shell(
    make_config, monkeypatch
) -> None:
    monkeypatch.setenv("OPSKIT_SET_HERE", "x")
    monkeypatch.delenv("OPSKIT_UNSET_A", raising=False)
    monkeypatch.delenv("OPSKIT_UNSET_B", raising=False)
    path = make_config(
        {
            "hosts": [{"name": "web1", "address": "10.0.0.5", "password_env": "OPSKIT_UNSET_A"}],
            "notifications": {"channels": [{"name": "chat", "url_env": "OPSKIT_SET_HERE"}]},
            "backup": {
                "repositories": [
                    {"name": "offsite", "type": "s3", "endpoint": "https://s3.example",
                     "bucket": "pa-uji-backup", "access_key_id_env": "OPSKIT_UNSET_B",
                     "secret_access_key_env": "OPSKIT_SET_HERE",
                     "password_env": "OPSKIT_SET_HERE"}
                ]
            },
            "sites": [{"name": f"site{index}", "url": f"https://s{index}.example/"}
                      for index in range(50)],
        }
    )  # fmt: skip

    validation = validate_file(path)
    warnings = {problem.path: problem.message for problem in validation.warnings}

    assert not validation.errors
    assert warnings["hosts[0].password_env"] == (
        "environment variable OPSKIT_UNSET_A is not set in this shell"
    )
    assert "OPSKIT_UNSET_B" in warnings["backup.repositories[0].access_key_id_env"]
    assert not [
        path for path in warnings if path.endswith("_env") and "UNSET" not in warnings[path]
    ]


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ({}, "give either pkcs12_file or pkcs11_module"),
        (
            {"pkcs12_file": "ketua.p12", "pkcs11_module": "/usr/lib/softhsm/libsofthsm2.so"},
            "give either pkcs12_file or pkcs11_module",
        ),
        (
            {"pkcs11_module": "/usr/lib/softhsm/libsofthsm2.so", "token_label": "KETUA"},
            "a key on a token needs token_label and key_label",
        ),
        ({"pkcs12_file": "ketua.p12", "key_label": "ketua"}, "for a key on a token"),
    ],
    ids=["neither", "both", "token-without-key-label", "labels-without-token"],
)
def test_a_signing_key_is_a_pkcs12_file_or_a_key_on_a_token(
    tmp_path: Path, key: dict[str, str], expected: str
) -> None:
    secret = tmp_path / "ketua.password"
    secret.write_text("rahasia\n")
    secret.chmod(0o600)
    (tmp_path / "ketua.p12").write_bytes(b"not read: the config is refused first")
    (tmp_path / "ketua.p12").chmod(0o600)
    path = tmp_path / "opskit.yaml"
    path.write_text(
        "organisation: {name: Pengadilan Agama Uji}\npeople:\n"
        "  - name: Ahmad Fauzi\n    roles: [ketua]\n    login: ahmad\n    signing:\n"
        + "".join(f"      {name}: {value}\n" for name, value in key.items())
        + f"      password_file: {secret}\n"
    )

    validation = validate_file(path)

    messages = [(problem.path, problem.message) for problem in validation.errors]
    assert any(
        where == "people[0].signing" and expected in message for where, message in messages
    ), messages
