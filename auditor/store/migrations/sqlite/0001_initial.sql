-- 0001 initial: one row a recorded run, one row a result of it.
-- Timestamps are ISO-8601 UTC text ("2026-11-25T19:30:02Z"), which sorts as time does.

CREATE TABLE runs (
    -- Recording order; the tie-breaker between runs that started in the same second.
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT    NOT NULL UNIQUE,          -- the result document's run.id (UUID)
    command      TEXT    NOT NULL,                 -- scan | evaluate | import
    started_at   TEXT    NOT NULL,
    finished_at  TEXT,
    recorded_at  TEXT    NOT NULL,
    tool_version TEXT    NOT NULL,
    engine       TEXT,
    scope_key    TEXT    NOT NULL,                 -- digest of scope: runs are comparable when equal
    scope        TEXT    NOT NULL,                 -- JSON array of sorted source labels
    fail_on      TEXT,
    exit_code    INTEGER,
    host         TEXT,
    summary      TEXT    NOT NULL                  -- JSON object: the document's summary
);

CREATE INDEX runs_scope_started ON runs (scope_key, started_at, seq);
CREATE INDEX runs_started ON runs (started_at, seq);

CREATE TABLE results (
    run_seq       INTEGER NOT NULL REFERENCES runs (seq) ON DELETE CASCADE,
    control_id    TEXT    NOT NULL,
    resource_id   TEXT    NOT NULL,
    resource_kind TEXT,
    status        TEXT    NOT NULL CHECK (status IN ('pass', 'fail', 'error', 'waived')),
    severity      TEXT    NOT NULL,
    scope         TEXT,
    message       TEXT
);

CREATE INDEX results_run_status ON results (run_seq, status);
CREATE INDEX results_control_run ON results (control_id, run_seq);
