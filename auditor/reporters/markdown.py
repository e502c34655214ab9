"""Markdown: a summary that fits a pull-request comment (GitHub, GitLab, Gitea).

What a reviewer needs on the PR: the verdict, the counts, the maturity level if the
document has one, and the failures most severe first with ``file:line`` so they can be
found in the diff. The long parts (each severity's failures below high, what was not
evaluated, waivers, remediation, coverage gaps, the framework view) sit in collapsible
``<details>`` blocks so the comment stays short on screen.

GitHub refuses a comment longer than 65,536 characters. The report is cut to
MAX_CHARS by listing fewer result rows (the most severe stay) and saying how many
were left out and where the full list is; the summary is never cut.

Every piece of text from the document is escaped: HTML special characters become
entities (GitHub renders inline HTML) and Markdown punctuation is backslash-escaped, so
a resource named ``<img onerror=...>`` or ``*bold*`` shows as written and a ``|`` does
not break a table.
"""

from __future__ import annotations

import re
from typing import Any

from auditor.model import SEVERITIES
from auditor.reporters import document_controls, location_text, results_with_status
from auditor.reporters.view import maturity, source_text, status_counts, verdict

NAME = "markdown"
DEFAULT_FILENAME = "auditor.md"
GROUPS_BY_FRAMEWORK = True

GITHUB_COMMENT_LIMIT = 65_536
MAX_CHARS = 65_000  # a margin under the limit for whatever a CI step wraps around it
OPEN_SEVERITIES = ("critical", "high")  # their <details> start open

# Markdown punctuation that changes rendering mid-line; `<`, `>` and `&` become entities.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def render(document: dict[str, Any], framework: str | None = None) -> str:
    """The comment, cut to MAX_CHARS by listing fewer rows when it would be longer."""
    total_rows = _row_count(document)
    text = _render(document, framework, total_rows)
    if len(text) <= MAX_CHARS:
        return text
    lo, hi = 0, total_rows  # largest row budget whose rendering fits
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if len(_render(document, framework, mid)) <= MAX_CHARS:
            lo = mid
        else:
            hi = mid - 1
    return _render(document, framework, lo)


def md(value: Any) -> str:
    """Text safe in Markdown and in a table cell: one line, HTML and Markdown escaped."""
    text = " ".join(str(value).split()) if value is not None else ""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _row_count(document: dict[str, Any]) -> int:
    return sum(len(results_with_status(document, s)) for s in ("fail", "error", "waived"))


