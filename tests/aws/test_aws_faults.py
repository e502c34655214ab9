"""Faults give `error` for exactly the scope they touch, and the rest of the scan stands.

Each test runs the real CLI against the seeded estate with one fault injected: an
identity denied a service (moto enforcing IAM), throttling answers for one service (a
proxy), a region that never answers (a proxy holding its requests past the read
timeout). The results are compared with the fault-free baseline: controls that do not
depend on the affected kinds give exactly the baseline's results; those that do never
pass in the affected region; every other region is untouched; the exit code is 3.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3

from .conftest import REGIONS, SCAN_ARGS, Baseline, environment
from .helpers import cli, names_by_id
from .proxy import misbehaving_proxy

ELB_KINDS = ("aws_lb", "aws_lb_listener", "aws_lb_target_group")
SAGEMAKER_KINDS = (
    "aws_sagemaker_model",
    "aws_sagemaker_endpoint_configuration",
    "aws_sagemaker_endpoint",
    "aws_sagemaker_notebook_instance",
    "aws_sagemaker_training_job",
)


def _region_of(resource_id: str, baseline: Baseline) -> str | None:
    if resource_id.startswith("aws:") and "/" in resource_id:  # a coverage-gap result
        return resource_id.split("/", 1)[1]
    name = names_by_id(baseline.snapshot).get(resource_id)
    return name.split("/", 1)[0] if name else None


def assert_only_affected(
    baseline: Baseline, doc: dict[str, Any], affected: set[tuple[str, str]]
) -> None:
    gaps = {(c["region"], c["kind"]) for c in doc["coverage"] if c["status"] != "collected"}
    assert gaps == affected, [
        (c["region"], c["kind"], c["reason"]) for c in doc["coverage"] if c["status"] != "collected"
    ]
    kinds = {k for _, k in affected}
    regions = {r for r, _ in affected}
    dependent = {c["id"] for c in doc["controls"] if set(c["resource_kinds"]) & kinds}
    base = {(r["control_id"], r["resource_id"]): r["status"] for r in baseline.doc["results"]}
    got = {(r["control_id"], r["resource_id"]): r["status"] for r in doc["results"]}
    for (cid, rid), status in got.items():
        touched = cid in dependent and _region_of(rid, baseline) in regions
        if not touched:
            assert base.get((cid, rid)) == status, (cid, rid, status)
        elif (cid, rid) in base:
            assert status in {"error", base[(cid, rid)]}, (cid, rid, status)
            assert status != "pass"
        else:
            assert status == "error" and rid.startswith("aws:"), (cid, rid, status)
    for (cid, rid), status in base.items():
        if not (cid in dependent and _region_of(rid, baseline) in regions):
            assert got.get((cid, rid)) == status, (cid, rid)
    # Every dependent control names every gap it depends on.
    for c in doc["controls"]:
        for region, kind in affected:
            if c["id"] in dependent and kind in c["resource_kinds"]:
                assert got.get((c["id"], f"aws:123456789012/{region}")) == "error"
    assert doc["summary"]["exit_code"] == 3


def _scan(*extra: str) -> tuple[int, dict[str, Any], str]:
    res = cli("scan", *SCAN_ARGS, *extra, "-o", "json", "--fail-on", "none")
    return res.code, res.json(), res.stderr


@contextmanager
def moto_enforces_iam(endpoint: str) -> Iterator[None]:
    """moto's server checks every request against its IAM policies while this lasts."""

    def reset(value: str) -> None:
        req = urllib.request.Request(
            f"{endpoint}/moto-api/reset-auth",
            data=value.encode(),
            method="POST",
            headers={"Content-Type": "text/plain"},
        )
        urllib.request.urlopen(req, timeout=10).read()

    reset("0")
    try:
        yield
    finally:
        reset("inf")


