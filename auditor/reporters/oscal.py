"""OSCAL assessment results (JSON, OSCAL 1.1.3): the format GRC tools and FedRAMP read.

Mapping (documented in docs/output-formats.md):

- one ``assessment-results`` with one ``result`` for the run (start and end times);
- ``reviewed-controls``: the NIST SP 800-53 Rev. 5 controls the run's controls map to
  (``SC-7(4)`` becomes the OSCAL catalog id ``sc-7.4``); OSCAL control ids point into a
  catalog, and 800-53 is the one every OSCAL tool ships. Without such mappings,
  ``include-all``;
- each resource is an ``inventory-item`` of the result's ``local-definitions``, with its
  id, kind, source and scope as properties;
- each result (control x resource) is one ``observation`` (method ``TEST``, the resource
  as subject, the evidence as ``relevant-evidence``) and one ``finding`` whose target is
  the control (``objective-id``: our control id) with state ``satisfied`` for pass and
  ``not-satisfied`` for fail, waived and error. OSCAL has no "not evaluated" state, and
  an unread fact must never read as satisfied; the auditor status is kept in the
  ``auditor-status`` property, and a waiver's reason, owner and expiry in the remarks;
- ``import-ap`` refers to a back-matter resource describing the policy set that served
  as the assessment plan.

UUIDs are version 5, derived from the run id and what they name, so rendering the same
result document twice gives byte-identical output (a bundle's digest stays valid), while
two runs never share a UUID.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

NAME = "oscal"
DEFAULT_FILENAME = "auditor-oscal-ar.json"

OSCAL_VERSION = "1.1.3"
NS = "https://github.com/ai-infra-auditor/auditor/ns/oscal"  # namespace of our props
_UUID_ROOT = uuid.uuid5(uuid.NAMESPACE_URL, "urn:ai-infra-auditor:oscal")
NIST_KEY = "nist-sp-800-53-r5"


def render(document: dict[str, Any]) -> str:
    return json.dumps(build(document), indent=2, sort_keys=False) + "\n"


def build(document: dict[str, Any]) -> dict[str, Any]:
    """The OSCAL document as a dict (render() serialises it; tests validate it)."""
    run = document.get("run") or {}
    tool = document.get("tool") or {}
    run_id = str(run.get("id") or "no-run-id")

    def uid(*parts: Any) -> str:
        return str(uuid.uuid5(_UUID_ROOT, "\x00".join([run_id, *map(str, parts)])))

    started = _timestamp(run.get("started_at"))
    finished = _timestamp(run.get("finished_at")) or started
    results = [r for r in document.get("results") or [] if isinstance(r, dict)]

    items: dict[tuple[str, str], str] = {}
    inventory = []
    for r in results:
        key = (str(r.get("resource_kind") or ""), str(r.get("resource_id") or ""))
        if key in items:
            continue
        items[key] = uid("inventory-item", *key)
        inventory.append(_inventory_item(items[key], r))

    observations, findings = [], []
    for i, r in enumerate(results):
        key = (str(r.get("resource_kind") or ""), str(r.get("resource_id") or ""))
        obs_uuid = uid("observation", i, r.get("control_id"), *key)
        observations.append(_observation(obs_uuid, items[key], r, finished))
        findings.append(_finding(uid("finding", i, r.get("control_id"), *key), obs_uuid, r))

    summary = document.get("summary") or {}
    result: dict[str, Any] = {
        "uuid": uid("result"),
        "title": f"auditor run {run_id}",
        "description": _description(document),
        "start": started or finished or "1970-01-01T00:00:00Z",
        "end": finished or started or "1970-01-01T00:00:00Z",
        "props": _props(
            ("run-id", run_id),
            ("engine", run.get("engine")),
            ("fail-on", run.get("fail_on")),
            ("exit-code", summary.get("exit_code")),
        ),
        "reviewed-controls": _reviewed_controls(document),
    }
    if inventory:
        result["local-definitions"] = {"inventory-items": inventory}
    if observations:
        result["observations"] = observations
        result["findings"] = findings
    gaps = [c for c in document.get("coverage") or [] if c.get("status") != "collected"]
    if gaps:
        result["remarks"] = (
            "Coverage gaps (controls on these kinds were not evaluated): "
            + "; ".join(
                f"{g.get('kind')} in {g.get('source')}/{g.get('scope')}"
                + (f"/{g['region']}" if g.get("region") else "")
                + f": {g.get('reason')}"
                for g in gaps
            )
        )
    plan_uuid = uid("assessment-plan")
    return {
        "assessment-results": {
            "uuid": uid("assessment-results"),
            "metadata": {
                "title": f"AI infrastructure assessment results, run {run_id}",
                "last-modified": finished or started or "1970-01-01T00:00:00Z",
                "version": str(tool.get("version") or "0"),
                "oscal-version": OSCAL_VERSION,
                "props": _props(
                    ("tool", f"{tool.get('name') or 'auditor'} {tool.get('version') or ''}")
                ),
            },
            "import-ap": {"href": f"#{plan_uuid}"},
            "results": [result],
            "back-matter": {
                "resources": [
                    {
                        "uuid": plan_uuid,
                        "title": "auditor policy set used as the assessment plan",
                        "description": "Rego controls evaluated by the auditor; policy folders: "
                        + ", ".join(map(str, run.get("policy_dirs") or []))
                        or "built-in",
                    }
                ]
            },
        }
    }


def _description(document: dict[str, Any]) -> str:
    summary = document.get("summary") or {}
    by_status = summary.get("by_status") or {}
    sources = "; ".join(
        f"{s.get('source')} {s.get('target') or ''}".strip()
        for s in (document.get("run") or {}).get("sources") or []
        if isinstance(s, dict)
    )
    return (
        f"Policy-as-code assessment of AI infrastructure ({sources or 'no sources'}): "
        f"{summary.get('total', 0)} results, {by_status.get('fail', 0)} fail, "
        f"{by_status.get('error', 0)} not evaluated, {by_status.get('waived', 0)} waived, "
        f"{by_status.get('pass', 0)} pass."
    )


def nist_control_id(ident: str) -> str | None:
    """``SC-7(4)`` -> ``sc-7.4``, the id in NIST's OSCAL SP 800-53 catalog; None if not one."""
    m = re.fullmatch(r"([A-Za-z]{2})-(\d+)(?:\((\d+)\))?", ident.strip())
    if not m:
        return None
    out = f"{m.group(1).lower()}-{int(m.group(2))}"
    return out + f".{int(m.group(3))}" if m.group(3) else out


