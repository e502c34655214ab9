"""The history store's contract, on both dialects: the same tests, SQLite and PostgreSQL.

PostgreSQL tests run against a real server (see pg_server.py) and skip, saying how to
get one, where there is none.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from auditor.store import open_store, sqlite_path
from auditor.store.base import ResultRow, RunRecord, StoreError, load_migrations


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "history.db")
    return request.getfixturevalue("postgres_url")


def make_run(n: int, scope_key: str = "scope-a", started: str | None = None) -> RunRecord:
    return RunRecord(
        id=f"{n:08d}-0000-4000-8000-000000000000",
        command="scan",
        started_at=started or f"2026-01-{n:02d}T03:00:00Z",
        finished_at=f"2026-01-{n:02d}T03:05:00Z",
        tool_version="0.1.0",
        engine="regorus 0.9.1",
        scope=[f"terraform:{scope_key}"],
        scope_key=scope_key,
        fail_on="high",
        exit_code=1,
        summary={"total": 3, "by_status": {"fail": 1, "pass": 2}},
    )


ROWS = [
    ResultRow("NET-01", "aws_instance.a", "aws_instance", "fail", "high", "infra", "open"),
    ResultRow("NET-01", "aws_instance.b", "aws_instance", "pass", "high", "infra", "passed"),
    ResultRow("ENC-01", "aws_s3_bucket.m", "aws_s3_bucket", "pass", "high", "infra", None),
]


def test_new_store_is_migrated_and_reopening_changes_nothing(store_url: str) -> None:
    latest = load_migrations("sqlite")[-1].version
    with open_store(store_url) as store:
        assert store.schema_version() == latest
        assert store.count("schema_migrations") == latest
        assert store.migrate() == []  # idempotent
    with open_store(store_url) as store:
        assert store.migrate() == []
        assert store.count("schema_migrations") == latest


def test_both_dialects_ship_the_same_migration_versions() -> None:
    sqlite = [(m.version, m.name) for m in load_migrations("sqlite")]
    postgres = [(m.version, m.name) for m in load_migrations("postgres")]
    assert sqlite == postgres


def test_record_and_read_back(store_url: str) -> None:
    with open_store(store_url) as store:
        run = store.record(make_run(1), ROWS)
        assert run.seq is not None and run.recorded_at
        got = store.run(run.id)
        assert got.to_dict() == run.to_dict()
        assert sorted(store.results(got)) == sorted(ROWS)
        assert store.results(got, statuses=["fail"]) == [ROWS[0]]
        assert len(store.results(got, control_id="NET-01")) == 2
        assert store.controls(got) == {"NET-01", "ENC-01"}
        assert store.status_counts([got]) == {
            run.id: {"pass": 2, "fail": 1, "error": 0, "waived": 0}
        }
        assert store.status_counts([got], "ENC-01")[run.id]["pass"] == 1


def test_runs_are_ordered_and_previous_is_same_scope_earlier(store_url: str) -> None:
    with open_store(store_url) as store:
        r1 = store.record(make_run(1), ROWS)
        other = store.record(make_run(2, scope_key="scope-b"), ROWS)
        r3 = store.record(make_run(3), ROWS)
        # Recorded late but started early (a long scan finishing after a short one).
        r0 = store.record(make_run(4, started="2025-12-31T00:00:00Z"), ROWS)
        assert [r.id for r in store.runs()] == [r3.id, other.id, r1.id, r0.id]
        assert [r.id for r in store.runs(scope_key="scope-a", limit=2)] == [r3.id, r1.id]
        assert store.previous(r3).id == r1.id  # type: ignore[union-attr]
        assert store.previous(r1).id == r0.id  # type: ignore[union-attr]
        assert store.previous(r0) is None
        assert store.previous(other) is None


def test_same_second_runs_are_ordered_by_recording(store_url: str) -> None:
    when = "2026-02-01T00:00:00Z"
    with open_store(store_url) as store:
        a = store.record(make_run(1, started=when), ROWS)
        b = store.record(make_run(2, started=when), ROWS)
        assert store.previous(b).id == a.id  # type: ignore[union-attr]
        assert store.previous(a) is None


def test_run_by_prefix_and_errors(store_url: str) -> None:
    with open_store(store_url) as store:
        run = store.record(make_run(1), ROWS)
        store.record(make_run(2), ROWS)
        assert store.run(run.id[:8]).id == run.id
        with pytest.raises(StoreError, match="ambiguous"):
            store.run("0000")
        with pytest.raises(StoreError, match="no run zzzz"):
            store.run("zzzz")
        with pytest.raises(StoreError, match="already recorded"):
            store.record(make_run(1), ROWS)
        assert store.count("runs") == 2  # the duplicate left nothing behind


def test_a_failed_record_leaves_nothing(store_url: str) -> None:
    bad = [*ROWS, ResultRow("X-01", "r", None, "maybe", "high", None, None)]  # bad status
    with open_store(store_url) as store:
        with pytest.raises(StoreError):
            store.record(make_run(1), bad)
        assert store.count("runs") == 0 and store.count("results") == 0


def test_a_store_from_a_newer_auditor_is_refused(store_url: str) -> None:
    with open_store(store_url) as store:
        store._query(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
            (999, "future", "2030-01-01T00:00:00Z"),
        )
    with pytest.raises(StoreError, match="schema version 999 is newer"):
        open_store(store_url)


def test_sqlite_file_is_wal_and_sound(tmp_path: Path) -> None:
    from auditor.store.sqlite import SQLiteStore

    path = tmp_path / "deep" / "dir" / "history.db"
    store = open_store(str(path))
    assert isinstance(store, SQLiteStore)
    assert store.journal_mode() == "wal"
    assert store.integrity_check() == []
    store.close()
    assert (path.parent.stat().st_mode & 0o777) == 0o700


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("sqlite:///var/lib/auditor/h.db", "/var/lib/auditor/h.db"),
        ("sqlite:////var/lib/auditor/h.db", "/var/lib/auditor/h.db"),
        ("sqlite:relative.db", "relative.db"),
        ("/abs/h.db", "/abs/h.db"),
    ],
)
def test_sqlite_urls(spec: str, expected: str) -> None:
    assert sqlite_path(spec) == Path(expected)


def test_bad_store_specs_are_store_errors(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="unsupported history store mysql://"):
        open_store("mysql://db/auditor")
    with pytest.raises(StoreError, match="is a directory"):
        open_store(str(tmp_path))
    not_db = tmp_path / "notes.txt"
    not_db.write_text("this is not a database, it is a shopping list\n" * 100)
    with pytest.raises(StoreError, match=r"notes\.txt"):
        open_store(str(not_db))
    with pytest.raises(StoreError, match="no history store here yet"):
        open_store(str(tmp_path / "missing.db"), create=False)


def test_unreachable_postgres_is_a_store_error_without_the_password() -> None:
    pytest.importorskip("psycopg")
    url = "postgresql://auditor:s3cret@127.0.0.1:1/auditor?connect_timeout=2"
    with pytest.raises(StoreError) as caught:
        open_store(url)
    assert "s3cret" not in str(caught.value)
    assert "auditor:***@127.0.0.1:1" in str(caught.value)


def test_default_store_lives_in_the_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from auditor.store import data_dir, default_store_path

    monkeypatch.delenv("AUDITOR_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_store_path() == tmp_path / "xdg" / "auditor" / "history.db"
    monkeypatch.setenv("AUDITOR_DATA_DIR", str(tmp_path / "svc"))
    assert data_dir() == tmp_path / "svc"
    with open_store() as store:
        assert store.location == str(tmp_path / "svc" / "history.db")
    monkeypatch.setenv("AUDITOR_STORE", str(tmp_path / "team.db"))
    with open_store() as store:
        assert store.location == str(tmp_path / "team.db")
    assert sqlite3.connect(tmp_path / "team.db").execute("SELECT count(*) FROM runs").fetchone()


def test_prune_and_delete_runs_take_their_results(store_url: str) -> None:
    with open_store(store_url) as store:
        old = store.record(make_run(1), ROWS)
        mid = store.record(make_run(2, scope_key="scope-b"), ROWS)
        new = store.record(make_run(9), ROWS)
        assert store.prune("2026-01-05T00:00:00Z") == 2
        assert [r.id for r in store.runs()] == [new.id]
        assert store.count("results") == len(ROWS)
        assert store.delete_runs([new]) == 1
        assert store.count("runs") == 0 and store.count("results") == 0
        assert old.id != mid.id
