"""Work done in child processes by the concurrency tests (importable, for spawn)."""

from __future__ import annotations

import uuid
from typing import Any

from auditor.store import open_store
from auditor.store.base import ResultRow, RunRecord

STATUSES = ("pass", "fail", "pass", "error", "waived")


def rows(worker: int, run: int, count: int) -> list[ResultRow]:
    """Results that differ per run, so that a mix-up between runs would show."""
    return [
        ResultRow(
            control_id=f"CTL-{i % 17:02d}",
            resource_id=f"res-{worker}-{i}",
            resource_kind="aws_instance",
            status=STATUSES[(i + run) % len(STATUSES)],
            severity=("critical", "high", "medium", "low")[i % 4],
            scope="terraform:infra",
            message=f"worker {worker} run {run} result {i}",
        )
        for i in range(count)
    ]


def record_runs(url: str, worker: int, runs: int, count: int, barrier: Any) -> list[str]:
    """Open the store (first use: migrate), then record ``runs`` runs of one scope.

    Every worker waits at the barrier first so that all of them open a new store at the
    same moment (concurrent first use) and then overlap their writes. Each run is also
    compared with its previous run, as scan does, to overlap reads with the writes.
    """
    barrier.wait(timeout=60)
    recorded = []
    with open_store(url) as store:
        for n in range(runs):
            run = RunRecord(
                id=str(uuid.uuid4()),
                command="scan",
                started_at=f"2026-03-01T00:{worker:02d}:{n:02d}Z",
                finished_at=None,
                tool_version="0.1.0",
                engine="regorus",
                scope=["terraform:infra"],
                scope_key="shared-scope",
                fail_on="high",
                exit_code=1,
                summary={"total": count, "worker": worker, "run": n},
            )
            store.record(run, rows(worker, n, count))
            previous = store.previous(run)
            if previous is not None:
                store.results(previous)
            recorded.append(run.id)
    return recorded