def _reviewed_controls(document: dict[str, Any]) -> dict[str, Any]:
    from auditor.reporters import document_controls
    from auditor.reporters.frameworks import natural_key

    ids = set()
    for c in document_controls(document).values():
        for ident in (c.get("frameworks") or {}).get(NIST_KEY) or []:
            cid = nist_control_id(str(ident))
            if cid:
                ids.add(cid)
    if not ids:
        return {"control-selections": [{"include-all": {}}]}
    return {
        "description": "NIST SP 800-53 Rev. 5 controls that the auditor's controls map to.",
        "control-selections": [
            {"include-controls": [{"control-id": c} for c in sorted(ids, key=natural_key)]}
        ],
    }


def _inventory_item(item_uuid: str, r: dict[str, Any]) -> dict[str, Any]:
    loc = r.get("location") if isinstance(r.get("location"), dict) else {}
    return {
        "uuid": item_uuid,
        "description": str(r.get("resource_id") or "unknown resource"),
        "props": _props(
            ("asset-id", r.get("resource_id")),
            ("asset-type", r.get("resource_kind"), NS),
            ("source", r.get("source"), NS),
            ("scope", r.get("scope"), NS),
            ("file", loc.get("file"), NS),
            ("line", loc.get("line"), NS),
        ),
    }


def _observation(
    obs_uuid: str, item_uuid: str, r: dict[str, Any], collected: str
) -> dict[str, Any]:
    obs: dict[str, Any] = {
        "uuid": obs_uuid,
        "title": f"{r.get('control_id')} on {r.get('resource_id')}",
        "description": str(r.get("message") or r.get("status") or "result"),
        "props": _props(
            ("auditor-status", r.get("status"), NS),
            ("severity", r.get("severity"), NS),
            ("control-id", r.get("control_id"), NS),
        ),
        "methods": ["TEST"],
        "types": ["finding" if r.get("status") != "pass" else "control-objective"],
        "subjects": [{"subject-uuid": item_uuid, "type": "inventory-item"}],
        "collected": collected or "1970-01-01T00:00:00Z",
    }
    evidence = [
        {
            "description": f"{e.get('attribute')} = "
            + (json.dumps(e["value"], default=str) if "value" in e else "unknown")
        }
        for e in r.get("evidence") or []
        if isinstance(e, dict)
    ]
    if evidence:
        obs["relevant-evidence"] = evidence
    return obs


def _finding(finding_uuid: str, obs_uuid: str, r: dict[str, Any]) -> dict[str, Any]:
    status = r.get("status")
    finding: dict[str, Any] = {
        "uuid": finding_uuid,
        "title": f"{r.get('control_id')} {r.get('title') or ''}".strip(),
        "description": str(r.get("message") or status or "result"),
        "props": _props(
            ("auditor-status", status, NS),
            ("severity", r.get("severity"), NS),
            ("domain", r.get("domain"), NS),
        ),
        "target": {
            "type": "objective-id",
            "target-id": _token(str(r.get("control_id") or "unknown")),
            "status": {"state": "satisfied" if status == "pass" else "not-satisfied"},
        },
        "related-observations": [{"observation-uuid": obs_uuid}],
    }
    remarks = []
    if status == "error":
        remarks.append("Not evaluated: " + str(r.get("message") or "deciding facts unknown"))
    waiver = r.get("waiver") if isinstance(r.get("waiver"), dict) else None
    if status == "waived" and waiver:
        remarks.append(
            f"Waived: {waiver.get('reason')} "
            f"(owner {waiver.get('owner') or waiver.get('approved_by') or 'unknown'}, "
            f"expires {waiver.get('expires') or 'never'})"
        )
    if status in ("fail", "waived") and r.get("remediation"):
        remarks.append("Remediation: " + str(r["remediation"]))
    if remarks:
        finding["remarks"] = "\n\n".join(remarks)
    return finding


def _props(*specs: tuple[Any, ...]) -> list[dict[str, str]]:
    """OSCAL properties, leaving out empty values (a prop value may not be blank)."""
    out = []
    for spec in specs:
        name, value = spec[0], spec[1]
        if value is None:
            continue
        text = " ".join(str(value).split())
        if not text:
            continue
        prop = {"name": name, "value": text}
        if len(spec) > 2:
            prop["ns"] = spec[2]
        out.append(prop)
    return out


def _token(text: str) -> str:
    """An OSCAL token: a letter or _ first, then letters, digits, '.', '-', '_'."""
    t = re.sub(r"[^\w.\-]", "_", text)
    return t if re.match(r"^[^\W\d]", t) else "_" + t


def _timestamp(value: Any) -> str | None:
    return str(value) if value else None
