"""JSON Schemas of the normalised kinds: the contract between collectors and policies.

One file a kind (`<kind>.json`) describes `attributes`. Collectors' output is validated
against them in tests; a policy may read only what its kinds' schemas name.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


def known_kinds() -> list[str]:
    folder = resources.files(__package__)
    return sorted(p.name[: -len(".json")] for p in folder.iterdir() if p.name.endswith(".json"))


@cache
def kind_schema(kind: str) -> dict[str, Any]:
    return json.loads(resources.files(__package__).joinpath(f"{kind}.json").read_text())


def validate_attributes(kind: str, attributes: dict[str, Any]) -> list[str]:
    """Return the schema violations of one resource's attributes (empty when valid)."""
    import jsonschema

    if kind not in known_kinds():
        return [f"unknown kind {kind!r}"]
    validator = jsonschema.Draft202012Validator(kind_schema(kind))
    return [
        f"{kind}.attributes{''.join(f'[{p!r}]' for p in e.absolute_path)}: {e.message}"
        for e in validator.iter_errors(attributes)
    ]
