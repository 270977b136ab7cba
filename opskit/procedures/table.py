"""The procedures' steps as actions of the role table (``opskit.permissions``).

A step's action is ``<procedure action>.<step or its permission>``. What the
table can say without an instance is which SOP roles could ever take it:
a step open to anyone, to the requester or to the assignee could be taken by
anybody (the engine then asks about the instance); ``pending`` stands for the
roles of the steps it may interrupt.
"""

from __future__ import annotations

from dataclasses import dataclass

from opskit.config.schema import Config
from opskit.procedures.definition import ANYONE, ASSIGNEE, PENDING, REQUESTER, Procedure, procedures

OPEN_TO_EVERYONE = frozenset({ANYONE, REQUESTER, ASSIGNEE})


@dataclass(frozen=True)
class StepAction:
    """A procedure step as the role table sees it."""

    procedure: str
    step: str
    roles: frozenset[str]  # SOP roles; empty: anyone signed in
    decision: bool
    words: str  # how a refusal names it
    setting: str | None  # the config key that sets its role, if any


def step_actions(config: Config) -> dict[str, StepAction]:
    """Every procedure step's action; steps sharing an action share their roles.

    Made once per config: the role table is asked many times a page."""
    table: dict[str, StepAction] = config.derived("procedure-actions", lambda: _actions(config))
    return table


def _actions(config: Config) -> dict[str, StepAction]:
    found: dict[str, StepAction] = {}
    for chosen in procedures(config):
        for name, step in chosen.steps.items():
            action = chosen.action(name)
            if action in found:
                continue
            found[action] = StepAction(
                procedure=chosen.name,
                step=name,
                roles=table_roles(config, chosen, name),
                decision=step.decision,
                words=step.words
                or f"take the step '{step.title.en}' of {chosen.definition.title.en}",
                setting=step.role_setting,
            )
    return found


def table_roles(config: Config, chosen: Procedure, step: str) -> frozenset[str]:
    """The SOP roles that could take ``step`` on some instance (empty: anyone)."""
    written = chosen.roles(config, step)
    if written & OPEN_TO_EVERYONE:
        return frozenset()
    roles = set(written - {PENDING})
    if PENDING in written:
        for state in chosen.steps[step].from_:
            due = chosen.due(state)
            if due is not None:
                holders = table_roles(config, chosen, due)
                if not holders:
                    return frozenset()
                roles |= holders
    return frozenset(roles)
