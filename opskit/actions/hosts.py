"""The inventory: list hosts, check they answer, trust their SSH keys, read their facts."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from opskit.catalog import sop_row
from opskit.config.schema import Config, Host
from opskit.context import AppContext
from opskit.errors import HostError, UsageError
from opskit.hosts.connect import fetch_host_key, fingerprint
from opskit.hosts.reachability import not_reached, reached
from opskit.hosts.runner import known_hosts, run_on_hosts, select_hosts
from opskit.outcome import Outcome
from opskit.result import Metric, Result, Status, utc_now
from opskit.text import Message


def list_hosts(context: AppContext) -> Outcome:
    config = context.config
    trusted = known_hosts(config)
    rows = []
    for host in config.inventory().values():
        if host.local:
            key_state = "-"
        else:
            keys = trusted.keys_for(host)
            key_state = (
                ", ".join(fingerprint(key) for key in keys.values()) if keys else "not trusted"
            )
        rows.append(
            {
                "name": host.name,
                "destination": host.destination,
                "local": host.local,
                "sudo": host.sudo,
                "trusted": key_state,
                "description": host.description,
            }
        )
    return Outcome(command="hosts list", data={"hosts": rows}, view="hosts")


def _probe(connection: Any, host: Any) -> dict[str, Any]:
    started = time.monotonic()
    answer = connection.run("id -un")
    round_trip_ms = (time.monotonic() - started) * 1000
    facts: dict[str, Any] = {
        "user": answer.stdout.strip(),
        "round_trip_ms": round(round_trip_ms, 1),
        "command_ok": answer.exited == 0,
    }
    if host.sudo:
        if connection.config.sudo.password:
            sudo = connection.sudo("true", hide=True, warn=True)
        else:
            sudo = connection.run("sudo -n true")
        facts["sudo_ok"] = sudo.exited == 0
        facts["sudo_error"] = sudo.stderr.strip()[-200:]
    return facts


def ping(context: AppContext, names: Sequence[str], jobs: int) -> Outcome:
    """``host.ssh``: can opskit reach each host, run a command, and use sudo if configured."""
    config = context.config
    hosts = select_hosts(config, names)
    answers = run_on_hosts(hosts, _probe, trusted=known_hosts(config), jobs=jobs)
    results = []
    for host in hosts:
        answer = answers[host.name]
        if isinstance(answer, HostError):
            results.append(not_reached(context.store(), host, answer, _failures(config, host)))
            continue
        status = Status.OK if answer["command_ok"] else Status.UNKNOWN
        sudo: Message | str = ""
        if "sudo_ok" in answer:
            sudo = (
                Message("hosts.sudo_works")
                if answer["sudo_ok"]
                else Message("hosts.sudo_failed", error=answer["sudo_error"])
            )
            if not answer["sudo_ok"]:
                status = Status.WARNING
        summary = Message("hosts.ping", user=answer["user"], ms=answer["round_trip_ms"], sudo=sudo)
        results.append(
            Result(
                check_id="host.ssh",
                target=host.name,
                status=status,
                summary=summary,
                evidence={"destination": host.destination, **answer},
                metrics=(Metric("round_trip_ms", answer["round_trip_ms"], "ms"),),
                sop_row=sop_row("host.ssh"),
            )
        )
    return Outcome(command="hosts ping", results=results, record=True)


def trust(context: AppContext, name: str, replace: bool, confirm: Callable[[str], bool]) -> Outcome:
    """Record the host key ``name`` offers now, after the admin confirmed its fingerprint."""
    config = context.config
    host = select_hosts(config, [name])[0]
    if host.local:
        raise UsageError(f"{name} is this machine; it has no SSH host key to trust")
    store = known_hosts(config)
    key = fetch_host_key(host)
    offered = fingerprint(key)
    recorded = store.keys_for(host)
    if key.get_name() in recorded and fingerprint(recorded[key.get_name()]) == offered:
        return Outcome(
            command="hosts trust",
            data={"host": name, "fingerprint": offered, "changed": False},
            messages=[f"{name}: {key.get_name()} {offered} is already trusted"],
        )
    if recorded and not replace:
        old = ", ".join(f"{kind} {fingerprint(value)}" for kind, value in recorded.items())
        raise HostError(
            f"{name}: a different key is already trusted ({old}); the server now offers "
            f"{key.get_name()} {offered}",
            details=[
                "if the server was really reinstalled, confirm the new fingerprint, add --replace"
            ],
        )
    question = f"{name} ({host.destination}) offers {key.get_name()} key {offered}. Trust it?"
    if not confirm(question):
        raise UsageError(f"{name}: host key not trusted (not confirmed)")
    store.trust(host, key, replace=replace)
    return Outcome(
        command="hosts trust",
        data={
            "host": name,
            "key_type": key.get_name(),
            "fingerprint": offered,
            "changed": True,
            "known_hosts": str(store.path),
        },
        messages=[f"{name}: trusted {key.get_name()} {offered} (recorded in {store.path})"],
    )


def check_hosts(
    context: AppContext, names: Sequence[str], jobs: int, shard: str | None = None
) -> Outcome:
    """``opskit check host``: disk, memory and load of each host from the facts playbook."""
    from opskit.hosts.facts import evaluate, parse_facts
    from opskit.playbooks.facts import gather_facts
    from opskit.sharding import parse_shard

    config = context.config
    hosts = select_hosts(config, names)
    part = parse_shard(shard)
    if part is not None:
        hosts = part.select(hosts, key=lambda host: host.name)
    answers = run_on_hosts(
        hosts,
        lambda connection, host: gather_facts(connection),
        trusted=known_hosts(config),
        jobs=jobs,
    )
    results: list[Result] = []
    facts_by_host: dict[str, Any] = {}
    for host in hosts:
        answer = answers[host.name]
        if isinstance(answer, HostError):
            results.append(not_reached(context.store(), host, answer, _failures(config, host)))
            continue
        results.append(reached(host))
        facts = parse_facts(answer)
        facts_by_host[host.name] = facts
        results += evaluate(host.name, facts, config.host_checks_for(host))
    remember_facts(context, facts_by_host)
    return Outcome(
        command="check host", results=results, data={"facts": facts_by_host}, record=True
    )


def _failures(config: Config, host: Host) -> int:
    return config.host_checks_for(host).failures_before_critical or 2


def remember_facts(context: AppContext, facts_by_host: dict[str, Any]) -> None:
    """Keep each host's OS and size facts for handoff documents."""
    store = context.store()
    for name, facts in facts_by_host.items():
        kept = {key: facts[key] for key in ("hostname", "os", "kernel", "cpus") if key in facts}
        kept["memory_bytes"] = facts.get("memory", {}).get("total_bytes")
        kept["observed_at"] = utc_now().isoformat()
        store.put_state("hosts.facts", name, kept)
