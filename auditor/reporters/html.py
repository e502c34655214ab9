"""HTML: one self-contained page an auditor can open offline or attach to a ticket.

Everything is in the one file: CSS inline, charts as inline SVG, no script, no font, no
image and no URL to fetch, so the page renders the same air-gapped and in five years.
A Content-Security-Policy meta tag (``default-src 'none'``) makes the browser refuse
anything external or scripted even if some text escaped its escaping.

Sections, in the order an assessor reads: the verdict; the counts by severity and by
domain (with bar charts); the maturity level and what holds it back (when the document
has ``maturity``); the framework view (``--framework NAME``); the framework matrix (each
control's identifiers in every framework); per control, its failing resources with
location, evidence and remediation, then the not-evaluated, waived and passing ones;
waivers expired or unused; coverage gaps and input problems.

Every value from the document goes through ``html.escape`` (quotes included): resource
ids, messages and evidence come from scanned infrastructure and may hold markup.
"""

from __future__ import annotations

import json
from collections import defaultdict
from html import escape
from typing import Any

from auditor.model import SEVERITIES
from auditor.reporters import document_controls, location_text, severity_rank
from auditor.reporters.view import STATUS_LABEL, maturity, source_text, status_counts, verdict

NAME = "html"
DEFAULT_FILENAME = "auditor.html"
GROUPS_BY_FRAMEWORK = True

