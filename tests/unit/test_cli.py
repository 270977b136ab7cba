"""Exit codes and the JSON envelope for every status, usage errors, and help."""

from __future__ import annotations

import subprocess
import sys

import pytest

from support.limits import thresholds
from support.system import free_port


@pytest.mark.parametrize(
    ("limits", "status", "code"),
    [
        (thresholds(), "OK", 0),
        (thresholds(disk_warning_percent=0.1), "WARNING", 1),
        (thresholds(disk_warning_percent=0.1, disk_critical_percent=0.1), "CRITICAL", 2),
    ],
)
def test_check_exit_code_and_envelope_follow_the_worst_status(
    make_config, cli, limits, status, code
) -> None:
    config = make_config({"host_checks": limits})

    run = cli("--config", config, "check", "host", "--format", "json")

    assert run.exit_code == code
    document = run.json
    assert document["schema"] == "opskit/v1"
    assert (document["status"], document["exit_code"], document["command"]) == (
        status,
        code,
        "check host",
    )
    assert document["error"] is None
    assert isinstance(document["run_id"], int)
    disk = [result for result in document["results"] if result["check_id"] == "host.disk"]
    assert disk and all(result["status"] == status for result in disk)
    assert {
        "check_id",
        "target",
        "status",
        "summary",
        "evidence",
        "metrics",
        "remediation",
        "sop_row",
        "observed_at",
    } <= set(disk[0])
    assert disk[0]["sop_row"] == "C5"
    assert disk[0]["metrics"][0]["name"] == "disk_used_percent"


def test_unreachable_host_is_unknown_exit_3(make_config, cli) -> None:
    config = make_config(
        {
            "host_checks": thresholds(),
            "hosts": [
                {
                    "name": "gone",
                    "address": "127.0.0.1",
                    "port": free_port(),
                    "connect_timeout_seconds": 2,
                }
            ],
        }
    )

    run = cli("--config", config, "check", "host", "--format", "json")

    assert run.exit_code == 3
    assert run.json["status"] == "UNKNOWN"
    statuses = {
        result["target"]: result["status"]
        for result in run.json["results"]
        if result["check_id"] in ("host.ssh", "host.memory")
    }
    assert statuses == {"gone": "UNKNOWN", "local": "OK"}


def test_config_error_gives_an_error_envelope_and_exit_3(tmp_path, cli) -> None:
    config = tmp_path / "opskit.yaml"
    config.write_text("organisation: {name: A, colour: blue}\n")

    run = cli("--config", config, "check", "host", "--format", "json")

    assert run.exit_code == 3
    document = run.json
    assert (document["status"], document["exit_code"]) == ("UNKNOWN", 3)
    assert document["error"]["kind"] == "config"
    assert "organisation.colour: unknown key" in document["error"]["details"][0]
    assert document["results"] == []


def test_usage_error_is_one_line_exit_3(cli) -> None:
    run = cli("check", "hots")

    assert run.exit_code == 3
    # Other areas add their own check commands after 'host'.
    assert run.stderr.splitlines()[0].startswith(
        "opskit: argument COMMAND: invalid choice: 'hots' (choose from 'host'"
    )
    assert "see `opskit check --help`" in run.stderr


def test_usage_error_with_json_still_prints_an_envelope(cli) -> None:
    run = cli("history", "--limit", "0", "--format", "json")

    assert run.exit_code == 3
    assert run.json["error"]["kind"] == "usage"


def test_bare_command_and_groups_print_help(cli) -> None:
    bare = cli()
    group = cli("hosts")

    # Help is shown, but a missing command is never "OK" to a Nagios-style caller.
    assert bare.exit_code == 3 and "opskit demo" in bare.stdout
    assert group.exit_code == 3 and "trust" in group.stdout


