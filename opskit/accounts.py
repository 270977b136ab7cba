"""Console accounts: passwords (Argon2 hashes), sessions, throttled sign-ins, one-time codes.

The store keeps only what cannot sign anyone in by itself: Argon2 hashes of
passwords and SHA-256 hashes of session tokens. One-time-code (TOTP) seeds
are secrets a server must read, so they live in 0600 files under the state
directory, never in the store.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from opskit.errors import NotFoundError, UsageError
from opskit.store import Store, from_text, to_text

MIN_PASSWORD_LENGTH = 10
TOKEN_BYTES = 32


@dataclass(frozen=True)
class Account:
    login: str
    disabled: bool
    language: str | None
    created_at: datetime
    updated_at: datetime


def _hasher() -> object:
    from argon2 import PasswordHasher

    return PasswordHasher()


def password_problem(password: str, login: str) -> str | None:
    """Why ``password`` is too weak to set, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"a password needs at least {MIN_PASSWORD_LENGTH} characters"
    if password.casefold() == login.casefold() or login.casefold() in password.casefold():
        return "a password may not contain the login name"
    if len(set(password)) < 4:
        return "a password needs more than three different characters"
    return None


def set_password(store: Store, login: str, password: str, now: datetime) -> bool:
    """Store an Argon2 hash of ``password``; True if the account was created."""
    problem = password_problem(password, login)
    if problem:
        raise UsageError(problem)
    digest = _hasher().hash(password)  # type: ignore[attr-defined]
    with store.transaction() as connection:
        created = (
            connection.execute("SELECT 1 FROM accounts WHERE login = ?", (login,)).fetchone()
            is None
        )
        connection.execute(
            "INSERT INTO accounts (login, password_hash, created_at, updated_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (login) DO UPDATE SET"
            " password_hash = excluded.password_hash, updated_at = excluded.updated_at",
            (login, digest, to_text(now), to_text(now)),
        )
        # A new password ends every session signed in with the old one.
        connection.execute("DELETE FROM sessions WHERE login = ?", (login,))
    return created


def check_password(store: Store, login: str, password: str) -> bool:
    """Whether ``password`` is ``login``'s; a disabled or unknown account never matches.

    An unknown login still costs one hash, so timing does not tell which logins exist.
    """
    from argon2.exceptions import InvalidHashError, VerificationError

    rows = store.read("SELECT password_hash, disabled FROM accounts WHERE login = ?", (login,))
    hasher = _hasher()
    if not rows:
        hasher.hash(password)  # type: ignore[attr-defined]
        return False
    try:
        hasher.verify(rows[0]["password_hash"], password)  # type: ignore[attr-defined]
    except (VerificationError, InvalidHashError):
        return False
    return not rows[0]["disabled"]


def get(store: Store, login: str) -> Account | None:
    rows = store.read("SELECT * FROM accounts WHERE login = ?", (login,))
    return _account(rows[0]) if rows else None


def listing(store: Store) -> list[Account]:
    return [_account(row) for row in store.read("SELECT * FROM accounts ORDER BY login")]


def set_disabled(store: Store, login: str, disabled: bool, now: datetime) -> None:
    with store.transaction() as connection:
        changed = connection.execute(
            "UPDATE accounts SET disabled = ?, updated_at = ? WHERE login = ?",
            (int(disabled), to_text(now), login),
        ).rowcount
        if not changed:
            raise NotFoundError(f"{login} has no password yet (opskit users passwd {login})")
        if disabled:
            connection.execute("DELETE FROM sessions WHERE login = ?", (login,))


def set_language(store: Store, login: str, language: str, now: datetime) -> None:
    with store.transaction() as connection:
        connection.execute(
            "UPDATE accounts SET language = ?, updated_at = ? WHERE login = ?",
            (language, to_text(now), login),
        )