STATUSES = ("fail", "error", "waived", "pass")
COLORS = {"fail": "#c62828", "error": "#ef6c00", "waived": "#6a1b9a", "pass": "#2e7d32"}
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
color:#1b1b1b;background:#fafafa}
main{max-width:1200px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;width:100%;margin:8px 0;background:#fff}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f0f0f0}td.n{text-align:right;font-variant-numeric:tabular-nums}
code{font:12px ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
.verdict{padding:12px 16px;border-radius:6px;color:#fff;font-weight:600;margin:12px 0}
.v-PASS{background:#2e7d32}.v-FAIL{background:#c62828}.v-INCOMPLETE{background:#ef6c00}
.v-BAD{background:#6d4c41}.v-RESULTS{background:#455a64}
.facts{color:#555;font-size:13px}
.s-fail{color:#c62828;font-weight:600}.s-error{color:#ef6c00;font-weight:600}
.s-waived{color:#6a1b9a}.s-pass{color:#2e7d32}
details{background:#fff;border:1px solid #ddd;border-radius:4px;margin:6px 0;padding:4px 10px}
summary{cursor:pointer;font-weight:600}
.charts{display:flex;flex-wrap:wrap;gap:24px}
.muted{color:#777}
"""


def render(document: dict[str, Any], framework: str | None = None) -> str:
    """The whole page."""
    word, sentence = verdict(document)
    tool = document.get("tool") or {}
    run = document.get("run") or {}
    title = f"auditor report: {word}"
    body = [
        f"<h1>{escape(title)}</h1>",
        _facts(tool, run),
        f'<div class="verdict v-{escape(word.split()[0])}" id="verdict">{escape(word)}: '
        f"{escape(sentence)}</div>",
        _summary(document),
        _maturity(document),
    ]
    if framework:
        body.append(_framework_view(document, framework))
    body += [
        _matrix(document),
        _controls(document),
        _waivers(document),
        _coverage(document),
        _problems(document),
    ]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head>"
        "<body><main>\n" + "\n".join(b for b in body if b) + "\n</main></body></html>\n"
    )


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _facts(tool: dict[str, Any], run: dict[str, Any]) -> str:
    items = [
        ("tool", f"{tool.get('name') or 'auditor'} {tool.get('version') or ''}"),
        ("run", run.get("id")),
        ("started", run.get("started_at")),
        ("finished", run.get("finished_at")),
        ("engine", run.get("engine")),
        ("fail on", run.get("fail_on")),
        (
            "sources",
            "; ".join(source_text(s) for s in run.get("sources") or [] if isinstance(s, dict)),
        ),
    ]
    return (
        '<p class="facts">'
        + " &middot; ".join(f"{_e(k)}: <b>{_e(v)}</b>" for k, v in items if v)
        + "</p>"
    )


# --- summary ----------------------------------------------------------------------------


def _summary(document: dict[str, Any]) -> str:
    counts = status_counts(document)
    by_domain: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STATUSES, 0))
    for r in document.get("results") or []:
        if r.get("status") in STATUSES:
            by_domain[str(r.get("domain") or "?")][r["status"]] += 1
    sev_rows = [(s, counts[s]) for s in SEVERITIES]
    dom_rows = sorted(by_domain.items())
    return (
        '<h2 id="summary">Summary</h2>'
        '<div class="charts">'
        + _bar_chart("Results by severity", sev_rows)
        + _bar_chart("Results by domain", dom_rows)
        + "</div>"
        + _count_table("severity", sev_rows)
        + _count_table("domain", dom_rows)
    )


def _count_table(label: str, rows: list[tuple[str, dict[str, int]]]) -> str:
    head = "".join(f"<th>{_e(STATUS_LABEL[s])}</th>" for s in STATUSES)
    out = [
        f'<table class="counts" data-by="{_e(label)}">'
        f"<tr><th>{_e(label)}</th>{head}<th>total</th></tr>"
    ]
    totals = dict.fromkeys(STATUSES, 0)
    for name, c in rows:
        cells = "".join(f'<td class="n">{int(c.get(s, 0))}</td>' for s in STATUSES)
        for s in STATUSES:
            totals[s] += int(c.get(s, 0))
        out.append(f'<tr><td>{_e(name)}</td>{cells}<td class="n">{sum(c.values())}</td></tr>')
    cells = "".join(f'<td class="n"><b>{totals[s]}</b></td>' for s in STATUSES)
    out.append(
        f'<tr><td><b>total</b></td>{cells}<td class="n"><b>{sum(totals.values())}</b></td></tr>'
    )
    return "".join(out) + "</table>"


def _bar_chart(title: str, rows: list[tuple[str, dict[str, int]]]) -> str:
    """A stacked horizontal bar per row, inline SVG, with a legend and the counts as text."""
    label_w, bar_w, row_h = 130, 320, 22
    height = 30 + row_h * len(rows) + 24
    top = max([sum(c.values()) for _, c in rows] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{label_w + bar_w + 60}" '
        f'height="{height}" aria-label="{_e(title)}"><title>{_e(title)}</title>',
        f'<text x="0" y="16" font-weight="600" font-size="13">{_e(title)}</text>',
    ]
    for i, (name, c) in enumerate(rows):
        y = 28 + i * row_h
        parts.append(f'<text x="0" y="{y + 14}" font-size="12">{_e(name)}</text>')
        x = float(label_w)
        for s in STATUSES:
            n = int(c.get(s, 0))
            if not n:
                continue
            w = bar_w * n / top
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row_h - 6}" '
                f'fill="{COLORS[s]}"><title>{_e(name)}: {n} {_e(STATUS_LABEL[s])}</title></rect>'
            )
            x += w
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 14}" font-size="12">{sum(c.values())}</text>')
    y = 28 + len(rows) * row_h + 8
    x = 0
    for s in STATUSES:
        parts.append(f'<rect x="{x}" y="{y}" width="10" height="10" fill="{COLORS[s]}"/>')
        parts.append(f'<text x="{x + 14}" y="{y + 9}" font-size="11">{_e(STATUS_LABEL[s])}</text>')
        x += 100
    return "".join(parts) + "</svg>"


def _maturity(document: dict[str, Any]) -> str:
    m = maturity(document)
    if m is None:
        return ""
    level, blockers = m
    out = f'<h2 id="maturity">Maturity</h2><p>Reached: <b>{_e(level)}</b></p>'
    if blockers:
        out += "<p>Held back by:</p><ul>" + "".join(f"<li>{_e(b)}</li>" for b in blockers) + "</ul>"
    else:
        out += "<p>Nothing holds the next level back.</p>"
    return out


# --- frameworks -------------------------------------------------------------------------


def _framework_view(document: dict[str, Any], name: str) -> str:
    from auditor.reporters.frameworks import STATUS_ORDER, group_by_framework

    groups = group_by_framework(document, name)
    rows = []
    for g in groups:
        c = g.counts
        failing = sorted(
            {str(r.get("resource_id")) for r in g.results if r.get("status") == "fail"}
        )
        rows.append(
            f'<tr><td><b>{_e(g.ident)}</b></td><td class="s-{_e(g.status)}">{_e(g.status)}</td>'
            f"<td>{_e(', '.join(g.controls))}</td>"
            + "".join(f'<td class="n">{c[s]}</td>' for s in STATUS_ORDER)
            + "<td>"
            + "<br>".join(f"<code>{_e(f)}</code>" for f in failing)
            + "</td></tr>"
        )
    head = "".join(f"<th>{_e(STATUS_LABEL[s])}</th>" for s in STATUS_ORDER)
    return (
        f'<h2 id="framework-view">By framework: {_e(name)} ({len(groups)} identifiers)</h2>'
        f'<table id="framework-table"><tr><th>identifier</th><th>status</th><th>controls</th>'
        f"{head}<th>failing resources</th></tr>" + "".join(rows) + "</table>"
    )


def _matrix(document: dict[str, Any]) -> str:
    controls = document_controls(document)
    keys = sorted({k for c in controls.values() for k in (c.get("frameworks") or {})})
    if not controls:
        return ""
    status = _control_status(document)
    head = "".join(f"<th>{_e(k)}</th>" for k in keys)
    rows = []
    for cid in _control_order(controls, status):
        c = controls[cid]
        fw = c.get("frameworks") or {}
        st = status.get(cid, "none")
        cells = "".join(f"<td>{_e(', '.join(map(str, fw.get(k) or [])))}</td>" for k in keys)
        rows.append(
            f'<tr><td><a href="#control-{_e(cid)}">{_e(cid)}</a></td>'
            f'<td class="s-{_e(st)}">{_e(STATUS_LABEL.get(st, "no results"))}</td>{cells}</tr>'
        )
    return (
        '<h2 id="matrix">Framework matrix</h2>'
        f'<table id="matrix-table"><tr><th>control</th><th>status</th>{head}</tr>'
        + "".join(rows)
        + "</table>"
    )


# --- per control ------------------------------------------------------------------------


def _control_status(document: dict[str, Any]) -> dict[str, str]:
    """Each control's worst status: fail, then error, waived, pass."""
    out: dict[str, str] = {}
    for r in document.get("results") or []:
        cid, st = str(r.get("control_id")), r.get("status")
        if st in STATUSES and (cid not in out or STATUSES.index(st) < STATUSES.index(out[cid])):
            out[cid] = st
    return out


def _control_order(controls: dict[str, dict[str, Any]], status: dict[str, str]) -> list[str]:
    return sorted(
        controls,
        key=lambda cid: (
            STATUSES.index(status[cid]) if cid in status else len(STATUSES),
            severity_rank(controls[cid].get("severity")),
            cid,
        ),
    )


def _controls(document: dict[str, Any]) -> str:
    controls = document_controls(document)
    status = _control_status(document)
    by_control: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in document.get("results") or []:
        by_control[str(r.get("control_id"))].append(r)
    blocks = ['<h2 id="controls">Controls</h2>']
    for cid in _control_order(controls, status):
        c = controls[cid]
        results = by_control.get(cid, [])
        counts = {s: sum(1 for r in results if r.get("status") == s) for s in STATUSES}
        st = status.get(cid, "none")
        opened = " open" if st == "fail" else ""
        summary = (
            f'<summary><span class="s-{_e(st)}">{_e(STATUS_LABEL.get(st, "no results"))}</span> '
            f'{_e(cid)} {_e(c.get("title"))} <span class="muted">({_e(c.get("severity"))}, '
            f"{_e(c.get('domain'))}; "
            + ", ".join(f"{counts[s]} {STATUS_LABEL[s]}" for s in STATUSES if counts[s])
            + ")</span></summary>"
        )
        inner = []
        if c.get("description"):
            inner.append(f"<p>{_e(c['description'])}</p>")
        inner.append(f"<p><b>Remediation:</b> {_e(c.get('remediation') or 'none given')}</p>")
        for s, heading in (
            ("fail", "Failing resources"),
            ("error", "Not evaluated"),
            ("waived", "Waived"),
        ):
            rows = [r for r in results if r.get("status") == s]
            if rows:
                inner.append(f"<h4>{heading} ({len(rows)})</h4>" + _result_table(rows, s))
        passed = [r for r in results if r.get("status") == "pass"]
        if passed:
            inner.append(
                f"<h4>Passing ({len(passed)})</h4><p>"
                + ", ".join(f"<code>{_e(r.get('resource_id'))}</code>" for r in passed)
                + "</p>"
            )
        blocks.append(
            f'<details id="control-{_e(cid)}" class="control"{opened}>{summary}'
            + "".join(inner)
            + "</details>"
        )
    return "".join(blocks)


def _result_table(rows: list[dict[str, Any]], status: str) -> str:
    extra = "<th>waiver</th>" if status == "waived" else ""
    out = [
        f'<table class="results" data-status="{_e(status)}"><tr><th>resource</th><th>location</th>'
        f"<th>message</th><th>evidence</th>{extra}</tr>"
    ]
    for r in rows:
        where = location_text(r.get("location")) or r.get("scope") or ""
        evidence = "<br>".join(
            f"<code>{_e(e.get('attribute'))}</code> = "
            + (
                f"<code>{_e(json.dumps(e['value'], default=str))}</code>"
                if "value" in e
                else "unknown"
            )
            for e in r.get("evidence") or []
            if isinstance(e, dict)
        )
        cells = (
            f"<td><code>{_e(r.get('resource_id'))}</code></td><td>{_e(where)}</td>"
            f"<td>{_e(r.get('message'))}</td><td>{evidence}</td>"
        )
        if status == "waived":
            w = r.get("waiver") if isinstance(r.get("waiver"), dict) else {}
            cells += (
                f'<td>{_e(w.get("reason"))}<br><span class="muted">owner '
                f"{_e(w.get('owner') or w.get('approved_by') or '?')}, expires "
                f"{_e(w.get('expires') or 'never')}</span></td>"
            )
        out.append(f"<tr>{cells}</tr>")
    return "".join(out) + "</table>"


# --- the rest ---------------------------------------------------------------------------


def _waivers(document: dict[str, Any]) -> str:
    w = document.get("waivers")
    if not isinstance(w, dict):
        return ""
    parts = [f'<h2 id="waivers">Waivers ({_e(w.get("file"))})</h2>']
    for key, label in (
        ("applied", "Applied"),
        ("expired", "Expired: no longer applied"),
        ("unused", "Unused: matched no failing result"),
    ):
        entries = [e for e in w.get(key) or [] if isinstance(e, dict)]
        if not entries:
            continue
        rows = "".join(
            f"<tr><td>{_e(e.get('control'))}</td><td><code>{_e(e.get('resource'))}</code></td>"
            f"<td>{_e(e.get('owner'))}</td><td>{_e(e.get('expires'))}</td>"
            f'<td class="n">{_e(e.get("results"))}</td><td>{_e(e.get("reason"))}</td></tr>'
            for e in entries
        )
        parts.append(
            f"<h3>{label} ({len(entries)})</h3><table><tr><th>control</th><th>resource</th>"
            f"<th>owner</th><th>expires</th><th>results</th><th>reason</th></tr>{rows}</table>"
        )
    return "".join(parts)


def _coverage(document: dict[str, Any]) -> str:
    coverage = [c for c in document.get("coverage") or [] if isinstance(c, dict)]
    gaps = [c for c in coverage if c.get("status") != "collected"]
    if not gaps:
        return (
            f'<h2 id="coverage">Coverage gaps</h2><p>None: {len(coverage)} kinds collected '
            "in their scopes.</p>"
        )
    rows = "".join(
        f"<tr><td>{_e(g.get('source'))}</td><td>{_e(g.get('scope'))}</td>"
        f"<td>{_e(g.get('region') or '')}</td><td>{_e(g.get('kind'))}</td>"
        f"<td>{_e(g.get('status'))}</td><td>{_e(g.get('reason'))}</td></tr>"
        for g in gaps
    )
    return (
        f'<h2 id="coverage">Coverage gaps ({len(gaps)})</h2><p>Controls on these kinds are '
        'not evaluated there (never reported as pass).</p><table id="coverage-table"><tr>'
        "<th>source</th><th>scope</th><th>region</th><th>kind</th><th>status</th><th>reason</th>"
        f"</tr>{rows}</table>"
    )


def _problems(document: dict[str, Any]) -> str:
    problems = [p for p in document.get("problems") or [] if isinstance(p, dict)]
    if not problems:
        return ""
    rows = "".join(
        f"<tr><td>{_e(_where(p))}</td><td>{_e(p.get('message'))}</td></tr>" for p in problems
    )
    return (
        f'<h2 id="problems">Input problems ({len(problems)})</h2>'
        f"<table><tr><th>where</th><th>problem</th></tr>{rows}</table>"
    )


def _where(problem: dict[str, Any]) -> str:
    where = location_text({"file": problem.get("file"), "line": problem.get("line")})
    return where or str(problem.get("source") or "?")