class _Budget:
    """How many result rows may still be listed; counts the ones left out."""

    def __init__(self, rows: int) -> None:
        self.left = rows
        self.omitted = 0

    def take(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        shown = items[: max(self.left, 0)]
        self.left -= len(shown)
        self.omitted += len(items) - len(shown)
        return shown


def _render(document: dict[str, Any], framework: str | None, rows: int) -> str:
    budget = _Budget(rows)
    parts = [_header(document), _counts(document), _maturity(document)]
    parts.append(_failures(document, budget))
    parts.append(_listing(document, "error", "Not evaluated", budget))
    parts.append(_listing(document, "waived", "Waived", budget))
    parts.append(_remediation(document))
    if framework:
        parts.append(_framework(document, framework))
    parts.append(_coverage(document))
    if budget.omitted:
        parts.append(
            f"> **{budget.omitted} results not listed** to stay under GitHub's "
            f"{GITHUB_COMMENT_LIMIT:,}-character comment limit; the full list is in the "
            "JSON, HTML or SARIF report of this run."
        )
    return "\n\n".join(p for p in parts if p) + "\n"


def _header(document: dict[str, Any]) -> str:
    word, sentence = verdict(document)
    code = (document.get("summary") or {}).get("exit_code")
    tool = document.get("tool") or {}
    run = document.get("run") or {}
    facts = [f"{tool.get('name') or 'auditor'} {tool.get('version') or ''}".strip()]
    if run.get("finished_at"):
        facts.append(str(run["finished_at"]))
    if run.get("engine"):
        facts.append(f"engine {run['engine']}")
    if run.get("id"):
        facts.append(f"run {run['id']}")
    sources = [source_text(s) for s in run.get("sources") or [] if isinstance(s, dict)]
    if sources:
        facts.append("sources: " + "; ".join(sources))
    exit_note = f" (exit code {code})" if code is not None else ""
    return (
        f"## auditor: {word}: {md(sentence)}{exit_note}\n\n"
        + "<sub>"
        + " · ".join(md(f) for f in facts)
        + "</sub>"
    )


def _counts(document: dict[str, Any]) -> str:
    counts = status_counts(document)
    lines = [
        "| severity | fail | not evaluated | waived | pass | total |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    totals = dict.fromkeys(("fail", "error", "waived", "pass"), 0)
    for s in SEVERITIES:
        c = counts[s]
        for k in totals:
            totals[k] += c[k]
        lines.append(
            f"| {s} | {c['fail']} | {c['error']} | {c['waived']} | {c['pass']} | "
            f"{sum(c.values())} |"
        )
    lines.append(
        f"| **total** | **{totals['fail']}** | **{totals['error']}** | **{totals['waived']}** | "
        f"**{totals['pass']}** | **{sum(totals.values())}** |"
    )
    return "\n".join(lines)


def _maturity(document: dict[str, Any]) -> str:
    m = maturity(document)
    if m is None:
        return ""
    level, blockers = m
    text = f"**Maturity:** {md(level)}"
    if blockers:
        text += "; held back by:\n\n" + "\n".join(f"- {md(b)}" for b in blockers)
    return text


def _failures(document: dict[str, Any], budget: _Budget) -> str:
    failures = results_with_status(document, "fail")
    if not failures:
        return "### Failures: none"
    blocks = [f"### Failures ({len(failures)})"]
    for severity in SEVERITIES:
        group = [r for r in failures if r.get("severity") == severity]
        if not group:
            continue
        shown = budget.take(group)
        more = len(group) - len(shown)
        opened = " open" if severity in OPEN_SEVERITIES else ""
        body = _table(shown, message_header="message")
        if more:
            body += f"\n\n_{more} more {severity} failures not listed._"
        blocks.append(
            f"<details{opened}><summary><b>{severity.capitalize()} ({len(group)})</b></summary>"
            f"\n\n{body}\n\n</details>"
        )
    return "\n\n".join(blocks)


def _listing(document: dict[str, Any], status: str, title: str, budget: _Budget) -> str:
    results = results_with_status(document, status)
    if not results:
        return ""
    shown = budget.take(results)
    more = len(results) - len(shown)
    if status == "waived":
        body = _waived_table(shown)
    else:
        body = _table(shown, message_header="why not evaluated")
    if more:
        body += f"\n\n_{more} more not listed._"
    return f"<details><summary><b>{title} ({len(results)})</b></summary>\n\n{body}\n\n</details>"


def _table(results: list[dict[str, Any]], message_header: str) -> str:
    if not results:
        return "_(not listed: see the note below)_"
    lines = [
        f"| control | severity | resource | location | {message_header} |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in results:
        where = location_text(r.get("location")) or r.get("scope") or ""
        lines.append(
            f"| {md(r.get('control_id'))} | {md(r.get('severity'))} | "
            f"<code>{md(r.get('resource_id'))}</code> | {md(where)} | {md(r.get('message'))} |"
        )
    return "\n".join(lines)


def _waived_table(results: list[dict[str, Any]]) -> str:
    if not results:
        return "_(not listed: see the note below)_"
    lines = [
        "| control | resource | owner | expires | reason |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in results:
        w = r.get("waiver") if isinstance(r.get("waiver"), dict) else {}
        lines.append(
            f"| {md(r.get('control_id'))} | <code>{md(r.get('resource_id'))}</code> | "
            f"{md(w.get('owner') or w.get('approved_by') or '')} | {md(w.get('expires') or '')} | "
            f"{md(w.get('reason') or '')} |"
        )
    return "\n".join(lines)


def _remediation(document: dict[str, Any]) -> str:
    failures = results_with_status(document, "fail")
    if not failures:
        return ""
    controls = document_controls(document)
    counts: dict[str, int] = {}
    for r in failures:
        counts[str(r.get("control_id"))] = counts.get(str(r.get("control_id")), 0) + 1
    items = []
    for cid, n in counts.items():  # failures are already most severe first
        c = controls.get(cid, {})
        items.append(
            f"- **{md(cid)}** {md(c.get('title'))} ({md(c.get('severity'))}, {n} failing): "
            f"{md(c.get('remediation') or 'no remediation given')}"
        )
    return (
        f"<details><summary><b>Remediation ({len(items)} controls)</b></summary>\n\n"
        + "\n".join(items)
        + "\n\n</details>"
    )


def _framework(document: dict[str, Any], name: str) -> str:
    from auditor.reporters.frameworks import STATUS_ORDER, group_by_framework

    groups = group_by_framework(document, name)
    lines = [
        "| id | status | controls | fail | not evaluated | waived | pass |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for g in groups:
        c = g.counts
        lines.append(
            f"| {md(g.ident)} | {md(g.status)} | {md(', '.join(g.controls))} | "
            + " | ".join(str(c[s]) for s in STATUS_ORDER)
            + " |"
        )
    return (
        f"<details open><summary><b>By framework: {md(name)} ({len(groups)} identifiers)"
        f"</b></summary>\n\n" + "\n".join(lines) + "\n\n</details>"
    )


def _coverage(document: dict[str, Any]) -> str:
    gaps = [
        c
        for c in document.get("coverage") or []
        if isinstance(c, dict) and c.get("status") != "collected"
    ]
    problems = [p for p in document.get("problems") or [] if isinstance(p, dict)]
    parts = []
    if gaps:
        lines = [
            f"- {md(_gap_where(g))}: {md(g.get('kind'))} {md(g.get('status'))}"
            + (f" ({md(g.get('reason'))})" if g.get("reason") else "")
            for g in gaps[:50]
        ]
        if len(gaps) > 50:
            lines.append(f"- ... and {len(gaps) - 50} more")
        parts.append(
            f"<details><summary><b>Coverage gaps ({len(gaps)})</b>: controls on these kinds "
            "are not evaluated there</summary>\n\n" + "\n".join(lines) + "\n\n</details>"
        )
    if problems:
        lines = [f"- {md(_problem_where(p))}: {md(p.get('message'))}" for p in problems[:50]]
        parts.append(f"**Input problems ({len(problems)})**\n\n" + "\n".join(lines))
    return "\n\n".join(parts)


def _gap_where(gap: dict[str, Any]) -> str:
    return " ".join(str(gap[k]) for k in ("source", "scope", "region") if gap.get(k))


def _problem_where(problem: dict[str, Any]) -> str:
    where = location_text({"file": problem.get("file"), "line": problem.get("line")})
    return where or str(problem.get("source") or "?")
