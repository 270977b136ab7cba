"""Host facts: parsing the facts playbook's raw output, and judging it.

Both halves are pure functions of text and data, tested on captured output.
"""

from __future__ import annotations

import math
from typing import Any

from opskit.catalog import sop_row, unknown
from opskit.config.schema import HostChecks
from opskit.result import Metric, Result, Status, grade, worst
from opskit.text import Message


def parse_facts(sections: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Structured facts from raw sections; a section that failed is left out."""

    def output(name: str) -> str | None:
        section = sections.get(name)
        if not section or section.get("exit_code") not in (0, 1) or not section["output"].strip():
            return None
        return str(section["output"])

    facts: dict[str, Any] = {}
    if (text := output("hostname")) is not None:
        facts["hostname"] = text.strip()
    if (text := output("os-release")) is not None:
        facts["os"] = parse_os_release(text)
    if (text := output("kernel")) is not None:
        facts["kernel"] = text.strip()
    if (text := output("uptime")) is not None:
        facts["uptime_seconds"] = float(text.split()[0])
    if (text := output("loadavg")) is not None:
        one, five, fifteen = (float(value) for value in text.split()[:3])
        facts["load"] = {"1m": one, "5m": five, "15m": fifteen}
    if (text := output("cpus")) is not None and text.strip().isdigit():
        facts["cpus"] = int(text.strip())
    if (text := output("meminfo")) is not None:
        facts["memory"] = parse_meminfo(text)
    if (text := output("df")) is not None:
        facts["mounts"] = parse_df(text)
        if sections["df"].get("exit_code") not in (0, None):
            facts["df_incomplete"] = True
    return facts


def parse_os_release(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in text.splitlines():
        key, separator, value = line.partition("=")
        if separator and key.strip():
            values[key.strip()] = value.strip().strip('"')
    return {
        "id": values.get("ID", ""),
        "version": values.get("VERSION_ID", ""),
        "name": values.get("PRETTY_NAME", values.get("NAME", "")),
    }


def parse_meminfo(text: str) -> dict[str, int]:
    """Bytes of total and available memory and swap, from /proc/meminfo."""
    kib: dict[str, int] = {}
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        parts = rest.split()
        if parts and parts[0].isdigit():
            kib[key] = int(parts[0])
    memory = {
        "total_bytes": kib.get("MemTotal", 0) * 1024,
        "swap_total_bytes": kib.get("SwapTotal", 0) * 1024,
        "swap_free_bytes": kib.get("SwapFree", 0) * 1024,
    }
    if "MemAvailable" in kib:
        memory["available_bytes"] = kib["MemAvailable"] * 1024
    else:  # kernels before 3.14 have no MemAvailable
        memory["available_bytes"] = (
            sum(kib.get(key, 0) for key in ("MemFree", "Buffers", "Cached")) * 1024
        )
    return memory


def parse_df(text: str) -> list[dict[str, Any]]:
    """Mounts from ``df -B1 --output=source,fstype,size,used,avail,itotal,iused,target``."""
    mounts = []
    for line in text.splitlines()[1:]:
        fields = line.split(None, 7)
        if len(fields) < 8 or not fields[2].isdigit():
            continue
        source, fstype, size, used, avail, inodes, inodes_used, target = fields
        mounts.append(
            {
                "source": source,
                "fstype": fstype,
                "mount": target,
                "size_bytes": int(size),
                "used_bytes": int(used),
                "available_bytes": int(avail),
                "inodes": int(inodes) if inodes.isdigit() else 0,
                "inodes_used": int(inodes_used) if inodes_used.isdigit() else 0,
            }
        )
    return mounts


def used_percent(used: int, available: int) -> float:
    """Usage as df shows it: blocks reserved for root count as unavailable."""
    total = used + available
    return 0.0 if total == 0 else math.ceil(used * 1000 / total) / 10


def evaluate(host: str, facts: dict[str, Any], limits: HostChecks) -> list[Result]:
    """Results for disk, memory and load on ``host``; missing facts are UNKNOWN."""
    results = evaluate_disks(host, facts, limits)
    results.append(evaluate_memory(host, facts, limits))
    results.append(evaluate_load(host, facts, limits))
    return results


def evaluate_disks(host: str, facts: dict[str, Any], limits: HostChecks) -> list[Result]:
    mounts = facts.get("mounts")
    if not mounts:
        return [unknown("host.disk", host, Message("hosts.disk.unread"))]
    ignored = set(limits.ignore_mounts or ())
    results = []
    for mount in mounts:
        if mount["mount"] in ignored or mount["size_bytes"] == 0:
            continue
        space = used_percent(mount["used_bytes"], mount["available_bytes"])
        metrics = [
            Metric(
                "disk_used_percent",
                space,
                "%",
                limits.disk_warning_percent,
                limits.disk_critical_percent,
            )
        ]
        statuses = [grade(space, limits.disk_warning_percent, limits.disk_critical_percent)]
        inodes_text: Message | str = ""
        if mount["inodes"]:
            inodes = math.ceil(mount["inodes_used"] * 1000 / mount["inodes"]) / 10
            metrics.append(
                Metric(
                    "inodes_used_percent",
                    inodes,
                    "%",
                    limits.inode_warning_percent,
                    limits.inode_critical_percent,
                )
            )
            statuses.append(
                grade(inodes, limits.inode_warning_percent, limits.inode_critical_percent)
            )
            inodes_text = Message("hosts.disk.inodes", used=inodes)
        status = worst(statuses)
        limits_text = (
            Message(
                "hosts.disk.limits",
                warning=limits.disk_warning_percent,
                critical=limits.disk_critical_percent,
            )
            if status is not Status.OK
            else ""
        )
        summary = Message(
            "hosts.disk.usage",
            mount=mount["mount"],
            used=space,
            free=mount["available_bytes"],
            inodes=inodes_text,
            limits=limits_text,
        )
        results.append(
            Result(
                check_id="host.disk",
                target=f"{host}:{mount['mount']}",
                status=status,
                summary=summary,
                evidence={
                    "command": "df -B1",
                    "mount": mount,
                    "incomplete": bool(facts.get("df_incomplete")),
                },
                metrics=tuple(metrics),
                sop_row=sop_row("host.disk"),
            )
        )
    return results


def evaluate_memory(host: str, facts: dict[str, Any], limits: HostChecks) -> Result:
    memory = facts.get("memory")
    if not memory or not memory.get("total_bytes"):
        return unknown("host.memory", host, Message("hosts.memory.unread"))
    in_use = 100 * (1 - memory["available_bytes"] / memory["total_bytes"])
    in_use = round(in_use, 1)
    status = grade(in_use, limits.memory_warning_percent, limits.memory_critical_percent)
    return Result(
        check_id="host.memory",
        target=host,
        status=status,
        summary=Message(
            "hosts.memory.usage",
            used=in_use,
            total=memory["total_bytes"],
            available=memory["available_bytes"],
        ),
        evidence={"command": "cat /proc/meminfo", "memory": memory},
        metrics=(
            Metric(
                "memory_used_percent",
                in_use,
                "%",
                limits.memory_warning_percent,
                limits.memory_critical_percent,
            ),
        ),
        sop_row=sop_row("host.memory"),
    )


def evaluate_load(host: str, facts: dict[str, Any], limits: HostChecks) -> Result:
    load, cpus = facts.get("load"), facts.get("cpus")
    if not load or not cpus:
        return unknown("host.load", host, Message("hosts.load.unread"))
    per_cpu = round(load["5m"] / cpus, 2)
    status = grade(per_cpu, limits.load_warning_per_cpu, limits.load_critical_per_cpu)
    return Result(
        check_id="host.load",
        target=host,
        status=status,
        summary=Message("hosts.load.usage", load=load["5m"], cpus=cpus, per_cpu=per_cpu),
        evidence={
            "command": "cat /proc/loadavg; nproc",
            "load": load,
            "cpus": cpus,
            "uptime_seconds": facts.get("uptime_seconds"),
        },
        metrics=(
            Metric(
                "load_per_cpu",
                per_cpu,
                "",
                limits.load_warning_per_cpu,
                limits.load_critical_per_cpu,
            ),
        ),
        sop_row=sop_row("host.load"),
    )