def test_identity_denied_sagemaker_gives_errors_for_sagemaker_only(
    baseline: Baseline, moto_endpoint: str, aws_config_dir: Path
) -> None:
    """An identity whose policy denies sagemaker:*, answered as AWS answers it.

    moto's own IAM enforcement cannot serve the whole scan: it rejects the signatures of
    rest-json GET requests (EKS, GuardDuty, API Gateway) with SignatureDoesNotMatch, a moto
    bug. The proxy answers sagemaker requests with AWS's AccessDeniedException instead;
    test_moto_iam_denial_is_classified_as_denied checks the real enforcement path."""

    def decide(region: str, service: str, target: str) -> str | None:
        return "deny" if service == "sagemaker" else None

    with misbehaving_proxy(moto_endpoint, decide) as proxy, environment(proxy, aws_config_dir):
        code, doc, _ = _scan()
    assert code == 3
    # The KMS keys SageMaker resources use are unknown too: aws_kms_key is a gap as well.
    affected = {(r, k) for r in REGIONS for k in (*SAGEMAKER_KINDS, "aws_kms_key")}
    assert_only_affected(baseline, doc, affected)
    reasons = {
        c["reason"]
        for c in doc["coverage"]
        if c["status"] != "collected" and c["kind"] != "aws_kms_key"
    }
    assert all("denied (AccessDeniedException" in r for r in reasons), reasons
    assert {r.split(" ")[0] for r in reasons} == {
        "sagemaker:ListModels",
        "sagemaker:ListEndpointConfigs",
        "sagemaker:ListEndpoints",
        "sagemaker:ListNotebookInstances",
        "sagemaker:ListTrainingJobs",
    }


def test_moto_iam_denial_is_classified_as_denied(
    estate: dict[str, Any], moto_endpoint: str, aws_config_dir: Path
) -> None:
    """moto enforcing a real IAM policy (Deny sagemaker:*) on the collector's reads."""
    from auditor.collectors.aws.normalise import Unit
    from auditor.collectors.aws.query import Reader, RegionHealth, read_kind
    from auditor.collectors.aws.resources import BY_KIND

    with environment(moto_endpoint, aws_config_dir):
        iam = boto3.client("iam")
        iam.create_user(UserName="auditor-no-sagemaker")
        iam.put_user_policy(
            UserName="auditor-no-sagemaker",
            PolicyName="read-but-not-sagemaker",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {"Effect": "Allow", "Action": "*", "Resource": "*"},
                        {"Effect": "Deny", "Action": "sagemaker:*", "Resource": "*"},
                    ],
                }
            ),
        )
        key = iam.create_access_key(UserName="auditor-no-sagemaker")["AccessKey"]
        session = boto3.Session(
            aws_access_key_id=key["AccessKeyId"],
            aws_secret_access_key=key["SecretAccessKey"],
            region_name="us-east-1",
        )
        unit = Unit(account="123456789012", region="us-east-1")
        with moto_enforces_iam(moto_endpoint):
            results = {}
            for kind, service in (("aws_sagemaker_model", "sagemaker"), ("aws_vpc", "ec2")):
                reader = Reader(session.client(service), service, 1, RegionHealth())
                results[kind] = read_kind(BY_KIND[kind], reader, unit, "aws:123456789012", {})
    assert results["aws_sagemaker_model"].error == "sagemaker:ListModels denied (HTTP 403)"
    assert results["aws_vpc"].error is None and results["aws_vpc"].resources


def test_throttling_that_outlasts_retries_gives_errors_for_that_service_only(
    baseline: Baseline, moto_endpoint: str, aws_config_dir: Path, tmp_path: Path
) -> None:
    def decide(region: str, service: str, target: str) -> str | None:
        return "throttle" if service == "elasticloadbalancing" else None

    evidence = tmp_path / "evidence"
    with misbehaving_proxy(moto_endpoint, decide) as proxy, environment(proxy, aws_config_dir):
        code, doc, _ = _scan("--evidence", str(evidence))
    assert code == 3
    assert_only_affected(baseline, doc, {(r, k) for r in REGIONS for k in ELB_KINDS})
    reasons = {c["kind"]: c["reason"] for c in doc["coverage"] if c["status"] != "collected"}
    assert "throttled after 2 attempts" in reasons["aws_lb"]
    assert reasons["aws_lb_listener"].startswith("aws_lb not collected")
    # The web ACL is still read, associations included: wafv2:ListResourcesForWebACL
    # names the load balancers it protects without asking ELBv2.
    snapshot = json.loads((evidence / "snapshot.json").read_text())
    acl, base_acl = (_regional_acl(s) for s in (snapshot, baseline.snapshot))
    assert acl["attributes"] == base_acl["attributes"]
    assert acl["attributes"]["rules"]
    assert acl["unknown"] == {}


