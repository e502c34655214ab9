"""Secrets never enter a snapshot: redaction applied at collection time.

Three rules, applied to everything a collector keeps (DESIGN.md, "Secrets never enter a
snapshot"):

- environment *values* are never collected at all (normalisers keep the keys only);
- a tag whose key looks like it names a secret (password, token, key, credential...)
  keeps its key and loses its value;
- any credential-shaped string (AWS access key ids, Hugging Face, GitHub, OpenAI-style
  and Slack tokens, JWTs, PEM private keys, `password=...` pairs) is replaced wherever
  free text lands: descriptions, names, tag values, error messages.

Nothing here depends on a source: every collector (AWS, Kubernetes) uses it.
"""

from __future__ import annotations

import re
from typing import Any

REDACTED = "[REDACTED]"

# Tag/label keys whose values are secrets by their name. Matched as a word part, so that
# "db_password", "API-Token" and "hf-token" match but "keyboard-layout" and "monkey" do
# not ("key" must be a whole word part).
_SECRET_KEY = re.compile(
    r"(?i)(pass(word|wd|phrase)?|pwd|secret|token|credential|creds?|private|"
    r"auth|cookie|session|signature|(^|[_\-.\s])(api|access|secret|private)?[_\-.]?key($|[_\-.\s]))"
)

# Credential-shaped strings, each bounded so that ordinary words never match
# ("risk-model" contains "sk-" but is preceded by a letter).
_TOKEN_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(r"-----BEGIN [A-Z0-9 ]*-----.*?(-----END [A-Z0-9 ]*-----|$)", re.S),
    re.compile(
        r"(?<![A-Za-z0-9])(AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}(?![A-Za-z0-9])"
    ),
    re.compile(r"(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{20,}"),
    re.compile(r"(?<![A-Za-z0-9_])(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})"),
    re.compile(r"(?<![A-Za-z0-9_-])sk-(proj-|ant-)?[A-Za-z0-9_\-]{20,}"),
    re.compile(r"(?<![A-Za-z0-9_-])xox[abposr]-[A-Za-z0-9-]{10,}"),
    re.compile(r"(?<![A-Za-z0-9_-])glpat-[A-Za-z0-9_\-]{20,}"),
    re.compile(r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    re.compile(r"(?<![A-Za-z0-9])AIza[0-9A-Za-z_\-]{35}"),
)
# key=value / key: value pairs naming a secret inside free text: the value goes.
_SECRET_PAIR = re.compile(
    r"(?i)\b((?:aws_)?(?:secret_access_key|session_token|password|passwd|pwd|secret|token|"
    r"api[_-]?key|access[_-]?key))(\s*[:=]\s*)(\"[^\"]*\"|'[^']*'|[^\s,;&\"']+)"
)


def secret_key(key: str) -> bool:
    """True when a tag/label/environment key names a secret by its wording."""
    return bool(_SECRET_KEY.search(key))


def redact_text(text: str) -> str:
    """Replace every credential-shaped part of free text by [REDACTED]."""
    if not text:
        return text
    for pattern in _TOKEN_PATTERNS:
        text = pattern.sub(REDACTED, text)
    return _SECRET_PAIR.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)


def redact_tags(tags: dict[str, str]) -> dict[str, str]:
    """Tag values under secret-looking keys go; other values lose credential shapes."""
    return {
        redact_text(str(k)): REDACTED if secret_key(str(k)) else redact_text(str(v))
        for k, v in tags.items()
    }


def redact_value(value: Any) -> Any:
    """Every string anywhere in a JSON-like value, credential shapes removed."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {redact_value(k): redact_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_value(v) for v in value]
    return value
