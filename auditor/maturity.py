"""The AI-security maturity level that an evaluation evidences (CONTROLS.md, "From controls
to the architecture's maturity levels"), and what holds the next level back.

Levels are cumulative; level N is reached when level N-1 is and N's own conditions hold:

- Level 1, standard security: the floor, always reached.
- Level 2, basic AI security: model access controlled (PE-01, PE-04, ACC-01), rate
  limiting (ACC-02), artifacts and training data encrypted (ENC-01, ENC-02, ENC-03).
- Level 3, systematic AI security: segmentation and private endpoints (NET-*, PE-*), TLS
  everywhere (TLS-*), hardened workloads and GPU isolation (GPU-*, IMG-01..05),
  monitoring and logging (GPU-07, LOG-*).
- Level 4, advanced: every control that ran passes (supply chain IMG-04..06 included),
  and the auditor runs on a schedule with history: the store shows a run of the same
  scope in each of the last 7 days (seven 24-hour windows ending at this run).

Semantics (what "the level's controls hold" means):

- A control holds a level back when any of its results *fails* (a proven violation) or is
  an *error* (not evaluated: unknown facts, a coverage gap, a policy error). Evidence
  that could not be read never counts for a level. Waived results do not hold it back.
- A control that is *not present* (not implemented yet, left out with --controls or
  skip_controls) or that *judged zero resources* (nothing of its kinds in scope: an
  estate without EKS has no PE-01 result) does not hold a level back: it is listed as
  "not evidenced", so the reader sees what the level rests on. Levels therefore require
  "no failing or unevaluated control among those evaluated", not "every control present
  and passing": controls being written must not make a level unreachable by absence.
- Levels 2 and 3 need some evidence of their own: at least one of the controls the level
  adds must have judged a resource. A level none of whose new controls judged anything
  is not reached (an estate with no AI resource at all evidences Level 1 only). Level 4
  adds no such condition: it is Level 3 with nothing failing and daily history.

Only infrastructure evidence counts: model-level controls (adversarial testing,
watermarking, prompt-injection defences) are out of the auditor's sight, and the
document says so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

LEVEL_NAMES = {
    1: "standard security",
    2: "basic AI security",
    3: "systematic AI security",
    4: "advanced AI security",
}

OUT_OF_SIGHT = (
    "Only infrastructure evidence counts: model-level controls (adversarial testing, "
    "watermarking, prompt-injection defences) are out of this auditor's sight."
)

HISTORY_DAYS = 7

# The catalogue of CONTROLS.md: ids expected to exist, so that a level can say which of
# its controls are not evidenced even when they are not implemented (yet).
CATALOGUE: tuple[str, ...] = (
    *(f"NET-{i:02d}" for i in range(1, 6)),
    *(f"PE-{i:02d}" for i in range(1, 6)),
    *(f"TLS-{i:02d}" for i in range(1, 6)),
    *(f"GPU-{i:02d}" for i in range(1, 8)),
    *(f"IMG-{i:02d}" for i in range(1, 9)),
    *(f"ENC-{i:02d}" for i in range(1, 8)),
    *(f"ACC-{i:02d}" for i in range(1, 3)),
    *(f"LOG-{i:02d}" for i in range(1, 4)),
)

LEVEL2 = ("PE-01", "PE-04", "ACC-01", "ACC-02", "ENC-01", "ENC-02", "ENC-03")

_LEVEL3_PREFIXES = ("NET-", "PE-", "TLS-", "GPU-", "LOG-")
_IMG = re.compile(r"^IMG-(\d+)$")


def _in_level3(cid: str) -> bool:
    if cid.startswith(_LEVEL3_PREFIXES):
        return True
    m = _IMG.match(cid)
    return bool(m) and 1 <= int(m.group(1)) <= 5


def level_controls(level: int, ids: Iterable[str]) -> list[str]:
    """The control ids that level `level` itself adds, among `ids`."""
    ids = sorted(set(ids))
    if level == 2:
        return [c for c in ids if c in LEVEL2]
    if level == 3:
        return [c for c in ids if _in_level3(c)]
    if level == 4:
        return ids
    return []


@dataclass
class LevelStatus:
    level: int
    name: str
    reached: bool
    controls: list[str]
    passing: list[str] = field(default_factory=list)
    failing: list[str] = field(default_factory=list)
    unevaluated: list[str] = field(default_factory=list)
    not_evidenced: list[str] = field(default_factory=list)
    held_back_by: list[str] = field(default_factory=list)


@dataclass
class Maturity:
    level: int
    name: str
    levels: list[LevelStatus]
    history: dict[str, Any]
    # What keeps the next level from being reached (empty at Level 4).
    held_back_by: list[str] = field(default_factory=list)
    out_of_sight: str = OUT_OF_SIGHT

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def next_level(self) -> LevelStatus | None:
        return next((s for s in self.levels if s.level == self.level + 1), None)


def _parse(ts: str) -> datetime | None:
    try:
        value = datetime.fromisoformat(ts.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def history_status(run_times: Sequence[str] | None, now: str | None) -> dict[str, Any]:
    """Whether the run times show a run in each of the last HISTORY_DAYS 24-hour windows
    ending at `now` (the current run counts for the latest window)."""
    if run_times is None:
        return {
            "available": False,
            "days_required": HISTORY_DAYS,
            "days_with_runs": 0,
            "daily": False,
            "reason": "no run history (record runs in the history store to claim Level 4)",
        }
    end = _parse(now) if now else None
    end = end or datetime.now(UTC)
    times = [t for t in (_parse(x) for x in run_times) if t is not None] + [end]
    days = 0
    for k in range(HISTORY_DAYS):
        hi = end - timedelta(days=k)
        lo = hi - timedelta(days=1)
        if any(lo < t <= hi for t in times):
            days += 1
    daily = days == HISTORY_DAYS
    out: dict[str, Any] = {
        "available": True,
        "days_required": HISTORY_DAYS,
        "days_with_runs": days,
        "daily": daily,
    }
    if not daily:
        out["reason"] = (
            f"the history store shows runs of this scope on {days} of the last "
            f"{HISTORY_DAYS} days, not daily"
        )
    return out


def assess(
    control_ids: Iterable[str],
    results: Iterable[tuple[str, str]],
    run_times: Sequence[str] | None = None,
    now: str | None = None,
) -> Maturity:
    """The level evidenced by `results` ((control id, status) pairs) of the controls run.

    `run_times`: start times (ISO 8601) of the recorded runs of the same scope, or None
    when no history is available; `now`: this run's time.
    """
    ran = set(control_ids)
    statuses: dict[str, set[str]] = {}
    for cid, status in results:
        statuses.setdefault(cid, set()).add(status)
    universe = ran | set(CATALOGUE)
    history = history_status(run_times, now)

    levels: list[LevelStatus] = [LevelStatus(1, LEVEL_NAMES[1], True, [])]
    reached_so_far = True
    lower: set[str] = set()
    for level in (2, 3, 4):
        # Level 4 is every control that ran; the catalogue adds the expected, unrun ones.
        ids = level_controls(level, universe)
        st = LevelStatus(level, LEVEL_NAMES[level], False, ids)
        for cid in ids:
            seen = statuses.get(cid, set())
            if "fail" in seen:
                st.failing.append(cid)
            elif "error" in seen:
                st.unevaluated.append(cid)
            elif seen:
                st.passing.append(cid)
            else:
                st.not_evidenced.append(cid)
        if not reached_so_far:
            st.held_back_by.append(f"Level {level - 1} is not reached")
        st.held_back_by += [f"{c} fails" for c in st.failing]
        st.held_back_by += [f"{c} was not (completely) evaluated" for c in st.unevaluated]
        new = set(ids) - lower
        judged = set(st.passing) | set(st.failing) | set(st.unevaluated)
        if level < 4 and not judged & new:
            st.held_back_by.append(
                f"no evidence: none of the controls Level {level} adds judged a resource"
            )
        lower |= set(ids)
        if level == 4 and not history["daily"]:
            st.held_back_by.append(history["reason"])
        st.reached = not st.held_back_by
        reached_so_far = st.reached
        levels.append(st)
    level = max(s.level for s in levels if s.reached)
    nxt = next((s for s in levels if s.level == level + 1), None)
    return Maturity(
        level=level,
        name=LEVEL_NAMES[level],
        levels=levels,
        history=history,
        held_back_by=list(nxt.held_back_by) if nxt else [],
    )


def assess_document(
    document: dict[str, Any], run_times: Sequence[str] | None = None
) -> dict[str, Any]:
    """`assess` over a result document (its controls and results), as a dict."""
    controls = [c["id"] for c in document.get("controls") or [] if isinstance(c, dict)]
    results = [
        (r.get("control_id"), r.get("status"))
        for r in document.get("results") or []
        if isinstance(r, dict)
    ]
    run = document.get("run") or {}
    now = run.get("started_at") or run.get("finished_at")
    return assess(controls, results, run_times, now).to_dict()


def render_text(maturity: Any, max_listed: int = 8) -> str:
    """The maturity section of the terminal report ("" for a document without one)."""
    if not isinstance(maturity, dict) or "level" not in maturity:
        return ""
    lines = [f"AI-security maturity: Level {maturity['level']} ({maturity.get('name', '')})"]
    levels = [s for s in maturity.get("levels") or [] if isinstance(s, dict)]
    nxt = next((s for s in levels if s.get("level") == maturity["level"] + 1), None)
    if nxt is not None:
        reasons = [str(r) for r in nxt.get("held_back_by") or []]
        lines.append(f"  Level {nxt['level']} ({nxt.get('name', '')}) is held back by:")
        lines += [f"    - {r}" for r in reasons[:max_listed]]
        if len(reasons) > max_listed:
            lines.append(f"    ... and {len(reasons) - max_listed} more")
    for s in levels:
        missing = s.get("not_evidenced") or []
        if s.get("level", 1) > 1 and missing and s.get("level") <= maturity["level"] + 1:
            shown = ", ".join(missing[:max_listed]) + (" ..." if len(missing) > max_listed else "")
            lines.append(f"  Level {s['level']} not evidenced (absent or judged nothing): {shown}")
    lines.append(f"  {maturity.get('out_of_sight', OUT_OF_SIGHT)}")
    return "\n".join(lines)
