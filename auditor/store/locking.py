"""``scan --lock``: one run at a time per scope on a machine, for cron.

A cron line whose scan sometimes takes longer than its interval would otherwise start a
second scan of the same estate while the first runs: twice the API calls (and
throttling) for the same answer. With ``--lock`` the second run exits at once with
code 2 and a message naming the lock and its holder.

The lock is ``flock(2)`` on a file in ``<data dir>/locks/``, one file a scope (a digest
of the requested sources). The kernel releases a flock when its process dies, however it
dies (kill -9, OOM, reboot), so a stale lock file never blocks a later run: only a
running process holds the lock. The file is never deleted (deleting a flock'd file
lets two processes lock two different inodes of the same name); it only says who
holds it, for the message.

The lock is per machine. Runs on several machines (CI runners, Kubernetes pods) are kept
apart by their scheduler instead: the CronJob's ``concurrencyPolicy: Forbid``, a
systemd timer (which never starts a unit that is still running), a CI concurrency group.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import socket
import sys
from pathlib import Path
from types import TracebackType
from typing import Any

from auditor.errors import InputError
from auditor.store import data_dir
from auditor.store.base import now_utc


class LockHeld(InputError):
    """Another run of the same scope holds the lock: exit 2, naming the holder."""


def lock_key(sources: Any) -> str:
    """A digest of the requested sources, the same however they were spelled.

    Works on any dataclass of source options (or a dict), so that sources added later
    (cloud accounts, clusters) are part of the key without changes here. What is read
    is named by strings (paths, profiles, role ARNs, regions); numbers are how hard to
    push (workers, timeouts, rate budgets) and are left out, so that a run with other
    tuning is still the same scope. Values that name existing paths are made absolute,
    so ``infra/`` and ``./infra`` are one scope and two ``infra/`` folders in different
    directories are two.
    """
    data = dataclasses.asdict(sources) if dataclasses.is_dataclass(sources) else dict(sources)

    def keep(value: Any) -> bool:
        tuning = isinstance(value, int | float) and not isinstance(value, bool)
        return not tuning and value not in (None, [], {}, "", False)

    def norm(value: Any) -> Any:
        if isinstance(value, str):
            return os.path.realpath(value) if value and os.path.exists(value) else value
        if isinstance(value, list | tuple | set):
            return sorted(json.dumps(norm(v), sort_keys=True, default=str) for v in value)
        if isinstance(value, dict):
            return {str(k): norm(v) for k, v in value.items() if keep(v)}
        return value

    canonical = norm(data)
    text = json.dumps(canonical, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class ScopeLock:
    """An exclusive, non-blocking flock held for a ``with`` block."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    @classmethod
    def for_sources(cls, sources: Any, directory: Path | None = None) -> ScopeLock:
        folder = directory or data_dir() / "locks"
        return cls(folder / f"scan-{lock_key(sources)}.lock")

    def acquire(self) -> None:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            raise InputError("--lock needs POSIX file locks (fcntl), not available here") from None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise InputError(f"cannot create lock file: {exc.strerror}", str(self.path)) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _describe(os.read(fd, 4096))
            os.close(fd)
            raise LockHeld(
                f"another run of the same sources holds the lock ({holder}); not starting."
                " It is released when that run ends",
                str(self.path),
            ) from None
        os.ftruncate(fd, 0)
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": now_utc(),
            "argv": sys.argv,
        }
        os.write(fd, (json.dumps(info) + "\n").encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        import fcntl

        os.ftruncate(self._fd, 0)
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> ScopeLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


def _describe(raw: bytes) -> str:
    try:
        info = json.loads(raw.decode() or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        info = {}
    if not info.get("pid"):
        return "holder unknown"
    return f"pid {info['pid']} on {info.get('host', '?')} since {info.get('since', '?')}"
