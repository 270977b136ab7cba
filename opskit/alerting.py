"""After a run is recorded: open, remind and resolve incidents, and deliver what is due.

Called by the CLI for every command that records results. Nothing here may
change the job's own status: a broken mail server or a failed PDF is
logged, shown as a message, and retried on the next run.

A run that started without the config (a backup from its kept plan) ends
without it too when it leaves nothing to do here: every result OK, no
incident open on its targets, no delivery due. Anything else loads the
config (its channels, people, windows and reminder hours) as every other
command does.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from opskit import incidents, notify
from opskit.context import AppContext
from opskit.errors import OpskitError
from opskit.outcome import Outcome
from opskit.result import Result, Status, utc_now
from opskit.store import Store

if TYPE_CHECKING:
    from opskit.config.schema import Config

logger = logging.getLogger(__name__)


def after_run(context: AppContext, outcome: Outcome) -> None:
    store, now = context.store(), utc_now()
    if not context.config_known() and _quiet(context, store, outcome, now):
        return
    config = context.config
    results = outside_windows(context, outcome)
    settings = config.notifications
    acknowledged = settings.acknowledged_reminder_hours
    events = incidents.process(
        store,
        results,
        now,
        timedelta(hours=settings.reminder_hours),
        timedelta(hours=acknowledged) if acknowledged else None,
    )
    if events:
        announce(config, store, events, outcome, now)
    attempted = notify.flush(store, config, now)
    failed = [delivery for delivery in attempted if delivery.state != "sent"]
    if failed:
        outcome.messages.append(
            f"{len(failed)} of {len(attempted)} deliveries failed (first: {failed[0].recipient} "
            f"via {failed[0].channel}: {failed[0].last_error}); retried later, "
            "see `opskit notify outbox`"
        )


def _quiet(context: AppContext, store: Store, outcome: Outcome, now: datetime) -> bool:
    """Nothing to open, remind, resolve or send after this run (told from the store alone)."""
    retry_hours = context.settings.delivery_retry_hours
    return (
        retry_hours is not None
        and all(result.status is Status.OK for result in outcome.results)
        and not incidents.open_on(store, outcome.results)
        and not notify.any_due(store, now, retry_hours)
    )


def announce(
    config: Config,
    store: Store,
    events: list[incidents.Event],
    outcome: Outcome,
    now: datetime,
) -> None:
    """Write each event's incident report and queue it for its people.

    The documents code (locale files, templates) loads only here: most runs
    open, remind or resolve nothing, and every scheduled run pays its start-up.
    """
    from opskit.reports import written
    from opskit.reports.documents import common
    from opskit.reports.documents import incident as incident_document
    from opskit.reports.render import render

    paper = common.stationery(config)
    routed = bool(notify.recipients(config, "incident"))
    if not routed:  # once for the run, not once per incident
        logger.warning(
            "nobody receives incident documents: no person with a routed role has a channel"
        )
    for event in events:
        incident = event.incident
        outcome.messages.append(
            f"incident {incident.id} {event.kind}: {incident.check_id} on {incident.target}"
        )
        document = incident_document.build(
            config, store, incident, event=event.kind, words=paper.words, now=now
        )
        paths = {}
        try:
            common.file_in_register(config, store, document, now)
            rendered = render(document, paper, generated_at=now, output_dir=config.output_dir)
            paths = rendered.paths
            written.record(
                store,
                rendered,
                reference=str(incident.id),
                language=paper.words.language,
                now=now,
            )
        except OpskitError as error:
            # The people must still hear of it: the short text goes out without the report.
            logger.error("incident %d: %s; announcing it without the report", incident.id, error)
            outcome.messages.append(
                f"incident {incident.id}: {error.message}; sent without the report"
            )
        notify.queue_document(
            store,
            config,
            document,
            paths,
            reference=str(incident.id),
            now=now,
            warn_unrouted=False,
        )


def outside_windows(context: AppContext, outcome: Outcome) -> list[Result]:
    """The results that may raise incidents: those of targets not in a maintenance window."""
    windows = context.config.schedule.maintenance_windows
    if not windows:
        return list(outcome.results)
    from opskit.scheduling.windows import covering  # most offices have no windows

    kept = []
    for result in outcome.results:
        window = covering(windows, result.target, result.observed_at, context.timezone)
        if window is None:
            kept.append(result)
        elif result.status is not Status.OK:
            outcome.messages.append(
                f"{result.check_id} on {result.target}: in maintenance window "
                f"'{window.name}', no incident"
            )
    return kept
