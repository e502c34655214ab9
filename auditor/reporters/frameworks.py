"""The framework view (``--framework NAME``): results grouped by a framework's identifiers.

An assessor reads by their framework (NIST SP 800-53 ``SC-7``, ISO 27001 ``A.8.20``), not
by our control ids. Every control carries its mappings (``controls[].frameworks``), so
the view is computed from the result document alone, like every report. A control that
maps to two identifiers appears under both; a control the framework does not map is
listed under "not mapped", so the view never hides a result.

Shared by the table, Markdown and HTML reporters, which declare
``GROUPS_BY_FRAMEWORK = True`` to be handed the name (see reporters.render).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from auditor.errors import InputError

NOT_MAPPED = "(not mapped)"
STATUS_ORDER = ("fail", "error", "waived", "pass")


@dataclass
class FrameworkGroup:
    """One framework identifier, the controls that evidence it and their results."""

    ident: str
    controls: list[str] = field(default_factory=list)
    results: list[dict[str, Any]] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUS_ORDER, 0)
        for r in self.results:
            if r.get("status") in out:
                out[r["status"]] += 1
        return out

    @property
    def status(self) -> str:
        """The worst status of the group: an identifier is only met if nothing failed."""
        counts = self.counts
        for s in STATUS_ORDER:
            if counts[s]:
                return s
        return "none"


def framework_keys(frameworks: Iterable[dict[str, Any]]) -> list[str]:
    """Every framework key named by the given mappings, sorted."""
    return sorted({k for f in frameworks if isinstance(f, dict) for k in f})


def check_framework(name: str, frameworks: Iterable[dict[str, Any]]) -> None:
    """Bad usage (exit 2) when no control maps to ``name``; the message lists the keys."""
    known = framework_keys(frameworks)
    if name not in known:
        raise InputError(
            f"--framework {name}: no control maps to it; known: {', '.join(known) or 'none'}"
        )


def natural_key(text: str) -> list[Any]:
    """``AU-2`` before ``AU-12``; ``A.8.9`` before ``A.8.20``."""
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text)]


def group_by_framework(document: dict[str, Any], name: str) -> list[FrameworkGroup]:
    """The identifiers of framework ``name`` in natural order, then "not mapped"."""
    from auditor.reporters import document_controls

    controls = document_controls(document)
    groups: dict[str, FrameworkGroup] = {}
    idents_of: dict[str, list[str]] = {}
    for cid, control in controls.items():
        idents = [str(i) for i in (control.get("frameworks") or {}).get(name) or []]
        idents_of[cid] = idents or [NOT_MAPPED]
        for ident in idents_of[cid]:
            groups.setdefault(ident, FrameworkGroup(ident)).controls.append(cid)
    for r in document.get("results") or []:
        for ident in idents_of.get(str(r.get("control_id")), [NOT_MAPPED]):
            groups.setdefault(ident, FrameworkGroup(ident)).results.append(r)
    ordered = sorted(
        (g for i, g in groups.items() if i != NOT_MAPPED), key=lambda g: natural_key(g.ident)
    )
    if NOT_MAPPED in groups:
        ordered.append(groups[NOT_MAPPED])
    for g in ordered:
        g.controls = sorted(set(g.controls))
    return ordered


def table_section(document: dict[str, Any], name: str) -> str:
    """The table reporter's "By framework" section: one row an identifier."""
    from tabulate import tabulate

    groups = group_by_framework(document, name)
    rows = [
        [
            g.ident,
            g.status.upper() if g.status != "none" else "-",
            _clip(", ".join(g.controls), 40),
            *(g.counts[s] for s in STATUS_ORDER),
        ]
        for g in groups
    ]
    headers = ["id", "status", "controls", *STATUS_ORDER]
    table = tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True)
    return f"By framework: {name} ({len(groups)} identifiers)\n\n{table}"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."
