"""The queries the evaluator asks of an engine, and asking them.

Shared by the in-process path and the worker processes (auditor/workers.py), so that
both ask exactly the same questions and isolate a failing control the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from auditor.engines.base import RegoError
from auditor.policy.loader import Control


@dataclass
class ControlFailure:
    """A control whose query raised at evaluation time (picklable: crosses processes)."""

    control_id: str
    message: str
    file: str | None
    line: int | None


@dataclass
class Answers:
    """What the engine said for one scope: control id -> {applicable, deny, unknown}."""

    by_control: dict[str, Any] = field(default_factory=dict)
    failures: list[ControlFailure] = field(default_factory=list)


def control_query(control: Control) -> str:
    parts = [f'"{rule}": {control.query_path}.{rule}' for rule in control.rules]
    return "{" + ", ".join(parts) + "}"


def all_query(controls: list[Control]) -> str:
    # One control a line: regorus rejects query lines over 1,024 columns, and a rejected
    # combined query falls back to one query per control (the lib recomputed each time).
    return "{\n" + ",\n".join(f'"{c.id}": {control_query(c)}' for c in controls) + "\n}"


def ask(engine: Any, controls: list[Control]) -> Answers:
    """One query for every control; on a runtime error, one per control to isolate it.

    The input must already be set on the engine.
    """
    if not controls:
        return Answers()
    try:
        return Answers(engine.query(all_query(controls)) or {})
    except RegoError:
        pass
    out = Answers()
    for control in controls:
        try:
            out.by_control[control.id] = engine.query(control_query(control)) or {}
        except RegoError as exc:
            out.failures.append(
                ControlFailure(control.id, exc.message, exc.file or str(control.path), exc.line)
            )
    return out