def _regional_acl(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The hardened region's web ACL (the insecure region has a CloudFront one)."""
    (acl,) = [
        r
        for r in snapshot["resources"]
        if r["kind"] == "aws_wafv2_web_acl" and r["attributes"].get("scope") == "REGIONAL"
    ]
    return acl


def test_denied_web_acl_associations_are_unknown_not_empty(
    baseline: Baseline, moto_endpoint: str, aws_config_dir: Path, tmp_path: Path
) -> None:
    """wafv2:ListResourcesForWebACL denied: the web ACL is reported with its rules, its
    associations unknown with the reason (never an empty list), and ACC-02 on the load
    balancer it protects is error, not pass or fail. Nothing else changes."""

    def decide(region: str, service: str, target: str) -> str | None:
        return "deny" if target.endswith(".ListResourcesForWebACL") else None

    evidence = tmp_path / "evidence"
    with misbehaving_proxy(moto_endpoint, decide) as proxy, environment(proxy, aws_config_dir):
        code, doc, _ = _scan("--evidence", str(evidence))
    assert code == 3  # an error result: the scan is incomplete
    assert [c for c in doc["coverage"] if c["status"] != "collected"] == []
    snapshot = json.loads((evidence / "snapshot.json").read_text())
    acl = _regional_acl(snapshot)
    assert "associated_resources" not in acl["attributes"]
    assert acl["attributes"]["rules"]
    reason = acl["unknown"]["associated_resources"]
    assert reason.startswith("wafv2:ListResourcesForWebACL denied (AccessDeniedException"), reason
    (alb,) = [
        r
        for r in baseline.snapshot["resources"]
        if r["kind"] == "aws_lb" and r["name"] == "hard-alb"
    ]
    base = {(r["control_id"], r["resource_id"]): r["status"] for r in baseline.doc["results"]}
    got = {(r["control_id"], r["resource_id"]): r["status"] for r in doc["results"]}
    assert base[("ACC-02", alb["id"])] == "pass"
    assert got[("ACC-02", alb["id"])] == "error"
    assert {k: v for k, v in got.items() if k != ("ACC-02", alb["id"])} == {
        k: v for k, v in base.items() if k != ("ACC-02", alb["id"])
    }


def test_a_region_that_times_out_gives_errors_for_that_region_only(
    baseline: Baseline, moto_endpoint: str, aws_config_dir: Path
) -> None:
    def decide(region: str, service: str, target: str) -> str | None:
        return "hang" if region == "eu-west-1" else None

    with (
        misbehaving_proxy(moto_endpoint, decide, hang_seconds=2.5) as proxy,
        environment(proxy, aws_config_dir),
    ):
        code, doc, _ = _scan("--aws-read-timeout", "1")
    assert code == 3
    from auditor.collectors.aws.resources import RESOURCE_TYPES

    regional = {("eu-west-1", rt.kind) for rt in RESOURCE_TYPES if rt.level == "region"}
    assert_only_affected(baseline, doc, regional)
    # Exactly the timed-out region's scope is in error, and every result there is error.
    assert not [r for r in baseline.doc["results"] if r["status"] == "error"]
    errors = {r["resource_id"] for r in doc["results"] if r["status"] == "error"}
    assert errors == {"aws:123456789012/eu-west-1"}
    assert {
        r["status"] for r in doc["results"] if _region_of(r["resource_id"], baseline) == "eu-west-1"
    } == {"error"}
    reasons = {c["reason"] for c in doc["coverage"] if c["status"] != "collected"}
    assert any(r.startswith("timeout after 2 attempts") for r in reasons), reasons
