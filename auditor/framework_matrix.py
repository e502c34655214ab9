"""`auditor policy frameworks`: framework identifiers -> the controls that evidence them.

Computed from the loaded controls' METADATA (`custom.frameworks`), so user policies added
with --policies appear too. Identifiers sort naturally (AU-2 before AU-12, A.8.9 before
A.8.20).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from auditor.reporters.frameworks import check_framework, natural_key


def matrix(
    controls: Iterable[Any], framework: str | None = None
) -> dict[str, dict[str, list[str]]]:
    """{framework key: {identifier: [control ids]}}, for every framework or just one.

    Deprecated controls are left out; an unknown `framework` is bad usage (exit 2).
    """
    controls = [c for c in controls if not getattr(c, "deprecated", False)]
    if framework is not None:
        check_framework(framework, (c.frameworks for c in controls))
    out: dict[str, dict[str, set[str]]] = {}
    for c in controls:
        for key, idents in (c.frameworks or {}).items():
            if framework is not None and key != framework:
                continue
            for ident in idents:
                out.setdefault(key, {}).setdefault(str(ident), set()).add(c.id)
    return {
        key: {
            i: sorted(ids, key=natural_key)
            for i, ids in sorted(m.items(), key=lambda kv: natural_key(kv[0]))
        }
        for key, m in sorted(out.items())
    }


def render(data: dict[str, dict[str, list[str]]], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(data, indent=2, sort_keys=False)
    from tabulate import tabulate

    rows = [
        (key, ident, ", ".join(ids))
        for key, idents in data.items()
        for ident, ids in idents.items()
    ]
    table = tabulate(rows, headers=["FRAMEWORK", "ID", "CONTROLS"])
    n = sum(len(v) for v in data.values())
    return f"{table}\n\n{n} identifiers in {len(data)} frameworks"
