"""SARIF 2.1.0: results for code-scanning UIs (GitHub, Azure DevOps, VS Code viewers).

One run, one rule a control, one result per failing, unevaluated or waived
(control, resource). Passes are left out: SARIF consumers treat every result as
something to show, and the pass list belongs to the JSON and JUnit reports.

Mapping (documented in docs/output-formats.md):

- ``fail``   -> ``kind: fail``, level by severity (critical/high ``error``, medium
  ``warning``, low ``note``).
- ``error``  -> ``kind: open``, ``level: none``. SARIF's ``open`` means "the rule was
  evaluated and there was not enough information to decide", which is exactly a control
  whose deciding facts were unknown or not collected; the spec requires ``level: none``
  for any kind other than ``fail``. Reporting them (rather than dropping them) keeps the
  auditor's rule: never a silent pass for what was not read.
- ``waived`` -> ``kind: fail`` with an accepted external ``suppression`` carrying the
  waiver's reason, so viewers show it as dismissed rather than hiding it.

Locations: every result carries a logical location naming the resource. An IaC result's
``physicalLocation`` is its file (a relative URI with forward slashes) and
``region.startLine``/``endLine``; a live result, which has no file, gets a stand-in
``<source>/<resource id>`` at line 1, because GitHub rejects a whole file in which one
result has no physical location.
``partialFingerprints`` hash (control, resource kind, resource id), not the line, so an
alert survives the resource moving within its file.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any
from urllib.parse import quote

from auditor.reporters import document_controls, severity_rank

NAME = "sarif"
DEFAULT_FILENAME = "auditor.sarif"

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://pypi.org/project/ai-infra-auditor/"

# GitHub code scanning reads `security-severity` (a CVSS-like score as a string) from a
# rule's properties and buckets it: >= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium,
# 0.1-3.9 low. These values sit inside each bucket.
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}

# Bumped if the fingerprint recipe ever changes, so that old and new never collide.
FINGERPRINT_KEY = "auditorResource/v1"

_REPORTED = ("fail", "error", "waived")

# The descriptors that the invocation's tool notifications refer to.
NOTIFICATIONS = [
    {
        "id": "input-problem",
        "name": "InputProblem",
        "shortDescription": {"text": "An input file could not be read or parsed"},
        "defaultConfiguration": {"level": "error"},
    },
    {
        "id": "coverage-gap",
        "name": "CoverageGap",
        "shortDescription": {
            "text": "A resource kind was not collected in a scope; its controls are not evaluated"
        },
        "defaultConfiguration": {"level": "warning"},
    },
]


def render(document: dict[str, Any]) -> str:
    """The SARIF log of a result document, as indented JSON."""
    return json.dumps(build_log(document), indent=2, sort_keys=True) + "\n"


def build_log(document: dict[str, Any]) -> dict[str, Any]:
    """The SARIF log as a dict (render() serialises it; tests inspect it)."""
    controls = document_controls(document)
    rule_ids = sorted(controls, key=lambda cid: (severity_rank(controls[cid].get("severity")), cid))
    rules = [_rule(controls[cid]) for cid in rule_ids]
    index = {cid: i for i, cid in enumerate(rule_ids)}
    results = [
        _result(r, index)
        for r in document.get("results") or []
        if r.get("status") in _REPORTED and r.get("control_id") in index
    ]
    tool = document.get("tool") or {}
    version = str(tool.get("version") or "0")
    driver: dict[str, Any] = {
        "name": str(tool.get("name") or "auditor"),
        "version": version,
        "informationUri": INFORMATION_URI,
        "rules": rules,
        "notifications": NOTIFICATIONS,
    }
    if re.fullmatch(r"\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?", version):
        driver["semanticVersion"] = version
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "invocations": [_invocation(document)],
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": _run_properties(document),
    }
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


# --- rules ------------------------------------------------------------------------------


def _rule(control: dict[str, Any]) -> dict[str, Any]:
    cid = str(control["id"])
    title = str(control.get("title") or cid)
    severity = str(control.get("severity") or "medium")
    remediation = str(control.get("remediation") or "").strip()
    frameworks = control.get("frameworks") or {}
    description = str(control.get("description") or "").strip() or title
    mappings = [f"{fw}: {', '.join(ids)}" for fw, ids in sorted(frameworks.items()) if ids]
    help_text = remediation or "No remediation given."
    help_md = f"**Remediation.** {help_text}"
    if mappings:
        help_text += "\n\nFrameworks: " + "; ".join(mappings) + "."
        help_md += "\n\n**Frameworks.** " + "; ".join(f"`{m}`" for m in mappings)
    tags = _unique(
        [
            "security",
            "ai-infrastructure",
            f"domain/{control.get('domain')}" if control.get("domain") else "",
            f"severity/{severity}",
            *(f"{fw}/{i}" for fw, ids in sorted(frameworks.items()) for i in ids),
        ]
    )
    properties: dict[str, Any] = {
        "security-severity": SECURITY_SEVERITY.get(severity, SECURITY_SEVERITY["medium"]),
        "severity": severity,
        "tags": tags,
        "frameworks": frameworks,
        "resource_kinds": list(control.get("resource_kinds") or []),
    }
    if control.get("domain"):
        properties["domain"] = control["domain"]
    rule: dict[str, Any] = {
        "id": cid,
        "name": _pascal(title) or cid,
        "shortDescription": {"text": title},
        "fullDescription": {"text": description},
        "help": {"text": help_text, "markdown": help_md},
        "defaultConfiguration": {"level": LEVEL.get(severity, "warning")},
        "properties": properties,
    }
    aliases = [str(a) for a in control.get("aliases") or [] if a]
    if aliases:
        rule["deprecatedIds"] = _unique(aliases)
    return rule


# --- results ----------------------------------------------------------------------------


def _result(r: dict[str, Any], index: dict[str, int]) -> dict[str, Any]:
    cid = str(r["control_id"])
    status = r.get("status")
    severity = str(r.get("severity") or "medium")
    resource_id = str(r.get("resource_id") or "")
    message = " ".join(str(r.get("message") or "").split()) or status or "result"
    out: dict[str, Any] = {
        "ruleId": cid,
        "ruleIndex": index[cid],
        "message": {"text": f"{resource_id}: {message}" if resource_id else message},
        "locations": [_location(r)],
        "partialFingerprints": {FINGERPRINT_KEY: _fingerprint(cid, r)},
        "properties": _result_properties(r),
    }
    if status == "error":
        out["kind"] = "open"
        out["level"] = "none"
    else:
        out["kind"] = "fail"
        out["level"] = LEVEL.get(severity, "warning")
    if status == "waived":
        waiver = r.get("waiver") if isinstance(r.get("waiver"), dict) else {}
        suppression: dict[str, Any] = {"kind": "external", "status": "accepted"}
        reason = str(waiver.get("reason") or "").strip()
        if waiver.get("expires"):
            reason = f"{reason} (expires {waiver['expires']})".strip()
        if reason:
            suppression["justification"] = reason
        if waiver:
            suppression["properties"] = {"waiver": waiver}
        out["suppressions"] = [suppression]
    return out


def _location(r: dict[str, Any]) -> dict[str, Any]:
    """The result's one location: where it is written, and which resource it is.

    GitHub code scanning rejects a whole SARIF file if any result lacks a physical
    location, so a live resource (no file) gets one too: a relative URI naming the
    resource (``aws/arn:aws:s3:::bucket``) at line 1, as Trivy does for images. Viewers
    show it as a file that is not in the repository; the logical location carries the
    real identity.
    """
    resource_id = str(r.get("resource_id") or "")
    logical = {"name": resource_id, "fullyQualifiedName": resource_id, "kind": "resource"}
    loc = r.get("location")
    if isinstance(loc, dict) and loc.get("file"):
        physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(str(loc["file"]))}}
        line = loc.get("line")
        if isinstance(line, int) and line >= 1:
            region: dict[str, Any] = {"startLine": line}
            end = loc.get("end_line")
            if isinstance(end, int) and end >= line:
                region["endLine"] = end
            physical["region"] = region
    else:
        physical = {
            "artifactLocation": {"uri": live_resource_uri(r.get("source"), resource_id)},
            "region": {"startLine": 1},
            "properties": {"live_resource": True},
        }
    return {"physicalLocation": physical, "logicalLocations": [logical]}


def live_resource_uri(source: Any, resource_id: str) -> str:
    """A relative URI standing for a live resource: ``<source>/<resource id>``.

    Only the first segment of a relative URI may not hold a colon, so the source name in
    front keeps an ARN (``arn:aws:...``) or a self link a valid relative reference.
    """
    prefix = str(source or "live")
    path = resource_id if resource_id.startswith(prefix + "/") else f"{prefix}/{resource_id}"
    return quote(path, safe="/:@!$&'()*+,;=~")


def artifact_uri(path: str) -> str:
    """A file path as a SARIF artifact URI: relative with forward slashes, percent-encoded.

    Code-scanning services resolve relative URIs against the repository root, so a path
    the collector recorded relative to the working directory (the checkout, in CI) lands
    on the right file. An absolute path becomes a ``file://`` URI: valid, but only a
    local viewer can open it.
    """
    p = path.replace("\\", "/")
    while p.startswith("./"):
        p = p[2:]
    if re.match(r"^[A-Za-z]:/", p):  # a Windows drive path
        return "file:///" + quote(p, safe="/:")
    if p.startswith("/"):
        return "file://" + quote(p, safe="/")
    return quote(p, safe="/")


def _fingerprint(cid: str, r: dict[str, Any]) -> str:
    key = "\x00".join([cid, str(r.get("resource_kind") or ""), str(r.get("resource_id") or "")])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _result_properties(r: dict[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = {"status": r.get("status"), "severity": r.get("severity")}
    for key in ("resource_id", "resource_kind", "source", "scope"):
        if r.get(key) is not None:
            props[key] = r[key]
    if r.get("evidence"):
        props["evidence"] = r["evidence"]
    return props


# --- run --------------------------------------------------------------------------------


def _invocation(document: dict[str, Any]) -> dict[str, Any]:
    """The invocation, with input problems and coverage gaps as tool notifications.

    Both say the run did not see everything; SARIF's place for what went wrong in the
    tool's own work (rather than in the scanned code) is ``toolExecutionNotifications``.
    """
    run = document.get("run") or {}
    summary = document.get("summary") or {}
    problems = [p for p in document.get("problems") or [] if isinstance(p, dict)]
    gaps = [
        c
        for c in document.get("coverage") or []
        if isinstance(c, dict) and c.get("status") != "collected"
    ]
    notifications = [_problem_notification(p) for p in problems]
    notifications += [_gap_notification(g) for g in gaps]
    invocation: dict[str, Any] = {"executionSuccessful": not problems}
    if run.get("started_at"):
        invocation["startTimeUtc"] = run["started_at"]
    if run.get("finished_at"):
        invocation["endTimeUtc"] = run["finished_at"]
    if isinstance(summary.get("exit_code"), int):
        invocation["exitCode"] = summary["exit_code"]
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return invocation


def _problem_notification(problem: dict[str, Any]) -> dict[str, Any]:
    note: dict[str, Any] = {
        "level": "error",
        "message": {"text": str(problem.get("message") or "input problem")},
        "descriptor": {"id": "input-problem", "index": 0},
    }
    if problem.get("file"):
        physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(str(problem["file"]))}}
        if isinstance(problem.get("line"), int) and problem["line"] >= 1:
            physical["region"] = {"startLine": problem["line"]}
        note["locations"] = [{"physicalLocation": physical}]
    if problem.get("source"):
        note["properties"] = {"source": problem["source"]}
    return note


def _gap_notification(gap: dict[str, Any]) -> dict[str, Any]:
    where = "/".join(str(gap[k]) for k in ("source", "scope", "region") if gap.get(k))
    text = f"{gap.get('kind', '?')} not collected in {where}"
    if gap.get("reason"):
        text += f": {gap['reason']}"
    text += "; controls on this kind are reported as not evaluated there"
    props = {k: gap[k] for k in ("source", "scope", "region", "kind", "status") if gap.get(k)}
    return {
        "level": "warning",
        "message": {"text": text},
        "descriptor": {"id": "coverage-gap", "index": 1},
        "properties": props,
    }


def _run_properties(document: dict[str, Any]) -> dict[str, Any]:
    run = document.get("run") or {}
    props: dict[str, Any] = {}
    for key in ("id", "engine", "fail_on", "sources", "policy_dirs"):
        if run.get(key) is not None:
            props["run_id" if key == "id" else key] = run[key]
    if document.get("summary"):
        props["summary"] = document["summary"]
    if document.get("schema_version"):
        props["result_schema_version"] = document["schema_version"]
    return props


# --- helpers ----------------------------------------------------------------------------


def _pascal(title: str) -> str:
    """A rule name from its title: SARIF names are identifiers ("NoInternetIngress")."""
    words = re.findall(r"[A-Za-z0-9]+", title)
    return "".join(w[:1].upper() + w[1:] for w in words)


def _unique(items: list[str]) -> list[str]:
    """Drop empties and duplicates, keeping order: SARIF tags must be unique."""
    seen: dict[str, None] = {}
    for item in items:
        if item:
            seen.setdefault(item, None)
    return list(seen)
