"""The role table, cell by cell: every action for every SOP role, console and terminal."""

from __future__ import annotations

from typing import Any

import pytest

from opskit.config.load import load
from opskit.config.schema import ROLES
from opskit.errors import RefusedError
from opskit.identity import Actor, terminal_actor
from opskit.permissions import actions, may, may_read_document, require

EVERYONE = set(ROLES)
# What each role may do in the console: written out, not derived from the code under test.
EXPECTED: dict[str, set[str]] = {
    "dashboard.view": EVERYONE,
    "history.view": EVERYONE,
    "incidents.view": EVERYONE,
    "audit.view": EVERYONE,
    "uat.view": EVERYONE,
    "incidents.acknowledge": {"operator"},
    "incidents.annotate": {"operator"},
    "checks.run": {"operator"},
    "jobs.run": {"operator"},
    "uat.start": {"operator"},
    "uat.review": {"kasubbag_ti"},
    "uat.decide": {"ketua"},
    "requests.view": EVERYONE,
    "requests.view_all": {
        "operator",
        "kasubbag_ti",
        "sekretaris",
        "ketua",
        "provider",
        "penanggung_jawab",
    },
    "requests.on_behalf": {"operator"},
    "requests.export": {"operator", "kasubbag_ti"},
    "requests.from_incident": {"operator"},
    "requests.receive": EVERYONE,
    "requests.dispose": {"sekretaris"},
    "requests.study": {"kasubbag_ti"},
    "requests.classify": {"kasubbag_ti"},
    "requests.verify": {"kasubbag_ti"},
    "requests.prioritise": {"kasubbag_ti"},
    "requests.consider": {"kasubbag_ti"},
    "requests.approve": {"ketua"},
    "requests.work": {"operator", "provider"},
    "requests.handle": {"operator", "provider"},
    # The requester is a relation to one request: the table lets anyone try, the
    # procedure engine then asks whether they are its requester (or the operator).
    "requests.close": EVERYONE,
    "requests.reopen": EVERYONE,
    # Whoever holds the step a request waits for may reject it there.
    "requests.reject": {"sekretaris", "kasubbag_ti", "ketua", "operator", "provider"},
    "documents.sign": {"operator", "penanggung_jawab", "kasubbag_ti", "sekretaris", "ketua"},
    "content.view": {
        "operator",
        "redaktur",
        "editor",
        "penanggung_jawab",
        "ketua",
        "kasubbag_ti",
    },
    "content.verify": {"operator"},
    "content.gather": {"operator"},
    "content.attach": {"operator"},
    "content.validate": {"operator"},
    "content.draft": {"redaktur"},
    "content.review": {"editor"},
    "content.submit": {"redaktur"},
    "content.approve": {"penanggung_jawab"},
    "content.approve_special": {"ketua"},
    # Whoever holds the review step an item waits for may send it back there.
    "content.send_back": {"editor", "penanggung_jawab", "ketua"},
    "content.publish": {"operator"},
    "content.archive": {"operator"},
    "content.withdraw": {"operator", "penanggung_jawab", "ketua"},
    "policy.view": EVERYONE,
    "policy.regulations": {"operator", "kasubbag_ti"},
    "policy.gather": {"operator", "kasubbag_ti"},
    "policy.revise": {"operator", "kasubbag_ti"},
    "policy.plan": {"kasubbag_ti"},
    "policy.propose": {"kasubbag_ti"},
    "policy.set": {"ketua"},
    "policy.send_back": {"ketua"},
    "policy.supersede": {"ketua"},
    "policy.withdraw": {"kasubbag_ti", "ketua"},
    # The supervising court's reader of the courts it oversees, and nobody else.
    "supervision.view": {"pengawas"},
}


def config(make_config: Any, **extra: Any) -> Any:
    people = [{"name": f"Orang {role}", "roles": [role]} for role in ROLES]
    return load(make_config({"people": people, "uat": {"reviewer_role": "kasubbag_ti"}, **extra}))


def signed_in(role: str) -> Actor:
    return Actor(name=f"Orang {role}", roles=frozenset({role}), edge="console", login=role)


def test_the_expectation_covers_every_action_of_the_table(make_config: Any) -> None:
    assert set(EXPECTED) == set(actions(config(make_config)))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_each_role_may_take_exactly_its_actions_in_the_console(
    make_config: Any, action: str, role: str
) -> None:
    court = config(make_config)

    assert may(court, signed_in(role), action) is (role in EXPECTED[action])


@pytest.mark.parametrize("role", ROLES)
def test_at_the_terminal_operator_work_is_allowed_but_decisions_need_the_role(
    make_config: Any, role: str
) -> None:
    court = config(make_config)
    actor = terminal_actor(court, f"Orang {role}")

    assert may(court, actor, "incidents.acknowledge")
    assert may(court, actor, "checks.run")
    assert may(court, actor, "uat.review") is (role == "kasubbag_ti")
    assert may(court, actor, "uat.decide") is (role == "ketua")


def test_a_stranger_at_the_terminal_may_acknowledge_but_not_decide(make_config: Any) -> None:
    court = config(make_config)
    stranger = terminal_actor(court, "Teknisi Penyedia")

    assert stranger.roles == frozenset()
    assert may(court, stranger, "incidents.acknowledge")
    with pytest.raises(RefusedError, match="Teknisi Penyedia is not in people"):
        require(court, stranger, "uat.decide")


def test_the_approving_and_reviewing_roles_follow_the_config(make_config: Any) -> None:
    court = config(make_config, uat={"approver_role": "sekretaris", "reviewer_role": "operator"})

    assert may(court, signed_in("sekretaris"), "uat.decide")
    assert not may(court, signed_in("ketua"), "uat.decide")
    assert may(court, signed_in("operator"), "uat.review")
    assert not may(court, signed_in("kasubbag_ti"), "uat.review")


def test_console_approval_can_be_required_and_then_refuses_the_terminal(
    make_config: Any,
) -> None:
    court = config(make_config, console={"require_console_approval": True})
    ketua_at_terminal = terminal_actor(court, "Orang ketua")

    assert may(court, signed_in("ketua"), "uat.decide")
    with pytest.raises(RefusedError, match="decisions in the console only"):
        require(court, ketua_at_terminal, "uat.decide")
    assert may(court, ketua_at_terminal, "incidents.acknowledge")


def test_the_scheduler_runs_jobs_but_takes_no_decision(make_config: Any) -> None:
    court = config(make_config)
    scheduler = Actor(name="opskit run", roles=frozenset(), edge="scheduler")

    assert may(court, scheduler, "jobs.run")
    assert not may(court, scheduler, "uat.decide")


@pytest.mark.parametrize(
    ("kind", "readers"),
    [
        ("incident", {"operator", "kasubbag_ti", "penanggung_jawab"}),
        ("daily", {"operator", "kasubbag_ti", "penanggung_jawab"}),
        ("recap", {"operator", "kasubbag_ti", "sekretaris"}),
        ("handoff", {"operator", "kasubbag_ti", "provider"}),
        ("schedule", {"operator", "kasubbag_ti", "sekretaris"}),
        ("uat", {"operator", "kasubbag_ti", "ketua"}),
    ],
)
def test_documents_are_read_by_those_they_are_sent_to_or_signed_by(
    make_config: Any, kind: str, readers: set[str]
) -> None:
    court = config(make_config)

    for role in ROLES:
        assert may_read_document(court, signed_in(role), kind) is (role in readers), role
