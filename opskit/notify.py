"""Delivering documents to people through Apprise URLs (e-mail, Telegram, webhooks ...).

A document goes to every person holding one of the roles routed to it,
through each channel that person listed. E-mail gets the HTML report as
its body and the PDF attached; other channels get a short text and the PDF.
Every delivery is first written to an outbox in the history store, so a
failure is recorded and retried on later runs, and never fails the job
that produced the document.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from opskit.config.secrets import read_secret
from opskit.errors import OpskitError
from opskit.masking import mask, register_url
from opskit.store import Store, to_text

if TYPE_CHECKING:
    from opskit.config.schema import Channel, Config, Person

    # The documents code loads only when a document is written: most runs write none.
    from opskit.reports.render import Document, Rendered

logger = logging.getLogger(__name__)

FIRST_RETRY = timedelta(minutes=5)
LAST_RETRY = timedelta(hours=6)
# How long a delivery taken by one runner stays its own: far past any delivery's timeout.
CLAIM_SECONDS = 600

EMAIL_SCHEMES = ("mailto", "mailtos")
# The deliveries a run tries: not sent, not past the retry window, not waiting for later
# (unless asked to try those too). Parameters: the oldest creation, waiting_too, now.
DUE = (
    "state IN ('pending', 'failed') AND created_at >= ?"
    " AND (? = 1 OR next_attempt_at IS NULL OR next_attempt_at <= ?)"
)


@dataclass(frozen=True)
class Delivery:
    id: int
    document: str
    recipient: str
    channel: str
    state: str
    attempts: int
    last_error: str | None
    next_attempt_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "document": self.document,
            "recipient": self.recipient,
            "channel": self.channel,
            "state": self.state,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "next_attempt_at": self.next_attempt_at,
        }


def recipients(config: Config, document: str) -> list[tuple[Person, Channel]]:
    """Every (person, channel) a ``document`` kind goes to, by the configured routes."""
    roles = config.notifications.routes.get(document, [])  # type: ignore[call-overload]
    channels = {channel.name: channel for channel in config.notifications.channels}
    pairs = []
    for person in config.people:
        if any(role in person.roles for role in roles):
            pairs += [(person, channels[name]) for name in person.notify if name in channels]
    return pairs


def channel_url(channel: Channel, person: Person | None, timeout_seconds: float) -> str:
    """The Apprise URL for ``channel``, addressed to ``person`` on e-mail channels."""
    url = channel.url or read_secret(
        file=channel.url_file,
        env=channel.url_env,
        what=f"notifications.channels.{channel.name}.url",
    )
    if not url:
        raise OpskitError(f"channel {channel.name} has no URL")
    register_url(url, f"notifications.channels.{channel.name}.url")
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    if parts.scheme in EMAIL_SCHEMES and person is not None and person.email and "to" not in query:
        query["to"] = person.email
    query.setdefault("cto", f"{timeout_seconds:g}")
    query.setdefault("rto", f"{timeout_seconds:g}")
    return urlunsplit(parts._replace(query=urlencode(query)))


def queue(store: Store, config: Config, rendered: Rendered, reference: str, now: datetime) -> int:
    """Put ``rendered`` in the outbox for everyone it is routed to; returns how many."""
    return queue_document(
        store, config, rendered.document, rendered.paths, reference=reference, now=now
    )


def queue_document(
    store: Store,
    config: Config,
    document: Document,
    paths: dict[str, Path],
    *,
    reference: str,
    now: datetime,
    warn_unrouted: bool = True,
) -> int:
    """Queue ``document``; without files (rendering failed) it goes out as its short text.

    ``warn_unrouted=False`` when the caller already said once that nobody receives it.
    """
    pairs = recipients(config, document.kind)
    if not pairs and warn_unrouted:
        logger.warning(
            "nobody receives %s documents: no person with a routed role has a channel",
            document.kind,
        )
    with store.transaction() as connection:
        for person, channel in pairs:
            connection.execute(
                "INSERT INTO deliveries (document, reference, recipient, channel, subject, body,"
                " html_path, attachment_path, state, created_at, updated_at, next_attempt_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
                (
                    document.kind,
                    reference,
                    person.name,
                    channel.name,
                    mask(document.subject),
                    mask(document.chat_text),
                    _path(paths.get("html")),
                    _path(paths.get("pdf")),
                    to_text(now),
                    to_text(now),
                    to_text(now),
                ),
            )
    return len(pairs)


def queue_message(
    store: Store,
    config: Config,
    names: list[str],
    *,
    kind: str,
    subject: str,
    body: str,
    reference: str,
    now: datetime,
) -> int:
    """Queue a short message (a reminder) to the people named, through each of their
    channels; returns how many deliveries were queued."""
    channels = {channel.name: channel for channel in config.notifications.channels}
    wanted = set(names)
    pairs = [
        (person, channels[name])
        for person in config.people
        if person.name in wanted
        for name in person.notify
        if name in channels
    ]
    with store.transaction() as connection:
        for person, channel in pairs:
            connection.execute(
                "INSERT INTO deliveries (document, reference, recipient, channel, subject, body,"
                " state, created_at, updated_at, next_attempt_at)"
                " VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
                (kind, reference, person.name, channel.name, mask(subject), mask(body),
                 to_text(now), to_text(now), to_text(now)),
            )  # fmt: skip
    return len(pairs)


def _claim(store: Store, row: Any, until: datetime) -> bool:
    """Take a delivery for this process by moving its next attempt past ``until``, unless
    another process changed it since it was read: each message goes out once, however many
    runners flush the outbox at once. A runner that dies while sending leaves it to be tried
    again once ``until`` has passed."""
    with store.transaction() as connection:
        cursor = connection.execute(
            "UPDATE deliveries SET next_attempt_at = ? WHERE id = ? AND state = ?"
            " AND attempts = ? AND COALESCE(next_attempt_at, '') = ?",
            (
                to_text(until),
                row["id"],
                row["state"],
                row["attempts"],
                row["next_attempt_at"] or "",
            ),
        )
        return bool(cursor.rowcount == 1)


def retry_delay(attempts: int) -> timedelta:
    """Wait 5 minutes after the first failure, doubling up to 6 hours."""
    return min(FIRST_RETRY * 2 ** max(0, attempts - 1), LAST_RETRY)


def any_due(store: Store, now: datetime, retry_hours: float) -> bool:
    """Whether ``flush`` would try a delivery now; told without the config's channels."""
    query = f"SELECT 1 FROM deliveries WHERE {DUE} LIMIT 1"  # noqa: S608  # nosec B608 - fixed SQL, values bound
    return bool(store.read(query, _due(now, retry_hours, False)))