# Sessions -----------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(
    store: Store, login: str, now: datetime, address: str | None, user_agent: str | None
) -> str:
    """A new session for ``login``; returns the token (only its hash is stored)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with store.transaction() as connection:
        connection.execute(
            "INSERT INTO sessions (token_hash, login, created_at, last_seen_at, address,"
            " user_agent) VALUES (?, ?, ?, ?, ?, ?)",
            (
                _token_hash(token),
                login,
                to_text(now),
                to_text(now),
                address,
                (user_agent or "")[:200],
            ),
        )
    return token


def session_login(
    store: Store, token: str, now: datetime, *, idle: timedelta, lifetime: timedelta
) -> str | None:
    """The login of a live session (and mark it used), or None when it ended or never was."""
    digest = _token_hash(token)
    rows = store.read(
        "SELECT s.login, s.created_at, s.last_seen_at, a.disabled FROM sessions s"
        " JOIN accounts a ON a.login = s.login WHERE s.token_hash = ?",
        (digest,),
    )
    if not rows:
        return None
    row = rows[0]
    created, seen = from_text(row["created_at"]), from_text(row["last_seen_at"])
    if (
        row["disabled"]
        or created is None
        or seen is None
        or now - seen > idle
        or now - created > lifetime
    ):
        close_session(store, token)
        return None
    if now - seen > timedelta(seconds=30):  # no write on every request
        with store.transaction() as connection:
            connection.execute(
                "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?", (to_text(now), digest)
            )
    return str(row["login"])


def close_session(store: Store, token: str) -> None:
    with store.transaction() as connection:
        connection.execute("DELETE FROM sessions WHERE token_hash = ?", (_token_hash(token),))


def close_all_sessions(store: Store, login: str) -> int:
    with store.transaction() as connection:
        return int(connection.execute("DELETE FROM sessions WHERE login = ?", (login,)).rowcount)


def session_count(store: Store, login: str) -> int:
    return int(store.read("SELECT COUNT(*) AS n FROM sessions WHERE login = ?", (login,))[0]["n"])


# Throttling ---------------------------------------------------------------


def record_failure(store: Store, login: str, address: str | None, now: datetime) -> None:
    with store.transaction() as connection:
        connection.execute(
            "INSERT INTO signin_failures (login, address, at) VALUES (?, ?, ?)",
            (login[:64], address, to_text(now)),
        )


def clear_failures(store: Store, login: str) -> None:
    with store.transaction() as connection:
        connection.execute("DELETE FROM signin_failures WHERE login = ?", (login,))


def wait_seconds(
    store: Store,
    login: str,
    address: str | None,
    now: datetime,
    *,
    per_account: int,
    per_address: int,
    window: timedelta,
) -> int:
    """How long sign-ins to ``login`` or from ``address`` must wait (0: go ahead)."""
    since = to_text(now - window)
    waits = []
    for column, value, limit in (("login", login, per_account), ("address", address, per_address)):
        if value is None:
            continue
        rows = store.read(
            f"SELECT at FROM signin_failures WHERE {column} = ? AND at >= ?"  # noqa: S608  # nosec B608 - column is one of two literals
            " ORDER BY at DESC LIMIT ?",
            (value, since, limit),
        )
        if len(rows) >= limit:
            oldest = from_text(rows[-1]["at"])
            if oldest is not None:
                waits.append(int((oldest + window - now).total_seconds()) + 1)
    return max(waits, default=0)


# One-time codes -----------------------------------------------------------


def totp_file(state_dir: Path, login: str) -> Path:
    return state_dir / "console" / "totp" / login


def enrol_totp(state_dir: Path, login: str) -> str:
    """A new TOTP seed for ``login`` in a 0600 file; returns the otpauth URI for an app."""
    import pyotp

    seed = pyotp.random_base32()
    path = totp_file(state_dir, login)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    temporary = path.with_name(f".{login}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(seed)
    temporary.replace(path)
    return str(pyotp.TOTP(seed).provisioning_uri(name=login, issuer_name="opskit"))


def has_totp(state_dir: Path, login: str) -> bool:
    return totp_file(state_dir, login).is_file()


def check_totp(state_dir: Path, login: str, code: str, now: datetime) -> bool:
    """Whether ``code`` is ``login``'s current one-time code (one step either side)."""
    import pyotp

    path = totp_file(state_dir, login)
    try:
        seed = path.read_text().strip()
    except OSError:
        return False
    return bool(pyotp.TOTP(seed).verify(code.strip(), for_time=now, valid_window=1))


def remove_totp(state_dir: Path, login: str) -> bool:
    path = totp_file(state_dir, login)
    existed = path.exists()
    path.unlink(missing_ok=True)
    return existed


def _account(row: object) -> Account:
    return Account(
        login=row["login"],  # type: ignore[index]
        disabled=bool(row["disabled"]),  # type: ignore[index]
        language=row["language"],  # type: ignore[index]
        created_at=from_text(row["created_at"]),  # type: ignore[index,arg-type]
        updated_at=from_text(row["updated_at"]),  # type: ignore[index,arg-type]
    )
