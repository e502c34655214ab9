"""Reject builtins that only one engine has.

The embedded engine lacks some of OPA's builtins (it returns undefined silently for
http.send, or raises) and others make results depend on the clock or the network. A
policy that used them would judge differently per engine, so loading refuses them.
"""

from __future__ import annotations

import re

from auditor.errors import InputError
from auditor.policy.loader import PolicyFile

FORBIDDEN_BUILTINS = (
    r"http\.send",
    r"crypto\.[a-z0-9_.]+",
    r"io\.jwt\.[a-z0-9_]+",
    r"net\.cidr_intersects",
    r"net\.cidr_overlap",
    r"net\.cidr_merge",
    r"rego\.metadata\.[a-z_]+",
    r"opa\.runtime",
    r"time\.now_ns",
)
_CALL_RE = re.compile(r"\b(" + "|".join(FORBIDDEN_BUILTINS) + r")\s*\(")
_STRING_RE = re.compile(r'"(?:\\.|[^"\\])*"|`[^`]*`')


def check_builtins(files: list[PolicyFile]) -> None:
    """Raise InputError naming the file and line of the first forbidden builtin call."""
    for f in files:
        for number, line in enumerate(f.text.splitlines(), start=1):
            code = _STRING_RE.sub('""', line).split("#", 1)[0]
            m = _CALL_RE.search(code)
            if m:
                raise InputError(
                    f"builtin {m.group(1)} is not available on every engine "
                    "(see docs/writing-policies.md)",
                    str(f.path),
                    number,
                )
