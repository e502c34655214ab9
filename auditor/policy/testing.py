"""`auditor policy test`: run every `test_*` rule of the `_test.rego` files, as `opa test` does.

Each test rule is evaluated on the embedded engine with the policies, the lib and the
default config loaded; a rule that is true passes, undefined or false fails, and a
runtime error is an error. The same files pass under `opa test` where OPA exists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from auditor.config import DEFAULT_CONTROLS_CONFIG
from auditor.engines.base import RegoError
from auditor.policy.loader import PolicySet

_TEST_RE = re.compile(r"^(test_[A-Za-z0-9_]+)\b", re.MULTILINE)


@dataclass
class TestOutcome:
    package: str
    name: str
    file: Path
    line: int
    status: str  # pass | fail | error
    message: str = ""


def discover_tests(policy_set: PolicySet, only_under: Path | None = None) -> list[TestOutcome]:
    found: list[TestOutcome] = []
    for f in policy_set.files:
        if not f.is_test:
            continue
        if only_under is not None and not _is_under(f.path, only_under):
            continue
        seen = set()
        for m in _TEST_RE.finditer(f.text):
            name = m.group(1)
            if name in seen:
                continue
            seen.add(name)
            line = f.text.count("\n", 0, m.start()) + 1
            found.append(TestOutcome(f.package, name, f.path, line, "pending"))
    return found


def _is_under(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return path.resolve() == folder.resolve()


def run_tests(policy_set: PolicySet, only_under: Path | None = None) -> list[TestOutcome]:
    """Compile everything once, then evaluate each test rule."""
    from auditor.engines.embedded import EmbeddedEngine

    engine = EmbeddedEngine()
    engine.load(policy_set.files, DEFAULT_CONTROLS_CONFIG)
    tests = discover_tests(policy_set, only_under)
    for t in tests:
        try:
            value = engine.eval_rule(f"data.{t.package}.{t.name}")
        except RegoError as exc:
            t.status, t.message = "error", str(exc)
            continue
        if value is True:
            t.status = "pass"
        else:
            t.status = "fail"
            t.message = "undefined" if value is None else f"evaluated to {value!r}"
    return tests
