"""The history store's interface, its records, and the SQL both dialects share.

The store keeps what the history commands need and nothing the result document cannot
give back: run metadata (id, times, tool version, engine, scope, fail-on, exit code,
summary) and one row a result (control, resource, kind, status, severity, scope,
message). Evidence, frameworks and remediation stay in the result document (or the
evidence bundle): duplicating them for every run would grow the store tenfold for no
question the history answers.

The two dialects differ only in connection set-up, transactions, parameter style, native
types and bulk insert, so those are the hooks a subclass fills in; every query is written
once here. Queries are written with ``?`` placeholders; the PostgreSQL store rewrites
them to ``%s``.
"""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import resources
from types import TracebackType
from typing import Any, NamedTuple

from auditor.errors import InputError

STATUSES = ("pass", "fail", "error", "waived")


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class StoreError(InputError):
    """The store cannot be opened, migrated, read or written.

    An InputError, so that the CLI answers it like any other bad input: one line naming
    the store, exit code 2. A cron job pointed at a wrong or unreachable store must fail
    loudly rather than scan without keeping history.
    """


class ResultRow(NamedTuple):
    """One stored result: the fields the history commands compare and show.

    A tuple, so that tens of thousands of them are cheap to hold and insert as they are.
    """

    control_id: str
    resource_id: str
    resource_kind: str | None
    status: str
    severity: str
    scope: str | None
    message: str | None

    @property
    def key(self) -> tuple[str, str, str]:
        """What makes a result "the same" across runs: control, scope and resource.

        The scope is part of it because resource ids are unique only within a scope
        (``aws_instance.gpu`` exists in every Terraform directory that declares it).
        """
        return (self.control_id, self.scope or "", self.resource_id)


@dataclass
class RunRecord:
    """One recorded run: the result document's ``run`` and ``summary``, plus its scope.

    ``scope`` is the sorted list of source labels (``terraform:infra/gpu``); runs whose
    ``scope_key`` (a digest of it) is equal are *comparable*: diff, trend and
    time-to-remediate compare only those.
    """

    id: str
    command: str
    started_at: str
    finished_at: str | None
    tool_version: str
    engine: str | None
    scope: list[str]
    scope_key: str
    fail_on: str | None
    exit_code: int | None
    summary: dict[str, Any] = field(default_factory=dict)
    host: str | None = None
    recorded_at: str | None = None
    seq: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def short_id(self) -> str:
        return self.id[:8]


@dataclass(frozen=True)
class Migration:
    """One versioned schema change: ``migrations/<dialect>/NNNN_name.sql``."""

    version: int
    name: str
    sql: str


MIGRATION_FILE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


def load_migrations(dialect: str) -> list[Migration]:
    """Every migration shipped for a dialect, in version order.

    Versions must be contiguous from 1: a gap means a file went missing from the
    package, and applying later changes over a missing one would corrupt the schema.
    """
    folder = resources.files("auditor.store") / "migrations" / dialect
    found = []
    for entry in folder.iterdir():
        m = MIGRATION_FILE.match(entry.name)
        if m:
            found.append(Migration(int(m.group(1)), m.group(2), entry.read_text(encoding="utf-8")))
    found.sort(key=lambda mig: mig.version)
    expected = list(range(1, len(found) + 1))
    if [mig.version for mig in found] != expected:
        raise StoreError(f"the {dialect} migrations shipped with auditor are not contiguous")
    return found


RUN_COLUMNS = (
    "seq, id, command, started_at, finished_at, recorded_at, tool_version, engine, "
    "scope_key, scope, fail_on, exit_code, host, summary"
)
RESULT_COLUMNS = "control_id, resource_id, resource_kind, status, severity, scope, message"


