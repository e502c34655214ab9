"""Reporters: one module a format, each turning the result document into text.

Every reporter module defines the same three names, so that a new format is one new
module, one line in REPORTERS and its tests:

- ``NAME``: the format's name on the command line (``-o sarif``);
- ``DEFAULT_FILENAME``: the conventional file name (``auditor.sarif``), ``None`` when the
  format is meant for a terminal;
- ``render(document: dict) -> str``: the whole report. Reporters read only the result
  document (docs/result-document.md), never the model objects, so that
  ``auditor report RESULTS.json`` re-renders a saved run exactly, and they ignore keys
  they do not know so that later additions to the document do not break them.

Modules are imported lazily (``importlib.import_module``) so that ``auditor --help`` does
not pay for tabulate or xml.etree.
"""

from __future__ import annotations

import importlib
import os
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any, TextIO

from auditor.errors import InputError
from auditor.model import SEVERITIES

# Format name -> module. Order is the order formats are listed to users.
REPORTERS: dict[str, str] = {
    "table": "auditor.reporters.table",
    "json": "auditor.reporters.json_report",
    "sarif": "auditor.reporters.sarif",
    "junit": "auditor.reporters.junit",
    "csv": "auditor.reporters.csv_report",
    "markdown": "auditor.reporters.markdown",
    "html": "auditor.reporters.html",
    "oscal": "auditor.reporters.oscal",
}

# What the CLI prints when no -o is given.
DEFAULT_FORMAT = "table"

# A path of "-" (or no path) means standard output.
STDOUT = "-"


def available_formats() -> list[str]:
    """The format names -o accepts, in the order help and error messages list them."""
    return list(REPORTERS)


def get_reporter(name: str) -> ModuleType:
    """Import the reporter module of a format (raises InputError for an unknown one)."""
    if name not in REPORTERS:
        raise InputError(_unknown_format_message(name))
    return importlib.import_module(REPORTERS[name])


def parse_output_spec(spec: str) -> tuple[str, str | None]:
    """Split one ``-o FORMAT[=PATH]`` into (format, path); path None means stdout.

    The format is matched case-insensitively; ``-`` as the path also means stdout (it
    comes back as None, so callers have one case to handle). An unknown format or an
    empty path is bad usage, and the message lists the valid formats, because the user
    most likely mistyped one.
    """
    name, sep, path = spec.partition("=")
    name = name.strip().lower()
    if not name:
        raise InputError(f"-o {spec!r}: no format given; {_valid_formats()}")
    if name not in REPORTERS:
        raise InputError(_unknown_format_message(name))
    if sep and not path.strip():
        raise InputError(f"-o {spec!r}: empty path after '='; use -o {name} for stdout")
    path = path.strip()
    if not path or path == STDOUT:
        return name, None
    return name, path


def check_output_specs(specs: list[str]) -> list[tuple[str, str | None]]:
    """Parse every -o at once and reject combinations that would garble a report.

    Two reports on stdout would interleave (a table followed by JSON is neither), and two
    reports to the same file would overwrite each other; both are refused up front, before
    a long scan runs, rather than discovered at the end.
    """
    parsed = [parse_output_spec(s) for s in specs]
    on_stdout = [name for name, path in parsed if path is None]
    if len(on_stdout) > 1:
        raise InputError(
            f"only one report can go to stdout, got {', '.join(on_stdout)}; "
            "give the others a file: -o FORMAT=PATH"
        )
    seen: dict[str, str] = {}
    for name, path in parsed:
        if path is None:
            continue
        key = os.path.normpath(os.path.abspath(path))
        if key in seen:
            raise InputError(f"-o {seen[key]} and -o {name} both write {path}")
        seen[key] = name
    return parsed


def render(name: str, document: dict[str, Any], framework: str | None = None) -> str:
    """Render the document in one format.

    ``framework`` (``--framework NAME``) is a view, not data: it is passed only to the
    reporters that declare ``GROUPS_BY_FRAMEWORK = True`` (table, markdown, html), so the
    document, and every other format rendered from it, stays the same.
    """
    module = get_reporter(name)
    if framework and getattr(module, "GROUPS_BY_FRAMEWORK", False):
        return module.render(document, framework=framework)
    return module.render(document)


def write_reports(
    document: dict[str, Any], specs: list[str], stdout: TextIO, framework: str | None = None
) -> None:
    """Write the document in every requested format, to stdout or to files.

    All reports are rendered before any is written, so that a reporter failing on a
    document leaves no half-set of files behind. Files are written atomically (a
    temporary file in the same folder, then renamed), so a dashboard or a later cron step
    reading ``auditor.json`` never sees a half-written report; missing parent folders are
    created. An empty ``specs`` writes nothing: choosing the default is the CLI's job.
    """
    parsed = check_output_specs(specs)
    rendered = [(path, _terminated(render(name, document, framework))) for name, path in parsed]
    for path, text in rendered:
        if path is None:
            stdout.write(text)
            flush = getattr(stdout, "flush", None)
            if flush:
                flush()
        else:
            _write_file(Path(path), text)


# Helpers shared by the reporters. They read the document defensively (.get with
# defaults) because a saved document may come from an older or newer auditor.


def severity_rank(severity: Any) -> int:
    """Sort key: critical first, unknown severities last."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def document_controls(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The controls by id, in document order, plus any control only named by a result.

    A document trimmed by hand (or by a filter) may carry results whose control is
    missing from ``controls``; reporters still need a title and remediation for it, and
    every result carries those.
    """
    out: dict[str, dict[str, Any]] = {}
    for control in document.get("controls") or []:
        if isinstance(control, dict) and control.get("id"):
            out.setdefault(str(control["id"]), control)
    for r in document.get("results") or []:
        cid = r.get("control_id")
        if cid and cid not in out:
            out[str(cid)] = {
                "id": cid,
                "title": r.get("title") or cid,
                "severity": r.get("severity"),
                "domain": r.get("domain"),
                "frameworks": r.get("frameworks") or {},
                "remediation": r.get("remediation") or "",
                "resource_kinds": [r["resource_kind"]] if r.get("resource_kind") else [],
            }
    return out


def location_text(location: Any) -> str:
    """``file:line`` (or ``file:line-end``, or ``file``) of an IaC result; "" for live ones."""
    if not isinstance(location, dict) or not location.get("file"):
        return ""
    text = str(location["file"])
    line, end = location.get("line"), location.get("end_line")
    if line:
        text += f":{line}"
        if end and end != line:
            text += f"-{end}"
    return text


def results_with_status(document: dict[str, Any], status: str) -> list[dict[str, Any]]:
    """The results of one status, most severe first, then by control and resource."""
    return sorted(
        (r for r in document.get("results") or [] if r.get("status") == status),
        key=lambda r: (
            severity_rank(r.get("severity")),
            str(r.get("control_id", "")),
            str(r.get("resource_id", "")),
        ),
    )


def _terminated(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def _write_file(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # mkstemp makes the file 0600; a report is not a secret and other CI steps or
        # users read it, so keep the mode of the file it replaces, else 0644.
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(text)
            os.chmod(tmp, mode)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise InputError(f"cannot write report: {exc.strerror or exc}", str(path)) from None


def _valid_formats() -> str:
    return f"valid formats: {', '.join(available_formats())}"


def _unknown_format_message(name: str) -> str:
    return f"unknown output format {name!r}; {_valid_formats()}"
