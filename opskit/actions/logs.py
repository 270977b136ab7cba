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
from opskit.logs.formats import AUTO, LogFormat, compile_format
from opskit.logs.report import Allowlist, judge
from opskit.logs.rules import Rule, load_rules
from opskit.logs.settings import ScanSettings, Zone
from opskit.outcome import Outcome
from opskit.result import Result, utc_now
from opskit.sharding import parse_shard
from opskit.timeutil import parse_moment

logger = logging.getLogger(__name__)

STATE_NAMESPACE = "logs.cursor"


@dataclass(frozen=True)
class AnalyzeOptions:
    """What ``opskit logs analyze`` was asked for; everything has a default."""

    log_format: str = "auto"
    error_logs: tuple[str, ...] = ()
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
    """Analyse log files given by name, like GoAccess: no config, no history.

    Each file's format is found from its first lines unless ``--log-format`` names it;
    error logs (found so, or named by ``--error-log``) join their findings by address.
    """
    from opskit.logs.files import not_a_log_file
    from opskit.logs.sources import LocalSource, in_time_order

    zone = _zone(options.timezone)
    rules = _rules(options.rules_file, options.login_paths)
    since, until = _range(options.since, options.until, zone)
    every = [*paths, *options.error_logs]
    refused = {path: reason for path in every if (reason := not_a_log_file(Path(path)))}
    if refused:
        raise UsageError("; ".join(f"{path}: {reason}" for path, reason in refused.items()))
    access: list[tuple[FileInfo, LogFormat]] = []
    errors = [_describe(path) for path in options.error_logs]
    for path in paths:
        info = _describe(path)
        found = _format_of(info, options.log_format)
        if found.kind == "error":
            errors.append(info)
        else:
            access.append((info, found))
    log_format = _one_format(access)
    infos = in_time_order([info for info, _ in access])
    source = LocalSource(whole=True)
    reached: dict[str, int] = {}

    def tasks() -> Any:
        for info in infos:
            yield from source.tasks(Read(info, 0), reached)

    settings = ScanSettings(log_format, tuple(rules), since, until, zone=_frame_zone(zone))
    size = sum(info.size or 0 for info in infos)
    error_reports = [_error_report(info, rules, zone, source) for info in errors]
    analysis = analyze(
        tasks(), settings, jobs=options.jobs, expected_bytes=size, extra=error_reports
    )
    analysis.log_format = log_format.described
    analysis.zone = settings.zone.label
    allowlist = _allowlist(list(options.allow), list(options.allow_agents), options)
    names = [info.name for info in infos] + [info.name for info in errors]
    judgement = judge(
        analysis,
        rules,
        target=", ".join(Path(name).name for name in names),
        zone=zone,
        allowlist=allowlist,
        notes=[f"files: {', '.join(names)}"],
        damaged=source.damaged,
    )
    data = {"sources": [judgement.data]}
    return Outcome(
        command="logs analyze", results=judgement.results, data=data, view="logs", record=False
    )


def _format_of(info: FileInfo, spec: str) -> LogFormat:
    """The format named, or found from the file's first lines; UsageError if none reads them."""
    if spec != AUTO:
        return compile_format(spec)
    from opskit.logs.files import first_lines

    try:
        lines = first_lines(Path(info.name))
    except OSError as error:
        raise OpskitError(f"cannot read {info.name}: {error}") from None
    return _sniffed(info.name, lines)


def _sniffed(name: str, lines: list[bytes]) -> LogFormat:
    from opskit.logs.sniff import sniff

    found = sniff(lines)
    if found.log_format is None:
        if not found.sampled:
            return compile_format("combined")
        raise UsageError(f"{name}: no known log format reads its first lines; {found.hint}")
    return found.log_format


def _one_format(access: list[tuple[FileInfo, LogFormat]]) -> LogFormat:
    formats = {log_format.described: log_format for _, log_format in access}
    if len(formats) > 1:
        listed = "; ".join(f"{Path(info.name).name}: {fmt.described}" for info, fmt in access)
        raise UsageError(
            f"the access logs are in different formats ({listed}): analyse them one at a time"
        )
    return next(iter(formats.values()), compile_format("combined"))


def _error_report(info: FileInfo, rules: list[Rule], zone: tzinfo, source: Any) -> Any:
    """The events of a whole error log (error logs are small; they are read at once)."""
    from opskit.logs.errorlog import scan_error_log

    data = b"".join(task[1] if task[0] == "bytes" else _range_bytes(task)
                    for task in source.tasks(Read(info, 0), {}))  # fmt: skip
    return scan_error_log(data, rules, zone)


def _range_bytes(task: Any) -> bytes:
    from opskit.logs.files import read_range

    return read_range(task[1], task[2], task[3])


def _frame_zone(zone: tzinfo) -> Zone:
    """The zone given to times written without one, in the form the reader takes."""
    name = getattr(zone, "key", None)
    if name:
        return Zone(name=name)
    offset = zone.utcoffset(None) or datetime.now(UTC).astimezone(zone).utcoffset()
    return Zone(offset_seconds=offset.total_seconds() if offset else 0.0)


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
    zone = context.timezone
    try:
        with session(host, known_hosts(config)) as connection:
            source: Any = LocalSource() if host.local else RemoteSource(connection)
            files: list[FileInfo] = source.describe(path)
            if not files:
                raise HostError(f"{host_name}: no log file at {path}")
            log_format = (
                _sniffed(files[-1].name, files[-1].head.split(b"\n")[:-1] or [files[-1].head])
                if log.format_spec == AUTO
                else compile_format(log.format_spec)
            )
            settings = ScanSettings(log_format, tuple(rules), zone=_frame_zone(zone))
            reads, how = plan_reads(files, state)
            reached: dict[str, int] = {}

            def tasks() -> Any:
                for read in reads:
                    yield from source.tasks(read, reached)

            size = sum(max(0, (read.info.size or 0) - read.offset) for read in reads)
            if log_format.kind == "error":
                from opskit.logs.errorlog import scan_error_log

                data = b"".join(
                    task[1] if task[0] == "bytes" else _range_bytes(task) for task in tasks()
                )
                report = scan_error_log(data, rules, zone)
                analysis = analyze([], settings, jobs=jobs, extra=[report])
            else:
                analysis = analyze(tasks(), settings, jobs=jobs, expected_bytes=size)
    except OSError as error:
        if str(error).endswith("not a log file"):  # a FIFO or a device, named for what it is
            raise HostError(f"{host_name}: {error}") from None
        raise HostError(f"{host_name}: cannot read {path}: {error}") from None
    analysis.log_format = log_format.described
    analysis.zone = settings.zone.label
    analysis.held_back = sum(source.held_back.values())
    current = files[-1]
    saved = cursor(current, reached.get(current.name, 0))
    judged = judge(
        analysis,
        rules,
        target=log.target,
        zone=zone,
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
