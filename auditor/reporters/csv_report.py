"""CSV: one row per result, every status, for spreadsheets and GRC tool imports.

Flat columns, so that an auditor can filter and pivot without parsing JSON: the
location split into file/line, the framework mappings and evidence serialised into one
cell each, the waiver's reason, owner and expiry in their own columns.

Cells a spreadsheet would run as a formula (beginning with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return) are prefixed with a single quote, the OWASP advice against
CSV injection: a resource name or a Terraform message is attacker-influenced text, and
this file is opened in Excel by people with access to everything else. Lines end in
``\\n`` (Python's csv module, spreadsheets and ``pandas`` read both line endings).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

NAME = "csv"
DEFAULT_FILENAME = "auditor.csv"

COLUMNS = (
    "control_id",
    "title",
    "severity",
    "domain",
    "status",
    "resource_id",
    "resource_kind",
    "source",
    "scope",
    "file",
    "line",
    "end_line",
    "message",
    "evidence",
    "frameworks",
    "remediation",
    "waiver_reason",
    "waiver_owner",
    "waiver_expires",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def render(document: dict[str, Any]) -> str:
    """The results as CSV with a header row, in the document's order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in document.get("results") or []:
        if isinstance(r, dict):
            writer.writerow([safe_cell(v) for v in row(r)])
    return out.getvalue()


def row(r: dict[str, Any]) -> list[Any]:
    """One result's cells, in COLUMNS order (before formula neutralising)."""
    loc = r.get("location") if isinstance(r.get("location"), dict) else {}
    waiver = r.get("waiver") if isinstance(r.get("waiver"), dict) else {}
    frameworks = r.get("frameworks") or {}
    return [
        r.get("control_id"),
        r.get("title"),
        r.get("severity"),
        r.get("domain"),
        r.get("status"),
        r.get("resource_id"),
        r.get("resource_kind"),
        r.get("source"),
        r.get("scope"),
        loc.get("file"),
        loc.get("line"),
        loc.get("end_line"),
        r.get("message"),
        json.dumps(r["evidence"], sort_keys=True, default=str) if r.get("evidence") else "",
        "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in sorted(frameworks.items()) if v),
        r.get("remediation"),
        waiver.get("reason"),
        waiver.get("owner") or waiver.get("approved_by"),
        waiver.get("expires"),
    ]


def safe_cell(value: Any) -> str:
    """The cell's text; None is empty; formula-looking text is quoted (see module doc)."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text
