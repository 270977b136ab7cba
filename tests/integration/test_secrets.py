"""No secret value appears in config show, JSON output, logs or the history store."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from support.cli import run_opskit
from support.secrets import write_secret
from support.sshd import SshServer
from support.system import free_port

pytestmark = pytest.mark.integration

SSH_PASSWORD = "ssh-Password-from-ENV-4711"
SUDO_PASSWORD = "sudo-Password-from-FILE-0815"
RESTIC_PASSWORD = "restic-Password-from-FILE-9999"
TELEGRAM_TOKEN = "123456789:telegram-TOKEN-abcdef"
SECRETS = (SSH_PASSWORD, SUDO_PASSWORD, RESTIC_PASSWORD, TELEGRAM_TOKEN)


def test_secrets_never_leak(tmp_path: Path, sshd: SshServer) -> None:
    state = tmp_path / "state"
    config = tmp_path / "opskit.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "organisation": {"name": "PA Uji"},
                "paths": {"state_dir": str(state)},
                "notifications": {
                    "channels": [
                        {"name": "tg", "url": "tgram://${OPSKIT_TEST_TG_TOKEN}/-100200300"}
                    ]
                },
                "people": [{"name": "PJ", "roles": ["penanggung_jawab"], "notify": ["tg"]}],
                "hosts": [
                    sshd.host_entry(
                        "web1",
                        password_env="OPSKIT_TEST_SSH_PASSWORD",
                        sudo=True,
                        sudo_password_file=str(write_secret(tmp_path / "sudo.pass", SUDO_PASSWORD)),
                        description="token copy: ${OPSKIT_TEST_TG_TOKEN}",
                    ),
                ],
                "backup": {
                    "repositories": [
                        {
                            "name": "main",
                            "path": str(tmp_path / "repo"),
                            "password_file": str(
                                write_secret(tmp_path / "restic.pass", RESTIC_PASSWORD)
                            ),
                        }
                    ]
                },
            }
        )
    )
    env = {"OPSKIT_TEST_SSH_PASSWORD": SSH_PASSWORD, "OPSKIT_TEST_TG_TOKEN": TELEGRAM_TOKEN}
    common = ("--config", config, "-vv")

    runs = [
        run_opskit(*common, "config", "show", env=env),
        run_opskit(*common, "config", "show", "--format", "json", env=env),
        run_opskit(*common, "config", "validate", "--format", "json", env=env),
        run_opskit(*common, "hosts", "list", env=env),
        run_opskit(*common, "hosts", "trust", "web1", "--yes", env=env),
        run_opskit(*common, "hosts", "ping", "--format", "json", env=env),
        run_opskit(*common, "check", "host", "--format", "json", env=env),
        run_opskit(*common, "history", "--results", "--format", "json", env=env),
    ]

    shown = runs[0].stdout
    assert "tgram://***/-100200300" in shown
    assert "token copy: ***" in shown
    assert "password_env: OPSKIT_TEST_SSH_PASSWORD" in shown
    assert runs[5].json["results"], runs[5].stderr
    assert "DEBUG" in "".join(run.stderr for run in runs), "debug logging was on"
    for run in runs:
        for secret in SECRETS:
            assert secret not in run.stdout, f"{secret} leaked on stdout"
            assert secret not in run.stderr, f"{secret} leaked in logs"
    stored = b"".join(path.read_bytes() for path in state.rglob("*") if path.is_file())
    assert stored, "history was written"
    for secret in SECRETS:
        assert secret.encode() not in stored, f"{secret} leaked into the state directory"


LITERAL_TOKEN = "DiscordTok-LITERAL1234"
HOOK_TOKEN = "hookTOKEN-from-ENV-5150"


def test_tokens_inside_notification_urls_are_masked_even_in_debug_logs(tmp_path: Path) -> None:
    """Apprise logs the URLs it derives from a channel's URL: each token in it must be masked."""
    closed_port = free_port()  # nothing listens: the test delivery fails fast on loopback
    config = tmp_path / "opskit.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "organisation": {"name": "PA Uji"},
                "paths": {"state_dir": str(tmp_path / "state")},
                "notifications": {
                    "channels": [
                        {"name": "chat", "url": f"discord://4711/{LITERAL_TOKEN}"},
                        {"name": "hook", "url_env": "OPSKIT_TEST_HOOK_URL"},
                    ]
                },
                "people": [{"name": "Operator", "roles": ["operator"], "notify": ["hook"]}],
            }
        )
    )
    env = {"OPSKIT_TEST_HOOK_URL": f"json://127.0.0.1:{closed_port}/tg/{HOOK_TOKEN}"}
    common = ("--config", config, "-vv")

    validate = run_opskit(*common, "config", "validate", "--format", "json", env=env)
    runs = [
        validate,
        run_opskit(*common, "config", "show", env=env),
        run_opskit(*common, "config", "show", "--format", "json", env=env),
        run_opskit(*common, "notify", "test", "Operator", "--format", "json", env=env),
    ]

    warnings = [problem["message"] for problem in validate.json["data"]["problems"]]
    assert any("seems to hold a token written in the file" in message for message in warnings)
    assert "discord://4711/***" in runs[1].stdout
    assert runs[3].json["results"][0]["status"] == "CRITICAL"  # nothing listens
    assert "JSON POST URL" in runs[3].stderr, "Apprise's debug line with the derived URL"
    for run in runs:
        for secret in (LITERAL_TOKEN, HOOK_TOKEN):
            assert secret not in run.stdout, f"{secret} leaked on stdout"
            assert secret not in run.stderr, f"{secret} leaked in logs"
