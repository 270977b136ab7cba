"""UAT runs in the history store: saved whole, reviewed, decided once, then frozen.

A run and all its steps are written in one transaction, so a run is never
half there. Review and decision are steps of the ``uat`` procedure
(``checks/procedures/uat.yaml``): the procedure engine checks the state and
who takes them and records each step; this module adds what is UAT's own
(only a passed, reviewed run is approved, not on the approver's review alone)
and keeps the reviews and the decision in their tables, in the same write
transaction. Two approvers at once cannot both decide (the decision is unique
per run), and once a run is decided the store's triggers refuse any change,
whatever code tries it.
"""

from __future__ import annotations

import json
import socket
import uuid
from datetime import datetime
from typing import Any, cast

from opskit import __version__
from opskit.config.schema import Config
from opskit.errors import NotFoundError, RefusedError, StoreError
from opskit.identity import Actor
from opskit.masking import mask, mask_data
from opskit.procedures import engine
from opskit.procedures.definition import Procedure, builtin, procedure
from opskit.store import Store, from_text, to_text
from opskit.store.database import Connection, Row
from opskit.text import message_from, message_json
from opskit.uat.model import (
    Decision,
    NewRun,
    Recommendation,
    Review,
    Ruling,
    RunResult,
    StepOutcomeName,
    StepRecord,
    UatRun,
)

PROCEDURE = "uat"


def save(store: Store, run: NewRun, actor: Actor | None = None) -> int:
    """Write a finished run and all its steps at once (secrets masked); returns its id.

    ``actor`` is who carried it out (default: its tester, at the terminal).
    """
    with store.transaction() as connection:
        cursor = connection.execute(
            "INSERT INTO uat_runs (uid, checklist, checklist_title, checklist_source,"
            " checklist_sha256, application, version, target, tester, started_at, finished_at,"
            " result, machine, opskit_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " RETURNING id",
            (
                uuid.uuid4().hex,
                run.checklist,
                run.checklist_title,
                run.checklist_source,
                run.checklist_sha256,
                run.application,
                run.version,
                mask(run.target) if run.target else None,
                run.tester,
                to_text(run.started_at),
                to_text(run.finished_at),
                run.result,
                socket.gethostname(),
                __version__,
            ),
        )
        run_id = int(cursor.fetchone()[0])
        connection.executemany(
            "INSERT INTO uat_steps (run_id, position, step_id, title, kind, required, definition,"
            " outcome, summary, note, tester, evidence, at, duration_ms, message)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [_step_row(run_id, step) for step in run.steps],
        )
        tester = actor or Actor(name=run.tester or "opskit", roles=frozenset(), edge="terminal")
        engine.open_instance(connection, builtin(PROCEDURE), run_id, tester, run.finished_at)
    return run_id


def get(store: Store, run_id: int) -> UatRun:
    """The run with its steps, reviews and decision; raises NotFoundError."""
    rows = store.read("SELECT * FROM uat_runs WHERE id = ?", (run_id,))
    if not rows:
        raise NotFoundError(
            f"no UAT run {run_id} in history ({store.path})", details=["see `opskit uat list`"]
        )
    steps = tuple(
        _step(row)
        for row in store.read(
            "SELECT * FROM uat_steps WHERE run_id = ? ORDER BY position", (run_id,)
        )
    )
    reviews = tuple(
        Review(
            row["reviewer"],
            row["note"],
            row["recommendation"],
            _when(row["at"]),
            edge=row["edge"],
            login=row["login"],
        )
        for row in store.read(
            "SELECT * FROM uat_reviews WHERE run_id = ? ORDER BY at, id", (run_id,)
        )
    )
    decided = store.read("SELECT * FROM uat_decisions WHERE run_id = ?", (run_id,))
    return _run(rows[0], steps, reviews, _ruling(decided[0]) if decided else None)


def listing(store: Store, limit: int = 50) -> list[UatRun]:
    """Recent runs, newest first, with their steps, reviews and decision."""
    rows = store.read("SELECT id FROM uat_runs ORDER BY started_at DESC, id DESC LIMIT ?", (limit,))
    return [get(store, row["id"]) for row in rows]


