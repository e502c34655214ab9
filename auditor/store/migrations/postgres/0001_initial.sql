-- 0001 initial: one row a recorded run, one row a result of it.
-- The same tables as the SQLite dialect, with native types (timestamptz, jsonb, identity)
-- so that a team can query the shared store directly (dashboards, ad-hoc SQL).

CREATE TABLE runs (
    -- Recording order; the tie-breaker between runs that started in the same second.
    seq          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id           text        NOT NULL UNIQUE,      -- the result document's run.id (UUID)
    command      text        NOT NULL,             -- scan | evaluate | import
    started_at   timestamptz NOT NULL,
    finished_at  timestamptz,
    recorded_at  timestamptz NOT NULL,
    tool_version text        NOT NULL,
    engine       text,
    scope_key    text        NOT NULL,             -- digest of scope: runs are comparable when equal
    scope        jsonb       NOT NULL,             -- array of sorted source labels
    fail_on      text,
    exit_code    integer,
    host         text,
    summary      jsonb       NOT NULL              -- the document's summary
);

CREATE INDEX runs_scope_started ON runs (scope_key, started_at, seq);
CREATE INDEX runs_started ON runs (started_at, seq);

CREATE TABLE results (
    run_seq       bigint NOT NULL REFERENCES runs (seq) ON DELETE CASCADE,
    control_id    text   NOT NULL,
    resource_id   text   NOT NULL,
    resource_kind text,
    status        text   NOT NULL CHECK (status IN ('pass', 'fail', 'error', 'waived')),
    severity      text   NOT NULL,
    scope         text,
    message       text
);

CREATE INDEX results_run_status ON results (run_seq, status);
CREATE INDEX results_control_run ON results (control_id, run_seq);
