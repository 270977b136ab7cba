"""The content (SOP E) and policy (SOP A) procedures' tables, cell by cell: every (state,
step, role) is allowed or refused as written out here, not as derived from the code."""

from __future__ import annotations

from typing import Any

import pytest

from opskit.config.schema import ROLES
from opskit.identity import Actor
from opskit.procedures.definition import procedure
from opskit.procedures.engine import refusal

CONTENT_STATES = (
    "gathered",
    "validated",
    "drafted",
    "returned",
    "edited",
    "submitted",
    "submitted_special",
    "approved",
    "published",
    "archived",
    "withdrawn",
)
OPEN = set(CONTENT_STATES) - {"published", "archived", "withdrawn"}
# step -> (the states it is taken in, the roles that take it)
CONTENT: dict[str, tuple[set[str], set[str]]] = {
    "attach": ({"gathered"}, {"operator"}),
    "validate": ({"gathered"}, {"operator"}),
    "draft": ({"validated", "returned"}, {"redaktur"}),
    "review": ({"drafted"}, {"editor"}),
    "submit": ({"edited"}, {"redaktur"}),
    "submit_special": ({"edited"}, {"redaktur"}),
    "approve": ({"submitted"}, {"penanggung_jawab"}),
    "approve_special": ({"submitted_special"}, {"ketua"}),
    "publish": ({"approved"}, {"operator"}),
    "archive": ({"published"}, {"operator"}),
    "withdraw": (OPEN, {"operator", "penanggung_jawab", "ketua"}),
}
# Sent back at a review step by whoever holds that step.
SEND_BACK = {
    "drafted": {"editor"},
    "submitted": {"penanggung_jawab"},
    "submitted_special": {"ketua"},
}

POLICY_STATES = ("gathered", "drafted", "proposed", "set", "superseded", "withdrawn")
POLICY: dict[str, tuple[set[str], set[str]]] = {
    "revise": ({"gathered", "drafted"}, {"operator", "kasubbag_ti"}),
    "plan": ({"gathered"}, {"kasubbag_ti"}),
    "propose": ({"drafted"}, {"kasubbag_ti"}),
    "set": ({"proposed"}, {"ketua"}),
    "send_back": ({"proposed"}, {"ketua"}),
    "supersede": ({"set"}, {"ketua"}),
    "withdraw": ({"gathered", "drafted", "proposed"}, {"kasubbag_ti", "ketua"}),
}


def actor(role: str) -> Actor:
    return Actor(f"Orang {role}", frozenset({role}), "console")


def test_the_expectations_cover_every_step_and_state(court: Any) -> None:
    content = procedure(court, "content")
    policy = procedure(court, "policy")

    assert set(content.states) == set(CONTENT_STATES)
    assert set(content.steps) == {"gather", "send_back", *CONTENT}
    assert set(policy.states) == set(POLICY_STATES)
    assert set(policy.steps) == {"gather", *POLICY}


@pytest.mark.parametrize("step", [*CONTENT, "send_back"])
@pytest.mark.parametrize("state", CONTENT_STATES)
def test_each_content_step_in_each_state_for_each_role(court: Any, state: str, step: str) -> None:
    chosen = procedure(court, "content")
    states, holders = (
        (set(SEND_BACK), SEND_BACK.get(state, set())) if step == "send_back" else CONTENT[step]
    )
    for role in ROLES:
        refused = refusal(court, chosen, state, step, actor(role), relations={}, label="item 3")
        allowed = state in states and role in holders
        assert (refused is None) is allowed, (state, step, role, refused and refused.message)
        if refused is not None:
            expected = ("wrong-state",) if state not in states else ("not-allowed", "not-yours")
            assert refused.code in expected, refused.message


@pytest.mark.parametrize("step", POLICY)
@pytest.mark.parametrize("state", POLICY_STATES)
def test_each_policy_step_in_each_state_for_each_role(court: Any, state: str, step: str) -> None:
    chosen = procedure(court, "policy")
    states, holders = POLICY[step]
    for role in ROLES:
        refused = refusal(court, chosen, state, step, actor(role), relations={}, label="doc 2")
        allowed = state in states and role in holders
        assert (refused is None) is allowed, (state, step, role, refused and refused.message)


def test_only_the_operator_and_kasubbag_start_a_policy_document(court: Any) -> None:
    from opskit.permissions import may

    for role in ROLES:
        assert may(court, actor(role), "policy.gather") is (role in ("operator", "kasubbag_ti"))
        assert may(court, actor(role), "content.gather") is (role == "operator")


def test_the_e5_submissions_share_one_standard_and_the_first_is_the_one_waited_for(
    court: Any,
) -> None:
    chosen = procedure(court, "content")

    assert chosen.due("edited") == "submit"
    assert chosen.steps["submit"].standard == chosen.steps["submit_special"].standard
    assert [chosen.steps[name].time for name in ("gather", "validate", "draft", "review")] == [
        "3h",
        "1h",
        "1h",
        "30m",
    ]
    assert (chosen.steps["publish"].time, chosen.steps["archive"].time) == ("30m", "15m")
