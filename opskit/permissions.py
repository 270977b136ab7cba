"""Who may do what: the one role table both edges ask.

Each action names the SOP roles allowed to take it (``ANYONE`` for every
signed-in person). The steps of the SOP's procedures (service requests, UAT
review and approval ...) are actions too, read from their definitions in
``checks/procedures/`` (``requests.dispose``), so a procedure's step table is
the only place their roles are written. Routes, commands and templates never
test a role themselves; they ask ``may`` or ``require``. Two rules sit beside
the table: the terminal is the operator's own edge, so operator work typed
there is allowed whoever is named, except for procedure steps, which the
named person must hold the role for; and decisions (UAT review and approval,
a request's verification and approval, signing documents) can be reserved to the
console.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from opskit.errors import RefusedError
from opskit.text import Message

if TYPE_CHECKING:
    from opskit.config.schema import Config
    from opskit.identity import Actor
    from opskit.procedures.table import StepAction

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
    "requests.view": ANYONE,
    # Everyone sees the requests they made; these roles see every request.
    "requests.view_all": frozenset(
        {"operator", "kasubbag_ti", "sekretaris", "ketua", "provider", "penanggung_jawab"}
    ),
    "requests.on_behalf": OPERATOR,
    "requests.export": MANAGEMENT,
    "requests.from_incident": OPERATOR,
    # Website content (SOP E): those who work on it see every item.
    "content.view": frozenset(
        {"operator", "redaktur", "editor", "penanggung_jawab", "ketua", "kasubbag_ti"}
    ),
    "content.verify": OPERATOR,
    # The register of IT policy (SOP A) is the office's own: everyone reads it.
    "policy.view": ANYONE,
    "policy.regulations": MANAGEMENT,
    # The supervising court's reader of the courts it oversees (organisation.oversees).
    "supervision.view": frozenset({"pengawas"}),
    "documents.sign": lambda config: frozenset(
        role for roles in config.reports.signatures.values() for role in roles
    ),
}
# How a refusal names each action: ``refusal.actions.<action>`` in the catalogues.
# Decisions a person takes in their own name: the terminal's trust does not stand in.
# (A procedure's steps say so in their definition: ``decision: true``.)
DECISIONS = frozenset({"documents.sign"})


def actions(config: Config) -> list[str]:
    """Every action of the table: the fixed ones and each procedure's steps."""
    from opskit.procedures.table import step_actions

    return [*RULES, *step_actions(config)]


def roles_for(config: Config, action: str) -> frozenset[str]:
    """The roles allowed to take ``action`` (empty: anyone signed in); KeyError if unknown."""
    if action in RULES:
        rule = RULES[action]
        return rule if isinstance(rule, frozenset) else rule(config)
    return _step(config, action).roles


def refusal(config: Config, actor: Actor, action: str) -> Message | None:
    """Why ``actor`` may not take ``action`` (a message in the reader's words), or None."""
    allowed = roles_for(config, action)
    step = None if action in RULES else _step(config, action)
    decision = step.decision if step is not None else action in DECISIONS
    if decision and actor.edge == "terminal" and config.console.require_console_approval:
        return Message("refusal.console_only")
    if step is not None or decision:
        if actor.edge == "scheduler":
            return Message("refusal.scheduler")
    elif actor.edge == "terminal" and allowed <= MANAGEMENT:
        return None
    elif actor.edge == "scheduler":
        return None if allowed <= OPERATOR else Message("refusal.scheduler")
    if allowed and not allowed & actor.roles:
        return _lacks(actor, allowed, step.setting if step else None)
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
    details: list[str] = (
        [
            Message(
                "refusal.holders",
                roles=[role_words(role) for role in sorted(allowed)],
                source=str(config.source),
                names=", ".join(holders) if holders else Message("refusal.nobody"),
            )
        ]
        if allowed
        else []
    )
    raise RefusedError(
        Message("refusal.may_not", name=actor.name, action=action_words(config, action),
                reason=reason),
        details=details,
        code="not-allowed",
    )  # fmt: skip


def action_words(config: Config, action: str) -> Message | dict[str, str]:
    """How a refusal names ``action``: the table's own words, or the step's in both languages
    (its ``words:`` in English, its title in Bahasa Indonesia)."""
    if action in RULES:
        return Message(f"refusal.actions.{action.replace('.', '_')}")
    from datetime import UTC

    from opskit.procedures.definition import procedures
    from opskit.text import Words

    step = _step(config, action)
    chosen = next(item for item in procedures(config) if item.name == step.procedure)
    title = chosen.steps[step.step].title
    said = Message(
        "refusal.take_step",
        step=title.model_dump(),
        procedure=chosen.definition.title.model_dump(),
    )
    return {"en": step.words or str(said), "id": Words("id", UTC).say(said)}


def document_roles(config: Config, kind: str) -> frozenset[str]:
    """Who may read documents of ``kind``: those they are sent to or signed by, and the
    operator and kasubbag who make them."""
    routed = config.notifications.routes.get(kind, [])  # type: ignore[call-overload]
    signing = config.reports.signatures.get(kind, [])  # type: ignore[call-overload]
    return frozenset(routed) | frozenset(signing) | MANAGEMENT


def may_read_document(config: Config, actor: Actor, kind: str) -> bool:
    return bool(document_roles(config, kind) & actor.roles)


def _step(config: Config, action: str) -> StepAction:
    from opskit.procedures.table import step_actions

    return step_actions(config)[action]


def _lacks(actor: Actor, allowed: frozenset[str], setting: str | None) -> Message:
    roles = [role_words(role) for role in sorted(allowed)]
    rule = (
        Message("refusal.setting_is", setting=setting, roles=roles)
        if setting
        else Message("refusal.needs_role", roles=roles)
    )
    if not actor.roles and actor.edge == "terminal":
        return Message("refusal.not_in_people", name=actor.name, rule=rule)
    held: list[Any] = [role_words(role) for role in sorted(actor.roles)]
    held = held or [Message("refusal.no_role")]
    return Message("refusal.has_roles", name=actor.name, held=held, rule=rule)


def role_words(role: str) -> dict[str, str]:
    """A role as the reader knows it: its name in Bahasa Indonesia, its key in English (the
    key is what people[] holds in opskit.yaml)."""
    from datetime import UTC

    from opskit.text import Words

    return {"en": role, "id": Words("id", UTC).role(role)}
