"""Recording a run: from the finished result document to a stored run, and back to views.

``scan`` and ``evaluate`` hand the result document to a ``Recorder`` before it is
reported; the recorder stores it, compares it with the previous comparable run, adds
``"history": {"previous_run": id|null, "new": n, "resolved": n}`` to the document and
prints one line on stderr. Everything is read from the document (plain data), so the
store works the same for a scan, an evaluation and an imported document.
"""

from __future__ import annotations

import hashlib
import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from auditor.context import Environment
from auditor.exitcodes import ExitStatus
from auditor.history import RunView, diff, rows_from_document
from auditor.store import open_store, resolve_store
from auditor.store.base import RunRecord, Store, StoreError, now_utc

NON_PASSING = ("fail", "error", "waived")


def scope_labels(document: dict[str, Any]) -> list[str]:
    """The run's scope: one ``source:target`` label a source, sorted.

    Runs with the same labels are comparable. A source's regions are part of its label
    (a scan of two regions is not comparable with a scan of one). Other source fields
    are left out on purpose: they may be counts or timings that change every run. A
    document without sources (an old snapshot) falls back to its results' scopes.
    """
    labels = set()
    for source in (document.get("run") or {}).get("sources") or []:
        if not isinstance(source, dict):
            continue
        target = source.get("target") or source.get("scope") or source.get("account") or ""
        label = f"{source.get('source') or '?'}:{target}"
        regions = source.get("regions")
        if isinstance(regions, list) and regions:
            label += "[" + ",".join(sorted(str(r) for r in regions)) + "]"
        labels.add(label)
    if not labels:
        labels = {
            f"{r.get('source') or '?'}:{r['scope']}"
            for r in document.get("results") or []
            if r.get("scope")
        }
    return sorted(labels)


def scope_key(labels: list[str]) -> str:
    """A short digest of the scope labels: the index the store compares runs by."""
    return hashlib.sha256(json.dumps(sorted(labels)).encode()).hexdigest()[:16]


def scope_text(labels: list[str], width: int = 60) -> str:
    text = ", ".join(labels) or "(no sources)"
    return text if len(text) <= width else text[: width - 3] + "..."


def run_record(document: dict[str, Any], command: str) -> RunRecord:
    """The stored form of a result document's run metadata."""
    run = document.get("run") or {}
    summary = document.get("summary") or {}
    labels = scope_labels(document)
    exit_code = summary.get("exit_code")
    return RunRecord(
        id=str(run["id"]),
        command=command,
        started_at=run.get("started_at") or run.get("finished_at") or now_utc(),
        finished_at=run.get("finished_at"),
        tool_version=str((document.get("tool") or {}).get("version") or "unknown"),
        engine=run.get("engine"),
        scope=labels,
        scope_key=scope_key(labels),
        fail_on=run.get("fail_on"),
        exit_code=int(exit_code) if exit_code is not None else None,
        summary=summary,
        host=socket.gethostname(),
    )


def load_view(
    store: Store, run: RunRecord, complete: bool = True, control_id: str | None = None
) -> RunView:
    """A stored run as a RunView: every result, or (``complete=False``) the non-passing.

    The incomplete form reads a fraction of the rows (passes are most of them) and
    is enough to follow failures over many runs: which controls ran comes separately.
    """
    # Exit code 2: the run had input it could not read (auditor.document.exit_status).
    problems = run.exit_code == int(ExitStatus.BAD_INPUT)
    if complete:
        rows = store.results(run, control_id=control_id)
        return RunView.build(run.id, run.started_at, rows, input_problems=problems)
    rows = store.results(run, statuses=NON_PASSING, control_id=control_id)
    controls = store.controls(run)
    if control_id is not None:
        controls &= {control_id}
    return RunView.build(
        run.id, run.started_at, rows, controls, complete=False, input_problems=problems
    )


@dataclass
class HistoryOptions:
    """The history and scheduling options of ``scan`` and ``evaluate``."""

    store: str | None = None  # --store; None: $AUDITOR_STORE or the default file
    enabled: bool = True  # --no-store turns recording off
    lock: bool = False  # --lock (scan only)


class Recorder:
    """Records runs for one command; does nothing when recording is off."""

    def __init__(self, options: HistoryOptions | None, env: Environment) -> None:
        self.options = options or HistoryOptions(enabled=False)
        self.env = env

    def check(self) -> None:
        """Open (and migrate) the store now, so that a bad --store fails before scanning."""
        if self.options.enabled:
            open_store(self.options.store).close()

    @contextmanager
    def lock(self, sources: Any) -> Iterator[None]:
        """Hold the --lock of these sources for the block (no-op without --lock)."""
        if not self.options.lock:
            yield
            return
        from auditor.store.locking import ScopeLock

        with ScopeLock.for_sources(sources):
            yield

    def record(self, document: dict[str, Any], status: int, command: str) -> int:
        """Store the run, add ``history`` to the document, print the one-line summary.

        Returns the exit status: unchanged, or 2 when the run could not be recorded. The
        reports are still written, but a cron job must notice that its history has a
        hole; 2 wins over 1 and 3 as bad input does (auditor.document.exit_status).
        """
        if not self.options.enabled:
            return status
        rows = rows_from_document(document)
        try:
            with open_store(self.options.store) as store:
                run = store.record(run_record(document, command), rows)
                previous = store.previous(run)
                recent = [r.started_at for r in store.runs(run.scope_key)]
                before = load_view(store, previous) if previous else None
                location = store.location
        except StoreError as exc:
            self.env.error(f"run not recorded in the history store: {exc}")
            return ExitStatus.BAD_INPUT
        after = RunView.build(
            run.id, run.started_at, rows, input_problems=bool(document.get("problems"))
        )
        change = diff(before, after)
        from auditor.maturity import assess_document

        # Level 4 needs daily runs of this scope: re-assess with the recorded run times.
        document["maturity"] = assess_document(document, recent)
        document["history"] = {
            "previous_run": previous.id if previous else None,
            "new": len(change.new),
            "resolved": len(change.resolved),
        }
        self._announce(run, previous, change.counts(), location)
        return status

    def _announce(
        self, run: RunRecord, previous: RunRecord | None, counts: dict[str, int], location: str
    ) -> None:
        if self.env.quiet:
            return
        if previous is None:
            message = (
                f"history: first run of this scope, {counts['new']} failing"
                f" (run {run.short_id} recorded in {location})"
            )
        else:
            message = (
                f"history: {counts['new']} new, {counts['resolved']} resolved,"
                f" {counts['still_failing']} still failing since run {previous.short_id}"
                f" of {previous.started_at}"
            )
        self.env.log(
            "info",
            message,
            event="history",
            run_id=run.id,
            previous_run=previous.id if previous else None,
            store=location,
            **counts,
        )


def resolved_store_location(spec: str | None) -> str:
    """Where --store points, for messages, without opening it."""
    from auditor.store.postgres import redact

    return redact(resolve_store(spec))
