"""One UAT run from start to finish: the automated steps first, then the manual ones.

Automated steps are carried out in checklist order (a later step may rely
on an earlier one, like a browser keeping its cookies). Manual steps are
answered from the answers file, else asked through ``ask`` when there is
a terminal, else left unanswered, which keeps the run incomplete.
"""

from __future__ import annotations

from collections.abc import Callable

from opskit.result import utc_now
from opskit.uat.answers import Answer
from opskit.uat.automated import Surroundings, perform
from opskit.uat.checklist import Checklist, Step
from opskit.uat.model import StepRecord
from opskit.uat.prompt import Question, StopAsking

Ask = Callable[[Question], Answer | None]


def carry_out(
    checklist: Checklist,
    where: Surroundings,
    answers: dict[int, Answer],
    ask: Ask | None = None,
) -> list[StepRecord]:
    """Every step's record, in checklist order."""
    from opskit.web.fetch import session

    session().cookies.clear()  # each run starts like a fresh browser
    ids = checklist.step_ids()
    records: dict[int, StepRecord] = {}
    for position, step in enumerate(checklist.steps, start=1):
        if step.automated:
            records[position] = perform(step, position, ids[position - 1], where)
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
    assert step.manual is not None  # noqa: S101 - only manual steps are asked
    return Question(
        position=position,
        total=total,
        number=number,
        manual_total=manual_total,
        title=step.title,
        instruction=step.manual.instruction,
        expected=step.manual.expected,
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
            summary="not answered",
            at=utc_now(),
        )
    words = {"passed": "passed", "failed": "failed", "not_applicable": "not applicable"}
    return StepRecord(
        position=position,
        step_id=step_id,
        title=step.title,
        kind="manual",
        required=step.required,
        definition=definition,
        outcome=answer.outcome,
        summary=f"{words.get(answer.outcome, answer.outcome)} according to {answer.tester}",
        at=utc_now(),
        note=answer.note,
        tester=answer.tester,
    )
