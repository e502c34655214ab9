"""JSON: the result document itself, the one format every other reporter is derived from.

Written pretty-printed with sorted keys so that two runs over the same input differ only
where the results differ (run id, timestamps), which keeps saved reports diffable and
makes ``auditor report`` re-render them exactly. The document's fields are documented in
docs/result-document.md; its JSON Schema ships as
auditor/schemas/result-document.schema.json.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

NAME = "json"
DEFAULT_FILENAME = "auditor.json"
SCHEMA_FILE = "result-document.schema.json"


def render(document: dict[str, Any]) -> str:
    """The document as JSON, indented, keys sorted, ending in a newline."""
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


@cache
def document_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the result document, as shipped in the package."""
    text = resources.files("auditor.schemas").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    return json.loads(text)


def validate_document(document: Any) -> list[str]:
    """The schema violations of a document (empty when valid), one readable line each.

    For ``auditor report`` and tests: a saved document that does not match the schema is
    named with the path of each bad field rather than failing deep inside a reporter.
    jsonschema is imported here, not at module load, to keep the CLI's start fast.
    """
    import jsonschema

    validator = jsonschema.Draft202012Validator(document_schema())
    errors = sorted(
        validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path]
    )
    return [f"{_path(e.absolute_path)}: {e.message}" for e in errors]


def _path(parts: Any) -> str:
    out = "document"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out
