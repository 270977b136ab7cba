"""Human views of console accounts and of a one-time-code enrolment."""

from __future__ import annotations

import io
from typing import Any

from opskit.outcome import Outcome
from opskit.output.human import simple_table


def render_users(console: Any, outcome: Outcome) -> None:
    rows = [
        [
            user["login"],
            user["name"],
            ", ".join(user["roles"]),
            "set" if user["password"] else "none (opskit users passwd)",
            "disabled" if user["disabled"] else "yes",
            ("yes" if user["totp"] else "no") + (" (required)" if user["totp_required"] else ""),
            user["sessions"],
        ]
        for user in outcome.data["users"]
    ]
    columns = ["Login", "Name", "Roles", "Password", "May sign in", "One-time code", "Sessions"]
    console.print(simple_table(columns, rows))


def render_totp(console: Any, outcome: Outcome) -> None:
    """The seed as a QR code for an authenticator app, and as an address to type."""
    import segno

    uri = outcome.data["uri"]
    picture = io.StringIO()
    segno.make(uri, error="m").terminal(out=picture, compact=True)
    console.print(picture.getvalue(), markup=False, highlight=False, end="")
    console.print(uri, markup=False, highlight=False)
