"""JUnit XML: the results as a test report, for CI systems that chart tests.

Jenkins, GitLab, Azure Pipelines and CircleCI all read JUnit XML and show failures per
test with history, which makes it the cheapest way to put control results in front of a
team. The mapping:

- one ``<testsuite>`` per control, named "<id> <title>", with the control's severity,
  domain and framework mappings as ``<properties>``; a control that applied to nothing
  is an empty suite, so the report still shows it ran;
- one ``<testcase>`` per (control, resource): ``classname`` the control id, ``name`` the
  resource id (``file``/``line`` attributes when the resource is written in IaC);
- ``fail`` -> ``<failure message=... type=severity>`` whose text holds the evidence,
  location and remediation; ``error`` -> ``<error type="not-evaluated">``;
  ``waived`` -> ``<skipped>`` with the waiver's reason; ``pass`` -> an empty testcase.

Built with xml.etree, which escapes markup; characters XML 1.0 cannot carry at all (most
C0 control characters) are replaced first, since they would make the file unparsable.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any

from auditor.reporters import document_controls, location_text, severity_rank

NAME = "junit"
DEFAULT_FILENAME = "auditor-junit.xml"

# XML 1.0 allows tab, newline, carriage return and everything from U+0020 except
# surrogates and U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_STATUS_ORDER = ("fail", "error", "waived", "pass")


def render(document: dict[str, Any]) -> str:
    """The JUnit XML report of a result document."""
    root = build_tree(document)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def build_tree(document: dict[str, Any]) -> ET.Element:
    """The <testsuites> element (render() serialises it; tests may inspect it)."""
    controls = document_controls(document)
    by_control: dict[str, list[dict[str, Any]]] = {cid: [] for cid in controls}
    for r in document.get("results") or []:
        cid = r.get("control_id")
        if cid in by_control:
            by_control[cid].append(r)

    tool = document.get("tool") or {}
    run = document.get("run") or {}
    root = ET.Element("testsuites", {"name": _xml(tool.get("name") or "auditor")})
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    order = sorted(controls, key=lambda cid: (severity_rank(controls[cid].get("severity")), cid))
    for i, cid in enumerate(order):
        suite = _suite(controls[cid], by_control[cid], run, i)
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    for key, value in totals.items():
        root.set(key, str(value))
    duration = _duration(run.get("started_at"), run.get("finished_at"))
    if duration is not None:
        root.set("time", f"{duration:.3f}")
    return root


def _suite(
    control: dict[str, Any], results: list[dict[str, Any]], run: dict[str, Any], index: int
) -> ET.Element:
    cid = str(control["id"])
    title = str(control.get("title") or "")
    counts = {s: sum(1 for r in results if r.get("status") == s) for s in _STATUS_ORDER}
    attrs = {
        "name": _xml(f"{cid} {title}".strip()),
        "id": str(index),
        "package": _xml(control.get("domain") or "controls"),
        "tests": str(len(results)),
        "failures": str(counts["fail"]),
        "errors": str(counts["error"]),
        "skipped": str(counts["waived"]),
        "time": "0",
    }
    if run.get("started_at"):
        # The JUnit schema's timestamp has no zone designator; ours are UTC.
        attrs["timestamp"] = str(run["started_at"]).removesuffix("Z")
    suite = ET.Element("testsuite", attrs)
    properties = ET.SubElement(suite, "properties")
    _property(properties, "control_id", cid)
    _property(properties, "severity", control.get("severity"))
    _property(properties, "domain", control.get("domain"))
    for fw, ids in sorted((control.get("frameworks") or {}).items()):
        _property(properties, f"framework.{fw}", ", ".join(str(i) for i in ids))
    kinds = control.get("resource_kinds") or []
    if kinds:
        _property(properties, "resource_kinds", ", ".join(str(k) for k in kinds))

    ordered = sorted(
        results,
        key=lambda r: (
            _STATUS_ORDER.index(r.get("status")) if r.get("status") in _STATUS_ORDER else 9,
            str(r.get("resource_id", "")),
        ),
    )
    names: set[str] = set()
    for r in ordered:
        suite.append(_testcase(cid, control, r, names))
    return suite


def _testcase(cid: str, control: dict[str, Any], r: dict[str, Any], names: set[str]) -> ET.Element:
    name = str(r.get("resource_id") or "?")
    if name in names and r.get("resource_kind"):
        # Two results on one id (a coverage gap reported per kind): keep names unique,
        # since CI systems merge test cases that share a class and name.
        name = f"{name} ({r['resource_kind']})"
    names.add(name)
    attrs = {"classname": _xml(cid), "name": _xml(name), "time": "0"}
    loc = r.get("location")
    if isinstance(loc, dict) and loc.get("file"):
        attrs["file"] = _xml(loc["file"])
        if isinstance(loc.get("line"), int):
            attrs["line"] = str(loc["line"])
    case = ET.Element("testcase", attrs)
    status = r.get("status")
    message = _xml(" ".join(str(r.get("message") or "").split()))
    if status == "fail":
        node = ET.SubElement(
            case, "failure", {"message": message, "type": _xml(r.get("severity") or "")}
        )
        node.text = _xml(_details(r, control, with_remediation=True))
    elif status == "error":
        node = ET.SubElement(case, "error", {"message": message, "type": "not-evaluated"})
        node.text = _xml(_details(r, control, with_remediation=False))
    elif status == "waived":
        waiver = r.get("waiver") if isinstance(r.get("waiver"), dict) else {}
        why = str(waiver.get("reason") or "no reason recorded")
        if waiver.get("expires"):
            why += f" (expires {waiver['expires']})"
        ET.SubElement(case, "skipped", {"message": _xml(f"waived: {why}")})
    return case


def _details(r: dict[str, Any], control: dict[str, Any], with_remediation: bool) -> str:
    """The text of a failure or error: what decided it, where, and how to fix it."""
    lines = [" ".join(str(r.get("message") or "").split())]
    lines.append(f"Resource: {r.get('resource_id')} ({r.get('resource_kind') or 'unknown kind'})")
    where = location_text(r.get("location"))
    if where:
        lines.append(f"Location: {where}")
    elif r.get("source") or r.get("scope"):
        lines.append(f"Scope: {'/'.join(str(x) for x in (r.get('source'), r.get('scope')) if x)}")
    evidence = [e for e in r.get("evidence") or [] if isinstance(e, dict)]
    if evidence:
        lines.append("Evidence:")
        for e in evidence:
            attribute = e.get("attribute", "?")
            if "value" in e:
                lines.append(f"  {attribute} = {json.dumps(e['value'], sort_keys=True)}")
            else:
                lines.append(f"  {attribute} (value unknown)")
    remediation = str(control.get("remediation") or r.get("remediation") or "").strip()
    if with_remediation and remediation:
        lines.append(f"Remediation: {' '.join(remediation.split())}")
    return "\n".join(lines)


def _property(parent: ET.Element, name: str, value: Any) -> None:
    if value not in (None, ""):
        ET.SubElement(parent, "property", {"name": _xml(name), "value": _xml(value)})


def _xml(value: Any) -> str:
    """Text XML 1.0 can carry: forbidden characters become U+FFFD (escaping is ET's job)."""
    return _NOT_XML.sub("\ufffd", str(value))


def _duration(start: Any, end: Any) -> float | None:
    try:
        t0 = datetime.fromisoformat(str(start).replace("Z", "+00:00"))
        t1 = datetime.fromisoformat(str(end).replace("Z", "+00:00"))
    except ValueError:
        return None
    seconds = (t1 - t0).total_seconds()
    return seconds if seconds >= 0 else None
