"""The benchmark generators produce valid input; otherwise their figures mean nothing.

A snapshot that broke the kind schemas or dangled its joins would make the policies
skip work (or error), and the evaluation benchmark would look faster than a real
estate; Terraform that did not parse would time the error path of both scanners.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from auditor.kinds import known_kinds, validate_attributes
from auditor.model import Snapshot

# bench/ is not an installed package (only auditor* is): import it from the checkout.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.gen_resources import generate_snapshot, split, zipf_sizes
from bench.gen_terraform import generate_terraform

BENCH_KINDS = [k for k in known_kinds() if k.startswith(("aws_", "google_compute_"))]


@pytest.fixture(scope="module")
def snapshot() -> dict[str, Any]:
    return generate_snapshot(1500, seed=7)


def _index(snap: dict[str, Any]) -> dict[tuple[str, str], set[str]]:
    """(scope, kind) -> ids, to check that joins resolve within a scope."""
    ids: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in snap["resources"]:
        ids[(r["scope"], r["kind"])].add(r["id"])
    return ids


def test_every_resource_validates_against_its_kind_schema(snapshot: dict[str, Any]) -> None:
    errors = [
        e for r in snapshot["resources"] for e in validate_attributes(r["kind"], r["attributes"])
    ]
    assert errors == []


def test_every_cloud_kind_appears_and_snapshot_builds(snapshot: dict[str, Any]) -> None:
    kinds = {r["kind"] for r in snapshot["resources"]}
    assert set(BENCH_KINDS) <= kinds
    snap = Snapshot.from_dict(snapshot)
    assert len(snap.resources) == len(snapshot["resources"])
    ids = [(r.scope, r.id) for r in snap.resources]
    assert len(ids) == len(set(ids)), "duplicate ids would be dropped by the evaluator"


def test_unknown_attributes_are_absent_not_guessed(snapshot: dict[str, Any]) -> None:
    with_unknown = [r for r in snapshot["resources"] if r["unknown"]]
    assert with_unknown
    for r in with_unknown:
        for path in r["unknown"]:
            node: Any = r["attributes"]
            *parents, leaf = path.split(".")
            for p in parents:
                node = node[p]
            assert leaf not in node


def test_joins_resolve_within_the_scope(snapshot: dict[str, Any]) -> None:
    ids = _index(snapshot)
    buckets = {
        (r["scope"], r["attributes"]["bucket"])
        for r in snapshot["resources"]
        if r["kind"] == "aws_s3_bucket"
    }
    checked = defaultdict(int)
    for r in snapshot["resources"]:
        a, scope = r["attributes"], r["scope"]
        if r["kind"] == "aws_instance":
            assert set(a["security_groups"]) <= ids[(scope, "aws_security_group")]
            vols = {v["volume_id"] for v in a["volumes"]}
            assert vols <= ids[(scope, "aws_ebs_volume")]
            assert a["subnet_id"] in ids[(scope, "aws_subnet")]
            assert a["vpc_id"] in ids[(scope, "aws_vpc")]
            checked["instance"] += 1
        elif r["kind"] == "aws_eks_node_group":
            assert a["cluster"] in ids[(scope, "aws_eks_cluster")]
        elif r["kind"] == "aws_sagemaker_notebook_instance":
            assert a["subnet_id"] in ids[(scope, "aws_subnet")]
        elif r["kind"] == "aws_lb_listener":
            assert a["load_balancer"] in ids[(scope, "aws_lb")]
            for action in a["actions"]:
                assert set(action["target_groups"]) <= ids[(scope, "aws_lb_target_group")]
            checked["listener"] += 1
        elif r["kind"] == "aws_lb_target_group":
            assert {t["target"] for t in a["targets"]} <= ids[(scope, "aws_instance")]
            checked["target_group"] += 1
        elif r["kind"] == "aws_sagemaker_model":
            for c in a["containers"]:
                bucket = c["model_data_url"].removeprefix("s3://").split("/")[0]
                assert (scope, bucket) in buckets
            checked["model"] += 1
        elif r["kind"] == "aws_sagemaker_endpoint_configuration":
            for v in a["production_variants"]:
                assert v["model"] in ids[(scope, "aws_sagemaker_model")]
            checked["endpoint_configuration"] += 1
        elif r["kind"] == "aws_sagemaker_endpoint":
            assert a["endpoint_config"] in ids[(scope, "aws_sagemaker_endpoint_configuration")]
        elif r["kind"] == "google_compute_disk":
            assert set(a["users"]) <= ids[(scope, "google_compute_instance")]
        elif r["kind"] == "google_compute_forwarding_rule":
            proxies = (
                ids[(scope, "google_compute_target_https_proxy")]
                | ids[(scope, "google_compute_target_http_proxy")]
            )
            assert a["target"] in proxies
        elif r["kind"] == "google_compute_target_https_proxy":
            assert a["url_map"] in ids[(scope, "google_compute_url_map")]
    assert all(checked[k] for k in ("instance", "listener", "target_group", "model"))


def test_ai_compute_and_insecure_settings_are_present(snapshot: dict[str, Any]) -> None:
    res = snapshot["resources"]
    aws_types = {r["attributes"]["instance_type"] for r in res if r["kind"] == "aws_instance"}
    assert any(t.startswith(("p4d", "p5", "g5", "g6", "inf2", "trn1")) for t in aws_types)
    gcp = [r for r in res if r["kind"] == "google_compute_instance"]
    assert any(r["attributes"]["guest_accelerators"] for r in gcp)
    assert any(r["attributes"]["machine_type"].startswith("a2-") for r in gcp)
    tokens = {
        r["attributes"]["metadata_options"].get("http_tokens")
        for r in res
        if r["kind"] == "aws_instance"
    }
    assert {"required", "optional"} <= tokens
    open_world = [
        r
        for r in res
        if r["kind"] == "aws_security_group"
        and any("0.0.0.0/0" in rule["cidr_blocks"] for rule in r["attributes"].get("ingress", []))
    ]
    assert open_world


def test_coverage_gaps_remove_what_was_not_read(snapshot: dict[str, Any]) -> None:
    statuses = {c["status"] for c in snapshot["coverage"]}
    assert statuses == {"collected", "error"}
    for gap in (c for c in snapshot["coverage"] if c["status"] == "error"):
        assert not [
            r
            for r in snapshot["resources"]
            if r["scope"] == gap["scope"]
            and r["kind"] == gap["kind"]
            and gap["region"] in (None, r["region"])
        ]


def test_same_seed_same_snapshot() -> None:
    assert generate_snapshot(300, seed=5) == generate_snapshot(300, seed=5)
    assert generate_snapshot(300, seed=5) != generate_snapshot(300, seed=6)


def test_split_and_zipf_add_up() -> None:
    assert sum(split(1234, {"a": 3, "b": 1, "c": 0.5}).values()) == 1234
    assert sum(zipf_sizes(99_999, 15)) == 99_999
    sizes = zipf_sizes(10_000, 5)
    assert sizes == sorted(sizes, reverse=True)


def test_generated_terraform_parses(tmp_path: Path) -> None:
    import hcl2

    corpus = generate_terraform(250, tmp_path / "tf", seed=3)
    assert corpus.resources >= 250
    assert sum(corpus.by_type.values()) == corpus.resources
    tf_files = sorted((tmp_path / "tf").rglob("*.tf"))
    assert len(tf_files) == len(corpus.files)
    declared: set[str] = set()
    for path in tf_files:
        parsed = hcl2.loads(path.read_text())
        for block in parsed.get("resource", []):
            for rtype, named in block.items():
                declared.update(f"{rtype}.{name}" for name in named)
        for block in parsed.get("module", []):
            for call in block.values():
                source = call["source"]
                source = source[0] if isinstance(source, list) else source
                assert (tmp_path / "tf" / source).is_dir()
    for rtype in (
        "aws_instance",
        "aws_security_group",
        "aws_security_group_rule",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_sagemaker_endpoint_configuration",
        "aws_lb_listener",
        "aws_lb_target_group_attachment",
        "aws_ebs_volume",
        "aws_volume_attachment",
        "aws_ecr_repository",
        "aws_kms_key",
    ):
        assert any(d.startswith(rtype + ".") for d in declared), rtype
