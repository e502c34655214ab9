"""The result document (what `-o json` writes and every reporter reads) and the exit code.

Documented in docs/result-document.md, schema in auditor/schemas/result-document.schema.json.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from auditor import __version__
from auditor.exitcodes import ExitStatus
from auditor.maturity import assess as assess_maturity
from auditor.model import RESULT_SCHEMA_VERSION, SEVERITIES, Problem, Result, Snapshot
from auditor.policy.loader import Control

FAIL_ON_CHOICES = ("critical", "high", "medium", "low", "none")


def now_utc() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class RunInfo:
    engine: str
    fail_on: str
    policy_dirs: list[str]
    config: str | None
    started_at: str = field(default_factory=now_utc)
    finished_at: str | None = None
    id: str = field(default_factory=lambda: str(uuid.uuid4()))


def severity_at_or_above(severity: str, threshold: str) -> bool:
    if threshold == "none":
        return False
    return SEVERITIES.index(severity) <= SEVERITIES.index(threshold)


def exit_status(results: list[Result], problems: list[Problem], fail_on: str) -> ExitStatus:
    """2 for bad input, else 1 for failures at --fail-on, else 3 when incomplete, else 0.

    Bad input wins because the results of a scan that could not read all of its input
    are not the results the user asked for, whatever they say.
    """
    if problems:
        return ExitStatus.BAD_INPUT
    if any(r.status == "fail" and severity_at_or_above(r.severity, fail_on) for r in results):
        return ExitStatus.FAILURES
    if any(r.status == "error" for r in results):
        return ExitStatus.INCOMPLETE
    return ExitStatus.OK


def summarise(results: list[Result], snapshot: Snapshot) -> dict[str, Any]:
    statuses = ("pass", "fail", "error", "waived")
    by_status = dict.fromkeys(statuses, 0)
    by_severity = {s: dict.fromkeys(statuses, 0) for s in SEVERITIES}
    for r in results:
        by_status[r.status] += 1
        by_severity[r.severity][r.status] += 1
    return {
        "total": len(results),
        "by_status": by_status,
        "by_severity": by_severity,
        "controls_evaluated": len({r.control_id for r in results}),
        "resources": len(snapshot.resources),
        "incomplete": by_status["error"] > 0
        or any(c.status != "collected" for c in snapshot.coverage),
    }


def build_document(
    run: RunInfo,
    controls: list[Control],
    results: list[Result],
    snapshot: Snapshot,
    problems: list[Problem],
) -> dict[str, Any]:
    run.finished_at = run.finished_at or now_utc()
    summary = summarise(results, snapshot)
    summary["exit_code"] = int(exit_status(results, problems, run.fail_on))
    ordered = sorted(
        results,
        key=lambda r: (
            ("fail", "error", "waived", "pass").index(r.status),
            SEVERITIES.index(r.severity),
            r.control_id,
            r.resource_id,
        ),
    )
    return {
        "schema_version": RESULT_SCHEMA_VERSION,
        "tool": {"name": "auditor", "version": __version__},
        "run": {
            "id": run.id,
            "started_at": run.started_at,
            "finished_at": run.finished_at,
            "engine": run.engine,
            "fail_on": run.fail_on,
            "sources": snapshot.sources,
            "policy_dirs": run.policy_dirs,
            "config": run.config,
            "snapshot_schema_version": snapshot.schema_version,
        },
        "summary": summary,
        "controls": [
            {k: v for k, v in c.to_dict().items() if k not in ("package", "path")} for c in controls
        ],
        "results": [r.to_dict() for r in ordered],
        "coverage": [c.to_dict() for c in snapshot.coverage],
        "problems": [p.to_dict() for p in problems],
        # Without history here; the history store's Recorder re-assesses with the run times.
        "maturity": assess_maturity(
            [c.id for c in controls],
            [(r.control_id, r.status) for r in results],
            None,
            run.started_at,
        ).to_dict(),
    }
