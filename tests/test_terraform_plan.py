"""The Terraform plan collector on hand-written `terraform show -json` documents.

Golden tests: `plan/<case>/plan.json` in, the whole snapshot out, compared with
`plan/<case>.expected.json`. `AUDITOR_UPDATE_GOLDEN=1` rewrites the goldens (review the
diff before committing).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from auditor.collectors.terraform import PlanCollector
from auditor.collectors.terraform.normalise import MAPPED_KINDS
from auditor.kinds import validate_attributes
from auditor.model import Resource, Snapshot

FIXTURES = Path(__file__).parent / "fixtures" / "terraform"
BASIC = "plan/basic/plan.json"


@pytest.fixture(autouse=True)
def _in_fixtures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES)


def check_golden(snapshot: Snapshot, expected: str) -> None:
    actual = snapshot.to_dict()
    actual.pop("created_at")
    path = FIXTURES / expected
    if os.environ.get("AUDITOR_UPDATE_GOLDEN"):
        path.write_text(json.dumps(actual, indent=1, sort_keys=True) + "\n")
    assert actual == json.loads(path.read_text())


def collect(path: str) -> Snapshot:
    return PlanCollector(path).collect()


def by_id(snapshot: Snapshot) -> dict[str, Resource]:
    return {r.id: r for r in snapshot.resources}


def test_basic_golden() -> None:
    check_golden(collect(BASIC), "plan/basic.expected.json")


def test_state_golden() -> None:
    check_golden(collect("plan/state.json"), "plan/state.expected.json")


@pytest.mark.parametrize("path", [BASIC, "plan/state.json", "equivalence/plan.json"])
def test_every_resource_validates_against_its_kind(path: str) -> None:
    snapshot = collect(path)
    assert snapshot.resources
    for resource in snapshot.resources:
        assert validate_attributes(resource.kind, resource.attributes) == [], resource.id
        # No input made a normaliser fail (that would show as "could not be read").
        assert not any("could not be read" in r for r in resource.unknown.values()), resource.id


def test_coverage_and_source() -> None:
    snapshot = collect(BASIC)
    assert snapshot.problems == []
    assert {(c.source, c.scope, c.status) for c in snapshot.coverage} == {
        ("terraform-plan", f"terraform-plan:{BASIC}", "collected")
    }
    assert [c.kind for c in snapshot.coverage] == list(MAPPED_KINDS)
    assert sum(c.count for c in snapshot.coverage) == len(snapshot.resources)
    assert {r.source for r in snapshot.resources} == {"terraform-plan"}
    assert all(r.location is None for r in snapshot.resources)


def test_values_known_only_after_apply_are_unknown() -> None:
    legacy = by_id(collect(BASIC))["aws_instance.legacy"]
    assert "ami" not in legacy.attributes
    assert legacy.unknown["ami"] == "known after apply: computed from aws_ami_copy.gpu"
    assert "http_tokens" not in legacy.attributes["metadata_options"]
    assert legacy.unknown["metadata_options.http_tokens"].startswith("known after apply")
    # A literal subnet the plan does not create: its public IP setting is unknown.
    assert "public_ip" in legacy.unknown and "public_ip" not in legacy.attributes


def test_relations_resolve_through_configuration_references() -> None:
    resources = by_id(collect(BASIC))
    worker = resources["aws_instance.worker[1]"].attributes
    assert worker["security_groups"] == ["aws_security_group.workers"]
    # Through the module's output, into the module's subnet.
    assert worker["subnet_id"] == "module.net.aws_subnet.public"
    assert worker["vpc_id"] == "module.net.aws_vpc.this"
    assert worker["iam_instance_profile"] == "aws_iam_instance_profile.worker"
    # Not written: the subnet decides (it maps public IPs), as in HCL.
    assert worker["public_ip"] is True
    assert worker["metadata_options"]["http_endpoint"] == "enabled"


def test_whole_unknown_blocks_are_rebuilt_from_the_configuration() -> None:
    workers = by_id(collect(BASIC))["aws_security_group.workers"].attributes
    assert workers["ingress"] == [
        {
            "protocol": "tcp",
            "from_port": 8080,
            "to_port": 8080,
            "cidr_blocks": [],
            "ipv6_cidr_blocks": [],
            "source_security_groups": ["module.net.aws_security_group.lb"],
            "prefix_list_ids": [],
            "self": False,
            "description": "from the load balancer",
        }
    ]
    assert workers["vpc_id"] == "module.net.aws_vpc.this"


def test_customer_managed_key_through_a_reference() -> None:
    bucket = by_id(collect(BASIC))["aws_s3_bucket.artifacts"]
    assert bucket.attributes["encryption"] == {
        "sse_algorithm": "aws:kms",
        "kms_master_key_id": "aws_kms_key.artifacts",
        "key_managed_by": "customer",
        "bucket_key_enabled": True,
        "default": False,
    }
    # The policy interpolates the bucket's ARN: unknown until apply.
    assert bucket.unknown == {"policy": "known after apply: computed from aws_s3_bucket.artifacts"}
    assert bucket.tags == {"model-artifacts": "true"}


def test_existing_resources_fold_by_known_id() -> None:
    resources = by_id(collect(BASIC))
    existing = resources["aws_s3_bucket.existing"]
    assert existing.name == "ml-existing-data"
    assert existing.attributes["versioning"] == {"enabled": True, "mfa_delete": False}
    assert existing.attributes["public_access_block"]["block_public_policy"] is True  # after
    assert "aws_s3_bucket.old" not in resources  # deleted by the plan
    assert not any(r.id.startswith("aws_s3_bucket_") for r in resources.values())


def test_for_each_and_name_relations() -> None:
    resources = by_id(collect(BASIC))
    assert {'aws_sagemaker_model.m["blue"]', 'aws_sagemaker_model.m["green"]'} <= set(resources)
    variant = resources["aws_sagemaker_endpoint_configuration.llm"].attributes[
        "production_variants"
    ][0]
    assert variant["model"] == 'aws_sagemaker_model.m["blue"]'
    endpoint = resources["aws_sagemaker_endpoint.llm"].attributes
    assert endpoint["endpoint_config"] == "aws_sagemaker_endpoint_configuration.llm"


def test_gcp_instance_in_a_plan() -> None:
    trainer = by_id(collect(BASIC))["google_compute_instance.trainer"]
    assert (trainer.account, trainer.region) == ("ml-research", "europe-west4")
    assert trainer.attributes["disks"][0]["kms_key"] == "google_kms_crypto_key.disks"
    assert trainer.attributes["disks"][0]["encryption"] == "cmek"
    assert trainer.attributes["network_interfaces"][0]["public_ip"] is False


def test_secrets_never_enter_the_snapshot() -> None:
    for path in (BASIC, "equivalence/plan.json"):
        text = json.dumps(collect(path).to_dict())
        assert "CANARY" not in text
        assert "HF_TOKEN" in text or "API_TOKEN" in text


def test_without_configuration_unknown_values_stay_unknown(tmp_path: Path) -> None:
    document = json.loads((FIXTURES / BASIC).read_text())
    del document["configuration"]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document))
    worker = by_id(collect(str(path)))["aws_instance.worker[0]"]
    assert worker.unknown["security_groups"] == "known after apply"
    assert worker.unknown["subnet_id"] == "known after apply"


def test_malformed_json_names_file_and_line() -> None:
    snapshot = collect("plan/malformed.json")
    assert snapshot.resources == []
    [problem] = snapshot.problems
    assert (problem.source, problem.file, problem.line) == (
        "terraform-plan",
        "plan/malformed.json",
        7,
    )
    assert problem.message.startswith("invalid JSON")
    [coverage] = snapshot.coverage
    assert coverage.status == "error"
    assert coverage.reason is not None and coverage.reason.startswith("plan/malformed.json")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("plan/missing.json", "no such file or directory"),
        ("plan", "is a directory"),
        ("plan/not-a-plan.json", "not the JSON of `terraform show -json`"),
        ("hcl/basic/main.tf", "invalid JSON"),
    ],
)
def test_bad_input(path: str, message: str) -> None:
    snapshot = collect(path)
    [problem] = snapshot.problems
    assert problem.file == path
    assert problem.message.startswith(message)
    assert snapshot.coverage[0].status == "error"


def test_unsupported_format_version(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format_version": "2.0", "planned_values": {}}))
    [problem] = collect(str(path)).problems
    assert "format_version" in problem.message


def test_everything_inside_an_unknown_block_is_unknown() -> None:
    """A nested block known only after apply (or unresolvable) makes every value and block
    read inside it unknown, with its reason: never absent, so never a default."""
    from auditor.collectors.terraform.engine import Context, Reader
    from auditor.collectors.terraform.raw import PlainResolver, TfResource, Unknown

    block = Unknown("known after apply")
    resource = TfResource("aws_ecr_repository.r", "aws_ecr_repository", "r", {"x": block})
    rd = Reader(Context([resource], PlainResolver()), resource)
    assert rd.value(block, "scan_on_push") == block
    assert rd.block(block, "rule") == block
    assert rd.blocks(block, "rule") == block
    assert rd.rel(block, "kms_key") == block
    assert rd.value(None, "scan_on_push") is None  # an absent block stays absent
