"""Shared test helpers: a CLI runner and a writer of small, valid control packages."""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

# PostgreSQL fixtures (postgres_server, postgres_url) for the history store tests.
from pg_server import postgres_server, postgres_url  # noqa: F401

from auditor.cli import main
from auditor.context import Environment

REPO = Path(__file__).resolve().parents[1]
LIB_DIR = REPO / "policies" / "rego" / "lib"


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str


def run_cli(*args: str) -> CliResult:
    """Call the real entry point with captured streams, as a user's shell would."""
    env = Environment(stdout=io.StringIO(), stderr=io.StringIO())
    code = main(list(args), env)
    return CliResult(code, env.stdout.getvalue(), env.stderr.getvalue())


CONTROL_TEMPLATE = """\
# METADATA
# title: {title}
# custom:
#   id: {cid}
#   severity: {severity}
#   domain: testing
#   resource_kinds: [{kinds}]
#   frameworks:
#     nist-sp-800-53-r5: [CM-6]
#   remediation: Set attributes.ok to true in the test resource.
package auditor.controls.{pkg}

import rego.v1

{body}
"""

DEFAULT_BODY = """\
applicable contains id if some id, _ in input.resources.aws_instance

deny contains data.auditor.lib.result.fail(r, "not ok", "ok", r.attributes.ok) if {
	some r in input.resources.aws_instance
	not data.auditor.lib.result.is_unknown(r, "ok")
	r.attributes.ok == false
}

unknown contains data.auditor.lib.result.unknown(r, "ok") if {
	some r in input.resources.aws_instance
	data.auditor.lib.result.is_unknown(r, "ok")
}
"""


def write_control(
    folder: Path,
    cid: str = "TST-01",
    body: str = DEFAULT_BODY,
    severity: str = "high",
    kinds: str = "aws_instance",
    title: str = "Test control",
    filename: str | None = None,
) -> Path:
    pkg = cid.lower().replace("-", "_")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (filename or f"{pkg}_test_control.rego")
    path.write_text(
        CONTROL_TEMPLATE.format(
            title=title,
            cid=cid,
            severity=severity,
            kinds=kinds,
            pkg=pkg,
            body=textwrap.dedent(body),
        )
    )
    return path


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test records its runs (and --lock files) in its own data directory.

    scan and evaluate record into the history store by default: without this, tests
    would write to the user's ~/.local/share/auditor and see each other's runs.
    """
    monkeypatch.setenv("AUDITOR_DATA_DIR", str(tmp_path / "auditor-data"))
    monkeypatch.delenv("AUDITOR_STORE", raising=False)


@pytest.fixture
def control_dir(tmp_path: Path) -> Path:
    """A policy folder with one valid control (TST-01) and the shipped lib."""
    folder = tmp_path / "policies"
    write_control(folder)
    return folder
