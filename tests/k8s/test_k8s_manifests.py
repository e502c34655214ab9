"""The manifests collector: multi-document YAML, JSON lists, directories, rendered Helm
output, locations, bad input that does not stop the rest, redaction and Secrets."""

from __future__ import annotations

import io
import json
from pathlib import Path

import yaml
from conftest import run_cli

from auditor.collectors.kubernetes import ManifestCollector
from auditor.validation import snapshot_errors

from .clusters import CANARIES, CLUSTERS

BROKEN = """\
apiVersion: v1
kind: Namespace
metadata:
  name: ml
---
apiVersion: v1
kind: Service
metadata: {name: broken
  namespace: ml
---
# Source: llm/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: llm
  namespace: ml
spec:
  template:
    metadata:
      labels: {app: llm}
    spec:
      containers:
      - name: llm
        image: vllm/vllm-openai:latest
        resources:
          limits: {nvidia.com/gpu: 1}
"""


def test_every_shape_of_input(tmp_path: Path) -> None:
    objects = CLUSTERS["insecure"]()
    (tmp_path / "rendered.yaml").write_text(yaml.safe_dump_all(objects, sort_keys=False))
    (tmp_path / "list.json").write_text(
        json.dumps({"apiVersion": "v1", "kind": "List", "items": objects}, indent=1)
    )
    (tmp_path / "values.yaml").write_text("replicaCount: 2\n")  # not an object: skipped
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.yaml").write_text("{{ not yaml")
    snap = ManifestCollector(str(tmp_path)).collect()
    assert snap.problems == []
    assert snapshot_errors(snap.to_dict()) == []
    # the same objects from YAML and from the JSON list: each id twice
    workloads = sorted(r.id for r in snap.resources if r.kind == "k8s_workload")
    assert workloads == sorted(
        2
        * [
            "Deployment/ml-serving/vllm",
            "Pod/web/gpu-debug",
            "Job/ml-training/finetune",
            "DaemonSet/kube-system/nvidia-device-plugin",
            "Deployment/restricted/hidden-llm",
        ]
    )  # fmt: skip  (ReplicaSet and Pods owned by them are judged with their owner)
    locations = {
        (Path(r.location.file).name, r.location.line) for r in snap.resources if r.location
    }
    assert ("rendered.yaml", 1) in locations
    assert all(line and line > 1 for name, line in locations if name == "list.json")
    text = json.dumps(snap.to_dict())
    for canary in CANARIES:
        assert canary not in text
    assert snap.sources[0]["secrets_dropped"] == 2


def test_malformed_document_is_a_problem_and_the_rest_is_read(tmp_path: Path) -> None:
    f = tmp_path / "out.yaml"
    f.write_text(BROKEN)
    snap = ManifestCollector(str(f)).collect()
    assert [(p.file, p.line) for p in snap.problems] == [(str(f), 9)]
    assert "invalid YAML" in snap.problems[0].message
    assert {r.id for r in snap.resources} == {"Namespace/ml", "Deployment/ml/llm"}
    deployment = next(r for r in snap.resources if r.kind == "k8s_workload")
    assert deployment.location.line == 12  # where its mapping starts, after the comment
    assert all(c.status == "error" and "out.yaml:9" in c.reason for c in snap.coverage)


def test_cli_exit_codes_and_messages(tmp_path: Path) -> None:
    f = tmp_path / "out.yaml"
    f.write_text(BROKEN)
    res = run_cli("collect", "--manifests", str(f), "--out", str(tmp_path / "s.json"))
    assert res.code == 2 and f"{f}:9: invalid YAML" in res.stderr
    missing = run_cli(
        "collect", "--manifests", str(tmp_path / "nope"), "--out", str(tmp_path / "s.json")
    )
    assert missing.code == 2 and "no such file or directory" in missing.stderr


def test_undeclared_namespace_and_default_namespace(tmp_path: Path) -> None:
    f = tmp_path / "pod.yaml"
    f.write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
        "spec: {containers: [{name: c, image: x}]}\n"
    )
    snap = ManifestCollector(str(f)).collect()
    ns = next(r for r in snap.resources if r.kind == "k8s_namespace")
    assert ns.id == "Namespace/default" and ns.unknown == {
        "labels": "the Namespace object is not among the manifests"
    }
    assert next(r for r in snap.resources if r.kind == "k8s_workload").id == "Pod/default/p"


def test_helm_chart_directory_is_refused(tmp_path: Path) -> None:
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: llm\nversion: 0.1.0\n")
    (chart / "templates" / "d.yaml").write_text("{{- if .Values.x }}\n")
    snap = ManifestCollector(str(tmp_path)).collect()
    assert len(snap.problems) == 1 and "helm template" in snap.problems[0].message


def test_stdin(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("sys.stdin", io.StringIO(BROKEN.split("---")[0]))
    snap = ManifestCollector("-").collect()
    assert [r.id for r in snap.resources] == ["Namespace/ml"]
    assert snap.resources[0].location.file == "<stdin>"


def test_redaction_of_args_and_annotations() -> None:
    from auditor.collectors.kubernetes.normalise import annotations, redact_args

    assert redact_args(["--token", "abc", "--port", "8000", "--password=x", "-v"]) == [
        "--token", "[REDACTED]", "--port", "8000", "--password=[REDACTED]", "-v",
    ]  # fmt: skip
    assert redact_args(["serve", "hf_abcdefghijklmnopqrstuvwxyz0123"]) == ["serve", "[REDACTED]"]
    meta = {"annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}",
                            "vault.io/secret": "s3cr3t", "team": "ml"}}  # fmt: skip
    assert annotations(meta) == {"vault.io/secret": "[REDACTED]", "team": "ml"}
