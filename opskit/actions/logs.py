"""``opskit logs analyze`` (no config needed) and ``opskit check logs`` (the sites' logs)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any

from opskit.catalog import unknown
from opskit.context import AppContext
from opskit.errors import ConfigError, HostError, OpskitError, UsageError
from opskit.logs.engine import analyze
from opskit.logs.files import FileInfo, Read, cursor, plan_reads
from opskit.logs.formats import compile_format
from opskit.logs.report import Allowlist, judge
from opskit.logs.rules import Rule, load_rules
from opskit.logs.scan import ScanSettings
from opskit.outcome import Outcome
from opskit.result import Result, utc_now
from opskit.sharding import parse_shard
from opskit.timeutil import parse_moment

logger = logging.getLogger(__name__)

STATE_NAMESPACE = "logs.cursor"


@dataclass(frozen=True)
class AnalyzeOptions:
    """What ``opskit logs analyze`` was asked for; everything has a default."""

    log_format: str = "combined"
    since: str | None = None
    until: str | None = None
    rules_file: str | None = None
    allow: tuple[str, ...] = ()
    allow_agents: tuple[str, ...] = ()
    verify_crawlers: bool = False
    resolver: str | None = None
    jobs: int = 2
    timezone: str | None = None
    login_paths: tuple[str, ...] = field(default_factory=tuple)


def analyze_files(paths: Sequence[str], options: AnalyzeOptions) -> Outcome:
    """Analyse log files given by name, like GoAccess: no config, no history."""
    from opskit.logs.files import not_a_log_file
    from opskit.logs.sources import LocalSource, in_time_order

    zone = _zone(options.timezone)
    rules = _rules(options.rules_file, options.login_paths)
    log_format = compile_format(options.log_format)
    since, until = _range(options.since, options.until, zone)
    refused = {path: reason for path in paths if (reason := not_a_log_file(Path(path)))}
    if refused:
        raise UsageError("; ".join(f"{path}: {reason}" for path, reason in refused.items()))
    infos = in_time_order([_describe(path) for path in paths])
    source = LocalSource()
    reached: dict[str, int] = {}

    def tasks() -> Any:
        for info in infos:
            yield from source.tasks(Read(info, 0), reached)

    settings = ScanSettings(log_format, tuple(rules), since, until)
    size = sum(info.size or 0 for info in infos)
    analysis = analyze(tasks(), settings, jobs=options.jobs, expected_bytes=size)
    allowlist = _allowlist(list(options.allow), list(options.allow_agents), options)
    judgement = judge(
        analysis,
        rules,
        target=", ".join(Path(path).name for path in paths),
        zone=zone,
        allowlist=allowlist,
        notes=[f"files: {', '.join(info.name for info in infos)}"],
        damaged=source.damaged,
    )
    data = {"sources": [judgement.data]}
    return Outcome(
        command="logs analyze", results=judgement.results, data=data, view="logs", record=False
    )


def check_logs(
    context: AppContext, site_names: Sequence[str], jobs: int, shard: str | None = None
) -> Outcome:
    """Read only what is new in each configured site log; record the findings."""
    config = context.config
    sites = [site for site in config.sites if site.logs]
    if site_names:
        known = {site.name for site in config.sites}
        unknown_names = [name for name in site_names if name not in known]
        if unknown_names:
            raise ConfigError(
                f"unknown site{'s' if len(unknown_names) > 1 else ''}: {', '.join(unknown_names)}",
                details=[f"sites in {config.source}: {', '.join(sorted(known)) or 'none'}"],
            )
        sites = [site for site in sites if site.name in site_names]
    part = parse_shard(shard)
    if part is not None:
        sites = part.select(sites, key=lambda site: site.name)
    if not sites and part is not None:
        return Outcome(command="check logs", messages=[f"no site with logs on shard {part}"])
    if not sites:
        raise ConfigError(
            "no site has logs configured",
            details=["add under a site: logs: [{path: /var/log/nginx/access.log}]"],
        )
    settings = config.logs
    rules = _rules(
        str(settings.rules_file) if settings.rules_file else None, tuple(settings.login_paths)
    )
    allowlist = Allowlist.build(
        list(settings.allow_addresses),
        list(settings.allow_user_agents),
        _crawler_check(settings) if settings.verify_crawlers else None,
    )
    results: list[Result] = []
    sources: list[dict[str, Any]] = []
    for site in sites:
        for log in site.logs:
            host_name = log.host or site.host or "local"
            place = f"{log.path}" if host_name == "local" else f"{host_name}:{log.path}"
            source = SiteLog(
                host_name=host_name,
                path=log.path,
                format_spec=log.format,
                target=f"{site.name}:{place}",
            )
            try:
                judged, saved = _check_one(context, source, rules, allowlist=allowlist, jobs=jobs)
            except OpskitError as error:
                results.append(
                    unknown("logs.activity", source.target, error.message, details=error.details)
                )
                continue
            results += judged.results
            sources.append(judged.data)
            context.store().put_state(STATE_NAMESPACE, f"{host_name}:{log.path}", saved)
    return Outcome(
        command="check logs", results=results, data={"sources": sources}, view="logs", record=True
    )


@dataclass(frozen=True)
class SiteLog:
    """One configured log: where it is, its format, and the target its results name."""

    host_name: str
    path: str
    format_spec: str
    target: str


def _check_one(
    context: AppContext,
    log: SiteLog,
    rules: list[Rule],
    *,
    allowlist: Allowlist,
    jobs: int,
) -> tuple[Any, dict[str, Any]]:
    from opskit.hosts.connect import session
    from opskit.hosts.runner import known_hosts, select_hosts
    from opskit.logs.sources import LocalSource, RemoteSource

    config = context.config
    host_name, path = log.host_name, log.path
    host = select_hosts(config, [host_name])[0]
    state = context.store().get_state(STATE_NAMESPACE, f"{host_name}:{path}")
    settings = ScanSettings(compile_format(log.format_spec), tuple(rules))
    try:
        with session(host, known_hosts(config)) as connection:
            source: Any = LocalSource() if host.local else RemoteSource(connection)
            files: list[FileInfo] = source.describe(path)
            if not files:
                raise HostError(f"{host_name}: no log file at {path}")
            reads, how = plan_reads(files, state)
            reached: dict[str, int] = {}

            def tasks() -> Any:
                for read in reads:
                    yield from source.tasks(read, reached)

            size = sum(max(0, (read.info.size or 0) - read.offset) for read in reads)
            analysis = analyze(tasks(), settings, jobs=jobs, expected_bytes=size)
    except OSError as error:
        if str(error).endswith("not a log file"):  # a FIFO or a device, named for what it is
            raise HostError(f"{host_name}: {error}") from None
        raise HostError(f"{host_name}: cannot read {path}: {error}") from None
    current = files[-1]
    saved = cursor(current, reached.get(current.name, 0))
    judged = judge(
        analysis,
        rules,
        target=log.target,
        zone=context.timezone,
        allowlist=allowlist,
        notes=[how, *(f"read {name} up to byte {end}" for name, end in reached.items())],
        damaged=getattr(source, "damaged", []),
    )
    return judged, saved


def _describe(path: str) -> FileInfo:
    """The file's first bytes and size; an error naming the file if it cannot be read."""
    from opskit.logs.files import local_info

    try:
        return local_info(Path(path))
    except OSError as error:
        # BadGzipFile and the like carry no strerror; their text is the reason.
        reason = error.strerror or str(error) or error.__class__.__name__
        raise OpskitError(f"cannot read {path}: {reason}") from None


