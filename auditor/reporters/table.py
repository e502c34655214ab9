"""Terminal table: what an engineer reads after a scan, in 100 columns of plain text.

The order follows the questions a reader asks: how bad is it (counts per severity and
status), what failed and where (control, resource, file:line, message), how do I fix it
(each failing control's remediation, once), and can I trust it (what was not evaluated,
coverage gaps, input problems, and the verdict behind the exit code).

Plain ASCII, no colour and no box drawing: stdout is often a pipe or a CI log. Long cells
are cut to keep every line within WIDTH: resource ids in the middle (an ARN's tail is
what tells resources apart), file paths at the front (the file name and line matter
most), messages at the end. The JSON and SARIF reports keep everything in full.
"""

from __future__ import annotations

import posixpath
import textwrap
from collections import Counter
from typing import Any

from tabulate import SEPARATING_LINE, tabulate

from auditor.model import SEVERITIES
from auditor.reporters import (
    document_controls,
    location_text,
    results_with_status,
    severity_rank,
)

NAME = "table"
DEFAULT_FILENAME = None  # a terminal report: stdout unless -o table=PATH
GROUPS_BY_FRAMEWORK = True  # render(document, framework=NAME) adds the framework view

WIDTH = 100
STATUS_COLUMNS = ("fail", "error", "waived", "pass")
MAX_LISTED = 20  # coverage gaps and problems listed before "... and N more"
ELLIPSIS = "..."  # ASCII: stdout may be a pipe with a non-UTF-8 locale
GAP = 2  # tabulate's "simple" format puts two spaces between columns
HEADER_PAD = 2  # ... and makes a column at least its header plus two wide

# Upper bounds of the findings table's columns; the message takes what is left, or a
# line of its own under the row when it does not fit there.
MAX_CONTROL = 12
MAX_RESOURCE = 32
MAX_LOCATION = 24
MAX_MESSAGE_LINES = 3


def render(document: dict[str, Any], framework: str | None = None) -> str:
    """The terminal report of a result document (with --framework, grouped by its ids)."""
    sections = [
        _header(document),
        _counts(document),
        _findings("Failures", results_with_status(document, "fail")),
        _findings(
            "Not evaluated",
            results_with_status(document, "error"),
            note="status error: the deciding facts were unknown or could not be read",
        ),
        _waived(results_with_status(document, "waived")),
        _remediation(document),
        _framework_view(document, framework),
        _coverage(document),
        _problems(document),
        _maturity(document),
        _verdict(document),
    ]
    return "\n\n".join(s for s in sections if s) + "\n"


# --- sections ---------------------------------------------------------------------------


def _header(document: dict[str, Any]) -> str:
    tool = document.get("tool") or {}
    run = document.get("run") or {}
    parts = [f"{tool.get('name') or 'auditor'} {tool.get('version') or ''}".strip()]
    when = run.get("finished_at") or run.get("started_at")
    if when:
        parts.append(str(when))
    if run.get("engine"):
        parts.append(f"engine {run['engine']}")
    if run.get("fail_on"):
        parts.append(f"fail-on {run['fail_on']}")
    lines = [_clip_end(" | ".join(parts), WIDTH)]
    if run.get("id"):
        lines.append(_clip_end(f"run {run['id']}", WIDTH))
    sources = [_source_text(s) for s in run.get("sources") or [] if isinstance(s, dict)]
    if sources:
        lines.append(_clip_end("sources: " + "; ".join(sources), WIDTH))
    return "\n".join(lines)


