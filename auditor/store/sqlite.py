"""The default history store: one SQLite file, nothing to set up.

Overlapping cron runs write to the same file, so the connection is set up for that:

- WAL journal: readers (``auditor history``) never block the writer and a writer never
  blocks readers; a crash mid-write leaves the last committed state.
- Every write is one ``BEGIN IMMEDIATE`` transaction: the write lock is taken at the
  start, so two writers queue instead of failing half-way with "database is locked"
  when one upgrades a read lock; ``busy_timeout`` is how long one waits for the other.
- ``synchronous=NORMAL``: in WAL mode this can lose the last transaction on power loss
  but never corrupts the file, which is the right trade for a scan history.

WAL needs shared memory between the processes, so the file must be on a local disk, not
NFS: a store shared between machines is what the PostgreSQL store is for.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from auditor.store.base import ResultRow, Store, StoreError

#: How long a writer waits for another one (a 10,000-result run commits in well under 1 s).
BUSY_TIMEOUT_SECONDS = 60.0


class SQLiteStore(Store):
    dialect = "sqlite"

    def __init__(self, path: Path, timeout: float = BUSY_TIMEOUT_SECONDS) -> None:
        self.path = path
        self.location = str(path)
        try:
            if not path.parent.exists():
                # The data directory holds scan history: private to the user by default.
                path.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
            # isolation_level=None: no implicit transactions; every write opens its own.
            self._conn = sqlite3.connect(
                path, timeout=timeout, isolation_level=None, check_same_thread=False
            )
            self._conn.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._conn.execute("PRAGMA foreign_keys = ON")
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open history store: {exc}", self.location) from None

    def close(self) -> None:
        self._conn.close()

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            return self._conn.execute(sql, tuple(params)).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"history store: {exc}", self.location) from None

    @contextmanager
    def _write(self) -> Iterator[None]:
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StoreError(f"history store: {exc}", self.location) from None
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        try:
            self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._conn.execute("ROLLBACK")
            raise StoreError(f"history store: {exc}", self.location) from None

    def _migration_lock(self) -> AbstractContextManager[None]:
        # BEGIN IMMEDIATE is the lock: one connection at a time may hold it.
        return self._write()

    def _run_script(self, sql: str) -> None:
        # executescript() would COMMIT the open transaction first, so statements are
        # split here (complete_statement knows about strings, comments and triggers)
        # and run one by one inside it.
        statement = ""
        for line in sql.splitlines(keepends=True):
            statement += line
            if sqlite3.complete_statement(statement):
                self._query(statement)
                statement = ""
        if statement.strip() and not _only_comments(statement):
            raise StoreError("incomplete statement at the end of a migration", self.location)

    def _insert_results(self, run_seq: int, rows: Sequence[ResultRow]) -> None:
        try:
            self._conn.executemany(
                "INSERT INTO results (run_seq, control_id, resource_id, resource_kind,"
                " status, severity, scope, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                ((run_seq, *row) for row in rows),
            )
        except sqlite3.Error as exc:
            raise StoreError(f"history store: {exc}", self.location) from None

    def _has_table(self, name: str) -> bool:
        rows = self._query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))
        return bool(rows)

    def integrity_check(self) -> list[str]:
        """``PRAGMA integrity_check`` and ``foreign_key_check``: [] when the file is sound."""
        problems = [r[0] for r in self._query("PRAGMA integrity_check") if r[0] != "ok"]
        problems += [repr(r) for r in self._query("PRAGMA foreign_key_check")]
        return problems

    def journal_mode(self) -> str:
        return str(self._query("PRAGMA journal_mode")[0][0])


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.strip().startswith("--") for line in text.splitlines())