def started_between(store: Store, start: datetime, end: datetime) -> list[UatRun]:
    """Runs started in [start, end), oldest first (for the monthly recap)."""
    rows = store.read(
        "SELECT id FROM uat_runs WHERE started_at >= ? AND started_at < ? ORDER BY started_at, id",
        (to_text(start), to_text(end)),
    )
    return [get(store, row["id"]) for row in rows]


def add_review(
    store: Store,
    run_id: int,
    *,
    reviewer: Actor,
    note: str,
    recommendation: Recommendation | None,
    now: datetime,
    config: Config | None = None,
) -> UatRun:
    """Record a reviewer's consideration (its procedure step and audit entry); refused once
    decided. With ``config`` the engine also asks the role table (the actions pass it)."""
    with store.transaction() as connection:
        run = _row(connection, store, run_id)
        _refuse_if_decided(connection, run_id)
        if recommendation == "approve" and run["result"] != "passed":
            raise RefusedError(
                f"UAT run {run_id} {_result_words(run['result'])}; it cannot be recommended "
                "for approval (use --recommend reject, or test again with a new run)",
                code="uat-not-passed",
            )
        _procedure_step(
            connection,
            config,
            run_id,
            step="review",
            actor=reviewer,
            now=now,
            note=note,
            fields={"recommendation": recommendation} if recommendation else {},
            detail=f"recommendation: {recommendation or '-'}; {note}",
        )
        _write(
            connection,
            "INSERT INTO uat_reviews (run_id, reviewer, note, recommendation, at, edge, login)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                run_id,
                reviewer.name,
                note,
                recommendation,
                to_text(now),
                reviewer.edge,
                reviewer.login,
            ),
        )
    return get(store, run_id)


def decide(
    store: Store,
    run_id: int,
    *,
    decision: Decision,
    approver: Actor,
    role: str,
    reason: str | None,
    now: datetime,
    config: Config | None = None,
) -> UatRun:
    """Record the approval or rejection (once); approval only of a passed, reviewed run."""
    with store.transaction() as connection:
        run = _row(connection, store, run_id)
        _refuse_if_decided(connection, run_id)
        if decision == "approved":
            if run["result"] != "passed":
                raise RefusedError(
                    f"UAT run {run_id} {_result_words(run['result'])}; only a passed run can be "
                    "approved",
                    details=[f"reject it: opskit uat approve {run_id} --approver NAME --reject "
                             "--reason TEXT, or test again with a new run"],
                    code="uat-not-passed",
                )  # fmt: skip
            reviewers = [
                row["reviewer"]
                for row in connection.execute(
                    "SELECT reviewer FROM uat_reviews WHERE run_id = ?", (run_id,)
                )
            ]
            if not reviewers:
                raise RefusedError(
                    f"UAT run {run_id} has not been reviewed; only a reviewed run can be approved",
                    details=[f"first: opskit uat review {run_id} --reviewer NAME --note TEXT"],
                    code="uat-not-reviewed",
                )
            if all(_same_person(name, approver.name) for name in reviewers):
                raise RefusedError(
                    f"UAT run {run_id} was reviewed only by {approver.name}; the approval needs "
                    "someone else's consideration first (SOP D3 before D6)",
                    code="uat-own-review",
                )
        _procedure_step(
            connection,
            config,
            run_id,
            step="approve" if decision == "approved" else "reject",
            actor=approver,
            now=now,
            note=reason,
            detail=reason,
        )
        _write(
            connection,
            "INSERT INTO uat_decisions (run_id, decision, approver, role, position, nip, reason,"
            " at, edge, login) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                run_id,
                decision,
                approver.name,
                role,
                approver.position,
                approver.nip,
                reason,
                to_text(now),
                approver.edge,
                approver.login,
            ),
        )
    return get(store, run_id)


def uat_procedure(config: Config | None) -> Procedure:
    """The UAT procedure: the office's own definition where it has one."""
    return procedure(config, PROCEDURE) if config is not None else builtin(PROCEDURE)


def _procedure_step(
    connection: Connection,
    config: Config | None,
    run_id: int,
    *,
    step: str,
    actor: Actor,
    now: datetime,
    note: str | None,
    detail: str | None,
    fields: dict[str, Any] | None = None,
) -> None:
    """The review or decision as a step of the procedure (who may: asked when ``config``)."""
    chosen, label = uat_procedure(config), f"UAT run {run_id}"
    if config is None:
        engine.advance(
            connection,
            chosen,
            run_id,
            step=step,
            actor=actor,
            now=now,
            label=label,
            note=note,
            fields=fields,
            detail=detail,
        )
        return
    engine.take(
        connection,
        config,
        chosen,
        run_id,
        step=step,
        actor=actor,
        now=now,
        label=label,
        note=note,
        fields=fields,
        detail=detail,
    )


