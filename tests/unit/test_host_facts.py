"""Host facts: parsing captured playbook output, and judging it against thresholds."""

from __future__ import annotations

from pathlib import Path

from opskit.config.schema import HostChecks, default_host_checks
from opskit.hosts.facts import evaluate, parse_facts, used_percent
from opskit.playbooks.facts import split_sections
from opskit.result import Status

DATA = Path(__file__).parent.parent / "data" / "facts"


def facts_from(name: str) -> dict:
    return parse_facts(split_sections((DATA / name).read_text()))


def test_debian_container_facts_parse() -> None:
    facts = facts_from("debian12-container.txt")

    assert facts["hostname"] == "vm"
    assert facts["os"] == {
        "id": "debian",
        "version": "12",
        "name": "Debian GNU/Linux 12 (bookworm)",
    }
    assert facts["cpus"] == 2
    assert facts["load"]["5m"] == 0.23
    assert facts["memory"]["total_bytes"] == 24684084 * 1024
    assert [mount["mount"] for mount in facts["mounts"]] == ["/"]


def test_busy_web_server_is_judged_per_mount() -> None:
    facts = facts_from("web-server-busy.txt")

    results = {
        (result.check_id, result.target): result
        for result in evaluate("web1", facts, default_host_checks())
    }

    assert results[("host.disk", "web1:/")].status is Status.WARNING  # 80.6 %
    assert results[("host.disk", "web1:/boot")].status is Status.OK
    var = results[("host.disk", "web1:/var")]
    assert var.status is Status.CRITICAL  # 99.8 % and inodes 99.2 %
    assert "inodes 99.2% used" in var.summary
    assert (
        results[("host.disk", "web1:/mnt/nas backup")].status is Status.OK
    )  # a mount point with a space
    assert var.evidence["incomplete"] is True  # df exited 1 (stale mount)
    memory = results[("host.memory", "web1")]
    assert memory.status is Status.WARNING  # no MemAvailable: free+buffers+cached
    assert memory.metrics[0].value == 91.5
    load = results[("host.load", "web1")]
    assert load.status is Status.WARNING  # 8.4 / 4 = 2.1 per CPU
    assert load.metrics[0].value == 2.1


def test_thresholds_and_ignored_mounts_apply() -> None:
    facts = facts_from("web-server-busy.txt")
    limits = HostChecks(ignore_mounts=["/var"], disk_warning_percent=85).over(default_host_checks())

    targets = {
        result.target: result.status
        for result in evaluate("web1", facts, limits)
        if result.check_id == "host.disk"
    }

    assert "web1:/var" not in targets
    assert targets["web1:/"] is Status.OK


def test_missing_sections_are_unknown_never_ok() -> None:
    sections = split_sections("@@opskit-section df\n@@opskit-section df:exit 124\n")

    results = evaluate("web1", parse_facts(sections), default_host_checks())

    assert {result.check_id: result.status for result in results} == {
        "host.disk": Status.UNKNOWN,
        "host.memory": Status.UNKNOWN,
        "host.load": Status.UNKNOWN,
    }


def test_used_percent_matches_df_rounding() -> None:
    assert used_percent(40164659200, 9708392448) == 80.6
    assert used_percent(0, 0) == 0.0