class Store(ABC):
    """A history store. Open one with ``auditor.store.open_store``; close it when done."""

    dialect: str = ""
    #: Where the store is, for messages (a PostgreSQL URL with its password hidden).
    location: str = ""

    # ---- dialect hooks --------------------------------------------------------------

    @abstractmethod
    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one statement and return its rows ([] when it returns none)."""

    @abstractmethod
    def _write(self) -> AbstractContextManager[None]:
        """A write transaction, serialised against other writers, rolled back on error."""

    @abstractmethod
    def _migration_lock(self) -> AbstractContextManager[None]:
        """A transaction holding the store-wide migration lock (one migrator at a time)."""

    @abstractmethod
    def _run_script(self, sql: str) -> None:
        """Run a migration file (several statements) inside the current transaction."""

    @abstractmethod
    def _insert_results(self, run_seq: int, rows: Sequence[ResultRow]) -> None:
        """Bulk-insert a run's results inside the current transaction."""

    @abstractmethod
    def _has_table(self, name: str) -> bool:
        """Whether a table exists (without taking any lock)."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection."""

    def _json_param(self, value: Any) -> Any:
        return json.dumps(value, sort_keys=True)

    def _json_value(self, raw: Any) -> Any:
        return json.loads(raw) if isinstance(raw, str | bytes) else raw

    def _time_value(self, raw: Any) -> str | None:
        if raw is None or isinstance(raw, str):
            return raw
        return raw.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # ---- schema ---------------------------------------------------------------------

    def schema_version(self) -> int:
        """The highest migration applied (0 for a store never migrated)."""
        if not self._has_table("schema_migrations"):
            return 0
        rows = self._query("SELECT max(version) FROM schema_migrations")
        return int(rows[0][0] or 0)

    def migrate(self) -> list[int]:
        """Apply every pending migration, all in one transaction; return their versions.

        Idempotent, and safe when several processes open a new store at once: the
        versions are read again after taking the migration lock, so exactly one process
        applies each migration and the others find it done. The cheap check without the
        lock keeps every later open from serialising on it (and lets a read-only
        PostgreSQL role read an up-to-date store).
        """
        known = load_migrations(self.dialect)
        latest = known[-1].version
        current = self.schema_version()
        if current > latest:
            raise StoreError(
                f"schema version {current} is newer than this auditor knows ({latest}): "
                "upgrade auditor to use this store",
                self.location,
            )
        if current == latest:
            return []
        applied_now = []
        with self._migration_lock():
            self._run_script(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);"
            )
            applied = {int(r[0]) for r in self._query("SELECT version FROM schema_migrations")}
            for mig in known:
                if mig.version in applied:
                    continue
                self._run_script(mig.sql)
                self._query(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    (mig.version, mig.name, now_utc()),
                )
                applied_now.append(mig.version)
        return applied_now

    # ---- writing --------------------------------------------------------------------

    def record(self, run: RunRecord, results: Sequence[ResultRow]) -> RunRecord:
        """Store a run and all its results atomically: a reader sees all or nothing."""
        run.recorded_at = run.recorded_at or now_utc()
        with self._write():
            if self._query("SELECT seq FROM runs WHERE id = ?", (run.id,)):
                raise StoreError(f"run {run.id} is already recorded", self.location)
            rows = self._query(
                "INSERT INTO runs (id, command, started_at, finished_at, recorded_at,"
                " tool_version, engine, scope_key, scope, fail_on, exit_code, host, summary)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq",
                (
                    run.id,
                    run.command,
                    run.started_at,
                    run.finished_at,
                    run.recorded_at,
                    run.tool_version,
                    run.engine,
                    run.scope_key,
                    self._json_param(run.scope),
                    run.fail_on,
                    run.exit_code,
                    run.host,
                    self._json_param(run.summary),
                ),
            )
            run.seq = int(rows[0][0])
            if results:
                self._insert_results(run.seq, results)
        return run

    def prune(self, before: str) -> int:
        """Delete the runs that started before a time, with their results; return how many.

        One transaction, like recording: a concurrent reader sees the runs or not.
        """
        with self._write():
            n = self._query("SELECT count(*) FROM runs WHERE started_at < ?", (before,))[0][0]
            self._query(
                "DELETE FROM results WHERE run_seq IN (SELECT seq FROM runs WHERE started_at < ?)",
                (before,),
            )
            self._query("DELETE FROM runs WHERE started_at < ?", (before,))
        return int(n)

    def delete_runs(self, runs: Sequence[RunRecord]) -> int:
        """Delete these runs with their results, in one transaction; return how many."""
        seqs = [r.seq for r in runs if r.seq is not None]
        with self._write():
            for start in range(0, len(seqs), 500):
                chunk = seqs[start : start + 500]
                marks = ", ".join("?" for _ in chunk)
                self._query(f"DELETE FROM results WHERE run_seq IN ({marks})", chunk)
                self._query(f"DELETE FROM runs WHERE seq IN ({marks})", chunk)
        return len(seqs)

    # ---- reading --------------------------------------------------------------------

    def _run_from_row(self, row: Sequence[Any]) -> RunRecord:
        return RunRecord(
            seq=int(row[0]),
            id=row[1],
            command=row[2],
            started_at=self._time_value(row[3]) or "",
            finished_at=self._time_value(row[4]),
            recorded_at=self._time_value(row[5]),
            tool_version=row[6],
            engine=row[7],
            scope_key=row[8],
            scope=list(self._json_value(row[9]) or []),
            fail_on=row[10],
            exit_code=row[11],
            host=row[12],
            summary=dict(self._json_value(row[13]) or {}),
        )

    def runs(self, scope_key: str | None = None, limit: int | None = None) -> list[RunRecord]:
        """Recorded runs, newest first (by start time, then recording order)."""
        sql = f"SELECT {RUN_COLUMNS} FROM runs"
        params: list[Any] = []
        if scope_key is not None:
            sql += " WHERE scope_key = ?"
            params.append(scope_key)
        sql += " ORDER BY started_at DESC, seq DESC"
        if limit:
            sql += " LIMIT ?"
            params.append(int(limit))
        return [self._run_from_row(r) for r in self._query(sql, params)]

    def run(self, ref: str) -> RunRecord:
        """A run by its id or a unique prefix of it (as `history list` shows: 8 characters)."""
        ref = ref.strip()
        rows = self._query(f"SELECT {RUN_COLUMNS} FROM runs WHERE id = ?", (ref,))
        if not rows and len(ref) >= 4:
            rows = self._query(
                f"SELECT {RUN_COLUMNS} FROM runs WHERE substr(id, 1, ?) = ? LIMIT 5",
                (len(ref), ref),
            )
        if not rows:
            raise StoreError(f"no run {ref} in the history store (see `auditor history list`)")
        if len(rows) > 1:
            ids = ", ".join(r[1] for r in rows)
            raise StoreError(f"run id prefix {ref} is ambiguous: {ids}")
        return self._run_from_row(rows[0])

    def previous(self, run: RunRecord) -> RunRecord | None:
        """The comparable run just before this one: same scope, earlier start."""
        rows = self._query(
            f"SELECT {RUN_COLUMNS} FROM runs WHERE scope_key = ? AND id <> ?"
            " AND (started_at < ? OR (started_at = ? AND seq < ?))"
            " ORDER BY started_at DESC, seq DESC LIMIT 1",
            (run.scope_key, run.id, run.started_at, run.started_at, run.seq or 0),
        )
        return self._run_from_row(rows[0]) if rows else None

    def results(
        self,
        run: RunRecord,
        statuses: Iterable[str] | None = None,
        control_id: str | None = None,
    ) -> list[ResultRow]:
        """A run's stored results, optionally only some statuses or one control."""
        sql = f"SELECT {RESULT_COLUMNS} FROM results WHERE run_seq = ?"
        params: list[Any] = [run.seq]
        if statuses is not None:
            wanted = sorted(set(statuses))
            sql += f" AND status IN ({', '.join('?' for _ in wanted)})"
            params += wanted
        if control_id is not None:
            sql += " AND control_id = ?"
            params.append(control_id)
        return [ResultRow(*r) for r in self._query(sql, params)]

    def controls(self, run: RunRecord) -> set[str]:
        """The controls that gave at least one result in a run (whatever its status)."""
        rows = self._query("SELECT DISTINCT control_id FROM results WHERE run_seq = ?", (run.seq,))
        return {r[0] for r in rows}

    def status_counts(
        self, runs: Sequence[RunRecord], control_id: str | None = None
    ) -> dict[str, dict[str, int]]:
        """Per run id, the number of results in each status (optionally for one control)."""
        by_seq = {r.seq: r.id for r in runs}
        counts = {r.id: dict.fromkeys(STATUSES, 0) for r in runs}
        seqs = list(by_seq)
        for start in range(0, len(seqs), 500):
            chunk = seqs[start : start + 500]
            sql = (
                "SELECT run_seq, status, count(*) FROM results"
                f" WHERE run_seq IN ({', '.join('?' for _ in chunk)})"
            )
            params: list[Any] = list(chunk)
            if control_id is not None:
                sql += " AND control_id = ?"
                params.append(control_id)
            sql += " GROUP BY run_seq, status"
            for seq, status, n in self._query(sql, params):
                counts[by_seq[seq]][status] = int(n)
        return counts

    def count(self, table: str) -> int:
        """Rows in a table (runs, results): for integrity checks and tests."""
        if table not in ("runs", "results", "schema_migrations"):
            raise ValueError(table)
        return int(self._query(f"SELECT count(*) FROM {table}")[0][0])

    def iter_results(self, runs: Iterable[RunRecord]) -> Iterator[tuple[RunRecord, int]]:
        """Each run with its stored result count: for integrity checks."""
        for run in runs:
            n = self._query("SELECT count(*) FROM results WHERE run_seq = ?", (run.seq,))
            yield run, int(n[0][0])