def test_every_command_help_has_examples(cli) -> None:
    commands = [
        ["init"],
        ["demo"],
        ["paths"],
        ["check", "host"],
        ["check", "web"],
        ["hosts", "list"],
        ["hosts", "ping"],
        ["hosts", "trust"],
        ["history"],
        ["config", "validate"],
        ["config", "show"],
        ["backup", "init"],
        ["backup", "run"],
        ["backup", "snapshots"],
        ["backup", "restore"],
        ["backup", "prune"],
        ["backup", "verify"],
        ["backup", "unlock"],
        ["check", "backup"],
        ["logs", "analyze"],
        ["check", "logs"],
    ]
    for command in commands:
        with pytest.raises(SystemExit) as raised:
            cli(*command, "--help")
        assert raised.value.code == 0


def test_help_does_not_import_heavy_modules() -> None:
    code = (
        "import sys; from opskit.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "names = ('fabric', 'paramiko', 'pydantic', 'rich', 'yaml', 'boto3', 'requests',\n"
        "         'dns', 'OpenSSL', 'cryptography', 'bs4', 'whois', 'defusedxml', 'urllib3',\n"
        "         'bandit', 'invoke', 'botocore')\n"
        "names = ('fabric', 'paramiko', 'pydantic', 'rich', 'yaml', 'boto3', 'dns',"
        " 'multiprocessing')\n"
        "heavy = [m for m in names if m in sys.modules]\n"
        "print('heavy:' + ','.join(heavy))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    assert completed.stdout.strip().splitlines()[-1] == "heavy:"


def test_history_lists_runs_and_filters_results(make_config, cli) -> None:
    config = make_config({"host_checks": thresholds(disk_warning_percent=0.1)})
    cli("--config", config, "check", "host")
    cli("--config", config, "hosts", "ping")

    runs = cli("--config", config, "history", "--format", "json").json["data"]["runs"]
    warnings = cli("--config", config, "history", "--status", "warning", "--format", "json").json[
        "data"
    ]
    one_run = cli("--config", config, "history", str(runs[1]["id"]), "--format", "json").json[
        "data"
    ]
    by_prefix = cli(
        "--config", config, "history", "--check", "host", "--since", "1h", "--format", "json"
    )
    missing = cli("--config", config, "history", "999")

    assert [run["command"] for run in runs] == ["hosts ping", "check host"]
    assert runs[1]["counts"]["WARNING"] >= 1
    assert {result["check_id"] for result in warnings["results"]} == {"host.disk"}
    assert {result["check_id"] for result in one_run["results"]} == {
        "host.ssh",
        "host.disk",
        "host.memory",
        "host.load",
    }
    assert {result["check_id"] for result in by_prefix.json["data"]["results"]} == {
        "host.disk",
        "host.memory",
        "host.load",
        "host.ssh",
    }
    assert missing.exit_code == 3 and "no run 999" in missing.stderr


def test_human_output_is_plain_off_a_terminal(make_config, cli) -> None:
    config = make_config({"host_checks": thresholds()})

    run = cli("--config", config, "check", "host")

    assert "\x1b[" not in run.stdout
    assert "host.memory" in run.stdout
    assert "-> OK" in run.stdout


def every_command() -> list[list[str]]:
    """The words of every runnable command, walked from the grammar itself."""
    import argparse

    from opskit.grammar import build_parser

    found: list[list[str]] = []

    def walk(parser: argparse.ArgumentParser, words: list[str]) -> None:
        actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not actions:
            found.append(words)
        for action in actions:
            for name, child in action.choices.items():
                walk(child, [*words, name])

    walk(build_parser(), [])
    return found


def test_every_help_reads_as_written_and_every_usage_error_points_to_its_command(
    cli, capsys: pytest.CaptureFixture[str]
) -> None:
    commands = every_command()
    assert ["check", "host"] in commands and len(commands) > 40
    for words in commands:
        with pytest.raises(SystemExit):
            cli(*words, "--help")
        shown = capsys.readouterr().out
        assert "%%" not in shown, f"opskit {' '.join(words)} --help shows %%"
        wrong = cli(*words, "--no-such-option")
        assert wrong.exit_code == 3
        assert f"see `opskit {' '.join(words)} --help`" in wrong.stderr, (words, wrong.stderr)
