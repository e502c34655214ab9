"""The streams a command writes to, injected so that tests can call main(args, env)."""

from __future__ import annotations

import gc
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TextIO


@dataclass
class Environment:
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    quiet: bool = False
    # "json" (--log-format json): every message on stderr is one JSON object a line,
    # for log collectors (journald, Kubernetes, CI); progress is never shown then.
    log_format: str = "text"

    @property
    def stderr_is_tty(self) -> bool:
        isatty = getattr(self.stderr, "isatty", None)
        return bool(isatty and isatty())

    def progress(self, message: str) -> None:
        """Progress for long work: only to a terminal, never with --quiet."""
        if not self.quiet and self.stderr_is_tty and self.log_format == "text":
            print(f"\r\033[K{message}", end="", file=self.stderr, flush=True)

    def end_progress(self) -> None:
        if not self.quiet and self.stderr_is_tty and self.log_format == "text":
            print("\r\033[K", end="", file=self.stderr, flush=True)

    def error(self, message: str) -> None:
        self.log("error", message)

    def warn(self, message: str) -> None:
        if not self.quiet:
            self.log("warning", message)

    def log(self, level: str, message: str, **fields: Any) -> None:
        """One message on stderr: ``auditor: LEVEL: message``, or a JSON line.

        ``fields`` (an event name, counts, ids) appear only in JSON lines: a log
        collector can filter on them, a person reads the message.
        """
        if self.log_format == "json":
            event = {
                "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "level": level,
                "message": message,
                **fields,
            }
            print(json.dumps(event, default=str), file=self.stderr, flush=True)
        elif level == "info":
            print(f"auditor: {message}", file=self.stderr)
        else:
            print(f"auditor: {level}: {message}", file=self.stderr)


@contextmanager
def cycle_collector_paused(collect_after: bool = True) -> Iterator[None]:
    """Pause Python's cyclic garbage collector for one command (auditor.cli.main).

    A scan holds hundreds of thousands of small dicts and lists (the snapshot, the
    engine's input and answers, the results); every full collection walks all of them.
    At 100,000 resources that was about 2 s of a run (loading and building the snapshot
    and the result document twice as slow), while that data is acyclic trees that
    reference counting frees anyway. Collection runs with it on again
    (cycle_collector_running): SDK clients and retried calls make cyclic garbage there.
    Re-enabled (and a collection run) afterwards, so that a caller in the same process
    (tests, an embedding program) is unaffected. A process about to end (auditor.cli.run)
    passes collect_after=False and the collector stays off: re-enabled, it would make
    the next allocation walk the whole heap (0.3 s after a 1,500-resource Terraform scan).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled and collect_after:
            gc.enable()
            # Collect here, on the command's thread: a regorus engine caught in a cycle
            # must be dropped on the thread that made it, not on whichever thread (a
            # collector's pool, a test server) happens to trigger the next collection.
            gc.collect()


@contextmanager
def cycle_collector_running() -> Iterator[None]:
    """The cyclic collector on for a block inside cycle_collector_paused (collection:
    boto3 clients are cyclic, and an organisation-wide scan makes thousands), then back
    to how it was."""
    was_enabled = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not was_enabled:
            gc.disable()
