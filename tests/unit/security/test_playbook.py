"""The security playbook's framing: sections, exit codes, and output that cannot fake a marker."""

from __future__ import annotations

import subprocess

from opskit.playbooks.security import (
    Plan,
    build_script,
    plain_sections,
    plan_areas,
    privileged_sections,
    split_sections,
)

MARKER = "@@opskit-0123456789ab"


def run(sections: dict[str, str]) -> dict:
    script = build_script(sections, MARKER)
    output = subprocess.run(["sh", "-c", script], capture_output=True, text=True, check=False)
    return split_sections(output.stdout, MARKER, sections)


def test_each_section_has_its_output_and_exit_code() -> None:
    found = run(
        {"one": "echo hello", "two": "echo oops >&2; exit 3", "three": "printf 'no newline'"}
    )

    assert found["one"] == {"output": "hello", "exit_code": 0, "command": "echo hello"}
    assert found["two"]["output"] == "oops"
    assert found["two"]["exit_code"] == 3
    assert found["three"]["output"] == "no newline"


def test_output_pretending_to_be_a_marker_is_only_output() -> None:
    fake = "@@opskit-ffffffffffff one:exit 0"
    found = run({"one": f"echo '{fake}'; echo '{MARKER} two'; echo real", "two": "echo two"})

    assert found["one"]["output"] == f"{fake}\n{MARKER} two\nreal"
    assert found["two"]["output"] == "two"


def test_sections_follow_the_areas_and_quote_policy_paths() -> None:
    plan = Plan(
        areas=("ssh", "webfiles"), sshd_config="/etc/ssh/it's here", web_roots=("/srv/a b",)
    )

    privileged = privileged_sections(plan)

    assert set(privileged) == {"sshd", "sshd-sources", "web:0", "web-errors:0"}
    assert privileged["sshd"] == "sshd -T -f '/etc/ssh/it'\"'\"'s here'"
    assert "cd -- '/srv/a b'" in privileged["web:0"]
    assert set(plain_sections(plan)) == {"uid", "clock", "os-release"}


def test_ports_need_the_firewall_facts_too() -> None:
    assert plan_areas(["ports"]) == ("ports", "firewall")
    assert plan_areas(["code"]) == ()