def _counts(document: dict[str, Any]) -> str:
    """One summary line, then the severity x status grid with totals."""
    results = document.get("results") or []
    summary = document.get("summary") or {}
    by_severity = summary.get("by_severity") or _count_by_severity(results)
    rows: list[Any] = []
    totals = dict.fromkeys(STATUS_COLUMNS, 0)
    for severity in SEVERITIES:
        counts = by_severity.get(severity) or {}
        row = [int(counts.get(status, 0)) for status in STATUS_COLUMNS]
        for status, n in zip(STATUS_COLUMNS, row, strict=True):
            totals[status] += n
        rows.append([severity, *row, sum(row)])
    rows.append(SEPARATING_LINE)
    rows.append(["total", *totals.values(), sum(totals.values())])
    grid = tabulate(rows, headers=["severity", *STATUS_COLUMNS, "total"], tablefmt="simple")

    total = summary.get("total", len(results))
    if total:
        line = f"{total} results: " + ", ".join(f"{totals[s]} {s}" for s in STATUS_COLUMNS)
    else:
        line = "No results: no control applied to the collected resources"
    facts = []
    if "controls_evaluated" in summary:
        facts.append(f"{summary['controls_evaluated']} controls")
    if "resources" in summary:
        facts.append(f"{summary['resources']} resources")
    if facts:
        line += f" ({', '.join(facts)})"
    return _clip_end(line, WIDTH) + "\n\n" + grid


def _findings(title: str, results: list[dict[str, Any]], note: str = "") -> str:
    """A table of failures or errors: control, severity, resource, location, message.

    When every message fits beside the other columns the table is one line a result;
    otherwise each message goes on its own indented line under its row, wrapped, since
    the message is what says what is wrong and cutting it to twenty characters loses it.
    """
    if not results:
        return ""
    # IaC paths usually share the scanned folder; say it once under the title so that
    # the location column can show main.tf:12 rather than a cut-off path.
    base = _common_folder([r.get("location") for r in results])
    cells = [
        {
            "control": _one_line(r.get("control_id")),
            "severity": _one_line(r.get("severity")),
            "resource": _one_line(r.get("resource_id")),
            "location": _relative_location(r.get("location"), base),
            "message": _one_line(r.get("message")),
        }
        for r in results
    ]
    show_location = any(c["location"] for c in cells)
    columns = ["control", "severity", "resource", *(["location"] if show_location else [])]
    widths = {
        "control": _width(cells, "control", MAX_CONTROL),
        "severity": _width(cells, "severity", len("critical")),
        "resource": _width(cells, "resource", MAX_RESOURCE),
        "location": _width(cells, "location", MAX_LOCATION),
    }

    def room() -> int:
        # tabulate makes a column at least its header plus HEADER_PAD wide.
        used = sum(max(widths[c], len(c) + HEADER_PAD) for c in columns)
        return WIDTH - used - GAP * len(columns)

    inline = all(len(c["message"]) <= room() for c in cells)
    if inline:
        widths["message"] = max(room(), len("message"))
        columns.append("message")
    else:  # the message has its own line: the resource id may use the rest of the row
        natural = max(len(c["resource"]) for c in cells)
        spare = room() + GAP  # no message column, so one gap fewer
        widths["resource"] = max(len("resource"), min(natural, widths["resource"] + spare))
    rows = [[_CLIP[c](cell[c], widths[c]) for c in columns] for cell in cells]
    table = tabulate(rows, headers=columns, tablefmt="simple", disable_numparse=True)
    lines = [f"{title} ({len(results)})"]
    if note:
        lines.append(_clip_end(f"({note})", WIDTH))
    if show_location and base:
        lines.append(_clip_start(f"(locations relative to {base}/)", WIDTH))
    lines.append("")
    table_lines = table.splitlines()
    if inline:
        lines.extend(table_lines)
    else:
        indent = " " * (max(widths["control"], len("control") + HEADER_PAD) + GAP)
        lines.extend(table_lines[:2])  # header and rule
        for row_line, cell in zip(table_lines[2:], cells, strict=True):
            lines.append(row_line)
            wrapped = textwrap.wrap(
                cell["message"] or "(no message)",
                width=WIDTH,
                initial_indent=indent,
                subsequent_indent=indent,
                break_on_hyphens=False,
            )
            if len(wrapped) > MAX_MESSAGE_LINES:
                wrapped = wrapped[:MAX_MESSAGE_LINES]
                wrapped[-1] = _clip_end(wrapped[-1] + " " + ELLIPSIS, WIDTH)
            lines.extend(wrapped)
    return "\n".join(lines)


