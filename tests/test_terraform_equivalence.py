"""The same infrastructure, as HCL and as the `terraform show -json` of its plan, gives
the same normalised resources: one policy judges code and plan alike.

tests/fixtures/terraform/equivalence/ holds main.tf and plan.json, its plan.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from auditor.collectors.terraform import PlanCollector, TerraformCollector
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
