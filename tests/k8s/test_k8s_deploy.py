"""deploy/kubernetes: the ClusterRole is read-only, never reaches Secrets, and covers
exactly what the live collector lists; the CronJob runs the auditor with it."""

from __future__ import annotations

from typing import Any

import yaml
from conftest import REPO

from auditor.collectors.kubernetes.manifests import ManifestCollector
from auditor.collectors.kubernetes.resources import API_RESOURCES

DEPLOY = REPO / "deploy" / "kubernetes"


def _docs(name: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all((DEPLOY / name).read_text()) if d]


def test_cluster_role_is_read_only_and_covers_the_collector() -> None:
    role = next(d for d in _docs("rbac.yaml") if d["kind"] == "ClusterRole")
    granted = set()
    for rule in role["rules"]:
        assert set(rule["verbs"]) <= {"get", "list", "watch"}, rule
        assert "*" not in rule["resources"] and "*" not in rule["apiGroups"]
        assert not {"secrets", "configmaps"} & set(rule["resources"])
        assert "nonResourceURLs" not in rule and "resourceNames" not in rule
        granted |= {(g, r) for g in rule["apiGroups"] for r in rule["resources"]}
    needed = {(r.group, r.plural) for r in API_RESOURCES}
    assert granted == needed


def test_binding_and_cronjob_use_the_service_account() -> None:
    rbac = _docs("rbac.yaml")
    sa = next(d for d in rbac if d["kind"] == "ServiceAccount")
    binding = next(d for d in rbac if d["kind"] == "ClusterRoleBinding")
    assert binding["roleRef"]["name"] == "ai-auditor-read"
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": sa["metadata"]["name"], "namespace": "ai-auditor"}
    ]
    cron = next(d for d in _docs("cronjob.yaml") if d["kind"] == "CronJob")
    pod = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == sa["metadata"]["name"]
    script = " ".join(pod["containers"][0]["args"])
    assert "auditor scan --k8s" in script and "/reports/" in script
    mounts = {m["mountPath"] for m in pod["containers"][0]["volumeMounts"]}
    assert "/reports" in mounts


def test_deploy_manifests_parse_cleanly() -> None:
    snap = ManifestCollector(str(DEPLOY)).collect()
    assert snap.problems == []
    assert any(r.id == "CronJob/ai-auditor/ai-auditor" for r in snap.resources)
