"""The history database's schema, as migrations applied in order.

The schema version lives in ``PRAGMA user_version``; each entry upgrades it
by one. Append only; never edit an entry that has shipped.
"""

from __future__ import annotations

import sqlite3

MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        command TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT,
        exit_code INTEGER,
        machine TEXT NOT NULL,
        pid INTEGER NOT NULL,
        opskit_version TEXT NOT NULL
    );
    CREATE INDEX runs_started ON runs (started_at);
    CREATE TABLE results (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs (id),
        check_id TEXT NOT NULL,
        target TEXT NOT NULL,
        status TEXT NOT NULL,
        summary TEXT NOT NULL,
        evidence TEXT NOT NULL,
        metrics TEXT NOT NULL,
        remediation TEXT,
        sop_row TEXT,
        observed_at TEXT NOT NULL
    );
    CREATE INDEX results_run ON results (run_id);
    CREATE INDEX results_check_target ON results (check_id, target, observed_at);
    CREATE INDEX results_observed ON results (observed_at);
    """,
    # Small named state that features keep between runs (read offsets,
    # caches, rotation counters, accepted baselines), as JSON values.
    """
    CREATE TABLE state (
        namespace TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (namespace, key)
    );
    """,
    # Incidents (a check on a target gone CRITICAL), their notes, and the
    # delivery outbox for documents sent to people.
    """
    CREATE TABLE incidents (
        id INTEGER PRIMARY KEY,
        check_id TEXT NOT NULL,
        target TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('open', 'resolved')),
        status TEXT NOT NULL,
        summary TEXT NOT NULL,
        sop_row TEXT,
        opened_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        resolved_at TEXT,
        last_notified_at TEXT,
        reminders INTEGER NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX incidents_one_open ON incidents (check_id, target) WHERE state = 'open';
    CREATE INDEX incidents_opened ON incidents (opened_at);
    CREATE TABLE incident_notes (
        id INTEGER PRIMARY KEY,
        incident_id INTEGER NOT NULL REFERENCES incidents (id),
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        author TEXT,
        note TEXT NOT NULL
    );
    CREATE INDEX incident_notes_incident ON incident_notes (incident_id);
    CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY,
        document TEXT NOT NULL,
        reference TEXT,
        recipient TEXT NOT NULL,
        channel TEXT NOT NULL,
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        html_path TEXT,
        attachment_path TEXT,
        state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX deliveries_state ON deliveries (state);
    """,
    # A stable identity for every run, so histories of several machines
    # (shards of a fleet) merge without duplicates.
    """
    ALTER TABLE runs ADD COLUMN uid TEXT;
    UPDATE runs SET uid = lower(hex(randomblob(16)));
    CREATE UNIQUE INDEX runs_uid ON runs (uid);
    """,
    # User acceptance tests (SOP D2, D3, D6): a run of a checklist with every
    # step's outcome, the reviewers' considerations, and the one decision.
    # Once a run is decided (approved or rejected) the triggers refuse any
    # change to it, its steps, its reviews or the decision itself.
    """
    CREATE TABLE uat_runs (
        id INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        checklist TEXT NOT NULL,
        checklist_title TEXT NOT NULL,
        checklist_source TEXT NOT NULL,
        checklist_sha256 TEXT NOT NULL,
        application TEXT NOT NULL,
        version TEXT,
        target TEXT,
        tester TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        result TEXT NOT NULL CHECK (result IN ('passed', 'incomplete', 'failed', 'error')),
        machine TEXT NOT NULL,
        opskit_version TEXT NOT NULL
    );
    CREATE INDEX uat_runs_started ON uat_runs (started_at);
    CREATE TABLE uat_steps (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES uat_runs (id),
        position INTEGER NOT NULL,
        step_id TEXT NOT NULL,
        title TEXT NOT NULL,
        kind TEXT NOT NULL,
        required INTEGER NOT NULL,
        definition TEXT NOT NULL,
        outcome TEXT NOT NULL
            CHECK (outcome IN ('passed', 'failed', 'not_applicable', 'unanswered', 'error')),
        summary TEXT NOT NULL,
        note TEXT,
        tester TEXT,
        evidence TEXT NOT NULL,
        at TEXT NOT NULL,
        duration_ms REAL,
        UNIQUE (run_id, position)
    );
    CREATE TABLE uat_reviews (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES uat_runs (id),
        reviewer TEXT NOT NULL,
        note TEXT NOT NULL,
        recommendation TEXT CHECK (recommendation IN ('approve', 'reject')),
        at TEXT NOT NULL
    );
    CREATE INDEX uat_reviews_run ON uat_reviews (run_id);
    CREATE TABLE uat_decisions (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL UNIQUE REFERENCES uat_runs (id),
        decision TEXT NOT NULL CHECK (decision IN ('approved', 'rejected')),
        approver TEXT NOT NULL,
        role TEXT NOT NULL,
        position TEXT,
        nip TEXT,
        reason TEXT,
        at TEXT NOT NULL
    );
    CREATE TRIGGER uat_runs_decided_update BEFORE UPDATE ON uat_runs
    WHEN EXISTS (SELECT 1 FROM uat_decisions WHERE run_id = OLD.id)
    BEGIN SELECT RAISE(ABORT, 'uat run is decided and cannot change'); END;
    CREATE TRIGGER uat_runs_decided_delete BEFORE DELETE ON uat_runs
    WHEN EXISTS (SELECT 1 FROM uat_decisions WHERE run_id = OLD.id)
    BEGIN SELECT RAISE(ABORT, 'uat run is decided and cannot change'); END;
    CREATE TRIGGER uat_steps_decided_insert BEFORE INSERT ON uat_steps
    WHEN EXISTS (SELECT 1 FROM uat_decisions WHERE run_id = NEW.run_id)
    BEGIN SELECT RAISE(ABORT, 'uat run is decided and cannot change'); END;
    CREATE TRIGGER uat_steps_decided_update BEFORE UPDATE ON uat_steps
    WHEN EXISTS (SELECT 1 FROM uat_decisions WHERE run_id IN (OLD.run_id, NEW.run_id))
    BEGIN SELECT RAISE(ABORT, 'uat run is decided and cannot change'); END;
    CREATE TRIGGER uat_steps_decided_delete BEFORE DELETE ON uat_steps
    WHEN EXISTS (SELECT 1 FROM uat_decisions WHERE run_id = OLD.run_id)
    BEGIN SELECT RAISE(ABORT, 'uat run is decided and cannot change'); END;
    CREATE TRIGGER uat_reviews_decided_insert BEFORE INSERT ON uat_reviews
    WHEN EXISTS (SELECT 1 FROM uat_decisions WHERE run_id = NEW.run_id)
    BEGIN SELECT RAISE(ABORT, 'uat run is decided and cannot change'); END;
    CREATE TRIGGER uat_reviews_decided_update BEFORE UPDATE ON uat_reviews
    WHEN EXISTS (SELECT 1 FROM uat_decisions WHERE run_id IN (OLD.run_id, NEW.run_id))
    BEGIN SELECT RAISE(ABORT, 'uat run is decided and cannot change'); END;
    CREATE TRIGGER uat_reviews_decided_delete BEFORE DELETE ON uat_reviews
    WHEN EXISTS (SELECT 1 FROM uat_decisions WHERE run_id = OLD.run_id)
    BEGIN SELECT RAISE(ABORT, 'uat run is decided and cannot change'); END;
    CREATE TRIGGER uat_decisions_final_update BEFORE UPDATE ON uat_decisions
    BEGIN SELECT RAISE(ABORT, 'uat decision is final'); END;
    CREATE TRIGGER uat_decisions_final_delete BEFORE DELETE ON uat_decisions
    BEGIN SELECT RAISE(ABORT, 'uat decision is final'); END;
    """,
    # What an incident was about when it opened (its summary changes as it
    # recovers), and when a failed delivery may be tried again.
    """
    ALTER TABLE incidents ADD COLUMN problem TEXT;
    UPDATE incidents SET problem = summary;
    ALTER TABLE deliveries ADD COLUMN next_attempt_at TEXT;
    """,
    # The console: accounts of people who sign in (password hashes only),
    # their sessions (only a hash of each token), failed sign-ins for
    # throttling, and the append-only audit trail of every decision.
    """
    CREATE TABLE accounts (
        login TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        language TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,
        login TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        address TEXT,
        user_agent TEXT
    );
    CREATE INDEX sessions_login ON sessions (login);
    CREATE TABLE signin_failures (
        id INTEGER PRIMARY KEY,
        login TEXT,
        address TEXT,
        at TEXT NOT NULL
    );
    CREATE INDEX signin_failures_login ON signin_failures (login, at);
    CREATE INDEX signin_failures_address ON signin_failures (address, at);
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        login TEXT,
        roles TEXT NOT NULL,
        edge TEXT NOT NULL CHECK (edge IN ('console', 'terminal', 'scheduler')),
        action TEXT NOT NULL,
        object TEXT,
        detail TEXT,
        address TEXT
    );
    CREATE INDEX audit_at ON audit (at);
    CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
    ALTER TABLE uat_reviews ADD COLUMN edge TEXT NOT NULL DEFAULT 'terminal';
    ALTER TABLE uat_reviews ADD COLUMN login TEXT;
    ALTER TABLE uat_decisions ADD COLUMN edge TEXT NOT NULL DEFAULT 'terminal';
    ALTER TABLE uat_decisions ADD COLUMN login TEXT;
    ALTER TABLE incident_notes ADD COLUMN edge TEXT NOT NULL DEFAULT 'terminal';
    ALTER TABLE incident_notes ADD COLUMN login TEXT;
    """,
    # Every document written (so the console can list it), and the current
    # status of every check on every target with the time it became so, kept
    # as results arrive so dashboards read a row per target, not the history.
    """
    CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        number TEXT,
        title TEXT NOT NULL,
        reference TEXT,
        language TEXT NOT NULL,
        directory TEXT NOT NULL,
        stem TEXT NOT NULL,
        formats TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (directory, stem)
    );
    CREATE INDEX documents_created ON documents (created_at);
    CREATE TABLE current_status (
        check_id TEXT NOT NULL,
        target TEXT NOT NULL,
        status TEXT NOT NULL,
        since TEXT NOT NULL,
        observed_at TEXT NOT NULL,
        summary TEXT NOT NULL,
        metrics TEXT NOT NULL,
        run_id INTEGER NOT NULL,
        PRIMARY KEY (check_id, target)
    );
    INSERT INTO current_status
    SELECT r.check_id, r.target, r.status,
        COALESCE((
            SELECT MIN(later.observed_at) FROM results later
            WHERE later.check_id = r.check_id AND later.target = r.target
            AND later.observed_at > COALESCE((
                SELECT MAX(other.observed_at) FROM results other
                WHERE other.check_id = r.check_id AND other.target = r.target
                AND other.status != r.status), '')
        ), r.observed_at),
        r.observed_at, r.summary, r.metrics, r.run_id
    FROM results r
    JOIN (SELECT check_id, target, MAX(id) AS id FROM results GROUP BY check_id, target) latest
    ON r.id = latest.id;
    """,
    # Electronically signed documents: the signed copy kept apart from the
    # rendered one (a re-render never replaces it), the code of its public
    # verification page, and every signature in order, never changed after.
    """
    CREATE TABLE signed_documents (
        document_id INTEGER PRIMARY KEY REFERENCES documents (id),
        path TEXT NOT NULL,
        verify_code TEXT NOT NULL UNIQUE,
        sha256 TEXT NOT NULL,
        needed INTEGER NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE document_signatures (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES signed_documents (document_id),
        position INTEGER NOT NULL,
        role TEXT NOT NULL,
        signer TEXT NOT NULL,
        login TEXT,
        nip TEXT,
        title TEXT,
        edge TEXT NOT NULL,
        signed_at TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        UNIQUE (document_id, position)
    );
    CREATE TRIGGER document_signatures_final_update BEFORE UPDATE ON document_signatures
    BEGIN SELECT RAISE(ABORT, 'a signature is final'); END;
    CREATE TRIGGER document_signatures_final_delete BEFORE DELETE ON document_signatures
    BEGIN SELECT RAISE(ABORT, 'a signature is final'); END;
    """,
    # Which process group a run belongs to, so a run killed midway is told from one
    # still going.
    """
    ALTER TABLE runs ADD COLUMN process TEXT;
    """,
    # The SOP's procedures (service requests, UAT review and approval ...): each
    # instance's current state, every step taken (append-only: who, when, edge,
    # note, the step's values), files attached to a step (append-only), and the
    # reminders sent about a late step. Service requests keep their own facts
    # (register number, requester, category, priority) beside them. UAT runs
    # already reviewed or decided get their steps from their reviews and decision.
    """
    CREATE TABLE procedure_instances (
        procedure TEXT NOT NULL,
        instance INTEGER NOT NULL,
        state TEXT NOT NULL,
        entered_at TEXT NOT NULL,
        entered_position INTEGER NOT NULL,
        started_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (procedure, instance)
    );
    CREATE INDEX procedure_instances_state ON procedure_instances (procedure, state);
    CREATE TABLE procedure_steps (
        id INTEGER PRIMARY KEY,
        procedure TEXT NOT NULL,
        instance INTEGER NOT NULL,
        position INTEGER NOT NULL,
        step TEXT NOT NULL,
        from_state TEXT,
        to_state TEXT NOT NULL,
        actor TEXT NOT NULL,
        login TEXT,
        roles TEXT NOT NULL,
        edge TEXT NOT NULL CHECK (edge IN ('console', 'terminal', 'scheduler')),
        at TEXT NOT NULL,
        note TEXT,
        fields TEXT NOT NULL,
        UNIQUE (procedure, instance, position)
    );
    CREATE INDEX procedure_steps_at ON procedure_steps (procedure, at);
    CREATE TRIGGER procedure_steps_append_only_update BEFORE UPDATE ON procedure_steps
    BEGIN SELECT RAISE(ABORT, 'procedure steps are append-only'); END;
    CREATE TRIGGER procedure_steps_append_only_delete BEFORE DELETE ON procedure_steps
    BEGIN SELECT RAISE(ABORT, 'procedure steps are append-only'); END;
    CREATE TABLE procedure_attachments (
        id INTEGER PRIMARY KEY,
        procedure TEXT NOT NULL,
        instance INTEGER NOT NULL,
        position INTEGER NOT NULL,
        name TEXT NOT NULL,
        media_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        stored TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX procedure_attachments_instance ON procedure_attachments (procedure, instance);
    CREATE TRIGGER procedure_attachments_append_only_update BEFORE UPDATE ON procedure_attachments
    BEGIN SELECT RAISE(ABORT, 'attachments are append-only'); END;
    CREATE TRIGGER procedure_attachments_append_only_delete BEFORE DELETE ON procedure_attachments
    BEGIN SELECT RAISE(ABORT, 'attachments are append-only'); END;
    CREATE TABLE procedure_reminders (
        procedure TEXT NOT NULL,
        instance INTEGER NOT NULL,
        position INTEGER NOT NULL,
        reminders INTEGER NOT NULL,
        last_at TEXT NOT NULL,
        PRIMARY KEY (procedure, instance, position)
    );
    CREATE TABLE requests (
        id INTEGER PRIMARY KEY,
        year INTEGER NOT NULL,
        sequence INTEGER NOT NULL,
        number TEXT NOT NULL,
        requester TEXT NOT NULL,
        requester_login TEXT,
        unit TEXT NOT NULL,
        contact TEXT NOT NULL,
        subject TEXT NOT NULL,
        description TEXT NOT NULL,
        category TEXT,
        urgency TEXT,
        impact TEXT,
        priority TEXT,
        assignee TEXT,
        incident_id INTEGER REFERENCES incidents (id),
        arrived_at TEXT NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (year, sequence)
    );
    CREATE INDEX requests_created ON requests (created_at);
    CREATE INDEX requests_incident ON requests (incident_id);
    INSERT INTO procedure_steps (procedure, instance, position, step, from_state, to_state,
        actor, login, roles, edge, at, note, fields)
    SELECT 'uat', id, 1, 'test', NULL, 'tested', COALESCE(tester, 'opskit'), NULL, '[]',
        'terminal', finished_at, NULL, '{}'
    FROM uat_runs;
    INSERT INTO procedure_steps (procedure, instance, position, step, from_state, to_state,
        actor, login, roles, edge, at, note, fields)
    SELECT 'uat', r.run_id,
        1 + (SELECT COUNT(*) FROM uat_reviews o WHERE o.run_id = r.run_id
            AND (o.at < r.at OR (o.at = r.at AND o.id <= r.id))),
        'review',
        CASE WHEN EXISTS (SELECT 1 FROM uat_reviews o WHERE o.run_id = r.run_id
            AND (o.at < r.at OR (o.at = r.at AND o.id < r.id))) THEN 'reviewed' ELSE 'tested' END,
        'reviewed', r.reviewer, r.login, '[]', r.edge, r.at, r.note,
        CASE WHEN r.recommendation IS NULL THEN '{}'
            ELSE '{"recommendation": "' || r.recommendation || '"}' END
    FROM uat_reviews r;
    INSERT INTO procedure_steps (procedure, instance, position, step, from_state, to_state,
        actor, login, roles, edge, at, note, fields)
    SELECT 'uat', d.run_id,
        2 + (SELECT COUNT(*) FROM uat_reviews o WHERE o.run_id = d.run_id),
        CASE d.decision WHEN 'approved' THEN 'approve' ELSE 'reject' END,
        CASE WHEN EXISTS (SELECT 1 FROM uat_reviews o WHERE o.run_id = d.run_id)
            THEN 'reviewed' ELSE 'tested' END,
        d.decision, d.approver, d.login, '["' || d.role || '"]', d.edge, d.at, d.reason, '{}'
    FROM uat_decisions d;
    INSERT INTO procedure_instances (procedure, instance, state, entered_at, entered_position,
        started_at, updated_at)
    SELECT 'uat', u.id, entered.to_state, entered.at, entered.position, u.finished_at,
        (SELECT MAX(s.at) FROM procedure_steps s WHERE s.procedure = 'uat' AND s.instance = u.id)
    FROM uat_runs u
    JOIN procedure_steps entered ON entered.procedure = 'uat' AND entered.instance = u.id
    AND entered.position = (
        SELECT MIN(s.position) FROM procedure_steps s
        WHERE s.procedure = 'uat' AND s.instance = u.id AND s.to_state = (
            SELECT l.to_state FROM procedure_steps l WHERE l.procedure = 'uat'
            AND l.instance = u.id ORDER BY l.position DESC LIMIT 1));
    """,
    # Findings as messages: the catalogue id and parameters of each summary, so
    # every reader gets it in their own language (NULL: plain text from before).
    """
    ALTER TABLE results ADD COLUMN message TEXT;
    ALTER TABLE current_status ADD COLUMN message TEXT;
    ALTER TABLE incidents ADD COLUMN summary_message TEXT;
    ALTER TABLE incidents ADD COLUMN problem_message TEXT;
    ALTER TABLE uat_steps ADD COLUMN message TEXT;
    """,
    # The agenda register: each register's last number per year (numbers are
    # never reused, even when a document is deleted), and the number given to
    # each document, so a re-rendering keeps it.
    """
    CREATE TABLE register_counters (
        register TEXT NOT NULL,
        year INTEGER NOT NULL,
        last INTEGER NOT NULL,
        PRIMARY KEY (register, year)
    );
    CREATE TABLE register_entries (
        id INTEGER PRIMARY KEY,
        register TEXT NOT NULL,
        year INTEGER NOT NULL,
        sequence INTEGER NOT NULL,
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        number TEXT NOT NULL,
        dated_at TEXT NOT NULL,
        title TEXT,
        UNIQUE (kind, key),
        UNIQUE (register, year, sequence)
    );
    """,
    # Indexes for what history, recaps and the dashboard ask most: one check
    # (or a prefix of check ids), one target, or a status, newest first.
    """
    CREATE INDEX results_check_observed ON results (check_id, observed_at);
    CREATE INDEX results_target_observed ON results (target, observed_at);
    CREATE INDEX results_status_observed ON results (status, observed_at);
    """,
    # Website content (SOP E) and the register of IT policy (SOP A), on the procedure
    # engine: a content item's own facts beside its state, every version of its text
    # (append-only), policy documents with their versions (append-only) and decree, and
    # the regulations that concern IT with each review of them (append-only).
    """
    CREATE TABLE content_items (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        material TEXT NOT NULL,
        url TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX content_items_created ON content_items (created_at);
    CREATE TABLE content_versions (
        id INTEGER PRIMARY KEY,
        item INTEGER NOT NULL REFERENCES content_items (id),
        version INTEGER NOT NULL,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        actor TEXT NOT NULL,
        login TEXT,
        edge TEXT NOT NULL,
        step TEXT NOT NULL,
        at TEXT NOT NULL,
        UNIQUE (item, version)
    );
    CREATE TRIGGER content_versions_append_only_update BEFORE UPDATE ON content_versions
    BEGIN SELECT RAISE(ABORT, 'content versions are append-only'); END;
    CREATE TRIGGER content_versions_append_only_delete BEFORE DELETE ON content_versions
    BEGIN SELECT RAISE(ABORT, 'content versions are append-only'); END;
    CREATE TABLE policy_documents (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        title TEXT NOT NULL,
        decree_number TEXT,
        decree_date TEXT,
        supersedes INTEGER REFERENCES policy_documents (id),
        superseded_by INTEGER REFERENCES policy_documents (id),
        created_at TEXT NOT NULL
    );
    CREATE TABLE policy_versions (
        id INTEGER PRIMARY KEY,
        document INTEGER NOT NULL REFERENCES policy_documents (id),
        version INTEGER NOT NULL,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        actor TEXT NOT NULL,
        login TEXT,
        edge TEXT NOT NULL,
        at TEXT NOT NULL,
        UNIQUE (document, version)
    );
    CREATE TRIGGER policy_versions_append_only_update BEFORE UPDATE ON policy_versions
    BEGIN SELECT RAISE(ABORT, 'policy versions are append-only'); END;
    CREATE TRIGGER policy_versions_append_only_delete BEFORE DELETE ON policy_versions
    BEGIN SELECT RAISE(ABORT, 'policy versions are append-only'); END;
    CREATE TABLE regulations (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        number TEXT NOT NULL,
        year INTEGER NOT NULL,
        link TEXT,
        summary TEXT NOT NULL,
        added_at TEXT NOT NULL,
        added_by TEXT NOT NULL
    );
    CREATE TABLE regulation_reviews (
        id INTEGER PRIMARY KEY,
        regulation INTEGER NOT NULL REFERENCES regulations (id),
        actor TEXT NOT NULL,
        edge TEXT NOT NULL,
        at TEXT NOT NULL,
        note TEXT
    );
    CREATE INDEX regulation_reviews_regulation ON regulation_reviews (regulation, at);
    CREATE TRIGGER regulation_reviews_append_only_update BEFORE UPDATE ON regulation_reviews
    BEGIN SELECT RAISE(ABORT, 'regulation reviews are append-only'); END;
    CREATE TRIGGER regulation_reviews_append_only_delete BEFORE DELETE ON regulation_reviews
    BEGIN SELECT RAISE(ABORT, 'regulation reviews are append-only'); END;
    """,
)


def statements(script: str) -> list[str]:
    """A migration's statements; a trigger's ``BEGIN ... END`` body stays in one piece."""
    statements: list[str] = []
    pending = ""
    for piece in script.split(";"):
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            if pending.strip(" \n;"):
                statements.append(pending.strip().removesuffix(";"))
            pending = ""
    return statements