def _row(connection: Connection, store: Store, run_id: int) -> Row:
    row = connection.execute("SELECT * FROM uat_runs WHERE id = ?", (run_id,)).fetchone()
    if row is None:
        raise NotFoundError(
            f"no UAT run {run_id} in history ({store.path})", details=["see `opskit uat list`"]
        )
    return row


def _refuse_if_decided(connection: Connection, run_id: int) -> None:
    row = connection.execute(
        "SELECT decision, approver, at FROM uat_decisions WHERE run_id = ?", (run_id,)
    ).fetchone()
    if row is not None:
        raise RefusedError(
            f"UAT run {run_id} was {row['decision']} by {row['approver']} on "
            f"{row['at'][:10]} and cannot change; a new version needs a new run "
            "(opskit uat run)",
            code="uat-decided",
        )


def _write(connection: Connection, query: str, parameters: tuple[Any, ...]) -> None:
    """One insert; the immutability triggers' refusal becomes a readable error."""
    try:
        connection.execute(query, parameters)
    except connection.IntegrityError as error:
        if "decided" in str(error) or "final" in str(error) or "unique" in str(error).lower():
            raise RefusedError(
                f"the UAT run is already decided and cannot change ({error})", code="uat-decided"
            ) from None
        raise StoreError(f"cannot record the UAT change: {error}") from None


def _result_words(result: str) -> str:
    return {
        "failed": "failed",
        "incomplete": "is incomplete (steps unanswered)",
        "error": "ended in an error (steps could not be carried out)",
    }.get(result, result)


def _same_person(first: str, second: str) -> bool:
    return " ".join(first.split()).casefold() == " ".join(second.split()).casefold()


def _step_row(run_id: int, step: StepRecord) -> tuple[Any, ...]:
    return (
        run_id,
        step.position,
        step.step_id,
        step.title,
        step.kind,
        int(step.required),
        json.dumps(mask_data(step.definition), ensure_ascii=False, default=str),
        step.outcome,
        mask(step.summary),
        mask(step.note) if step.note else None,
        step.tester,
        json.dumps(mask_data(step.evidence), ensure_ascii=False, default=str),
        to_text(step.at),
        step.duration_ms,
        message_json(step.summary),
    )


def _step(row: Row) -> StepRecord:
    return StepRecord(
        position=row["position"],
        step_id=row["step_id"],
        title=row["title"],
        kind=row["kind"],
        required=bool(row["required"]),
        definition=json.loads(row["definition"]),
        outcome=cast(StepOutcomeName, row["outcome"]),
        summary=message_from(row["message"]) or row["summary"],
        at=_when(row["at"]),
        evidence=json.loads(row["evidence"]),
        note=row["note"],
        tester=row["tester"],
        duration_ms=row["duration_ms"],
    )


def _run(
    row: Row,
    steps: tuple[StepRecord, ...],
    reviews: tuple[Review, ...],
    ruling: Ruling | None,
) -> UatRun:
    return UatRun(
        id=row["id"],
        checklist=row["checklist"],
        checklist_title=row["checklist_title"],
        checklist_source=row["checklist_source"],
        checklist_sha256=row["checklist_sha256"],
        application=row["application"],
        version=row["version"],
        target=row["target"],
        tester=row["tester"],
        started_at=_when(row["started_at"]),
        finished_at=_when(row["finished_at"]),
        result=cast(RunResult, row["result"]),
        steps=steps,
        reviews=reviews,
        ruling=ruling,
    )


def _ruling(row: Row) -> Ruling:
    return Ruling(
        decision=cast(Decision, row["decision"]),
        approver=row["approver"],
        role=row["role"],
        position=row["position"],
        nip=row["nip"],
        reason=row["reason"],
        at=_when(row["at"]),
        edge=row["edge"],
        login=row["login"],
    )


def _when(text: str) -> datetime:
    moment = from_text(text)
    if moment is None:
        raise StoreError(f"a UAT record has no time: {text!r}")
    return moment
