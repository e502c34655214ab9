"""The team history store: PostgreSQL through psycopg 3 (the `postgres` extra).

Many machines (cron hosts, CI runners, the fan-out workers of a distributed scan) write
to one database. Each run is one transaction, so readers see a run with all its results
or not at all, and concurrent writers need no coordination beyond what PostgreSQL does
for inserts. Migrations take a transaction-scoped advisory lock, so the first use by
several processes at once applies each migration exactly once; PostgreSQL's DDL is
transactional, so a failed migration leaves nothing half-applied.

The tables go in the first schema of the connection's ``search_path``: put
``?options=-csearch_path%3Dauditor`` in the URL to keep them in their own schema.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from auditor.store.base import ResultRow, Store, StoreError

#: pg_advisory_xact_lock key serialising migrations: "auditor" as a big-endian integer.
MIGRATION_LOCK_KEY = int.from_bytes(b"auditor", "big")
CONNECT_TIMEOUT_SECONDS = 10


def redact(url: str) -> str:
    """The URL with its password replaced, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = parts.username or ""
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[-1]}"))


class PostgresStore(Store):
    dialect = "postgres"

    def __init__(self, url: str) -> None:
        self.location = redact(url)
        try:
            import psycopg
        except ImportError:
            raise StoreError(
                "a PostgreSQL store needs psycopg: pip install 'ai-infra-auditor[postgres]'",
                self.location,
            ) from None
        self._psycopg = psycopg
        try:
            # autocommit: reads never leave the session idle in a transaction; writes
            # open their own with conn.transaction().
            self._conn = psycopg.connect(
                url,
                autocommit=True,
                connect_timeout=CONNECT_TIMEOUT_SECONDS,
                application_name="auditor",
            )
        except psycopg.Error as exc:
            raise StoreError(
                f"cannot open history store: {_first_line(exc)}", self.location
            ) from None

    def close(self) -> None:
        self._conn.close()

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        try:
            with self._conn.cursor() as cur:
                cur.execute(sql.replace("?", "%s"), tuple(params))
                return cur.fetchall() if cur.description else []
        except self._psycopg.Error as exc:
            raise StoreError(f"history store: {_first_line(exc)}", self.location) from None

    @contextmanager
    def _write(self) -> Iterator[None]:
        try:
            with self._conn.transaction():
                yield
        except self._psycopg.Error as exc:
            raise StoreError(f"history store: {_first_line(exc)}", self.location) from None

    @contextmanager
    def _migration_lock(self) -> Iterator[None]:
        with self._write():
            self._query("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK_KEY,))
            yield

    def _run_script(self, sql: str) -> None:
        # Without parameters psycopg sends the text as one simple query: several
        # statements run in order inside the open transaction.
        try:
            self._conn.execute(sql.encode())
        except self._psycopg.Error as exc:
            raise StoreError(
                f"history store migration: {_first_line(exc)}", self.location
            ) from None

    def _insert_results(self, run_seq: int, rows: Sequence[ResultRow]) -> None:
        # COPY: one round trip for the whole run, several times faster than INSERTs.
        try:
            with (
                self._conn.cursor() as cur,
                cur.copy(
                    "COPY results (run_seq, control_id, resource_id, resource_kind,"
                    " status, severity, scope, message) FROM STDIN"
                ) as copy,
            ):
                for row in rows:
                    copy.write_row((run_seq, *row))
        except self._psycopg.Error as exc:
            raise StoreError(f"history store: {_first_line(exc)}", self.location) from None

    def _has_table(self, name: str) -> bool:
        return self._query("SELECT to_regclass(?)", (name,))[0][0] is not None

    def _json_param(self, value: Any) -> Any:
        from psycopg.types.json import Jsonb

        return Jsonb(value)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