_CLIP = {
    "control": lambda text, width: _clip_end(text, width),
    "severity": lambda text, width: _clip_end(text, width),
    "resource": lambda text, width: _clip_middle(text, width),
    "location": lambda text, width: _clip_start(text, width),
    "message": lambda text, width: _clip_end(text, width),
}


def _waived(results: list[dict[str, Any]]) -> str:
    """Waived results with the waiver's reason and expiry: an auditor asks for both."""
    if not results:
        return ""
    lines = [f"Waived ({len(results)})"]
    for r in results:
        waiver = r.get("waiver") if isinstance(r.get("waiver"), dict) else {}
        line = f"  {_one_line(r.get('control_id'))}  {_one_line(r.get('resource_id'))}"
        if waiver.get("expires"):
            line += f"  (expires {waiver['expires']})"
        line += ": " + (_one_line(waiver.get("reason")) or "no reason recorded")
        lines.append(_clip_end(line, WIDTH))
    return "\n".join(lines)


def _remediation(document: dict[str, Any]) -> str:
    """Each failing control once, most severe first, with its remediation wrapped."""
    failures = results_with_status(document, "fail")
    if not failures:
        return ""
    controls = document_controls(document)
    failing = Counter(str(r.get("control_id")) for r in failures)
    order = sorted(
        failing,
        key=lambda cid: (severity_rank(controls.get(cid, {}).get("severity")), cid),
    )
    lines = ["Remediation"]
    for cid in order:
        control = controls.get(cid, {})
        n = failing[cid]
        title = _one_line(control.get("title"))
        head = f"  {cid}  {title}  ({control.get('severity', '?')}, {n} failing)"
        lines.append(_clip_end(head, WIDTH))
        text = _one_line(control.get("remediation")) or "(the control gives no remediation)"
        lines.extend(
            textwrap.wrap(
                text,
                width=WIDTH,
                initial_indent="      ",
                subsequent_indent="      ",
                break_on_hyphens=False,
            )
        )
    return "\n".join(lines)


def _coverage(document: dict[str, Any]) -> str:
    coverage = [c for c in document.get("coverage") or [] if isinstance(c, dict)]
    gaps = [c for c in coverage if c.get("status") != "collected"]
    if not gaps:
        return f"Coverage gaps: none ({len(coverage)} kinds collected in their scopes)"
    lines = [f"Coverage gaps ({len(gaps)}): controls on these kinds give error there, never pass"]
    for gap in gaps[:MAX_LISTED]:
        where = " ".join(str(gap[k]) for k in ("source", "scope", "region") if gap.get(k))
        what = f"{gap.get('kind', '?')} {gap.get('status', '?')}"
        if gap.get("reason"):
            what += f": {_one_line(gap['reason'])}"
        lines.append(_clip_end(f"  {where}  {what}", WIDTH))
    lines.extend(_more(len(gaps)))
    return "\n".join(lines)


def _problems(document: dict[str, Any]) -> str:
    problems = [p for p in document.get("problems") or [] if isinstance(p, dict)]
    if not problems:
        return "Input problems: none"
    lines = [f"Input problems ({len(problems)}): input that could not be read"]
    for p in problems[:MAX_LISTED]:
        where = location_text({"file": p.get("file"), "line": p.get("line")})
        where = where or str(p.get("source") or "?")
        lines.append(_clip_end(f"  {where}: {_one_line(p.get('message'))}", WIDTH))
    lines.extend(_more(len(problems)))
    return "\n".join(lines)


def _maturity(document: dict[str, Any]) -> str:
    from auditor.maturity import render_text

    return render_text(document.get("maturity"))


