"""Validation of snapshots against the published schemas (snapshot envelope + kinds).

Used by the tests on every collector's output: the schemas are the contract between
the Python collectors and the Rego policies. Not run on every `evaluate` (validating
100,000 resources costs more than judging them).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from auditor.kinds import known_kinds, validate_attributes


@cache
def _snapshot_schema() -> dict[str, Any]:
    text = resources.files("auditor.schemas").joinpath("snapshot.schema.json").read_text()
    return json.loads(text)


def snapshot_errors(data: dict[str, Any], check_kinds: bool = True) -> list[str]:
    """Every violation of the snapshot schema and of each resource's kind schema."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(_snapshot_schema())
    errors = [
        f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}"
        for e in validator.iter_errors(data)
    ]
    if check_kinds and not errors:
        kinds = set(known_kinds())
        for i, r in enumerate(data.get("resources", [])):
            if r["kind"] not in kinds:
                errors.append(f"resources/{i}: unknown kind {r['kind']!r}")
                continue
            errors += [
                f"resources/{i} ({r['id']}): {e}"
                for e in validate_attributes(r["kind"], r["attributes"])
            ]
    return errors
