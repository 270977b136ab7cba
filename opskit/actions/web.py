"""``opskit check web``: every website check on every site (or those named), at once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

from opskit.config.schema import WEB_CHECKS, Site
from opskit.context import AppContext
from opskit.errors import ConfigError, UsageError
from opskit.outcome import Outcome
from opskit.result import Result, Status, utc_now
from opskit.sharding import parse_shard

if TYPE_CHECKING:
    from opskit.store import Store
    from opskit.web.runner import RunInput


def check_web(
    context: AppContext,
    names: Sequence[str],
    *,
    only: Sequence[str] = (),
    jobs: int = 8,
    accept_baseline: bool = False,
    shard: str | None = None,
) -> Outcome:
    """Run the website checks; results are recorded, baselines and caches saved after."""
    from opskit.web.runner import RunInput, plan, point_to_the_outage, run

    config = context.config
    unknown_checks = [name for name in only if name not in WEB_CHECKS]
    if unknown_checks:
        raise UsageError(
            f"unknown check{'s' if len(unknown_checks) > 1 else ''}: {', '.join(unknown_checks)}",
            details=[f"known checks: {', '.join(WEB_CHECKS)}"],
        )
    sites = {site.name: site for site in config.sites}
    missing = [name for name in names if name not in sites]
    if missing:
        raise ConfigError(
            f"unknown site{'s' if len(missing) > 1 else ''}: {', '.join(missing)}",
            details=[f"sites in {config.source}: {', '.join(sites) or 'none'}"],
        )
    chosen = [sites[name] for name in dict.fromkeys(names)] if names else list(sites.values())
    part = parse_shard(shard)
    if part is not None:
        chosen = part.select(chosen, key=lambda site: site.name)
    if not chosen:
        return Outcome(
            command="check web",
            status=Status.UNKNOWN,
            messages=[f"no sites in {config.source}; add them under sites:"],
        )
    store = context.store()
    settings = config.web
    last_audits, due = _public_info_schedule(context, chosen, only)
    data = RunInput(
        settings=settings,
        zone=context.timezone,
        cache_dir=config.state_dir / "web",
        accept_baseline=accept_baseline,
        public_info_due=due,
        public_info_last=last_audits,
    )
    tasks = plan(chosen, list(only), data)
    _read_history(store, data, {task.check: None for task in tasks}, chosen)
    outputs = run(tasks, jobs)
    results = point_to_the_outage([result for output in outputs for result in output.results])
    changes = [change for output in outputs for change in output.changes]
    for change in changes:
        store.put_state(change.namespace, change.key, change.value)
    messages = []
    if accept_baseline:
        from opskit.web.integrity import BASELINES

        accepted = sum(1 for change in changes if change.namespace == BASELINES)
        messages.append(f"accepted the current text of {accepted} page(s) as the baseline")
    return Outcome(command="check web", results=results, record=True, messages=messages)


def _read_history(
    store: Store, data: RunInput, checks: Iterable[str], sites: Sequence[Site]
) -> None:
    """Give ``data`` what the planned checks read from history, and nothing more.

    A thousand sites' baselines, sitemaps and keyword lists are not read for
    a run of availability alone.
    """
    from opskit.web.runner import DOMAIN_CACHE

    if "http" in checks:
        data.last_http = store.last_evidence("web.http", [site.name for site in sites])
    if "domain" in checks:
        data.state[DOMAIN_CACHE] = store.state_items(DOMAIN_CACHE)
    if "integrity" in checks:
        from opskit.web import spam
        from opskit.web.integrity import BASELINES, SITEMAPS

        data.state.update({name: store.state_items(name) for name in (BASELINES, SITEMAPS)})
        data.keywords = spam.phrases(data.settings.keywords_file)


def _public_info_schedule(
    context: AppContext, sites: Sequence[Site], only: Sequence[str]
) -> tuple[dict[str, Result | None], set[str]]:
    """Each site's last public-information audit, and the sites due for one now.

    The catalogue of every site that will be audited is validated here, so
    a broken copy stops the command with each problem and its line before
    any site is crawled.
    """
    last: dict[str, Result | None] = {}
    due: set[str] = set()
    if only and "public-info" not in only:
        return last, due
    from opskit.web.publicinfo import catalogue
    from opskit.web.publicinfo.audit import CHECK_ID

    store, now = context.store(), utc_now()
    for site in sites:
        if "public-info" in site.skip:
            continue
        previous = store.recent(CHECK_ID, site.name, 1)
        last[site.name] = previous[0] if previous else None
        interval = site.public_info.interval_hours
        if interval is not None and (
            not previous or now - previous[0].observed_at >= timedelta(hours=interval)
        ):
            due.add(site.name)
        if "public-info" in only or site.name in due:
            catalogue.load(site.public_info.catalogue)
    return last, due
