"""Helpers the human-facing reports (Markdown, HTML) share, reading the document only.

Kept apart from the registry module so that the verdict wording and the reading of the
optional ``maturity`` key are written once: a PR comment and an HTML report of the same
run must say the same thing.
"""

from __future__ import annotations

from typing import Any

from auditor.model import SEVERITIES

STATUS_LABEL = {"fail": "fail", "error": "not evaluated", "waived": "waived", "pass": "pass"}


def at_or_above(severity: Any, threshold: str) -> bool:
    if threshold not in SEVERITIES or severity not in SEVERITIES:
        return False
    return SEVERITIES.index(severity) <= SEVERITIES.index(threshold)


def verdict(document: dict[str, Any]) -> tuple[str, str]:
    """(word, sentence) behind the exit code: ("FAIL", "4 failing results at or above high")."""
    summary = document.get("summary") or {}
    code = summary.get("exit_code")
    fail_on = (document.get("run") or {}).get("fail_on") or "high"
    results = [r for r in document.get("results") or [] if isinstance(r, dict)]
    failing = sum(
        1 for r in results if r.get("status") == "fail" and at_or_above(r.get("severity"), fail_on)
    )
    errors = sum(1 for r in results if r.get("status") == "error")
    gaps = sum(1 for c in document.get("coverage") or [] if c.get("status") != "collected")
    if code == 0:
        return "PASS", f"nothing failed at or above {fail_on}"
    if code == 1:
        return "FAIL", f"{failing} failing results at or above {fail_on}"
    if code == 2:
        n = len(document.get("problems") or [])
        return "BAD INPUT", f"{n} input problems; the results do not cover that input"
    if code == 3:
        return (
            "INCOMPLETE",
            f"{errors} results not evaluated, {gaps} coverage gaps; "
            f"nothing failed at or above {fail_on}",
        )
    return "RESULTS", f"{len(results)} results"


def status_counts(document: dict[str, Any]) -> dict[str, dict[str, int]]:
    """severity -> status -> count, from the summary when present, else from the results."""
    summary = document.get("summary") or {}
    if isinstance(summary.get("by_severity"), dict):
        return {
            s: {k: int((summary["by_severity"].get(s) or {}).get(k, 0)) for k in STATUS_LABEL}
            for s in SEVERITIES
        }
    counts = {s: dict.fromkeys(STATUS_LABEL, 0) for s in SEVERITIES}
    for r in document.get("results") or []:
        if r.get("severity") in counts and r.get("status") in STATUS_LABEL:
            counts[r["severity"]][r["status"]] += 1
    return counts


def maturity(document: dict[str, Any]) -> tuple[str, list[str]] | None:
    """(the level reached, what holds the next level back), when the document has one.

    ``maturity`` is computed by auditor/maturity.py: ``level`` and ``name`` reached,
    ``levels`` (each with its name) and ``held_back_by``, the reasons the next level is
    not reached. Read defensively (a document from another version may differ): blockers
    may also be objects naming the control and its status.
    """
    m = document.get("maturity")
    if not isinstance(m, dict):
        return None
    level = m.get("level")
    label = m.get("label") or m.get("name") or m.get("title")
    text = f"level {level}" if level is not None else "level unknown"
    if label:
        text += f" ({label})"
    levels = [s for s in m.get("levels") or [] if isinstance(s, dict)]
    top = max((s.get("level") for s in levels if isinstance(s.get("level"), int)), default=None)
    if top is not None:
        text += f" of {top}"
    nxt = next((s for s in levels if level is not None and s.get("level") == level + 1), None)
    if nxt is not None:
        text += f"; next: level {nxt.get('level')} ({nxt.get('name', '')})"
    raw = None
    for key in ("held_back_by", "blockers", "holding_back", "blocking", "gaps"):
        if isinstance(m.get(key), list):
            raw = m[key]
            break
    blockers: list[str] = []
    for b in raw or []:
        if isinstance(b, dict):
            cid = b.get("control_id") or b.get("id") or b.get("control") or "?"
            bits = [str(cid)]
            if b.get("status"):
                bits.append(f"({b['status']})")
            why = b.get("title") or b.get("reason") or b.get("message")
            if why:
                bits.append(f"- {why}")
            if b.get("level") is not None:
                bits.append(f"[needed for level {b['level']}]")
            blockers.append(" ".join(bits))
        else:
            blockers.append(str(b))
    return text, blockers


def source_text(source: dict[str, Any]) -> str:
    target = source.get("target") or source.get("scope") or source.get("account") or ""
    return f"{source.get('source', '?')} {target}".strip()