def _rules(rules_file: str | None, login_paths: tuple[str, ...]) -> list[Rule]:
    return load_rules(Path(rules_file) if rules_file else None, login_paths)


def _zone(name: str | None) -> tzinfo:
    if name:
        import zoneinfo

        try:
            return zoneinfo.ZoneInfo(name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise UsageError(f"unknown time zone {name!r} (for example Asia/Makassar)") from None
    # astimezone() always gives a zone; UTC only satisfies the type.
    return datetime.now(UTC).astimezone().tzinfo or UTC


def _range(since: str | None, until: str | None, zone: tzinfo) -> tuple[float | None, float | None]:
    now = utc_now()
    try:
        start = parse_moment(since, now, zone).timestamp() if since else None
        end = parse_moment(until, now, zone).timestamp() if until else None
    except ValueError as error:
        raise UsageError(str(error)) from None
    if start is not None and end is not None and start >= end:
        raise UsageError(
            f"--since {since} is not before --until {until}: no line could be in range"
        )
    return start, end


def _allowlist(addresses: list[str], agents: list[str], options: AnalyzeOptions) -> Allowlist:
    checker = None
    server, port = _resolver(options.resolver) if options.resolver else ("", 53)
    if options.verify_crawlers:
        from opskit.logs.crawlers import CrawlerCheck

        checker = CrawlerCheck(nameservers=(server,) if server else (), port=port)
    try:
        return Allowlist.build(addresses, agents, checker)
    except ValueError as error:
        raise UsageError(f"--allow: {error}") from None


def _resolver(value: str) -> tuple[str, int]:
    """``--resolver`` as (address, port), refused now: a bad one would fail mid-analysis."""
    import ipaddress

    from opskit.config.schema import split_address

    try:
        server, port = split_address(value, 53)
    except ValueError as error:
        raise UsageError(f"--resolver: {error}") from None
    try:
        ipaddress.ip_address(server)
    except ValueError:
        raise UsageError(f"--resolver: {value!r} is not an IP address") from None
    return server, port


def _crawler_check(settings: Any) -> Any:
    from opskit.logs.crawlers import CrawlerCheck

    return CrawlerCheck(
        nameservers=tuple(settings.resolver.nameservers),
        port=settings.resolver.port,
        timeout_seconds=settings.resolver.timeout_seconds,
    )
