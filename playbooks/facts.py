"""Basic host facts: hostname, OS, uptime, load, memory and disk usage.

An ordinary Fabric task module. opskit calls ``gather_facts`` with a
Connection (SSH hosts) or an invoke Context (this machine); an admin can
run the same code by hand and read the parsed facts as JSON::

    fab -r "$(opskit paths playbooks)" -H admin@web1 facts
"""

from __future__ import annotations

import json
from typing import Any

from fabric import task

# One round trip: each section is introduced by a marker line. Everything
# runs with LC_ALL=C so numbers and headers are not localised, and df runs
# under timeout(1) because a stale network mount would otherwise hang it.
MARKER = "@@opskit-section "
SECTIONS = {
    "hostname": "hostname",
    "os-release": "cat /etc/os-release",
    "kernel": "uname -srm",
    "uptime": "cat /proc/uptime",
    "loadavg": "cat /proc/loadavg",
    "cpus": "nproc 2>/dev/null || getconf _NPROCESSORS_ONLN",
    "meminfo": "cat /proc/meminfo",
    "df": (
        "timeout 20 df -B1 --output=source,fstype,size,used,avail,itotal,iused,target"
        " -x tmpfs -x devtmpfs -x squashfs -x proc -x sysfs -x ramfs -x efivarfs -x nsfs"
    ),
}
SCRIPT = "export LC_ALL=C; " + " ".join(
    f"echo '{MARKER}{name}'; {{ {command}; }} 2>&1; echo \"{MARKER}{name}:exit $?\";"
    for name, command in SECTIONS.items()
)


def gather_facts(c: Any) -> dict[str, dict[str, Any]]:
    """Raw output and exit code of every section, from one remote command."""
    result = c.run(SCRIPT, hide=True, warn=True, in_stream=False)
    return split_sections(result.stdout)


def split_sections(text: str) -> dict[str, dict[str, Any]]:
    """``{section: {"output": str, "exit_code": int | None}}`` from the script's output."""
    sections: dict[str, dict[str, Any]] = {}
    current: str | None = None
    lines: list[str] = []
    for line in text.splitlines():
        if line.startswith(MARKER):
            label = line[len(MARKER) :]
            if ":exit " in label and current is not None:
                code = label.rpartition(":exit ")[2]
                sections[current] = {
                    "output": "\n".join(lines),
                    "exit_code": int(code) if code.isdigit() else None,
                }
                current, lines = None, []
            else:
                current, lines = label, []
        elif current is not None:
            lines.append(line)
    return sections


@task
def facts(c: Any) -> None:
    """Print this host's parsed facts as JSON."""
    from opskit.hosts.facts import parse_facts

    print(json.dumps(parse_facts(gather_facts(c)), indent=2))
