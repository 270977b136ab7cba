"""Evidence views of hosts, backups, visitor logs, the schedule and notifications."""

from __future__ import annotations

from typing import Any

from opskit.evidence.facts import Code, Facts, View, facts_only, label, moment, pairs, table


def disk(evidence: dict[str, Any]) -> list[Facts]:
    mount = evidence.get("mount") or {}
    return facts_only(
        [
            pairs(
                ("mount", Code(mount.get("mount") or "-")),
                ("device", Code(mount.get("source") or "-")),
                ("size_label", label("size", value=mount.get("size_bytes") or 0)),
                ("free", label("size", value=mount.get("available_bytes") or 0)),
                (
                    "inodes_used",
                    f"{mount.get('inodes_used', 0)} / {mount.get('inodes', 0)}"
                    if mount.get("inodes")
                    else None,
                ),
            )
        ]
    )


def memory(evidence: dict[str, Any]) -> list[Facts]:
    found = evidence.get("memory") or {}
    return facts_only(
        [
            pairs(
                ("memory_total", label("size", value=found.get("total_bytes") or 0)),
                ("memory_available", label("size", value=found.get("available_bytes") or 0)),
                (
                    "swap_total",
                    label("size", value=found["swap_total_bytes"])
                    if found.get("swap_total_bytes")
                    else None,
                ),
            )
        ]
    )


def load(evidence: dict[str, Any]) -> list[Facts]:
    found = evidence.get("load") or {}
    return facts_only(
        [
            pairs(
                ("load_1m", found.get("1m")),
                ("load_5m", found.get("5m")),
                ("load_15m", found.get("15m")),
                ("cpus", evidence.get("cpus")),
            )
        ]
    )


def ssh(evidence: dict[str, Any]) -> list[Facts]:
    return facts_only(
        [
            pairs(
                ("destination", Code(str(evidence.get("destination") or "-"))),
                ("user", evidence.get("user")),
                (
                    "round_trip",
                    label("ms", value=evidence["round_trip_ms"])
                    if evidence.get("round_trip_ms") is not None
                    else None,
                ),
                (
                    "failure",
                    label(f"failure_{evidence['failure']}") if evidence.get("failure") else None,
                ),
            )
        ]
    )


def backup(evidence: dict[str, Any]) -> list[Facts]:
    paths = [
        (Code(str(path)), label("missing_path")) for path in evidence.get("missing_paths") or []
    ]
    paths += [
        (Code(str(path)), label("unreadable_path"))
        for path in evidence.get("unreadable_paths") or []
    ]
    paths += [(Code(str(path)), label("differs")) for path in evidence.get("different") or []]
    tables = [
        (Code(name), count, (evidence.get("expected_counts") or {}).get(name, "-"))
        for name, count in (evidence.get("restored_counts") or {}).items()
    ]
    return facts_only(
        [
            pairs(
                ("backup_set", evidence.get("set")),
                ("database", evidence.get("database")),
                ("repository", evidence.get("repository")),
                ("location", Code(evidence["location"]) if evidence.get("location") else None),
                (
                    "snapshot",
                    Code(str(evidence.get("snapshot_id") or evidence.get("snapshot") or ""))
                    or None,
                ),
                ("snapshot_time", moment(evidence.get("snapshot_time"))),
                ("files_backed_up", evidence.get("total_files_processed")),
                (
                    "data_added",
                    label("size", value=evidence["data_added_bytes"])
                    if evidence.get("data_added_bytes") is not None
                    else None,
                ),
                (
                    "duration",
                    label("seconds", value=evidence["duration_seconds"])
                    if evidence.get("duration_seconds") is not None
                    else None,
                ),
                ("files_compared", len(evidence.get("sampled") or []) or None),
                ("read_data", evidence.get("read_data_subset")),
                (
                    "restore_target",
                    Code(evidence["target"]) if isinstance(evidence.get("target"), str) else None,
                ),
                ("files_restored", evidence.get("files")),
                (
                    "interval",
                    label("hours", value=evidence["interval_hours"])
                    if evidence.get("interval_hours")
                    else None,
                ),
            ),
            table(("path", "state"), paths),
            table(("table", "rows_restored", "rows_expected"), tables),
            table(("error",), [(Code(str(error)),) for error in evidence.get("errors") or []]),
        ]
    )


def locks(evidence: dict[str, Any]) -> list[Facts]:
    rows = [
        (
            Code(str(item.get("id", ""))[:8]),
            f"pid {item.get('pid')} @ {item.get('hostname')}",
            label("seconds", value=item.get("age_seconds") or 0),
        )
        for item in evidence.get("locks") or []
    ]
    return facts_only([table(("lock", "holder", "age"), rows)])


def offender(evidence: dict[str, Any]) -> list[Facts]:
    lines = [(Code(str(line)),) for line in evidence.get("lines") or []]
    rules = evidence.get("block_rules") or {}
    return facts_only(
        [
            pairs(
                ("client", evidence.get("client")),
                ("first_seen", moment(evidence.get("first_seen"))),
                ("last_seen", moment(evidence.get("last_seen"))),
                ("requests", evidence.get("requests")),
                ("block_rule", Code(rules["nftables"]) if rules.get("nftables") else None),
            ),
            table(("log_line",), lines, limit=3),
        ]
    )


def burst(evidence: dict[str, Any]) -> list[Facts]:
    return facts_only(
        [
            pairs(
                ("from", evidence.get("from")),
                ("until", evidence.get("to")),
                ("errors", evidence.get("errors")),
                ("requests", evidence.get("requests")),
                ("addresses", evidence.get("addresses")),
                ("form", Code(evidence["form"]) if evidence.get("form") else None),
                ("posts", evidence.get("posts")),
            )
        ]
    )


def logs(evidence: dict[str, Any]) -> list[Facts]:
    if "client" in evidence:
        return offender(evidence)
    if "errors" in evidence or "form" in evidence:
        return burst(evidence)
    clients = [(Code(str(client)), count) for client, count in evidence.get("top_clients") or []]
    statuses = [
        (Code(str(code)), count) for code, count in (evidence.get("statuses") or {}).items()
    ]
    return facts_only(
        [
            pairs(
                ("log_lines", evidence.get("lines")),
                ("log_format", evidence.get("format")),
                ("unreadable_lines", evidence.get("malformed") or None),
            ),
            table(("client", "requests"), clients, limit=5),
            table(("http_status", "requests"), statuses),
        ]
    )


def heartbeat(evidence: dict[str, Any]) -> list[Facts]:
    return facts_only(
        [
            pairs(
                ("job_command", Code(f"opskit {evidence.get('run')}")),
                ("cron", Code(str(evidence.get("cron") or "-"))),
                ("last_started", moment(evidence.get("last_started")) or label("never")),
                ("last_status", evidence.get("last_status")),
            )
        ]
    )


def delivery(evidence: dict[str, Any]) -> list[Facts]:
    return facts_only([pairs(("channel", evidence.get("channel")))])


VIEWS: dict[str, View] = {
    "host.disk": disk,
    "host.memory": memory,
    "host.load": load,
    "host.ssh": ssh,
    "backup": backup,
    "backup.locks": locks,
    "logs": logs,
    "schedule.heartbeat": heartbeat,
    "notify.delivery": delivery,
}