def _due(now: datetime, retry_hours: float, waiting_too: bool) -> tuple[str, int, str]:
    return (to_text(now - timedelta(hours=retry_hours)), int(waiting_too), to_text(now))


def flush(
    store: Store,
    config: Config,
    now: datetime,
    budget_seconds: float | None = None,
    *,
    waiting_too: bool = False,
) -> list[Delivery]:
    """Try the deliveries that are due (new, or failed and done waiting), within a time budget.

    The budget (default: three delivery timeouts) keeps a hanging mail
    server from holding up the command that produced the documents; what
    is left over stays in the outbox for the next run.
    """
    query = f"SELECT * FROM deliveries WHERE {DUE} ORDER BY id"  # noqa: S608  # nosec B608 - fixed SQL, values bound
    rows = store.read(query, _due(now, config.notifications.retry_hours, waiting_too))
    people = {person.name: person for person in config.people}
    channels = {channel.name: channel for channel in config.notifications.channels}
    timeout = config.notifications.timeout_seconds
    deadline = time.monotonic() + (budget_seconds if budget_seconds is not None else 3 * timeout)
    attempted = []
    for row in rows:
        if time.monotonic() >= deadline:
            break
        if not _claim(store, row, now + timedelta(seconds=CLAIM_SECONDS)):
            continue  # another runner (on this machine or another) is sending it
        error = _deliver(row, people.get(row["recipient"]), channels.get(row["channel"]), timeout)
        attempts = row["attempts"] + 1
        state = "failed" if error else "sent"
        with store.transaction() as connection:
            connection.execute(
                "UPDATE deliveries SET state = ?, attempts = ?, last_error = ?, updated_at = ?,"
                " next_attempt_at = ? WHERE id = ?",
                (
                    state,
                    attempts,
                    mask(error) if error else None,
                    to_text(now),
                    to_text(now + retry_delay(attempts)) if error else None,
                    row["id"],
                ),
            )
        attempted.append(
            Delivery(
                row["id"],
                row["document"],
                row["recipient"],
                row["channel"],
                state,
                attempts,
                mask(error) if error else None,
            )
        )
    failed = [delivery for delivery in attempted if delivery.state != "sent"]
    if failed:
        logger.warning(
            "%d of %d deliveries failed (first: %s via %s: %s); they are tried again "
            "later, see `opskit notify outbox`",
            len(failed),
            len(attempted),
            failed[0].recipient,
            failed[0].channel,
            failed[0].last_error,
        )
    return attempted


