"""The live collector with the real kubernetes client against local HTTPS API servers:
pagination, an expired continue token, 403 per namespace, a missing API group, a
timeout, redaction, and the same verdicts as the clusters' manifests."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import run_cli

from auditor.collectors.kubernetes import K8sCollector, K8sOptions
from auditor.collectors.kubernetes.resources import API_RESOURCES
from auditor.validation import snapshot_errors

from .apiserver import ApiServer, Behaviour, TestCA, write_kubeconfig
from .clusters import CANARIES, CLUSTERS
from .conftest import Live

EXPECTED = Path(__file__).parent / "expected" / "live-findings.json"
K8S_CONTROLS = {
    "NET-04", "PE-02", "TLS-03", "TLS-05", "GPU-01", "GPU-02", "GPU-03", "GPU-04",
    "IMG-01", "IMG-02", "IMG-03", "IMG-04", "IMG-05", "IMG-07",
}  # fmt: skip


def _collect(live: Live, tmp_path: Path, *contexts: str, extra: tuple[str, ...] = ()) -> Any:
    out = tmp_path / "snapshot.json"
    args = ["collect", "--kubeconfig", str(live.kubeconfig), "--k8s-page-size", "2", "--out"]
    args += [str(out), "--k8s-qps", "0", *extra]
    for c in contexts:
        args += ["--context", c]
    res = run_cli(*args)
    return res, json.loads(out.read_text()), out


def _scan(live: Live, tmp_path: Path, *sources: str) -> tuple[int, dict[str, Any], str]:
    out = tmp_path / "results.json"
    res = run_cli(
        "scan", *sources, "--config", str(live.config), "--no-store", "-o", f"json={out}",
        "--fail-on", "none", "--k8s-page-size", "2", "--k8s-qps", "0",
    )  # fmt: skip
    return res.code, json.loads(out.read_text()), res.stdout + res.stderr


def _findings(doc: dict[str, Any]) -> list[list[str]]:
    return sorted(
        [r["control_id"], r["status"], r["scope"] or "", r["resource_id"]]
        for r in doc["results"]
        if r["control_id"] in K8S_CONTROLS
    )


def test_snapshot_validates_and_keeps_no_secret(live: Live, tmp_path: Path) -> None:
    res, snap, path = _collect(live, tmp_path, "insecure", "hardened")
    assert res.code == 3, res.stderr  # the restricted namespace is a coverage gap
    assert snapshot_errors(snap) == []
    text = path.read_text()
    for canary in CANARIES:
        assert canary not in text
    assert "last-applied-configuration" not in text
    for server in live.servers.values():
        assert not any("secrets" in p for p in server.requests), "Secrets are never listed"
    vllm = next(r for r in snap["resources"] if r["id"] == "Deployment/ml-serving/vllm"
                and r["scope"] == "k8s:insecure")  # fmt: skip
    container = vllm["attributes"]["pod"]["containers"][0]
    assert container["env_names"] == ["HF_TOKEN", "OPENAI_API_KEY"]
    assert container["args"][-2:] == ["--api-key", "[REDACTED]"]
    assert vllm["attributes"]["annotations"] == {"example.com/deploy-token": "[REDACTED]"}


def test_pagination_restart_and_owned_objects(live: Live, tmp_path: Path) -> None:
    hardened = live.servers["hardened"]
    before = len(hardened.requests)
    expired = "/api/v1/namespaces" in hardened._expired
    _, snap, _ = _collect(live, tmp_path, "hardened")
    # page size 2: the 3 namespaces take two pages; the first time, the continue token
    # of the second page had expired and the list restarted (two more requests)
    asked = hardened.requests[before:].count("/api/v1/namespaces")
    assert asked == (2 if expired else 4)
    assert "/api/v1/namespaces" in hardened._expired
    ids = {r["id"] for r in snap["resources"] if r["kind"] == "k8s_workload"}
    assert ids == {"Deployment/ml-serving/vllm", "CronJob/ml-training/nightly-finetune"}
    namespaces = {r["id"] for r in snap["resources"] if r["kind"] == "k8s_namespace"}
    assert namespaces == {"Namespace/istio-system", "Namespace/ml-serving", "Namespace/ml-training"}
    kserve = [c for c in snap["coverage"] if c["kind"] == "k8s_inference_service"]
    assert [c["status"] for c in kserve] == ["collected"] and kserve[0]["count"] == 1


def test_forbidden_namespace_and_missing_group_are_coverage(live: Live, tmp_path: Path) -> None:
    _, snap, _ = _collect(live, tmp_path, "insecure")
    gaps = [c for c in snap["coverage"] if c["status"] == "error"]
    namespaced = {r.kind for r in API_RESOURCES if r.namespaced and not r.optional}
    assert {c["kind"] for c in gaps} == namespaced | {"k8s_peer_authentication"}
    assert all(c["region"] == "restricted" and "forbidden (403)" in c["reason"] for c in gaps)
    kserve = next(c for c in snap["coverage"] if c["kind"] == "k8s_inference_service")
    assert kserve["status"] == "collected" and "not installed" in kserve["reason"]
    assert not any(r["region"] == "restricted" and r["kind"] != "k8s_namespace"
                   for r in snap["resources"])  # fmt: skip
    insecure = live.servers["insecure"]
    assert "/api/v1/namespaces/restricted/pods" in insecure.requests
    # 5 namespaces in pages of 2, and the second page's continue token had expired the
    # first time: the list restarted (2 + 3 requests, then 3 per later collection)
    assert "/api/v1/namespaces" in insecure._expired
    assert insecure.requests.count("/api/v1/namespaces") % 3 == 2


def test_expected_findings(live: Live, tmp_path: Path) -> None:
    code, doc, output = _scan(
        live, tmp_path, "--kubeconfig", str(live.kubeconfig), "--context", "insecure",
        "--context", "hardened",
    )  # fmt: skip
    assert code == 3, output
    findings = _findings(doc)
    if os.environ.get("UPDATE_EXPECTED"):
        EXPECTED.write_text(json.dumps(findings, indent=1) + "\n")
    assert findings == json.loads(EXPECTED.read_text())
    hardened = [f for f in findings if f[2] == "k8s:hardened"]
    assert hardened and {f[1] for f in hardened} == {"pass"}
    insecure_ids = {f[0] for f in findings if f[2] == "k8s:insecure" and f[1] == "fail"}
    assert insecure_ids == K8S_CONTROLS  # every Kubernetes control fails somewhere
    for canary in CANARIES:
        assert canary not in json.dumps(doc) and canary not in output


def test_live_and_manifests_give_the_same_verdicts(live: Live, tmp_path: Path) -> None:
    _, live_doc, _ = _scan(
        live, tmp_path, "--kubeconfig", str(live.kubeconfig), "--context", "insecure",
        "--context", "hardened",
    )  # fmt: skip
    for name in CLUSTERS:
        _, man_doc, _ = _scan(live, tmp_path, "--manifests", str(live.manifests[name]))

        def verdicts(doc: dict[str, Any], scope: str) -> set[tuple[str, str, str]]:
            return {
                (r["control_id"], r["resource_id"], r["status"])
                for r in doc["results"]
                if r["scope"] == scope
                and r["control_id"] in K8S_CONTROLS
                and "/restricted" not in r["resource_id"]
                and not r["message"].startswith("not evaluated: k8s_")
            }

        from_live = verdicts(live_doc, f"k8s:{name}")
        from_manifests = verdicts(man_doc, f"k8s-manifests:{live.manifests[name]}")
        assert from_live and from_live == from_manifests


def test_timeout_is_a_coverage_error_and_the_scan_goes_on(tmp_path: Path) -> None:
    ca = TestCA(tmp_path)
    slow = Behaviour(slow={"/api/v1/nodes": 3.0})
    server = ApiServer(CLUSTERS["hardened"](), slow, ca)
    try:
        kubeconfig = tmp_path / "kubeconfig"
        write_kubeconfig(kubeconfig, {"slow": server}, ca)
        opts = K8sOptions(contexts=["slow"], kubeconfig=str(kubeconfig), timeout=0.5, qps=0)
        snap = K8sCollector(opts).collect()
    finally:
        server.stop()
    nodes = next(c for c in snap.coverage if c.kind == "k8s_node")
    assert nodes.status == "error" and "timeout" in nodes.reason
    workloads = next(c for c in snap.coverage if c.kind == "k8s_workload")
    assert workloads.status == "collected" and workloads.count == 2


def test_rejected_token_and_unknown_context(tmp_path: Path) -> None:
    ca = TestCA(tmp_path)
    server = ApiServer(CLUSTERS["hardened"](), Behaviour(token="right"), ca)
    try:
        kubeconfig = tmp_path / "kubeconfig"
        write_kubeconfig(kubeconfig, {"c": server}, ca)
        kubeconfig.write_text(kubeconfig.read_text().replace("token: right", "token: wrong"))
        opts = K8sOptions(contexts=["c", "nope"], kubeconfig=str(kubeconfig), qps=0)
        snap = K8sCollector(opts).collect()
    finally:
        server.stop()
    assert snap.resources == []
    by_scope = {(c.scope, c.status) for c in snap.coverage}
    assert ("k8s:c", "collected") not in by_scope
    assert any(c.scope == "k8s:nope" and c.kind == "*" for c in snap.coverage)
    assert any("401" in (c.reason or "") for c in snap.coverage if c.scope == "k8s:c")


@pytest.mark.parametrize("flag", ["--k8s", "--context"])
def test_k8s_flags_reach_the_collector(flag: str) -> None:
    from auditor.cli import build_parser
    from auditor.collectors.kubernetes.options import k8s_options_from_args

    args = build_parser().parse_args(["scan", flag, *(["ctx"] if flag == "--context" else [])])
    opts = k8s_options_from_args(args)
    assert opts is not None and opts.contexts == (["ctx"] if flag == "--context" else [])
