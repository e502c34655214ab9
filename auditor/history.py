"""What changed between runs: diff, trend and time-to-remediate, on plain data.

Nothing here touches a database: the functions take ``RunView``s (one run's results as
the comparisons need them) built from store rows or from a fresh result document, so
the rules are tested directly and are the same for ``scan``'s one-line summary and for
``auditor history``.

The rules follow the auditor's first principle, that what was not read is never
reported as fine. A failure is *resolved* only when a later run judged the same
(control, scope, resource) and it did not fail: it passed, was waived, or the resource
is gone from a scope that was read completely for that control. When the later run could
not judge it (the result is ``error``, the control did not run, or the control has a
coverage gap in that scope), the failure is not resolved: it stays with the still
failing ones, with ``status`` saying why.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from auditor.store.base import ResultRow

Key = tuple[str, str, str]  # (control_id, scope, resource_id): ResultRow.key

#: A later run in one of these states has fixed (or waived) an earlier failure.
RESOLVING = frozenset({"pass", "waived", "absent"})
#: The later run could not say: the failure stays open.
UNJUDGED = frozenset({"error", "not_evaluated"})

SEVERITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}


@dataclass
class RunView:
    """One run's results as the comparisons need them.

    ``rows`` holds every result when ``complete`` (a diff), or only the non-passing ones
    (fail, error, waived) when not (trend and time-to-remediate over many runs, where
    the passes are most of the data and only "it no longer fails" matters). ``controls``
    are the controls that ran; ``gaps`` the (control, scope) pairs with a coverage gap,
    where the absence of a resource proves nothing. ``input_problems`` is set for a run
    that could not read all its input (exit code 2: a file that did not parse): a
    resource missing from it may be in the unread file, so absence proves nothing there.
    """

    run_id: str
    started_at: str
    rows: dict[Key, ResultRow]
    controls: frozenset[str]
    gaps: frozenset[tuple[str, str]]
    complete: bool = True
    input_problems: bool = False

    @classmethod
    def build(
        cls,
        run_id: str,
        started_at: str,
        rows: Iterable[ResultRow],
        controls: Iterable[str] | None = None,
        complete: bool = True,
        input_problems: bool = False,
    ) -> RunView:
        by_key: dict[Key, ResultRow] = {}
        ran: set[str] = set(controls or ())
        gaps: set[tuple[str, str]] = set()
        for row in rows:
            by_key[row.key] = row
            ran.add(row.control_id)
            if row.status == "error" and is_gap(row):
                gaps.add((row.control_id, row.scope or ""))
        return cls(
            run_id, started_at, by_key, frozenset(ran), frozenset(gaps), complete, input_problems
        )

    def state(self, key: Key) -> str:
        """What this run says of a (control, scope, resource).

        One of the result statuses, ``absent`` (the control ran over a completely read
        scope and the resource was not there), or ``not_evaluated`` (the control did not
        run, or its scope was not read completely).
        """
        row = self.rows.get(key)
        if row is not None:
            return row.status
        control, scope, _resource = key
        if control not in self.controls:
            return "not_evaluated"
        if (control, scope) in self.gaps or (control, "") in self.gaps or self.input_problems:
            return "not_evaluated"
        # Incomplete views hold no passes: a missing row passed or is gone; both resolve.
        return "absent" if self.complete else "pass"

    def failing(self) -> dict[Key, ResultRow]:
        return {k: r for k, r in self.rows.items() if r.status == "fail"}


def is_gap(row: ResultRow) -> bool:
    """Whether an error result stands for a whole scope (or control) left unread.

    Coverage gaps are reported on the scope itself (resource id = the scope, or
    ``scope/region``); a control that failed to evaluate has no scope. An error on one
    resource (an unknown attribute) says nothing about the other resources.
    """
    if not row.scope:
        return True
    return row.resource_id == row.scope or row.resource_id.startswith(f"{row.scope}/")


def rows_from_document(document: dict[str, Any]) -> list[ResultRow]:
    """The stored form of a result document's results."""
    return [
        ResultRow(
            control_id=str(r["control_id"]),
            resource_id=str(r["resource_id"]),
            resource_kind=r.get("resource_kind"),
            status=str(r["status"]),
            severity=str(r.get("severity") or "low"),
            scope=r.get("scope"),
            message=r.get("message"),
        )
        for r in document.get("results") or []
    ]


# ---- diff ------------------------------------------------------------------------------


@dataclass
class Diff:
    """Run B against run A: failures that appeared, went away, and stayed."""

    new: list[dict[str, Any]] = field(default_factory=list)
    resolved: list[dict[str, Any]] = field(default_factory=list)
    still_failing: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, list[dict[str, Any]]]:
        return {"new": self.new, "resolved": self.resolved, "still_failing": self.still_failing}

    def counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.to_dict().items()}


def _item(row: ResultRow, status: str, previous_status: str) -> dict[str, Any]:
    return {
        "control_id": row.control_id,
        "resource_id": row.resource_id,
        "resource_kind": row.resource_kind,
        "severity": row.severity,
        "scope": row.scope,
        "message": row.message,
        "status": status,
        "previous_status": previous_status,
    }


