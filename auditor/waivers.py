"""Waivers: accepted risks, each with an owner, a reason and an expiry date.

A waiver file (``--waivers FILE``) lists the failures a team has decided to accept for
now::

    waivers:
      - control: NET-02
        resource: "aws_security_group.bastion_*"   # fnmatch glob on the resource id
        reason: Bastion reachable from the office range until the VPN lands (CHG-4711)
        owner: platform-security
        expires: 2026-03-31                        # last day the waiver applies (UTC)

Applied after evaluation (core.evaluate), so policies never see waivers and the same
snapshot judged twice gives the same verdicts; only the status of matching results
changes, from ``fail`` to ``waived``, with the waiver attached to the result.

Decisions an auditor would expect, and the reasons:

- Only ``fail`` results are waived. An ``error`` (not evaluated) result says the facts
  could not be read; accepting *that* would turn a gap in the evidence into something
  that looks decided. Fix the coverage, or skip the control in the config.
- Every entry needs ``control``, ``resource``, ``reason``, ``owner`` and ``expires``: a
  waiver without an owner or an end date is a permanent exception nobody answers for.
  ``resource: "*"`` waives a control everywhere, but has to be written out.
- Control ids are checked against the loaded controls, aliases included (a renamed
  control keeps its waivers), and an unknown id is bad input (exit 2) naming the entry
  and its line: a typo must not leave a failure silently unwaived or a waiver unused.
- An expired waiver (``expires`` before the run's UTC date) no longer applies; it is
  listed under ``waivers.expired`` in the result document and warned about on stderr,
  with the number of failures it would have covered. A waiver that matched no failing
  result is listed under ``waivers.unused``: the resource was fixed or deleted, and the
  waiver should go.
- When several waivers match one failure, the first in the file is attached; each of
  them counts as used.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from auditor.errors import InputError
from auditor.model import Result
from auditor.policy.loader import PolicySet

REQUIRED_KEYS = ("control", "resource", "reason", "owner", "expires")
OPTIONAL_KEYS = ("ticket", "approved_by")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Waiver:
    """One entry of a waiver file, validated: the control id is the canonical one."""

    index: int  # position in the file's list, 0-based, as in `waivers[2]`
    line: int | None  # 1-based line of the entry in the file
    control: str
    resource: str
    reason: str
    owner: str
    expires: date
    file: str
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        """``waivers.yaml:12 (waivers[2])``: how messages name the entry."""
        at = f"{self.file}:{self.line}" if self.line else self.file
        return f"{at} (waivers[{self.index}])"

    def matches(self, result: Result) -> bool:
        return result.control_id == self.control and fnmatch.fnmatchcase(
            result.resource_id, self.resource
        )

    def attached(self) -> dict[str, Any]:
        """The waiver as carried by a waived result (the schema's `waiver` object)."""
        out: dict[str, Any] = {
            "reason": self.reason,
            "owner": self.owner,
            "expires": self.expires.isoformat(),
            "control": self.control,
            "resource": self.resource,
            "file": self.file,
            "line": self.line,
        }
        out.update(self.extra)
        return out


@dataclass
class WaiverOutcome:
    """What the waivers did in one run: for the result document and the stderr notes."""

    file: str
    applied: list[tuple[Waiver, int]] = field(default_factory=list)
    expired: list[tuple[Waiver, int]] = field(default_factory=list)
    unused: list[Waiver] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        def entry(w: Waiver, n: int | None = None) -> dict[str, Any]:
            data = w.attached()
            data["index"] = w.index
            if n is not None:
                data["results"] = n
            return data

        return {
            "file": self.file,
            "applied": [entry(w, n) for w, n in self.applied],
            "expired": [entry(w, n) for w, n in self.expired],
            "unused": [entry(w, 0) for w in self.unused],
        }

    def messages(self) -> list[str]:
        """One warning a line for what a waiver owner must act on (expired, unused)."""
        out = []
        for w, n in self.expired:
            out.append(
                f"{w.where}: waiver for {w.control} {w.resource!r} (owner {w.owner}) expired "
                f"on {w.expires.isoformat()}; {n} failing result(s) it matched are not waived"
            )
        for w in self.unused:
            out.append(
                f"{w.where}: waiver for {w.control} {w.resource!r} (owner {w.owner}) "
                "matched no failing result; remove it if the resource was fixed"
            )
        return out


def load_waivers(path: str | Path, policy_set: PolicySet) -> list[Waiver]:
    """Read and validate a waiver file; any defect is an InputError naming entry and line."""
    import yaml

    p = Path(path)
    name = str(p)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("waiver file not found", name) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read waiver file: {exc}", name) from None
    try:
        data = yaml.load(text, Loader=_loader())  # a SafeLoader subclass
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(
            f"invalid YAML: {getattr(exc, 'problem', exc)}", name, mark.line + 1 if mark else None
        ) from None
    if data is None:
        return []
    if not isinstance(data, dict) or set(data) - {"waivers"}:
        raise InputError("a waiver file is a mapping with one key, `waivers`: a list", name, 1)
    entries = data.get("waivers") or []
    if not isinstance(entries, list):
        raise InputError("`waivers` must be a list", name, _key_line(root, "waivers"))
    lines = _entry_lines(root)
    return [
        _entry(e, i, lines[i] if i < len(lines) else None, name, policy_set)
        for i, e in enumerate(entries)
    ]


def _loader() -> Any:
    """SafeLoader without YAML's implicit dates: `2026-13-01` must be our error, not a crash.

    PyYAML turns an unquoted date into a ``date`` and raises a bare ValueError for an
    impossible one; reading dates as strings lets _expiry name the entry and line.
    """
    import yaml

    class NoDates(yaml.SafeLoader):
        pass

    NoDates.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return NoDates


def _entry(raw: Any, index: int, line: int | None, file: str, policy_set: PolicySet) -> Waiver:
    def bad(message: str) -> InputError:
        return InputError(f"waivers[{index}]: {message}", file, line)

    if not isinstance(raw, dict):
        raise bad("each waiver must be a mapping with " + ", ".join(REQUIRED_KEYS))
    unknown = sorted(set(raw) - set(REQUIRED_KEYS) - set(OPTIONAL_KEYS))
    if unknown:
        raise bad(f"unknown key(s) {', '.join(map(str, unknown))}")
    missing = [k for k in REQUIRED_KEYS if raw.get(k) in (None, "")]
    if missing:
        raise bad(f"missing {', '.join(missing)}")
    for key in ("control", "resource", "reason", "owner", *OPTIONAL_KEYS):
        if key in raw and not isinstance(raw[key], str):
            raise bad(f"{key} must be a string")
        if key in raw and not raw[key].strip():
            raise bad(f"{key} is empty")
    control = policy_set.control(raw["control"].strip())
    if control is None:
        raise bad(f"unknown control {raw['control']} (see `auditor policy list`)")
    return Waiver(
        index=index,
        line=line,
        control=control.id,
        resource=raw["resource"].strip(),
        reason=" ".join(raw["reason"].split()),
        owner=raw["owner"].strip(),
        expires=_expiry(raw["expires"], bad),
        file=file,
        extra={k: raw[k].strip() for k in OPTIONAL_KEYS if k in raw},
    )


def _expiry(value: Any, bad: Any) -> date:
    """A calendar date, YYYY-MM-DD (YAML reads an unquoted one as a date already)."""
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    text = str(value).strip()
    if not _DATE_RE.match(text):
        raise bad(f"expires {value!r} is not a date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise bad(f"expires {value!r} is not a valid date") from None


def apply_waivers(
    waivers: list[Waiver], results: list[Result], today: date, file: str
) -> WaiverOutcome:
    """Turn the failures a current waiver matches into `waived`, in place; say what happened.

    `today` is the run's UTC date: a waiver expiring today still applies today.
    """
    outcome = WaiverOutcome(file=file)
    active = [w for w in waivers if w.expires >= today]
    expired = [w for w in waivers if w.expires < today]
    matched = {w.index: 0 for w in waivers}
    failures = [r for r in results if r.status == "fail"]
    for r in failures:
        for w in expired:
            if w.matches(r):
                matched[w.index] += 1
        hits = [w for w in active if w.matches(r)]
        for w in hits:
            matched[w.index] += 1
        if hits:
            r.status = "waived"
            r.waiver = hits[0].attached()
    for w in active:
        if matched[w.index]:
            outcome.applied.append((w, matched[w.index]))
        else:
            outcome.unused.append(w)
    outcome.expired = [(w, matched[w.index]) for w in expired]
    return outcome


def _entry_lines(root: Any) -> list[int]:
    """The 1-based line of each item of the top-level `waivers` list."""
    seq = _key_value(root, "waivers")
    items = getattr(seq, "value", None)
    if not isinstance(items, list):
        return []
    return [item.start_mark.line + 1 for item in items]


def _key_value(root: Any, key: str) -> Any:
    for k, v in getattr(root, "value", None) or []:
        if getattr(k, "value", None) == key:
            return v
    return None


def _key_line(root: Any, key: str) -> int | None:
    node = _key_value(root, key)
    return node.start_mark.line + 1 if node is not None else None
