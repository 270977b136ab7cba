"""Every refusal the role table and the procedure engine give, for each (state, step, role) of
the content (SOP E) and policy (SOP A) procedures and for each action of the table, is a
catalogue message: said in Bahasa Indonesia it holds no English sentence, in English no
Indonesian one, and its English text is what the terminal said before (``--lang en``)."""

from __future__ import annotations

import zoneinfo
from typing import Any

from opskit.config.schema import ROLES
from opskit.errors import OpskitError
from opskit.identity import Actor
from opskit.permissions import RULES, require
from opskit.procedures.definition import procedure
from opskit.procedures.engine import refusal
from opskit.text import Message, Words
from support.languages import english_words, indonesian_words

MAKASSAR = zoneinfo.ZoneInfo("Asia/Makassar")
INDONESIAN, ENGLISH = Words("id", MAKASSAR), Words("en", MAKASSAR)


def refusals(court: Any) -> list[OpskitError]:
    """Every refusal of the two procedures' tables and of the fixed actions, for every role."""
    found: list[OpskitError] = []
    for name, label in (("content", "content.label"), ("policy", "policy.label")):
        chosen = procedure(court, name)
        for state in chosen.states:
            for step in chosen.steps:
                for role in ROLES:
                    person = Actor(f"Orang {role}", frozenset({role}), "console")
                    refused = refusal(court, chosen, state, step, person, relations={},
                                      label=Message(label, id=7))  # fmt: skip
                    if refused is not None:
                        found.append(refused)
    for action in RULES:
        for role in ROLES:
            try:
                require(court, Actor(f"Orang {role}", frozenset({role}), "console"), action)
            except OpskitError as error:
                found.append(error)
    stranger = Actor("Orang Lain", frozenset(), "terminal")
    try:
        require(court, stranger, "policy.set")
    except OpskitError as error:
        found.append(error)
    return found


def test_every_refusal_is_a_message_with_its_details(court: Any) -> None:
    found = refusals(court)

    assert len(found) > 500
    assert {error.code for error in found} == {"wrong-state", "not-allowed", "not-yours"}
    assert all(isinstance(error.message, Message) for error in found)
    assert all(isinstance(line, Message) for error in found for line in error.details)


def test_refusals_are_said_in_one_language(court: Any) -> None:
    flagged = {}
    for error in refusals(court):
        for text in (error.message, *error.details):
            indonesian, english = INDONESIAN.say(text), ENGLISH.say(text)
            if english_words(indonesian):
                flagged[indonesian] = english_words(indonesian)
            if indonesian_words(english):
                flagged[english] = indonesian_words(english)

    assert flagged == {}


def test_a_ketuas_step_refused_reads_as_before_in_english_and_plainly_in_indonesian(
    court: Any,
) -> None:
    operator = Actor("Budi Santoso", frozenset({"operator"}), "console")
    chosen = procedure(court, "policy")
    wrong_role = refusal(court, chosen, "proposed", "set", operator, relations={},
                         label=Message("policy.label", id=2))  # fmt: skip
    out_of_turn = refusal(court, chosen, "drafted", "set", operator, relations={},
                          label=Message("policy.label", id=2))  # fmt: skip
    assert wrong_role is not None and out_of_turn is not None

    assert wrong_role.message == (
        "Budi Santoso may not set IT policy documents: Budi Santoso has the roles operator, "
        "and it needs the role ketua"
    )
    assert INDONESIAN.say(wrong_role.message) == (
        "Budi Santoso tidak berwenang mengambil langkah “Menetapkan” pada Perumusan Kebijakan "
        "TI: Budi Santoso berperan Operator / Admin Web, dan tindakan ini memerlukan peran Ketua"
    )
    assert out_of_turn.message == (
        "policy document 2 is draft; it waits for 'Propose the policy, strategy and plans': "
        "'Set it' is taken only when it is proposed"
    )
    assert INDONESIAN.say(out_of_turn.message) == (
        "dokumen kebijakan nomor 2 sedang pada tahap “konsep”; yang ditunggu adalah “Mengusulkan "
        "kebijakan, strategi dan rencana”: langkah “Menetapkan” hanya dapat diambil pada tahap "
        "“diusulkan”"
    )
