"""The service-request procedure's table, cell by cell: every (state, step, person) is
allowed or refused as written out here, not as derived from the code under test."""

from __future__ import annotations

from typing import Any

import pytest

from opskit.config.load import load
from opskit.config.schema import ROLES
from opskit.identity import Actor, terminal_actor
from opskit.procedures.definition import ASSIGNEE, REQUESTER, procedure
from opskit.procedures.engine import identities, refusal

STATES = (
    "received",
    "disposed",
    "studied",
    "classified",
    "verified",
    "prioritised",
    "considered",
    "approved",
    "handled",
    "closed",
    "rejected",
)
THE_REQUESTER = "the requester"  # a pegawai who asked; another pegawai is not them
# step -> (the states it is taken in, who takes it)
EXPECTED: dict[str, tuple[set[str], set[str]]] = {
    "dispose": ({"received"}, {"sekretaris"}),
    "study": ({"disposed"}, {"kasubbag_ti"}),
    "classify": ({"studied"}, {"kasubbag_ti"}),
    "verify": ({"classified"}, {"kasubbag_ti"}),
    "prioritise": ({"verified"}, {"kasubbag_ti"}),
    "consider": ({"prioritised"}, {"kasubbag_ti"}),
    "approve": ({"considered"}, {"ketua"}),
    "work": ({"approved"}, {"operator", "provider"}),
    "handle": ({"approved"}, {"operator", "provider"}),
    "close": ({"handled"}, {"operator", THE_REQUESTER}),
    "reopen": ({"handled"}, {"operator", THE_REQUESTER}),
}
# A request is rejected at the step it waits for, by whoever holds that step.
REJECT: dict[str, set[str]] = {
    "received": {"sekretaris"},
    "disposed": {"kasubbag_ti"},
    "studied": {"kasubbag_ti"},
    "classified": {"kasubbag_ti"},
    "verified": {"kasubbag_ti"},
    "prioritised": {"kasubbag_ti"},
    "considered": {"ketua"},
    "approved": {"operator", "provider"},
}
PEOPLE = [
    {"name": f"Orang {role}", "roles": [role], "login": role.replace("_", "-")} for role in ROLES
]
WHO = (*ROLES, THE_REQUESTER)


@pytest.fixture(scope="module")
def court(tmp_path_factory: pytest.TempPathFactory) -> Any:
    import yaml

    directory = tmp_path_factory.mktemp("table")
    path = directory / "opskit.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "organisation": {"name": "Pengadilan Agama Uji", "timezone": "Asia/Makassar"},
                "paths": {"state_dir": str(directory / "state")},
                "people": [
                    *PEOPLE,
                    {"name": "Rina Wulandari", "roles": ["pegawai"], "login": "rina"},
                ],
            }
        )
    )
    return load(path)


def actor(who: str) -> Actor:
    if who == THE_REQUESTER:
        return Actor("Rina Wulandari", frozenset({"pegawai"}), "console", login="rina")
    return Actor(f"Orang {who}", frozenset({who}), "console", login=who.replace("_", "-"))


RELATIONS = {
    REQUESTER: identities("Rina Wulandari", "rina"),
    ASSIGNEE: identities("Orang kasubbag_ti"),
}
STEPS = [*EXPECTED, "reject"]


def test_the_expectation_covers_every_step_and_state(court: Any) -> None:
    chosen = procedure(court, "service-request")

    assert set(chosen.states) == set(STATES)
    assert set(chosen.steps) - {"receive"} == set(STEPS)


@pytest.mark.parametrize("step", STEPS)
@pytest.mark.parametrize("state", STATES)
def test_each_step_in_each_state_for_each_person(court: Any, state: str, step: str) -> None:
    chosen = procedure(court, "service-request")
    states, holders = (
        (set(REJECT), REJECT.get(state, set())) if step == "reject" else EXPECTED[step]
    )

    for who in WHO:
        refused = refusal(
            court, chosen, state, step, actor(who), relations=RELATIONS, label="request 7"
        )
        allowed = state in states and who in holders
        assert (refused is None) is allowed, (state, step, who, refused and refused.message)
        if refused is None:
            continue
        if state not in states:
            assert refused.code == "wrong-state"
            assert refused.message.startswith(
                f"request 7 is {chosen.states[state].title.en.lower()}"
            )
        else:
            assert refused.code in ("not-allowed", "not-yours"), refused.message
            assert refused.message.startswith(f"{actor(who).name} may not ")


def test_at_the_terminal_the_named_person_must_hold_the_role(court: Any) -> None:
    chosen = procedure(court, "service-request")
    operator = terminal_actor(court, "Orang operator")
    sekretaris = terminal_actor(court, "orang SEKRETARIS")

    refused = refusal(
        court, chosen, "received", "dispose", operator, relations=RELATIONS, label="request 7"
    )

    assert refused is not None and refused.code == "not-allowed"
    assert "it needs the role sekretaris" in refused.message
    assert (
        refusal(
            court, chosen, "received", "dispose", sekretaris, relations=RELATIONS, label="request 7"
        )
        is None
    )


def test_anyone_signed_in_may_register_a_request(court: Any) -> None:
    from opskit.permissions import may

    for who in WHO:
        assert may(court, actor(who), "requests.receive")