def outbox(store: Store, limit: int = 50) -> list[Delivery]:
    rows = store.read("SELECT * FROM deliveries ORDER BY id DESC LIMIT ?", (limit,))
    return [
        Delivery(
            row["id"],
            row["document"],
            row["recipient"],
            row["channel"],
            row["state"],
            row["attempts"],
            row["last_error"],
            row["next_attempt_at"] if row["state"] == "failed" else None,
        )
        for row in rows
    ]


def send(
    url: str,
    subject: str,
    body: str,
    *,
    html: str | None = None,
    attachment: Path | None = None,
    timeout_seconds: float = 30,
) -> str | None:
    """Send one message; returns None on success or the reason it failed (masked)."""
    import apprise

    notifier = apprise.Apprise()
    if not notifier.add(url):
        return "the channel URL is not a valid Apprise URL"
    is_email = urlsplit(url).scheme in EMAIL_SCHEMES
    attach = apprise.AppriseAttachment()
    if attachment is not None:
        if not attachment.exists():
            return f"attachment {attachment} no longer exists"
        attach.add(str(attachment))
    outcome = notifier.notify(
        body=html if (is_email and html) else body,
        title=subject,
        body_format=apprise.NotifyFormat.HTML if (is_email and html) else apprise.NotifyFormat.TEXT,
        attach=attach if attachment is not None else None,
        timeout=timeout_seconds * 2,
    )
    if outcome:
        return None
    reasons = [entry.message for entry in outcome.logs() if entry.level in ("ERROR", "WARNING")]
    return mask("; ".join(reasons[-3:]) or "delivery failed")


def send_test(config: Config, person: Person, channel: Channel) -> str | None:
    from opskit.reports.documents.common import words_for

    words = words_for(config)
    organisation = config.organisation.display_name
    try:
        url = channel_url(channel, person, config.notifications.timeout_seconds)
    except OpskitError as error:
        return error.message
    return send(
        url,
        words("notify.test_subject", organisation=organisation),
        words("notify.test_body", name=person.name),
        timeout_seconds=config.notifications.timeout_seconds,
    )


def _deliver(
    row: Any, person: Person | None, channel: Channel | None, timeout_seconds: float
) -> str | None:
    if person is None or channel is None:
        return f"{row['recipient']} or channel {row['channel']} is no longer in the config"
    try:
        url = channel_url(channel, person, timeout_seconds)
    except OpskitError as error:
        return error.message
    html_path = Path(row["html_path"]) if row["html_path"] else None
    try:
        html = html_path.read_text(encoding="utf-8") if html_path else None
    except OSError as error:
        return f"cannot read {html_path}: {error.strerror}"
    attachment = Path(row["attachment_path"]) if row["attachment_path"] else None
    return send(
        url,
        row["subject"],
        row["body"],
        html=html,
        attachment=attachment,
        timeout_seconds=timeout_seconds,
    )


def _path(path: Path | None) -> str | None:
    return str(path) if path else None