def _verdict(document: dict[str, Any]) -> str:
    """The line that explains the exit code, so a CI log says why the job failed."""
    summary = document.get("summary") or {}
    code = summary.get("exit_code")
    if code is None:
        return ""
    fail_on = (document.get("run") or {}).get("fail_on") or "high"
    results = document.get("results") or []
    at_threshold = sum(
        1 for r in results if r.get("status") == "fail" and _at_or_above(r.get("severity"), fail_on)
    )
    errors = sum(1 for r in results if r.get("status") == "error")
    gaps = sum(1 for c in document.get("coverage") or [] if c.get("status") != "collected")
    problems = len(document.get("problems") or [])
    if code == 0:
        text = f"PASS - nothing failed at or above {fail_on}"
    elif code == 1:
        text = f"FAIL - {at_threshold} failing results at or above {fail_on}"
    elif code == 2:
        text = f"BAD INPUT - {problems} input problems; the results do not cover that input"
    elif code == 3:
        text = (
            f"INCOMPLETE - {errors} results not evaluated, {gaps} coverage gaps; "
            f"nothing failed at or above {fail_on}"
        )
    else:
        text = "see the results above"
    return _clip_end(f"Result: {text} (exit code {code})", WIDTH)


def _framework_view(document: dict[str, Any], framework: str | None) -> str:
    if not framework:
        return ""
    from auditor.reporters.frameworks import table_section

    return table_section(document, framework)


# --- helpers ----------------------------------------------------------------------------


def _count_by_severity(results: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """The grid for a document without a summary (one trimmed or written by hand)."""
    counts = {s: dict.fromkeys(STATUS_COLUMNS, 0) for s in SEVERITIES}
    for r in results:
        if r.get("severity") in counts and r.get("status") in STATUS_COLUMNS:
            counts[r["severity"]][r["status"]] += 1
    return counts


def _at_or_above(severity: Any, threshold: str) -> bool:
    if threshold not in SEVERITIES or severity not in SEVERITIES:
        return False
    return SEVERITIES.index(severity) <= SEVERITIES.index(threshold)


def _source_text(source: dict[str, Any]) -> str:
    target = source.get("target") or source.get("scope") or source.get("account") or ""
    return f"{source.get('source', '?')} {target}".strip()


def _more(n: int) -> list[str]:
    return [f"  ... and {n - MAX_LISTED} more (all of them: -o json)"] if n > MAX_LISTED else []


def _common_folder(locations: list[Any]) -> str:
    """The folder all located results share ("" when they share none, or just one file)."""
    files = [str(loc["file"]) for loc in locations if isinstance(loc, dict) and loc.get("file")]
    folders = {posixpath.dirname(f.replace("\\", "/")) for f in files}
    if not folders or "" in folders:
        return ""
    try:
        common = posixpath.commonpath(sorted(folders))
    except ValueError:  # absolute and relative paths mixed
        return ""
    return "" if common in ("", "/", ".") else common


def _relative_location(location: Any, base: str) -> str:
    text = location_text(location)
    if base and text.replace("\\", "/").startswith(base + "/"):
        return text.replace("\\", "/")[len(base) + 1 :]
    return text


def _one_line(value: Any) -> str:
    """A cell's text on one line: newlines and runs of spaces collapse to one space."""
    return " ".join(str(value).split()) if value is not None else ""


def _width(cells: list[dict[str, str]], key: str, cap: int) -> int:
    return min(max([len(key), *(len(c[key]) for c in cells)]), max(cap, len(key)))


def _clip_end(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - len(ELLIPSIS)] + ELLIPSIS


def _clip_start(text: str, width: int) -> str:
    return text if len(text) <= width else ELLIPSIS + text[len(text) - width + len(ELLIPSIS) :]


def _clip_middle(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    keep = width - len(ELLIPSIS)
    head = keep // 3
    return text[:head] + ELLIPSIS + text[len(text) - (keep - head) :]
