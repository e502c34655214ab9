"""Running the real CLI entry point and reading what it wrote."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.cli import main
from auditor.context import Environment

EXPECTED = Path(__file__).parent / "expected"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    def json(self) -> dict[str, Any]:
        return json.loads(self.stdout)


def cli(*args: str) -> Run:
    """`auditor <args>` with captured streams, as a user's shell would run it."""
    env = Environment(stdout=io.StringIO(), stderr=io.StringIO())
    code = main(list(args), env)
    return Run(code, env.stdout.getvalue(), env.stderr.getvalue())


def findings(doc: dict[str, Any]) -> dict[str, Any]:
    """Non-pass results as sorted [control, resource, status] plus pass counts per control:
    what a reviewer compares, free of run ids, timestamps and random AWS ids' order."""
    non_pass = sorted(
        [r["control_id"], r["resource_id"], r["status"]]
        for r in doc["results"]
        if r["status"] != "pass"
    )
    passes: dict[str, int] = {}
    for r in doc["results"]:
        if r["status"] == "pass":
            passes[r["control_id"]] = passes.get(r["control_id"], 0) + 1
    return {"non_pass": non_pass, "pass_counts": dict(sorted(passes.items()))}


def names_by_id(snapshot: dict[str, Any]) -> dict[str, str]:
    """Resource id -> region/kind/name: AWS makes ids at random, names are the estate's."""
    return {
        r["id"]: f"{r.get('region') or 'global'}/{r['kind']}/{r['name']}"
        for r in snapshot["resources"]
    }


def stable_findings(doc: dict[str, Any], snapshot: dict[str, Any]) -> dict[str, Any]:
    names = names_by_id(snapshot)
    found = findings(doc)
    found["non_pass"] = sorted([c, names.get(rid, rid), s] for c, rid, s in found["non_pass"])
    return found
