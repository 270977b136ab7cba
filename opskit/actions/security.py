"""Security checks of every host over SSH, application code with bandit, on-demand virus scans.

The playbook gathers raw facts on all hosts in parallel; the evaluators in
``opskit.security`` judge them against each host's policy. Baselines the
admin accepts (web root manifests, bandit findings) live in the store.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from opskit.catalog import unknown
from opskit.context import AppContext
from opskit.errors import CommandError, HostError
from opskit.hosts.reachability import not_reached
from opskit.hosts.runner import known_hosts, run_on_hosts, select_hosts
from opskit.outcome import Outcome
from opskit.result import Result, Status, worst
from opskit.security.facts import HostFacts
from opskit.security.policy import PolicyBook, SecurityPolicy
from opskit.sharding import parse_shard
from opskit.store import ResultFilter

HOST_AREAS = ("firewall", "ports", "ssh", "antivirus", "updates", "webfiles")
AREAS = (*HOST_AREAS, "code")
WEB_STATE = "security.web-files"
CODE_STATE = "security.code"


def check_security(
    context: AppContext,
    names: Sequence[str],
    jobs: int,
    *,
    areas: Sequence[str] = AREAS,
    accept: bool = False,
    command: str = "check security",
    shard: str | None = None,
    progress: Callable[[str, Any], None] | None = None,
) -> Outcome:
    """Run the security checks of ``areas`` on the named hosts (all when none are named).

    ``progress(label, True)`` is told when each host's (or the code's) work starts,
    ``progress(label, None)`` when it ends.
    """
    step = progress or (lambda label, status: None)
    config = context.config
    book = PolicyBook.from_config(config)
    results: list[Result] = []
    messages: list[str] = []
    scores: list[dict[str, Any]] = []
    host_areas = [area for area in areas if area in HOST_AREAS]
    full = set(HOST_AREAS) <= set(areas)
    if host_areas:
        from opskit.playbooks.security import gather_security

        hosts = select_hosts(config, names)
        part = parse_shard(shard)
        if part is not None:
            hosts = part.select(hosts, key=lambda host: host.name)
        plans = {host.name: _plan(book.for_host(host), host_areas) for host in hosts}

        def gather(connection: Any, host: Any) -> dict[str, Any]:
            label = f"{command} on {host.name}"
            step(label, True)
            try:
                return dict(
                    gather_security(connection, plans[host.name], use_sudo=host.sudo).to_dict()
                )
            finally:
                step(label, None)

        answers = run_on_hosts(hosts, gather, trusted=known_hosts(config), jobs=jobs)
        for host in hosts:
            answer = answers[host.name]
            if isinstance(answer, HostError):
                limit = config.host_checks_for(host).failures_before_critical or 2
                results.append(not_reached(context.store(), host, answer, limit))
                if full:
                    results.append(unknown("security.score", host.name, "host not reached"))
                continue
            policy = book.for_host(host)
            facts = HostFacts.from_gathered(host.name, answer)
            host_results = evaluate_host(
                context, facts, policy, areas=host_areas, accept=accept, messages=messages
            )
            results += host_results
            if full:
                from opskit.security.score import hardening_score

                score = hardening_score(host.name, host_results, policy.score)
                results.append(score)
                scores.append(_score_row(host.name, score, host_results))
    if (
        "webfiles" in host_areas
        and not full
        and not any(result.check_id.startswith("web.files.") for result in results)
    ):
        results.append(
            unknown(
                "web.files.uploads",
                "web roots",
                "no web root to check: set web_files.roots for the web server "
                "(hosts[].security in opskit.yaml)",
            )
        )
    if "code" in areas:
        step("code check (bandit)", True)
        results += check_code(context, book.default, accept, messages, explicit=not full)
        step("code check (bandit)", None)
    return Outcome(
        command=command,
        results=results,
        data={"scores": scores, "policy": book.where},
        view="security",
        messages=messages,
        record=True,
    )


def _plan(policy: SecurityPolicy, areas: Sequence[str]) -> Any:
    from opskit.playbooks.security import Plan, plan_areas

    return Plan(
        areas=plan_areas(areas),
        sshd_config=policy.ssh.config_file,
        clamd_config=policy.antivirus.clamd_config,
        database_dir=policy.antivirus.database_dir,
        scan_log=policy.antivirus.scan_log,
        web_roots=tuple(policy.web_files.roots),
        hash_max_kilobytes=int(policy.web_files.hash_max_megabytes * 1024),
    )


def evaluate_host(
    context: AppContext,
    facts: HostFacts,
    policy: SecurityPolicy,
    *,
    areas: Sequence[str],
    accept: bool,
    messages: list[str],
) -> list[Result]:
    """Every result of the chosen areas for one host."""
    host = facts.host
    results: list[Result] = []
    if "firewall" in areas:
        from opskit.security.firewall import evaluate_firewall

        results += evaluate_firewall(host, facts, policy)
    if "ports" in areas:
        from opskit.security.ports import evaluate_listening

        results.append(evaluate_listening(host, facts, policy))
    if "ssh" in areas:
        from opskit.security.sshd import evaluate_ssh

        results += evaluate_ssh(host, facts, policy.ssh)
    if "antivirus" in areas and policy.antivirus.required:
        from opskit.security.antivirus import evaluate_antivirus

        results += evaluate_antivirus(
            host, facts, policy.antivirus, _last_scan(context, host), context.timezone
        )
    if "updates" in areas:
        from opskit.security.updates import evaluate_updates

        results += evaluate_updates(host, facts, policy.updates)
    if "webfiles" in areas:
        results += check_web_roots(context, facts, policy, accept, messages)
    return results


def check_web_roots(
    context: AppContext,
    facts: HostFacts,
    policy: SecurityPolicy,
    accept: bool,
    messages: list[str],
) -> list[Result]:
    """web.files.* for every web root of the host; records the first baseline, or on --accept."""
    from opskit.security.webfiles import evaluate_web_root, manifest

    store = context.store()
    results: list[Result] = []
    for index, root in enumerate(policy.web_files.roots):
        key = f"{facts.host}:{root}"
        saved = store.get_state(WEB_STATE, key)
        baseline = saved.get("files") if isinstance(saved, dict) else None
        found, entries = evaluate_web_root(
            facts.host, root, facts, index=index, policy=policy.web_files, baseline=baseline
        )
        if entries is not None and (baseline is None or accept):
            files = manifest(entries)
            store.put_state(WEB_STATE, key, {"files": files})
            if accept and baseline is not None:
                changed = found[1]
                found[1] = replace(
                    changed,
                    status=Status.OK,
                    summary=f"accepted {len(files)} files as the new baseline (before: "
                    f"{changed.summary})",
                )
                messages.append(f"{key}: the current {len(files)} files are the accepted baseline")
        results += found
    return results


def _last_scan(context: AppContext, host: str) -> dict[str, Any] | None:
    """The newest on-demand scan of ``host`` recorded in history, if any finished."""
    for result in context.store().results(ResultFilter(check_id="av.scan", target=host, limit=5)):
        if result.status is not Status.UNKNOWN:
            return {
                "source": "opskit antivirus scan",
                "at": result.observed_at,
                "infected": int(result.evidence.get("infected", 0)),
                "found": list(result.evidence.get("found", [])),
            }
    return None


def check_code(
    context: AppContext,
    policy: SecurityPolicy,
    accept: bool,
    messages: list[str],
    explicit: bool = True,
) -> list[Result]:
    """code.bandit for each configured application; UNKNOWN if asked for while none is set."""
    from opskit.security.code import evaluate_code, run_bandit

    targets = context.config.security.code
    if not targets:
        if not explicit:
            return []
        return [
            unknown(
                "code.bandit",
                "code",
                "no application code configured (add security.code in opskit.yaml)",
            )
        ]
    store = context.store()
    results = []
    for target in targets:
        try:
            report = run_bandit(target, policy.code)
        except CommandError as error:
            results.append(
                unknown("code.bandit", target.name, error.message, details=error.details)
            )
            continue
        accepted = store.get_state(CODE_STATE, target.name)
        known = set(accepted) if isinstance(accepted, list) else None
        if accept and not report.errors:
            fingerprints = sorted(finding.fingerprint for finding in report.findings)
            store.put_state(CODE_STATE, target.name, fingerprints)
            messages.append(f"{target.name}: {len(fingerprints)} findings accepted as the baseline")
            known = set(fingerprints)
        results.append(evaluate_code(target, report, policy.code, known))
    return results


def _score_row(host: str, score: Result, host_results: list[Result]) -> dict[str, Any]:
    passed = sum(1 for result in host_results if result.status is Status.OK)
    return {
        "host": host,
        "score": score.metrics[0].value if score.metrics else None,
        "passed": passed,
        "checks": len(host_results),
        "worst": worst(result.status for result in host_results).value,
        "status": score.status.value,
    }
