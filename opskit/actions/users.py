"""``opskit users ...``: console accounts of the people in ``people[]``.

Only the terminal manages accounts: whoever holds the server's shell is its
administrator. Every change is written to the audit trail.
"""

from __future__ import annotations

import getpass
from typing import Any

from opskit import accounts, audit
from opskit.config.schema import Person
from opskit.context import AppContext
from opskit.errors import ConfigError
from opskit.identity import Actor
from opskit.outcome import Outcome
from opskit.result import utc_now


def administrator() -> Actor:
    """The person at the server's terminal, named by their system account."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return Actor(name=f"{user} (terminal)", roles=frozenset(), edge="terminal")


def person_for(context: AppContext, login: str) -> Person:
    """The person of ``login``; raises ConfigError naming the logins that exist."""
    person = context.config.person_with_login(login)
    if person is None:
        known = ", ".join(p.login for p in context.config.people if p.login) or "none yet"
        raise ConfigError(
            f"no person in people[] has login {login!r} (logins: {known})",
            details=[f"add `login: {login}` to the person in {context.config_file}"],
        )
    return person


def set_password(context: AppContext, login: str, password: str) -> Outcome:
    person = person_for(context, login)
    store, now = context.store(), utc_now()
    created = accounts.set_password(store, login, password, now)
    audit.append(
        store,
        administrator(),
        "users.password",
        now,
        object=f"user:{login}",
        detail="account created" if created else "password changed; sessions ended",
    )
    what = "can now sign in" if created else "has a new password; their sessions were ended"
    return Outcome(
        command="users passwd",
        data={"login": login, "name": person.name, "created": created},
        messages=[f"{person.name} ({login}) {what}"],
    )


def list_users(context: AppContext) -> Outcome:
    store, state_dir = context.store(), context.config.state_dir
    totp_roles = set(context.config.console.totp_roles)
    rows: list[dict[str, Any]] = []
    known = {account.login: account for account in accounts.listing(store)}
    for person in context.config.people:
        if not person.login:
            continue
        account = known.pop(person.login, None)
        rows.append(
            {
                "login": person.login,
                "name": person.name,
                "roles": list(person.roles),
                "password": account is not None,
                "disabled": bool(account and account.disabled),
                "totp": accounts.has_totp(state_dir, person.login),
                "totp_required": bool(totp_roles & set(person.roles)),
                "sessions": accounts.session_count(store, person.login),
            }
        )
    messages = [
        f"account {login} has no person in people[] any more; it cannot sign in"
        for login in sorted(known)
    ]
    messages += [
        f"{row['login']} must give a one-time code but has none: opskit users totp {row['login']}"
        for row in rows
        if row["totp_required"] and not row["totp"]
    ]
    return Outcome(command="users list", data={"users": rows}, view="users", messages=messages)


def set_enabled(context: AppContext, login: str, enabled: bool) -> Outcome:
    person = person_for(context, login)
    store, now = context.store(), utc_now()
    accounts.set_disabled(store, login, not enabled, now)
    action = "users.enable" if enabled else "users.disable"
    audit.append(store, administrator(), action, now, object=f"user:{login}")
    what = "may sign in again" if enabled else "can no longer sign in; their sessions were ended"
    return Outcome(
        command=f"users {'enable' if enabled else 'disable'}",
        data={"login": login, "enabled": enabled},
        messages=[f"{person.name} ({login}) {what}"],
    )


def enrol_totp(context: AppContext, login: str, remove: bool = False) -> Outcome:
    """A new one-time-code seed for ``login`` (shown once), or its removal."""
    person = person_for(context, login)
    store, now, state_dir = context.store(), utc_now(), context.config.state_dir
    if remove:
        removed = accounts.remove_totp(state_dir, login)
        audit.append(store, administrator(), "users.totp-remove", now, object=f"user:{login}")
        return Outcome(
            command="users totp",
            data={"login": login, "removed": removed},
            messages=[f"{person.name} ({login}) signs in without a one-time code now"],
        )
    uri = accounts.enrol_totp(state_dir, login)
    audit.append(store, administrator(), "users.totp", now, object=f"user:{login}")
    return Outcome(
        command="users totp",
        data={"login": login, "uri": uri},
        view="totp",
        messages=[
            f"scan this with {person.name}'s authenticator app now; it is shown only once",
            f"their next sign-in asks for the 6-digit code ({login})",
        ],
    )
