"""One UAT run from start to finish: the automated steps first, then the manual ones.

Automated steps are carried out in checklist order (a later step may rely
on an earlier one, like a browser keeping its cookies). Manual steps are
answered from the answers file, else asked through ``ask`` when there is
a terminal, else left unanswered, which keeps the run incomplete.
"""

from __future__ import annotations

from collections.abc import Callable

from opskit.result import utc_now
from opskit.text import Message
from opskit.uat.answers import Answer
from opskit.uat.automated import Surroundings, perform
from opskit.uat.checklist import Checklist, ManualStep, Step
from opskit.uat.model import StepRecord
from opskit.uat.prompt import Question, StopAsking

Ask = Callable[[Question], Answer | None]
Tell = Callable[[str], None]


def carry_out(
    checklist: Checklist,
    where: Surroundings,
    answers: dict[int, Answer],
    ask: Ask | None = None,
    tell: Tell | None = None,
) -> list[StepRecord]:
    """Every step's record, in checklist order; ``tell`` hears how each automated step went."""
    from opskit.web.fetch import session

    session().cookies.clear()  # each run starts like a fresh browser
    ids = checklist.step_ids()
    records: dict[int, StepRecord] = {}
    for position, step in enumerate(checklist.steps, start=1):
        if step.automated:
            record = perform(step, position, ids[position - 1], where)
            records[position] = record
            if tell is not None:
                total = len(checklist.steps)
                tell(f"step {position} of {total}: {step.title}: {record.outcome.upper()}")
    manual = [
        (position, step)
        for position, step in enumerate(checklist.steps, start=1)
        if not step.automated
    ]
    asking = ask
    for number, (position, step) in enumerate(manual, start=1):
        answer = answers.get(position)
        if answer is None and asking is not None:
            question = _question(step, position, len(checklist.steps), number, len(manual))
            try:
                answer = asking(question)
            except StopAsking:
                asking = None
        records[position] = _manual_record(step, position, ids[position - 1], answer)
    return [records[position] for position in sorted(records)]


def _question(step: Step, position: int, total: int, number: int, manual_total: int) -> Question:
    check: ManualStep = step.check
    return Question(
        position=position,
        total=total,
        number=number,
        manual_total=manual_total,
        title=step.title,
        instruction=check.instruction,
        expected=check.expected,
        required=step.required,
    )


def _manual_record(step: Step, position: int, step_id: str, answer: Answer | None) -> StepRecord:
    definition = step.check.model_dump(mode="json")
    if answer is None:
        return StepRecord(
            position=position,
            step_id=step_id,
            title=step.title,
            kind="manual",
            required=step.required,
            definition=definition,
            outcome="unanswered",
            summary=Message("uat_step.not_answered"),
            at=utc_now(),
        )
    outcome = (
        Message(f"uat_step.outcome.{answer.outcome}")
        if answer.outcome in ("passed", "failed", "not_applicable")
        else answer.outcome
    )
    return StepRecord(
        position=position,
        step_id=step_id,
        title=step.title,
        kind="manual",
        required=step.required,
        definition=definition,
        outcome=answer.outcome,
        summary=Message("uat_step.answered", outcome=outcome, tester=answer.tester),
        at=utc_now(),
        note=answer.note,
        tester=answer.tester,
    )