def _order(item: dict[str, Any]) -> tuple[Any, ...]:
    return (
        SEVERITY_ORDER.get(item["severity"], 9),
        item["control_id"],
        item["scope"] or "",
        item["resource_id"],
    )


def diff(before: RunView | None, after: RunView) -> Diff:
    """New, resolved and still-failing results of ``after`` against ``before``.

    - new: fails in ``after`` and did not fail in ``before`` (with no ``before``, every
      failure is new: the history starts there);
    - resolved: failed in ``before``, and ``after`` judged it and it did not fail
      (``status`` is pass, waived or absent);
    - still failing: failed in ``before`` and was not shown fixed in ``after``: it
      failed again (``status`` fail) or could not be judged (error, not_evaluated).

    ``status`` is the state in ``after``, ``previous_status`` the state in ``before``.
    """
    result = Diff()
    for key, row in after.failing().items():
        previous = before.state(key) if before else "not_recorded"
        if previous != "fail":
            result.new.append(_item(row, "fail", previous))
    if before is not None:
        for key, row in before.failing().items():
            now = after.state(key)
            if now in RESOLVING:
                result.resolved.append(_item(row, now, "fail"))
            else:
                result.still_failing.append(_item(after.rows.get(key, row), now, "fail"))
    for items in (result.new, result.resolved, result.still_failing):
        items.sort(key=_order)
    return result


# ---- time to remediate -------------------------------------------------------------------


@dataclass
class Episode:
    """One stretch of failure of a (control, scope, resource), from first seen to fixed."""

    control_id: str
    resource_id: str
    scope: str | None
    severity: str
    opened_run: str
    opened_at: str
    closed_run: str | None = None
    closed_at: str | None = None

    def seconds(self, now: datetime) -> float:
        end = parse_time(self.closed_at) if self.closed_at else now
        return max(0.0, (end - parse_time(self.opened_at)).total_seconds())


def episodes(views: Iterable[RunView]) -> list[Episode]:
    """Failure episodes over the runs of one scope, oldest run first.

    An episode opens at the first run where a (control, scope, resource) fails and
    closes at the first later run that resolves it (see ``diff``); runs that could not
    judge it leave it open. A failure that comes back after being fixed opens a new
    episode: a regression is counted, not folded into the old one.
    """
    open_: dict[Key, Episode] = {}
    closed: list[Episode] = []
    for view in views:
        for key in list(open_):
            if view.state(key) in RESOLVING:
                episode = open_.pop(key)
                episode.closed_run, episode.closed_at = view.run_id, view.started_at
                closed.append(episode)
        for key, row in view.failing().items():
            if key not in open_:
                open_[key] = Episode(
                    row.control_id,
                    row.resource_id,
                    row.scope,
                    row.severity,
                    view.run_id,
                    view.started_at,
                )
    return closed + list(open_.values())


def time_to_remediate(found: Sequence[Episode], now: datetime) -> list[dict[str, Any]]:
    """Per control: how many failures were fixed, how fast (mean, median), how many are open.

    Durations are in seconds, from the start of the first failing run to the start of
    the first run that no longer fails; ``oldest_open_seconds`` is the age of the oldest
    failure still open (now minus its first failing run).
    """
    by_control: dict[str, list[Episode]] = defaultdict(list)
    for episode in found:
        by_control[episode.control_id].append(episode)
    table = []
    for control_id, group in by_control.items():
        fixed = [e.seconds(now) for e in group if e.closed_at]
        still = [e.seconds(now) for e in group if not e.closed_at]
        table.append(
            {
                "control_id": control_id,
                "severity": min(
                    (e.severity for e in group), key=lambda s: SEVERITY_ORDER.get(s, 9)
                ),
                "remediated": len(fixed),
                "mean_seconds": round(statistics.fmean(fixed), 1) if fixed else None,
                "median_seconds": round(statistics.median(fixed), 1) if fixed else None,
                "open": len(still),
                "oldest_open_seconds": round(max(still), 1) if still else None,
            }
        )
    table.sort(key=lambda row: (SEVERITY_ORDER.get(row["severity"], 9), row["control_id"]))
    return table


# ---- trend -------------------------------------------------------------------------------


def changes(views: Iterable[RunView]) -> dict[str, dict[str, int] | None]:
    """Per run id, its new and resolved counts against the run before it (None: first)."""
    found: dict[str, dict[str, int] | None] = {}
    before: RunView | None = None
    for view in views:
        if before is None:
            found[view.run_id] = None
        else:
            d = diff(before, view)
            found[view.run_id] = {"new": len(d.new), "resolved": len(d.resolved)}
        before = view
    return found


# ---- formatting --------------------------------------------------------------------------


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def human_duration(seconds: float | None) -> str:
    """``3d 4h``, ``5h 12m``, ``7m``: precise enough to compare controls at a glance."""
    if seconds is None:
        return "-"
    minutes = int(seconds // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    if hours:
        return f"{hours}h {mins}m"
    if minutes:
        return f"{mins}m"
    return f"{int(seconds)}s"
