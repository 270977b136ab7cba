"""Asking a tester for manual answers at a terminal, one step at a time.

The command layer hands a ``TerminalTester`` to the run when stdin is a
terminal; the run itself only sees a callable that turns a ``Question``
into an ``Answer``. Prompts go to stderr so stdout stays clean for
``--format json``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from opskit.uat.answers import Answer, note_problem, word


@dataclass(frozen=True)
class Question:
    """One manual step put to the tester, with where it sits in the run."""

    position: int
    total: int
    number: int
    manual_total: int
    title: str
    instruction: str
    expected: str
    required: bool


class StopAsking(Exception):
    """The tester chose to stop: the remaining manual steps stay unanswered."""


class TerminalTester:
    """Prompts on a terminal: the tester's name once, then a result and a note per step."""

    def __init__(self, tester: str | None, reader: IO[str], writer: IO[str]) -> None:
        self.tester = (tester or "").strip() or None
        self.reader = reader
        self.writer = writer
        self._greeted = False

    def __call__(self, question: Question) -> Answer | None:
        if not self._greeted:
            self._greet(question.manual_total)
        tester = self.tester or ""
        optional = "" if question.required else " (optional step)"
        self._say(
            f"\nStep {question.position} of {question.total}{optional}: {question.title}\n"
            f"  Do:       {question.instruction}\n"
            f"  Expected: {question.expected}\n"
        )
        while True:
            typed = self._ask("  Result [p]ass / [f]ail / [n]ot applicable / [s]kip / [q]uit: ")
            if typed.lower() in ("q", "quit", "stop"):
                raise StopAsking
            if typed.lower() in ("s", "skip"):
                self._say("  left unanswered\n")
                return None
            result = word(typed)
            if result is not None:
                break
            self._say("  please type p, f, n, s or q\n")
        needed = note_problem(result, None) is not None
        while True:
            note = self._ask("  Note: " if needed else "  Note (Enter for none): ")
            if not needed or note:
                return Answer(result, tester, note or None)
            self._say(f"  a {result} answer needs a note saying what you saw\n")

    def tell(self, text: str) -> None:
        """How an automated step went, one line each, while the tester waits."""
        self._say(f"  {text}\n")

    def _greet(self, manual_total: int) -> None:
        self._greeted = True
        plural = "s" if manual_total != 1 else ""
        self._say(f"{manual_total} manual step{plural} to answer.\n")
        while not self.tester:
            self.tester = self._ask("Tester name: ") or None

    def _ask(self, prompt: str) -> str:
        self._say(prompt)
        line = self.reader.readline()
        if not line:
            self._say("\n")
            raise StopAsking
        return line.strip()

    def _say(self, text: str) -> None:
        self.writer.write(text)
        self.writer.flush()
