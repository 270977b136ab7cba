"""Who may do what: the one role table both edges ask.

Each action names the SOP roles allowed to take it (``ANYONE`` for every
signed-in person). Routes, commands and templates never test a role
themselves; they ask ``may`` or ``require``. Two rules sit beside the table:
the terminal is the operator's own edge, so operator work typed there is
allowed whoever is named; and decisions (UAT review and approval) always need
the named person to hold the role, and can be reserved to the console.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from opskit.errors import RefusedError

if TYPE_CHECKING:
    from opskit.config.schema import Config
    from opskit.identity import Actor

ANYONE: frozenset[str] = frozenset()
OPERATOR = frozenset({"operator"})
MANAGEMENT = frozenset({"operator", "kasubbag_ti"})

RoleRule = frozenset[str] | Callable[["Config"], frozenset[str]]

RULES: dict[str, RoleRule] = {
    "dashboard.view": ANYONE,
    "history.view": ANYONE,
    "incidents.view": ANYONE,
    "audit.view": ANYONE,
    "uat.view": ANYONE,
    "incidents.acknowledge": OPERATOR,
    "incidents.annotate": OPERATOR,
    "checks.run": OPERATOR,
    "jobs.run": OPERATOR,
    "uat.start": OPERATOR,
    "uat.review": lambda config: (
        frozenset({config.uat.reviewer_role}) if config.uat.reviewer_role else ANYONE
    ),
    "uat.decide": lambda config: frozenset({config.uat.approver_role}),
    "documents.sign": lambda config: frozenset(
        role for roles in config.reports.signatures.values() for role in roles
    ),
}
# How a refusal names each action.
WORDS = {
    "dashboard.view": "see the dashboard",
    "history.view": "see the history",
    "incidents.view": "see incidents",
    "audit.view": "see the audit trail",
    "uat.view": "see UAT runs",
    "incidents.acknowledge": "acknowledge incidents",
    "incidents.annotate": "annotate incidents",
    "checks.run": "run checks",
    "jobs.run": "run jobs",
    "uat.start": "start UAT runs",
    "uat.review": "review UAT runs",
    "uat.decide": "approve or reject UAT runs",
    "documents.sign": "sign documents",
}
# Where the config sets an action's role, named in refusals.
SETTINGS = {"uat.review": "uat.reviewer_role", "uat.decide": "uat.approver_role"}
# Decisions a person takes in their own name: the terminal's trust does not stand in.
DECISIONS = frozenset({"uat.review", "uat.decide", "documents.sign"})


def roles_for(config: Config, action: str) -> frozenset[str]:
    """The roles allowed to take ``action`` (empty: anyone signed in); KeyError if unknown."""
    rule = RULES[action]
    return rule if isinstance(rule, frozenset) else rule(config)


def refusal(config: Config, actor: Actor, action: str) -> str | None:
    """Why ``actor`` may not take ``action``, or None when they may."""
    allowed = roles_for(config, action)
    if action in DECISIONS:
        if actor.edge == "terminal" and config.console.require_console_approval:
            return (
                "this office takes decisions in the console only "
                "(console.require_console_approval); sign in there"
            )
    elif actor.edge == "terminal" and allowed <= MANAGEMENT:
        return None
    elif actor.edge == "scheduler":
        return None if allowed <= OPERATOR else "the scheduler takes no decisions"
    if allowed and not allowed & actor.roles:
        return _lacks(actor, allowed, SETTINGS.get(action))
    return None


def may(config: Config, actor: Actor, action: str) -> bool:
    return refusal(config, actor, action) is None


def require(config: Config, actor: Actor, action: str) -> None:
    """Raise RefusedError (with the reason, and who may) unless ``actor`` may take ``action``."""
    reason = refusal(config, actor, action)
    if reason is None:
        return
    allowed = roles_for(config, action)
    holders = [person.name for person in config.people if allowed & set(person.roles)]
    details = (
        [
            f"people with the role {' or '.join(sorted(allowed))} in {config.source}: "
            + (", ".join(holders) or "nobody (add them to people[])")
        ]
        if allowed
        else []
    )
    raise RefusedError(
        f"{actor.name} may not {WORDS[action]}: {reason}", details=details, code="not-allowed"
    )


def document_roles(config: Config, kind: str) -> frozenset[str]:
    """Who may read documents of ``kind``: those they are sent to or signed by, and the
    operator and kasubbag who make them."""
    routed = config.notifications.routes.get(kind, [])  # type: ignore[call-overload]
    signing = config.reports.signatures.get(kind, [])  # type: ignore[call-overload]
    return frozenset(routed) | frozenset(signing) | MANAGEMENT


def may_read_document(config: Config, actor: Actor, kind: str) -> bool:
    return bool(document_roles(config, kind) & actor.roles)


def _lacks(actor: Actor, allowed: frozenset[str], setting: str | None) -> str:
    needed = " or ".join(sorted(allowed))
    rule = f"{setting} is {needed}" if setting else f"it needs the role {needed}"
    if not actor.roles and actor.edge == "terminal":
        return f"{actor.name} is not in people[], and {rule}"
    held = ", ".join(sorted(actor.roles)) or "no SOP role"
    return f"{actor.name} has the roles {held}, and {rule}"
