"""Answers to manual steps: typed at a prompt, or read from a YAML file.

The file names each manual step by its id (or its position) and gives
pass, fail or na, with a note (required for fail and na) and the tester
(per answer, or once for the whole file)::

    tester: Budi Santoso
    answers:
      tampilan-ponsel: pass
      informasi-layanan: {result: fail, note: Nomor telepon lama}
      8: {result: na, note: Belum ada berita, tester: Siti Aminah}
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BeforeValidator, Field, ValidationError

from opskit import bounded_yaml
from opskit.config.load import Problem, _line_map, _nearest_line, _problem_from_pydantic
from opskit.config.schema import Section
from opskit.errors import ConfigError
from opskit.uat.checklist import Checklist
from opskit.uat.model import StepOutcomeName

Word = Literal["pass", "fail", "na"]
# Each answer, the step outcome it gives, and what a tester may type for it.
ANSWERS: tuple[tuple[Word, StepOutcomeName, tuple[str, ...]], ...] = (
    ("pass", "passed", ("pass", "passed", "p", "lulus")),
    ("fail", "failed", ("fail", "failed", "f", "gagal")),
    ("na", "not_applicable", ("na", "n/a", "n.a.", "n", "not applicable", "tidak berlaku")),
)
WORDS: dict[str, Word] = {typed: answer for answer, _, typings in ANSWERS for typed in typings}
OUTCOMES: dict[Word, StepOutcomeName] = {answer: outcome for answer, outcome, _ in ANSWERS}


def word(text: str) -> Word | None:
    """``pass``, ``fail`` or ``na`` for what a tester typed (English or Indonesian), else None."""
    return WORDS.get(text.strip().lower())


def _word(value: Any) -> Any:
    if isinstance(value, str):
        return word(value) or value
    return value


AnswerWord = Annotated[Word, BeforeValidator(_word)]


class AnswerEntry(Section):
    result: AnswerWord = Field(description="pass, fail or na (not applicable).")
    note: str | None = Field(None, description="What the tester saw; required for fail and na.")
    tester: str | None = Field(None, description="Who answered (default: the file's tester).")


class AnswerFile(Section):
    tester: str | None = Field(None, description="Who answered, for every answer without one.")
    answers: dict[str | int, Any] = Field(
        description="Answer per manual step id (or position): a word, or result/note/tester."
    )


@dataclass(frozen=True)
class Answer:
    """A tester's answer to one manual step."""

    result: Word
    tester: str
    note: str | None = None

    @property
    def outcome(self) -> StepOutcomeName:
        return OUTCOMES[self.result]


def note_problem(result: Word, note: str | None) -> str | None:
    """Why an answer is not acceptable as given, or None."""
    if result in ("fail", "na") and not (note or "").strip():
        return f"a {result} answer needs a note saying what was seen"
    return None


def read(path: Path, checklist: Checklist, tester: str | None) -> dict[int, Answer]:
    """Answers by step position; raises ConfigError listing every problem in the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read answers file {path}: {error}") from None
    answers, problems = parse(text, checklist, tester)
    if problems:
        count = f"{len(problems)} error{'s' if len(problems) != 1 else ''}"
        raise ConfigError(
            f"answers file {path}: {count}",
            details=[problem.render(path) for problem in problems],
        )
    return answers


def parse(
    text: str, checklist: Checklist, tester: str | None
) -> tuple[dict[int, Answer], list[Problem]]:
    """The answers in ``text`` matched to the checklist's manual steps, and every problem."""
    try:
        root, raw = bounded_yaml.compose_and_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or str(error)
        return {}, [Problem((), f"not valid YAML: {reason}", mark.line + 1 if mark else None)]
    lines = _line_map(root)
    try:
        document = AnswerFile.model_validate(raw)
    except ValidationError as error:
        found = [_problem_from_pydantic(item, AnswerFile) for item in error.errors()]
        return {}, _located(found, lines)
    manual = {
        step_id: position
        for position, (step_id, step) in enumerate(
            zip(checklist.step_ids(), checklist.steps, strict=True), start=1
        )
        if step.kind == "manual"
    }
    answers: dict[int, Answer] = {}
    problems: list[Problem] = []
    for key, given in document.answers.items():
        location = ("answers", str(key))
        try:
            entry = AnswerEntry.model_validate(
                {"result": given} if isinstance(given, str) else given
            )
        except ValidationError as error:
            for item in error.errors():
                problem = _problem_from_pydantic(item, AnswerEntry)
                inner = problem.location if isinstance(given, dict) else ()
                problems.append(Problem((*location, *inner), problem.message))
            continue
        position = _position(key, manual)
        if position is None:
            known = ", ".join(manual) or "none"
            problems.append(
                Problem(location, f"no manual step {key!r} in this checklist (manual: {known})")
            )
            continue
        who = (entry.tester or document.tester or tester or "").strip()
        if not who:
            problems.append(
                Problem(location, "who answered? add tester: here or at the top, or --tester")
            )
        reason = note_problem(entry.result, entry.note)
        if reason:
            problems.append(Problem((*location, "note"), reason))
        if position in answers:
            problems.append(Problem(location, "this step is answered twice"))
        if who and not reason:
            answers[position] = Answer(entry.result, who, (entry.note or "").strip() or None)
    return answers, _located(problems, lines)


def _position(key: str | int, manual: dict[str, int]) -> int | None:
    if isinstance(key, int) or key.isdigit():
        number = int(key)
        return number if number in manual.values() else None
    return manual.get(key)


def _located(problems: list[Problem], lines: dict[Any, int]) -> list[Problem]:
    return [
        Problem(item.location, item.message, item.line or _nearest_line(lines, item.location))
        for item in problems
    ]
