"""Where the history of runs is kept, and how to open it.

``open_store(spec)`` takes what the user wrote after ``--store`` (or nothing) and returns
a migrated ``Store``:

- nothing: ``$AUDITOR_STORE`` if set, else ``history.db`` in the data directory;
- ``postgresql://...`` (or ``postgres://...``): the PostgreSQL store, for teams;
- ``sqlite:///abs/path.db`` or a plain path: a SQLite file.

The data directory (the default store and ``--lock`` files) is ``$AUDITOR_DATA_DIR`` if
set, else the platform's user data directory (``$XDG_DATA_HOME/auditor``, by default
``~/.local/share/auditor`` on Linux). The environment variables exist for services and
containers, which have no meaningful home directory: a systemd unit sets
``AUDITOR_DATA_DIR=/var/lib/auditor``, a Kubernetes CronJob takes ``AUDITOR_STORE`` from
a Secret.

Nothing heavy is imported here: the CLI imports this package to define its options.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

from auditor.store.base import ResultRow, RunRecord, Store, StoreError

__all__ = [
    "DATA_DIR_ENV",
    "STORE_ENV",
    "ResultRow",
    "RunRecord",
    "Store",
    "StoreError",
    "data_dir",
    "default_store_path",
    "open_store",
    "resolve_store",
]

STORE_ENV = "AUDITOR_STORE"
DATA_DIR_ENV = "AUDITOR_DATA_DIR"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def data_dir() -> Path:
    """The directory for the default store and lock files (created when first written)."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override).expanduser()
    try:
        import platformdirs
    except ImportError:  # pragma: no cover - platformdirs is a dependency
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        return Path(base) / "auditor"
    return platformdirs.user_data_path("auditor", appauthor=False)


def default_store_path() -> Path:
    return data_dir() / "history.db"


def resolve_store(spec: str | None) -> str:
    """The store the user means: --store, else $AUDITOR_STORE, else the default file."""
    return spec or os.environ.get(STORE_ENV) or str(default_store_path())


def sqlite_path(spec: str) -> Path:
    """The file a ``sqlite:`` URL or plain path names.

    ``sqlite:///var/lib/auditor/h.db`` is read as a file URL (an absolute path), which is
    what most users mean; ``sqlite:relative.db`` is relative to the working directory.
    """
    if not spec.startswith("sqlite:"):
        return Path(spec).expanduser()
    parts = urlsplit(spec)
    if parts.netloc not in ("", "localhost"):
        raise StoreError(f"a sqlite: store URL names a local file, not host {parts.netloc}", spec)
    path = unquote(parts.path)
    if path.startswith("//"):  # sqlite:////abs/path, SQLAlchemy's spelling of an absolute path
        path = path[1:]
    if not path:
        raise StoreError("a sqlite: store URL needs a file path (sqlite:///path/to/history.db)")
    return Path(path).expanduser()


def open_store(spec: str | None = None, migrate: bool = True, create: bool = True) -> Store:
    """Open (and by default migrate) the store; StoreError (exit 2) names what went wrong.

    ``create=False`` is for the commands that only read: a SQLite file that does not
    exist is then an error (most likely a mistyped --store), not an empty history.
    """
    target = resolve_store(spec)
    store: Store
    if target.startswith(POSTGRES_SCHEMES):
        from auditor.store.postgres import PostgresStore

        store = PostgresStore(target)
    elif "://" in target and not target.startswith("sqlite:"):
        scheme = target.split("://", 1)[0]
        raise StoreError(
            f"unsupported history store {scheme}://: use a file path, sqlite:///PATH"
            " or postgresql://..."
        )
    else:
        from auditor.store.sqlite import SQLiteStore

        path = sqlite_path(target)
        if path.is_dir():
            raise StoreError("is a directory, not a history store file", str(path))
        if not create and not path.exists():
            raise StoreError(
                "no history store here yet (scan and evaluate record runs into it)", str(path)
            )
        store = SQLiteStore(path)
    if migrate:
        try:
            store.migrate()
        except BaseException:
            store.close()
            raise
    return store
