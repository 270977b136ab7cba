"""The provider handoff document (SOP F7): what a third party needs to take over a problem.

It names where credentials are kept (a key file path, an environment
variable), never their values.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from opskit import incidents
from opskit.config.schema import Config, Host
from opskit.incidents import Incident
from opskit.reports.documents.common import check_title, signatures
from opskit.reports.i18n import Words
from opskit.reports.render import Document
from opskit.store import Store, to_text

RECENT_DAYS = 14
CONTACT_ROLES = ("penanggung_jawab", "operator", "kasubbag_ti", "sekretaris", "ketua", "provider")


def credential_places(host: Host) -> list[str]:
    """Where this host's credentials are kept: file paths and variable names only."""
    places = []
    for label, value in (
        ("key_file", host.key_file),
        ("key_passphrase_file", host.key_passphrase_file),
        ("password_file", host.password_file),
        ("sudo_password_file", host.sudo_password_file),
    ):
        if value is not None:
            places.append(f"{label}: {value}")
    for label, name in (
        ("key_passphrase_env", host.key_passphrase_env),
        ("password_env", host.password_env),
        ("sudo_password_env", host.sudo_password_env),
    ):
        if name is not None:
            places.append(f"{label}: ${name}")
    return places


def status_changes(store: Store, since: datetime) -> list[dict[str, Any]]:
    """Every change of status of a check on a target since ``since``, newest first.

    A target first seen in trouble counts as a change from "-" (nothing known).
    """
    rows = store.read(
        "SELECT check_id, target, status, previous, observed_at, summary, message FROM ("
        " SELECT check_id, target, status, summary, message, observed_at,"
        " LAG(status) OVER (PARTITION BY check_id, target ORDER BY observed_at, id) AS previous"
        " FROM results WHERE observed_at >= ?)"
        " WHERE (previous IS NOT NULL AND previous != status)"
        " OR (previous IS NULL AND status != 'OK')"
        " ORDER BY observed_at DESC LIMIT 100",
        (to_text(since),),
    )
    return [dict(row) | {"observed_at": datetime.fromisoformat(row["observed_at"])} for row in rows]


def build(
    config: Config,
    store: Store,
    *,
    words: Words,
    now: datetime,
    incident: Incident | None = None,
) -> Document:
    facts = store.state_items("hosts.facts")
    hosts = [
        {"host": host, "facts": facts.get(name, {}), "credentials": credential_places(host)}
        for name, host in config.inventory().items()
    ]
    problems = [incident] if incident else incidents.listing(store, open_only=True)
    open_items = []
    raw = []
    for item in problems:
        latest = store.recent(item.check_id, item.target, limit=1)
        title = check_title(item.check_id, words)
        open_items.append(
            {
                "incident": item,
                "title": title,
                "latest": latest[0] if latest else None,
                "tried": [note for note in incidents.notes(store, item.id) if note.kind == "ack"],
            }
        )
        if latest:
            raw.append((f"#{item.id} {title} — {words.target(item.target)}", latest[0].evidence))
    expiries = [result for prefix in ("web.domain", "web.tls") for result in store.latest(prefix)]
    backups = store.latest("backup")
    contacts = [
        (role, person) for role in CONTACT_ROLES for person in config.people_with_role(role)
    ]
    organisation = config.organisation.display_name
    return Document(
        kind="handoff",
        template="handoff.html.j2",
        title=words("handoff.title"),
        number="",
        stem=f"handoff-{now.astimezone(words.zone):%Y-%m-%d-%H%M}"
        + (f"-incident-{incident.id}" if incident else ""),
        subject=words("handoff.subject", organisation=organisation),
        chat_text=words("handoff.subject", organisation=organisation),
        context={
            "hosts": hosts,
            "sites": config.sites,
            "expiries": expiries,
            "repositories": config.backup.repositories,
            "backups": backups,
            "open_items": open_items,
            "changes": status_changes(store, now - timedelta(days=RECENT_DAYS)),
            "contacts": contacts,
            "check_title": lambda check_id: check_title(check_id, words),
        },
        signatures=signatures(config, "handoff", words),
        raw=raw,
    )
