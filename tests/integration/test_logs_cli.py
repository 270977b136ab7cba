"""`opskit logs analyze` with no config, and `opskit check logs` locally and over SSH."""

from __future__ import annotations

import gzip
import os
import subprocess
from pathlib import Path

import pytest

from support.logs import error_line, in_format, line
from support.sshd import SshServer

pytestmark = pytest.mark.integration

SECRETS = ("/.env", "/.git/config", "/backup.sql", "/config.php.bak")
ATTACK = "".join(line(i, path, status=404, client="45.1.2.3") for i, path in enumerate(SECRETS))
NORMAL = "".join(line(i, "/", client=f"198.51.100.{i}") for i in range(20))


def test_analyze_needs_no_config_and_prints_suggested_block_rules(cli, tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    log.write_text(NORMAL + ATTACK)

    human = cli("logs", "analyze", log)
    machine = cli("logs", "analyze", log, "--format", "json")

    assert human.exit_code == 1, human.stderr
    assert "iptables -I INPUT -s 45.1.2.3 -j DROP" in human.stdout
    assert "not applied" in human.stdout
    source = machine.json["data"]["sources"][0]
    assert source["offenders"][0]["client"] == "45.1.2.3"
    assert source["offenders"][0]["block_rules"]["nftables"].endswith("45.1.2.3 drop")
    assert machine.json["run_id"] is None
    assert {r["check_id"] for r in machine.json["results"]} == {
        "logs.activity",
        "logs.sensitive-files",
    }


def test_analyze_since_until_keeps_only_that_time(cli, tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    log.write_text(ATTACK + "".join(line(7200 + i, "/", client="198.51.100.1") for i in range(3)))

    run = cli(
        "logs", "analyze", log, "--since", "2024-05-06T09:00", "--timezone", "Asia/Makassar",
        "--format", "json",
    )  # fmt: skip

    summary = run.json["data"]["sources"][0]["summary"]
    assert run.exit_code == 0
    assert (summary["requests"], summary["outside_range"]) == (3, 4)


def test_check_logs_records_findings_and_reads_only_new_lines(
    make_config, cli, tmp_path: Path
) -> None:
    log = tmp_path / "access.log"
    log.write_text(NORMAL + ATTACK)
    config = make_config(
        {
            "sites": [
                {"name": "website", "url": "https://example.org/", "logs": [{"path": str(log)}]}
            ]
        }
    )

    first = cli("--config", config, "check", "logs", "--format", "json")
    second = cli("--config", config, "check", "logs", "--format", "json")
    with log.open("a") as stream:
        stream.write(line(100, "/", client="198.51.100.99"))
    third = cli("--config", config, "check", "logs", "--format", "json")
    history = cli("--config", config, "history", "--check", "logs", "--format", "json")

    assert first.exit_code == 1, first.stderr
    assert isinstance(first.json["run_id"], int)
    assert second.json["data"]["sources"][0]["summary"]["requests"] == 0
    assert second.exit_code == 0
    assert third.json["data"]["sources"][0]["summary"]["requests"] == 1
    recorded = {item["check_id"] for item in history.json["data"]["results"]}
    assert "logs.sensitive-files" in recorded and "logs.activity" in recorded


def test_check_logs_fetches_only_new_bytes_from_a_host_over_ssh(
    make_config, cli, tmp_path: Path, sshd: SshServer
) -> None:
    remote = tmp_path / "remote" / "access.log"
    remote.parent.mkdir()
    remote.write_text(NORMAL + ATTACK)
    config = make_config(
        {
            "hosts": [sshd.host_entry("web1")],
            "sites": [
                {
                    "name": "website",
                    "url": "https://example.org/",
                    "host": "web1",
                    "logs": [{"path": str(remote)}],
                }
            ],
        }
    )
    assert cli("--config", config, "hosts", "trust", "web1", "--yes").exit_code == 0

    first = cli("--config", config, "check", "logs", "--format", "json")
    with remote.open("a") as stream:
        stream.write(line(200, "/wp-login.php", client="198.51.100.7", method="POST"))
    second = cli("--config", config, "check", "logs", "--format", "json")

    assert first.exit_code == 1, first.stdout
    assert first.json["data"]["sources"][0]["target"] == f"website:web1:{remote}"
    assert first.json["data"]["sources"][0]["offenders"][0]["client"] == "45.1.2.3"
    assert second.json["data"]["sources"][0]["summary"]["requests"] == 1
    assert second.exit_code == 0


def test_unreadable_remote_log_is_unknown(make_config, cli, sshd: SshServer) -> None:
    config = make_config(
        {
            "hosts": [sshd.host_entry("web1")],
            "sites": [
                {"name": "website", "url": "https://example.org/", "host": "web1",
                 "logs": [{"path": "/nonexistent/access.log"}]}
            ],
        }
    )  # fmt: skip
    cli("--config", config, "hosts", "trust", "web1", "--yes")

    run = cli("--config", config, "check", "logs", "--format", "json")

    assert run.exit_code == 3
    assert run.json["results"][0]["check_id"] == "logs.activity"
    assert run.json["results"][0]["status"] == "UNKNOWN"


def truncated_gzip(tmp_path: Path, lines: int = 3000) -> tuple[Path, int]:
    """A .gz log cut in the middle, and how many whole lines gzip can still recover from it."""
    text = "".join(line(i, f"/p{i % 50}", client=f"198.51.100.{i % 200}") for i in range(lines))
    whole = gzip.compress(text.encode())
    damaged = tmp_path / "access.log.gz"
    damaged.write_bytes(whole[: len(whole) // 2])
    recovered = subprocess.run(["gzip", "-dc", str(damaged)], capture_output=True, check=False)
    return damaged, recovered.stdout.count(b"\n")


def test_a_truncated_gzip_log_is_analysed_as_far_as_it_goes_and_is_not_ok(
    make_config, cli, tmp_path: Path
) -> None:
    damaged, recoverable = truncated_gzip(tmp_path)
    site = {"name": "website", "url": "https://example.org/", "logs": [{"path": str(damaged)}]}
    config = make_config({"sites": [site]})

    analyzed = cli("logs", "analyze", damaged, "--format", "json")
    checked = cli("--config", config, "check", "logs", "--format", "json")

    for run in (analyzed, checked):
        activity = run.json["results"][0]
        assert run.exit_code == 1, run.stdout
        assert activity["status"] == "WARNING"
        assert f"{damaged}: truncated or corrupt gzip data" in activity["summary"]
        assert run.json["data"]["sources"][0]["summary"]["requests"] == recoverable > 1000


def test_a_plain_file_named_gz_is_refused_naming_the_file_and_the_reason(
    cli, tmp_path: Path
) -> None:
    plain = tmp_path / "access.log.1.gz"
    plain.write_text(NORMAL)

    run = cli("logs", "analyze", plain, "--format", "json")

    assert run.exit_code == 3
    assert run.json["error"]["message"] == f"cannot read {plain}: Not a gzipped file (b'19')"


def test_a_directory_named_as_a_log_file_is_said_to_be_a_directory(cli, tmp_path: Path) -> None:
    directory = tmp_path / "access.log"
    directory.mkdir()

    run = cli("logs", "analyze", directory)

    assert run.exit_code == 3
    assert f"{directory}: a directory, not a log file" in run.stderr


def test_a_named_pipe_or_a_device_is_refused_for_what_it_is(cli, tmp_path: Path) -> None:
    fifo = tmp_path / "access.log"
    os.mkfifo(fifo)

    run = cli("logs", "analyze", fifo, "/dev/zero")

    assert run.exit_code == 3
    assert f"{fifo}: a named pipe (FIFO), not a log file" in run.stderr
    assert "/dev/zero: a character device, not a log file" in run.stderr
    assert "no such log file" not in run.stderr


@pytest.mark.timeout(120)
@pytest.mark.parametrize("where", ["local", "web1"])
def test_check_logs_names_a_named_pipe_instead_of_waiting_on_it(
    make_config, cli, tmp_path: Path, sshd: SshServer, where: str
) -> None:
    fifo = tmp_path / "access.log"
    os.mkfifo(fifo)
    config = make_config(
        {
            "hosts": [sshd.host_entry("web1")],
            "sites": [
                {"name": "website", "url": "https://example.org/", "host": where,
                 "logs": [{"path": str(fifo)}]}
            ],
        }
    )  # fmt: skip
    cli("--config", config, "hosts", "trust", "web1", "--yes")

    run = cli("--config", config, "check", "logs", "--format", "json")

    [result] = run.json["results"]
    assert result["status"] == "UNKNOWN"
    assert f"{fifo} is a named pipe" in result["summary"] and "not a log file" in result["summary"]


def test_lines_outside_the_time_range_are_said_to_be_so_not_unreadable(cli, tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    log.write_text(NORMAL)

    before = cli("logs", "analyze", log, "--until", "2020-01-01", "--format", "json")
    backwards = cli("logs", "analyze", log, "--since", "2024-06-01", "--until", "2024-01-01")

    activity = before.json["results"][0]
    assert before.exit_code == 0, before.stdout
    assert activity["status"] == "OK"
    assert activity["summary"].endswith("all 20 lines were outside the requested time range")
    assert backwards.exit_code == 3
    assert "--since 2024-06-01 is not before --until 2024-01-01" in backwards.stderr


def test_a_resolver_that_is_not_an_ip_address_is_refused_before_any_lookup(
    make_config, cli, tmp_path: Path
) -> None:
    log = tmp_path / "access.log"
    log.write_text(NORMAL + ATTACK)
    site = {
        "name": "website",
        "url": "https://example.org/",
        "logs": [{"path": str(log)}],
        "dns": {"authoritative": ["ns1.example.org"]},
    }
    config = make_config(
        {
            "sites": [site],
            "logs": {"verify_crawlers": True, "resolver": {"nameservers": ["notanip"]}},
            "web": {"dns_resolvers": ["192.0.2.53:5353", "resolver.example"]},
        }
    )

    option = cli("logs", "analyze", log, "--verify-crawlers", "--resolver", "notanip")
    validated = cli("--config", config, "config", "validate", "--format", "json")
    checked = cli("--config", config, "check", "logs")

    assert option.exit_code == 3
    assert "--resolver: 'notanip' is not an IP address" in option.stderr
    problems = {item["path"]: item["message"] for item in validated.json["data"]["problems"]}
    assert validated.exit_code == 3
    assert problems == {
        "logs.resolver.nameservers[0]": "'notanip' is not an IP address",
        "web.dns_resolvers[1]": "'resolver.example' is not an IP address (ip or ip:port)",
        "sites[0].dns.authoritative[0]": "'ns1.example.org' is not an IP address (ip or ip:port)",
    }
    assert checked.exit_code == 3
    assert "internal error" not in checked.stderr


def test_a_truncated_gzip_log_on_a_host_is_read_as_far_as_it_goes_and_is_not_ok(
    make_config, cli, tmp_path: Path, sshd: SshServer
) -> None:
    damaged, recoverable = truncated_gzip(tmp_path)
    site = {
        "name": "website",
        "url": "https://example.org/",
        "host": "web1",
        "logs": [{"path": str(damaged)}],
    }
    config = make_config({"hosts": [sshd.host_entry("web1")], "sites": [site]})
    assert cli("--config", config, "hosts", "trust", "web1", "--yes").exit_code == 0

    run = cli("--config", config, "check", "logs", "--format", "json")

    activity = run.json["results"][0]
    assert activity["status"] == "WARNING", activity["summary"]
    assert f"{damaged}: truncated or corrupt gzip data" in activity["summary"]
    assert "unexpected end of file" in activity["summary"]
    assert run.json["data"]["sources"][0]["summary"]["requests"] == recoverable


def test_a_file_of_one_attack_line_without_a_newline_is_critical(cli, tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    log.write_text(line(0, "/.env", client="45.1.2.3", status=200).rstrip("\n"))

    run = cli("logs", "analyze", log, "--format", "json")

    assert run.exit_code == 2, run.stdout
    assert run.json["data"]["sources"][0]["summary"]["requests"] == 1
    assert {r["check_id"]: r["status"] for r in run.json["results"]}["logs.sensitive-files"] == (
        "CRITICAL"
    )


def test_check_logs_holds_a_line_without_newline_back_and_says_so(
    make_config, cli, tmp_path: Path
) -> None:
    log = tmp_path / "access.log"
    unfinished = line(5, "/.env", client="45.1.2.3", status=200).rstrip("\n")
    log.write_text(NORMAL + unfinished)
    site = {"name": "website", "url": "https://example.org/", "logs": [{"path": str(log)}]}
    config = make_config({"sites": [site]})

    first = cli("--config", config, "check", "logs", "--format", "json")
    with log.open("a") as stream:
        stream.write("\n")
    second = cli("--config", config, "check", "logs", "--format", "json")

    activity = first.json["results"][0]
    assert first.exit_code == 0, activity
    assert first.json["data"]["sources"][0]["summary"]["requests"] == 20
    assert f"the last line ({len(unfinished)} bytes) has no newline yet" in activity["summary"]
    assert second.exit_code == 2
    assert second.json["data"]["sources"][0]["summary"]["requests"] == 1


def test_escape_sequences_from_a_log_are_printed_escaped_and_kept_exact_in_json(
    cli, tmp_path: Path
) -> None:
    log = tmp_path / "access.log"
    hostile = "/.git/config\x1b]0;owned\x07\x1b[2J"
    log.write_text(line(0, hostile, client="45.1.2.3", status=404))

    human = cli("logs", "analyze", log)
    machine = cli("logs", "analyze", log, "--format", "json")

    assert "\x1b" not in human.stdout and "\x07" not in human.stdout
    assert "/.git/config\\x1b]0;owned\\x07\\x1b[2J" in human.stdout
    evidence = machine.json["data"]["sources"][0]["offenders"][0]["evidence"][0]
    assert hostile in evidence


def test_the_format_found_is_said_and_an_unknown_one_names_the_option(cli, tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    log.write_text("".join(in_format("syslog", i, "/") for i in range(3)))
    odd = tmp_path / "odd.log"
    odd.write_text('203.0.113.7 "GET / HTTP/1.1" 200 [2024-05-06 08:00:00]\n')

    found = cli("logs", "analyze", log)
    unknown_run = cli("logs", "analyze", odd)

    assert found.exit_code == 0, found.stderr
    assert "format: combined with syslog prefix" in found.stdout
    assert unknown_run.exit_code == 3
    assert "no known log format reads its first lines" in unknown_run.stderr
    assert "--log-format" in unknown_run.stderr


def test_an_error_log_joins_its_findings_to_the_access_logs_by_address(cli, tmp_path: Path) -> None:
    access = tmp_path / "access.log"
    access.write_text(NORMAL + line(30, "/.git/config", client="45.1.2.3", status=404))
    errors = tmp_path / "error.log"
    errors.write_text(
        "".join(error_line("nginx", i * 10, 'user "admin": password mismatch', client="45.1.2.3")
                for i in range(6))
    )  # fmt: skip

    named = cli("logs", "analyze", access, "--error-log", errors, "--format", "json")
    sniffed = cli("logs", "analyze", access, errors, "--format", "json")

    for run in (named, sniffed):
        offenders = run.json["data"]["sources"][0]["offenders"]
        assert [row["client"] for row in offenders] == ["45.1.2.3"]
        assert {item["rule"] for item in offenders[0]["detections"]} == {
            "sensitive-files",
            "error-auth",
        }
