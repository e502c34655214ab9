"""The same infrastructure, as HCL and as the `terraform show -json` of its plan, gives
the same normalised resources: one policy judges code and plan alike.

tests/fixtures/terraform/equivalence/ holds main.tf and plan.json, its plan.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from auditor.cli import main
from auditor.collectors.terraform import PlanCollector, TerraformCollector
from auditor.context import Environment
from auditor.model import Resource

FIXTURES = Path(__file__).parent / "fixtures" / "terraform" / "equivalence"

# The facts the controls decide on, per kind (dotted paths; `*` walks a list).
DECISIVE = {
    "aws_instance": [
        "public_ip",
        "security_groups",
        "subnet_id",
        "metadata_options.http_tokens",
        "metadata_options.http_endpoint",
        "volumes.*.encrypted",
        "volumes.*.kms_key_id",
    ],
    "aws_security_group": ["ingress", "egress"],
    "aws_s3_bucket": [
        "encryption.sse_algorithm",
        "encryption.key_managed_by",
        "encryption.default",
        "public_access_block",
        "versioning.enabled",
        "policy",
    ],
    "aws_kms_key": ["key_rotation_enabled"],
    "aws_sagemaker_model": [
        "containers.*.environment_keys",
        "vpc_config",
        "enable_network_isolation",
    ],
    "aws_sagemaker_notebook_instance": ["direct_internet_access", "subnet_id", "kms_key_id"],
    "aws_eks_cluster": [
        "endpoint_public_access",
        "public_access_cidrs",
        "encryption_config",
        "enabled_log_types",
        "vpc_id",
    ],
    "aws_eks_node_group": ["cluster", "instance_types", "ami_type", "taints"],
    "aws_vpc_endpoint": ["vpc_id", "service_name", "vpc_endpoint_type"],
    "aws_guardduty_detector": ["enabled", "features"],
    "aws_cloudwatch_log_group": ["log_group_name", "retention_in_days"],
    "aws_cloudtrail": ["is_logging", "is_multi_region_trail", "data_resources"],
    "aws_wafv2_web_acl": ["rules", "associated_resources"],
    "aws_api_gateway_rest_api": ["methods", "stages"],
    "aws_apigatewayv2_api": ["routes", "stages"],
    "google_compute_firewall": ["direction", "source_ranges", "allowed"],
    "google_compute_instance": [
        "network_interfaces.*.public_ip",
        "service_accounts.*.scopes",
        "shielded_vm",
        "disks.*.encryption",
    ],
}


@pytest.fixture(scope="module")
def both() -> tuple[dict[str, Resource], dict[str, Resource]]:
    hcl = TerraformCollector(str(FIXTURES)).collect()
    plan = PlanCollector(str(FIXTURES / "plan.json")).collect()
    assert hcl.problems == [] and plan.problems == []
    return {r.id: r for r in hcl.resources}, {r.id: r for r in plan.resources}


def pick(value: Any, path: str) -> Any:
    head, _, rest = path.partition(".")
    if head == "*":
        return [pick(item, rest) if rest else item for item in value]
    value = value.get(head) if isinstance(value, dict) else None
    return pick(value, rest) if rest and value is not None else value


def test_same_resources(both: tuple[dict[str, Resource], dict[str, Resource]]) -> None:
    hcl, plan = both
    assert sorted(hcl) == sorted(plan)
    assert {r.kind for r in hcl.values()} >= set(DECISIVE)


@pytest.mark.parametrize("kind", sorted(DECISIVE))
def test_decisive_fields_agree(
    kind: str, both: tuple[dict[str, Resource], dict[str, Resource]]
) -> None:
    hcl, plan = both
    ids = [rid for rid, r in hcl.items() if r.kind == kind]
    assert ids, kind
    for rid in ids:
        for path in DECISIVE[kind]:
            assert pick(hcl[rid].attributes, path) == pick(plan[rid].attributes, path), (rid, path)


def test_whole_resources_agree(both: tuple[dict[str, Resource], dict[str, Resource]]) -> None:
    """Beyond the decisive fields: attributes, unknowns, tags and placement."""
    hcl, plan = both
    for rid, resource in hcl.items():
        other = plan[rid]
        assert resource.attributes == other.attributes, rid
        assert resource.unknown == other.unknown, rid
        assert resource.tags == other.tags, rid
        assert (resource.name, resource.region, resource.account) == (
            other.name,
            other.region,
            other.account,
        ), rid


def test_key_references_make_customer_managed_keys(
    both: tuple[dict[str, Resource], dict[str, Resource]],
) -> None:
    for resources in both:
        encryption = resources["aws_s3_bucket.models"].attributes["encryption"]
        assert encryption["key_managed_by"] == "customer"
        assert encryption["kms_master_key_id"] == "aws_kms_key.models"
        assert resources["aws_s3_bucket.logs"].attributes["encryption"]["default"] is True


def test_managed_services_are_assembled_alike(
    both: tuple[dict[str, Resource], dict[str, Resource]],
) -> None:
    """The resources spread over many Terraform resources come out whole from both
    sources: the REST API with its method, integration, stage, method settings, usage
    plan and WAF association; the HTTP API with its route and stage; the detector with
    its feature. A plan shows an unset throttling limit as -1: it is unset (null), as in
    HCL and in the live API's answer."""
    for resources in both:
        rest = resources["aws_api_gateway_rest_api.inference"].attributes
        assert rest["methods"] == [
            {
                "path": "/invoke",
                "http_method": "POST",
                "authorization_type": "NONE",
                "api_key_required": True,
                "integration_type": "AWS",
                "integration_uri": (
                    "arn:aws:apigateway:us-east-1:runtime.sagemaker:path//endpoints/llm-dev/invocations"
                ),
            }
        ]
        [stage] = rest["stages"]
        assert stage["throttle"] == {"rate_limit": 10, "burst_limit": None}
        assert stage["usage_plan_throttles"] == [{"rate_limit": 5, "burst_limit": 10}]
        assert stage["web_acl"] == "aws_wafv2_web_acl.api"
        http = resources["aws_apigatewayv2_api.chat"].attributes
        assert [r["integration_type"] for r in http["routes"]] == ["HTTP_PROXY"]
        assert http["stages"][0]["route_throttles"] == [
            {"route_key": "POST /chat", "throttle": {"rate_limit": 2, "burst_limit": 4}}
        ]
        acl = resources["aws_wafv2_web_acl.api"].attributes
        assert acl["rules"] == [
            {"name": "rate", "rate_based": True, "rate_limit": 500, "action": "block"}
        ]
        assert acl["associated_resources"] == ["aws_api_gateway_stage.v1"]
        detector = resources["aws_guardduty_detector.main"].attributes
        assert detector == {
            "enabled": True,
            "features": [{"name": "RUNTIME_MONITORING", "status": "ENABLED"}],
        }
        assert resources["aws_eks_node_group.gpu"].attributes["cluster"] == "aws_eks_cluster.ml"
        assert resources["aws_cloudtrail.data"].attributes["s3_bucket_name"] == "eq-logs-dev"


def test_same_verdicts(tmp_path: Path) -> None:
    """The point of it all: every control gives the same result on the code and on its
    plan (and the fixture is not vacuous: controls fail and pass on it)."""

    def verdicts(*source: str) -> list[tuple[str, str, str]]:
        out = tmp_path / f"{source[0].strip('-')}.json"
        env = Environment(stdout=io.StringIO(), stderr=io.StringIO())
        code = main(["scan", *source, "--no-store", "-q", "-o", f"json={out}"], env)
        assert code in (0, 1, 3), env.stderr.getvalue()
        results = json.loads(out.read_text())["results"]
        return sorted((r["control_id"], r["resource_id"], r["status"]) for r in results)

    from_code = verdicts("--terraform", str(FIXTURES))
    from_plan = verdicts("--plan", str(FIXTURES / "plan.json"))
    assert from_code == from_plan
    statuses = {status for _, _, status in from_code}
    assert {"pass", "fail"} <= statuses
    judged = {control for control, _, _ in from_code}
    assert {"ACC-01", "ACC-02", "GPU-07", "PE-01", "PE-03", "LOG-01", "NET-05"} <= judged
