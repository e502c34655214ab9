"""The Terraform HCL collector on real files, parsed by checkov (nothing mocked).

Golden tests in the style of snyk/policy-engine: a fixture directory in, the whole
snapshot out, compared with `<fixture>.expected.json`. After a deliberate change, run
`AUDITOR_UPDATE_GOLDEN=1 pytest tests/test_terraform_*.py` and review the diff.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.collectors.terraform import TerraformCollector
from auditor.collectors.terraform.checkov_graph import render
from auditor.collectors.terraform.normalise import MAPPED_KINDS
from auditor.kinds import validate_attributes
from auditor.model import Resource, Snapshot

FIXTURES = Path(__file__).parent / "fixtures" / "terraform"


@pytest.fixture(autouse=True)
def _in_fixtures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths are given relative to the fixtures, as a user gives them: scopes and
    locations in the goldens do not depend on where the repository is."""
    monkeypatch.chdir(FIXTURES)


def check_golden(snapshot: Snapshot, expected: str) -> None:
    actual = snapshot.to_dict()
    actual.pop("created_at")
    path = FIXTURES / expected
    if os.environ.get("AUDITOR_UPDATE_GOLDEN"):
        path.write_text(json.dumps(actual, indent=1, sort_keys=True) + "\n")
    assert actual == json.loads(path.read_text())


def by_id(snapshot: Snapshot) -> dict[str, Resource]:
    return {r.id: r for r in snapshot.resources}


@pytest.fixture(scope="module")
def basic() -> Snapshot:
    old = os.getcwd()
    os.chdir(FIXTURES)
    try:
        return TerraformCollector("hcl/basic").collect()
    finally:
        os.chdir(old)


def test_basic_golden(basic: Snapshot) -> None:
    check_golden(basic, "hcl/basic.expected.json")


def test_every_resource_validates_against_its_kind(basic: Snapshot) -> None:
    for resource in basic.resources:
        assert validate_attributes(resource.kind, resource.attributes) == [], resource.id
        # No input made a normaliser fail (that would show as "could not be read").
        assert not any("could not be read" in r for r in resource.unknown.values()), resource.id


def test_every_kind_is_produced(basic: Snapshot) -> None:
    kinds = {r.kind for r in basic.resources}
    expected = {
        "aws_instance",
        "aws_security_group",
        "aws_s3_bucket",
        "aws_s3_account_public_access_block",
        "aws_ebs_volume",
        "aws_ebs_encryption_by_default",
        "aws_ecr_repository",
        "aws_kms_key",
        "aws_lb",
        "aws_lb_listener",
        "aws_lb_target_group",
        "aws_sagemaker_model",
        "aws_sagemaker_endpoint_configuration",
        "aws_sagemaker_endpoint",
        "google_compute_instance",
        "google_compute_disk",
        "google_compute_firewall",
        "google_compute_network",
        "google_compute_subnetwork",
        "google_compute_forwarding_rule",
        "google_compute_backend_service",
        "google_compute_ssl_policy",
        "google_compute_target_http_proxy",
        "google_compute_target_https_proxy",
        "google_compute_url_map",
    }
    assert expected <= kinds


def test_coverage_and_source(basic: Snapshot) -> None:
    """One record per kind the collector maps, each with its count (0 included); no
    record for a kind it cannot map, so that it never claims to have read one."""
    assert basic.problems == []
    by_kind = {c.kind: c for c in basic.coverage}
    assert len(by_kind) == len(basic.coverage)
    assert set(by_kind) == set(MAPPED_KINDS)
    assert "*" not in by_kind and "aws_sagemaker_training_job" not in by_kind
    assert {(c.source, c.scope, c.status) for c in basic.coverage} == {
        ("terraform", "terraform:hcl/basic", "collected")
    }
    assert sum(c.count for c in basic.coverage) == len(basic.resources)
    assert by_kind["aws_instance"].count == sum(r.kind == "aws_instance" for r in basic.resources)
    assert by_kind["aws_eks_cluster"].count == 0
    assert {r.source for r in basic.resources} == {"terraform"}
    assert {r.scope for r in basic.resources} == {"terraform:hcl/basic"}


def test_count_variables_and_locals_are_rendered(basic: Snapshot) -> None:
    resources = by_id(basic)
    gpu = resources["aws_instance.gpu[1]"]
    assert "aws_instance.gpu[0]" in resources
    assert "aws_instance.gpu[2]" not in resources
    assert gpu.name == "gpu"
    assert gpu.tags == {"team": "ml-platform", "ai-workload": "true", "Name": "ml-prod-gpu-1"}
    assert gpu.region == "eu-west-1"
    assert gpu.location is not None
    assert (gpu.location.file, gpu.location.line, gpu.location.end_line) == ("main.tf", 84, 108)
    sg = resources["aws_security_group.gpu"].attributes
    assert sg["group_name"] == "ml-prod-gpu"
    assert sg["ingress"][0]["cidr_blocks"] == ["10.20.0.0/16"]


def test_module_resources_have_module_addresses(basic: Snapshot) -> None:
    resources = by_id(basic)
    lb = resources["module.network.aws_lb.public"]
    assert lb.location is not None and lb.location.file == "modules/network/main.tf"
    assert lb.attributes["security_groups"] == ["module.network.aws_security_group.lb"]
    # A module variable set from the caller's reference resolves in the caller.
    assert lb.attributes["subnets"] == ["aws_subnet.public"]
    assert resources["module.network.aws_security_group.lb"].attributes["vpc_id"] == "aws_vpc.main"


def test_references_resolve_to_addresses(basic: Snapshot) -> None:
    resources = by_id(basic)
    gpu = resources["aws_instance.gpu[0]"].attributes
    assert gpu["security_groups"] == ["aws_security_group.gpu"]
    assert gpu["subnet_id"] == "aws_subnet.private"
    assert gpu["vpc_id"] == "aws_vpc.main"
    assert gpu["volumes"][0] == {
        "device_name": None,
        "root": True,
        "encrypted": True,
        "kms_key_id": "aws_kms_key.data",
        "volume_id": None,
    }
    # An ebs_block_device without `encrypted` is not set (null), not false: the account's
    # EBS encryption by default may encrypt it (ENC-03 reads null that way).
    assert gpu["volumes"][1]["encrypted"] is None
    listener = resources["module.network.aws_lb_listener.https"].attributes
    assert listener["load_balancer"] == "module.network.aws_lb.public"
    assert listener["actions"][0]["target_groups"] == ["module.network.aws_lb_target_group.gpu"]


def test_public_ip_defaults(basic: Snapshot) -> None:
    resources = by_id(basic)
    assert resources["aws_instance.gpu[0]"].attributes["public_ip"] is False  # private subnet
    assert resources["aws_instance.bastion"].attributes["public_ip"] is True  # auto-assigning
    assert resources["aws_instance.default_vpc"].attributes["public_ip"] is True  # no subnet
    imds = resources["aws_instance.bastion"].attributes["metadata_options"]
    assert imds["http_tokens"] == "optional"
    assert imds["http_endpoint"] == "enabled"


def test_variable_without_value_is_unknown(basic: Snapshot) -> None:
    bastion = by_id(basic)["aws_instance.bastion"]
    assert "ami" not in bastion.attributes
    assert bastion.unknown == {"ami": "variable bastion_ami has no value"}


def test_dynamic_blocks_keep_static_blocks(basic: Snapshot) -> None:
    sg = by_id(basic)["aws_security_group.gpu"].attributes
    ports = [(r["from_port"], r["description"]) for r in sg["ingress"]]
    assert ports[:3] == [
        (22, "ssh from admins"),
        (8888, "notebook port 8888"),
        (6006, "notebook port 6006"),
    ]


def test_security_group_rules_are_folded(basic: Snapshot) -> None:
    resources = by_id(basic)
    ingress = resources["aws_security_group.gpu"].attributes["ingress"]
    assert [r["from_port"] for r in ingress] == [22, 8888, 6006, 443, 8080]
    assert ingress[3]["cidr_blocks"] == ["0.0.0.0/0"]
    assert ingress[4]["source_security_groups"] == ["module.network.aws_security_group.lb"]
    folded = ("aws_security_group_rule.", "aws_vpc_security_group_")
    assert not any(r.id.startswith(folded) for r in basic.resources)


def test_rule_of_a_group_outside_the_configuration_is_still_judged(basic: Snapshot) -> None:
    stub = by_id(basic)["sg-0123456789abcdef0"]
    assert stub.kind == "aws_security_group"
    assert stub.attributes["ingress"][0]["protocol"] == "tcp"  # "6"
    assert stub.attributes["ingress"][0]["cidr_blocks"] == ["0.0.0.0/0"]
    assert stub.unknown["group_name"] == "sg-0123456789abcdef0 is not defined in this configuration"


def test_s3_configuration_is_folded_into_the_bucket(basic: Snapshot) -> None:
    resources = by_id(basic)
    bucket = resources["aws_s3_bucket.artifacts"]
    assert bucket.name == "ml-prod-model-artifacts"
    attrs = bucket.attributes
    assert attrs["encryption"] == {
        "sse_algorithm": "aws:kms",
        "kms_master_key_id": "aws_kms_key.data",
        "key_managed_by": "customer",
        "bucket_key_enabled": True,
        "default": False,
    }
    assert attrs["public_access_block"] == dict.fromkeys(
        [
            "block_public_acls",
            "ignore_public_acls",
            "block_public_policy",
            "restrict_public_buckets",
        ],
        True,
    )
    assert attrs["versioning"] == {"enabled": True, "mfa_delete": False}
    assert attrs["logging"] == {
        "target_bucket": "aws_s3_bucket.logs",
        "target_prefix": "artifacts/",
    }
    assert attrs["acl"] == "private"
    assert attrs["lifecycle_rules"] == [
        {
            "id": "expire-checkpoints",
            "enabled": True,
            "prefix": "checkpoints/",
            "expiration_days": 30,
        }
    ]
    statement = attrs["policy"]["Statement"][0]
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert not any(r.id.startswith("aws_s3_bucket_") for r in basic.resources)


def test_s3_defaults_and_legacy_blocks(basic: Snapshot) -> None:
    resources = by_id(basic)
    assert resources["aws_s3_bucket.scratch"].attributes["encryption"] == {
        "sse_algorithm": "AES256",
        "kms_master_key_id": None,
        "key_managed_by": None,
        "bucket_key_enabled": None,
        "default": True,
    }
    logs = resources["aws_s3_bucket.logs"].attributes
    assert logs["acl"] == "log-delivery-write"
    assert logs["versioning"]["enabled"] is True
    assert logs["encryption"]["sse_algorithm"] == "AES256"
    assert logs["encryption"]["default"] is False
    # Folded by bucket name; alias/aws/s3 is the AWS-managed key.
    datasets = resources["aws_s3_bucket.datasets"].attributes["encryption"]
    assert datasets["key_managed_by"] == "aws"


def test_account_public_access_block_is_joined_into_buckets(basic: Snapshot) -> None:
    resources = by_id(basic)
    account = resources["aws_s3_account_public_access_block.this"].attributes
    assert account == {
        "block_public_acls": True,
        "ignore_public_acls": False,
        "block_public_policy": True,
        "restrict_public_buckets": False,
    }
    for resource in basic.resources:
        if resource.kind == "aws_s3_bucket":
            assert resource.attributes["account_public_access_block"] == account


def test_policy_of_a_bucket_outside_the_configuration(basic: Snapshot) -> None:
    stub = by_id(basic)["shared-datasets"]
    assert stub.kind == "aws_s3_bucket"
    assert stub.attributes["policy"]["Statement"][0]["Principal"] == "*"
    assert "encryption" in stub.unknown and "encryption" not in stub.attributes


def test_attachments_and_listener_rules_are_folded(basic: Snapshot) -> None:
    resources = by_id(basic)
    assert resources["aws_ebs_volume.scratch"].attributes["attached_instances"] == [
        "aws_instance.gpu[0]"
    ]
    assert resources["module.network.aws_lb_target_group.gpu"].attributes["targets"] == [
        {"target": "aws_instance.gpu[0]", "port": 8080},
        {"target": "aws_instance.gpu[1]", "port": 8080},
    ]
    actions = resources["module.network.aws_lb_listener.https"].attributes["actions"]
    assert [a["type"] for a in actions] == ["forward", "fixed-response"]


def test_sagemaker_relations(basic: Snapshot) -> None:
    resources = by_id(basic)
    model = resources["aws_sagemaker_model.llm"].attributes
    assert model["containers"][0]["environment_keys"] == ["HF_TOKEN", "MODEL_ID"]
    assert model["vpc_config"] == {
        "subnets": ["aws_subnet.private"],
        "security_group_ids": ["aws_security_group.gpu"],
    }
    variant = resources["aws_sagemaker_endpoint_configuration.llm"].attributes[
        "production_variants"
    ][0]
    assert (variant["model"], variant["model_name"]) == ("aws_sagemaker_model.llm", "ml-prod-llm")
    endpoint = resources["aws_sagemaker_endpoint.llm"].attributes
    assert endpoint["endpoint_config"] == "aws_sagemaker_endpoint_configuration.llm"


def test_secrets_never_enter_the_snapshot(basic: Snapshot) -> None:
    text = json.dumps(basic.to_dict())
    assert "CANARY" not in text
    assert "HF_TOKEN" in text  # the name is kept


def test_gcp_instance(basic: Snapshot) -> None:
    resources = by_id(basic)
    trainer = resources["google_compute_instance.trainer"]
    assert trainer.tags == {"ai-workload": "true"}
    assert (trainer.account, trainer.region) == ("ml-research", "us-central1")
    attrs = trainer.attributes
    assert attrs["machine_type"] == "a2-highgpu-1g"
    assert attrs["guest_accelerators"] == [{"type": "nvidia-tesla-a100", "count": 1}]
    assert attrs["network_interfaces"][0]["public_ip"] is True
    assert attrs["network_tags"] == ["trainer"]
    assert attrs["service_accounts"][0]["scopes"] == [
        "https://www.googleapis.com/auth/cloud-platform",
        "https://www.googleapis.com/auth/devstorage.read_only",
    ]
    assert attrs["shielded_vm"] == {
        "enable_secure_boot": False,
        "enable_vtpm": True,
        "enable_integrity_monitoring": True,
    }
    assert attrs["disks"] == [
        {
            "source": None,
            "boot": True,
            "kms_key": "google_kms_crypto_key.disks",
            "encryption": "cmek",
        },
        {
            "source": "google_compute_disk.datasets",
            "boot": False,
            "kms_key": None,
            "encryption": "csek",
        },
    ]
    assert resources["google_compute_disk.datasets"].attributes["users"] == [
        "google_compute_instance.trainer"
    ]


def test_gcp_load_balancing_and_firewalls(basic: Snapshot) -> None:
    resources = by_id(basic)
    rule = resources["google_compute_global_forwarding_rule.inference"]
    assert rule.kind == "google_compute_forwarding_rule"
    assert rule.attributes["global"] is True
    assert rule.attributes["target"] == "google_compute_target_https_proxy.inference"
    proxy = resources["google_compute_target_https_proxy.inference"].attributes
    assert proxy["ssl_policy"] == "google_compute_ssl_policy.modern"
    # An ingress rule with no source applies to every source.
    jupyter = resources["google_compute_firewall.jupyter"].attributes
    assert jupyter["source_ranges"] == ["0.0.0.0/0"]
    assert jupyter["allowed"][0]["protocol"] == "tcp"


def test_malformed_file_does_not_hide_the_good_files() -> None:
    snapshot = TerraformCollector("hcl/broken").collect()
    assert sorted(r.id for r in snapshot.resources) == [
        "aws_s3_bucket.models",
        "aws_security_group.open",
    ]
    [problem] = snapshot.problems
    assert (problem.source, problem.file, problem.line) == ("terraform", "bad.tf", 7)
    assert "invalid HCL" in problem.message
    [coverage] = snapshot.coverage
    assert coverage.status == "error"
    assert coverage.reason is not None and coverage.reason.startswith("bad.tf: invalid HCL")
    assert coverage.count == 2


def test_single_file() -> None:
    snapshot = TerraformCollector("hcl/broken/good.tf").collect()
    assert snapshot.problems == []
    assert snapshot.coverage[0].scope == "terraform:hcl/broken/good.tf"
    locations = {r.id: r.location for r in snapshot.resources}
    location = locations["aws_security_group.open"]
    assert location is not None
    assert (location.file, location.line) == ("hcl/broken/good.tf", 1)


@pytest.mark.parametrize("path", ["hcl/does-not-exist", "plan/state.json"])
def test_missing_or_wrong_path(path: str) -> None:
    snapshot = TerraformCollector(path).collect()
    assert snapshot.resources == []
    [problem] = snapshot.problems
    assert problem.file == path
    assert snapshot.coverage[0].status == "error"


def test_module_that_was_not_read_makes_the_scan_incomplete() -> None:
    snapshot = TerraformCollector("hcl/remote-module").collect()
    [problem] = snapshot.problems
    assert (problem.file, problem.line) == ("main.tf", 1)
    assert "module vpc" in problem.message
    assert snapshot.coverage[0].status == "error"
    gpu = by_id(snapshot)["aws_instance.gpu"]
    assert "public_ip" in gpu.unknown and "public_ip" not in gpu.attributes


def test_several_root_modules_keep_distinct_ids() -> None:
    snapshot = TerraformCollector("hcl/roots").collect()
    resources = by_id(snapshot)
    assert sorted(resources) == ["serving:aws_s3_bucket.data", "training:aws_s3_bucket.data"]
    assert resources["training:aws_s3_bucket.data"].attributes["versioning"]["enabled"] is True
    assert resources["serving:aws_s3_bucket.data"].attributes["versioning"]["enabled"] is False


def test_importing_the_collectors_does_not_import_checkov() -> None:
    code = "import sys, auditor.collectors.terraform; print('checkov' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=_repo()
    )
    assert out.stdout.strip() == "False"


def _repo() -> Path:
    return Path(__file__).resolve().parent.parent


def test_memoised_rendering_renders_the_same() -> None:
    def rendered(memoise: bool) -> list[str]:
        vertices, _errors, _base = render(Path("hcl/basic"), memoise=memoise)
        return sorted(json.dumps(v.attributes, sort_keys=True, default=str) for v in vertices)

    assert rendered(True) == rendered(False)


def _fresh_process(check: str, *args: str) -> None:
    """Run a check of tests/parse_ahead_checks.py in a fresh, single-threaded process
    (parse workers are forked only from one), in the fixtures folder."""
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).parent / "parse_ahead_checks.py"), check, *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=FIXTURES,
        env={**os.environ, "PYTHONPATH": str(_repo())},
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stdout + proc.stderr


def test_files_parsed_ahead_by_workers() -> None:
    _fresh_process("parsed_ahead_by_workers")


def test_the_main_process_steals_the_files_no_worker_started(tmp_path: Path) -> None:
    _fresh_process("main_process_steals", str(tmp_path))


def test_files_read_ahead_are_what_collect_uses() -> None:
    _fresh_process("read_ahead_is_what_collect_uses")


@pytest.mark.parametrize("path", ["hcl/basic", "hcl/broken"])
def test_parse_workers_give_the_same_snapshot(path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def snapshot(workers: str) -> dict[str, object]:
        monkeypatch.setenv("AUDITOR_TERRAFORM_WORKERS", workers)
        data = TerraformCollector(path).collect().to_dict()
        data.pop("created_at")
        return data

    assert snapshot("2") == snapshot("0")


def test_dynamic_blocks_whose_for_each_is_unknown() -> None:
    snapshot = TerraformCollector("hcl/dynamic").collect()
    resources = by_id(snapshot)
    # How many rules the unresolved for_each makes is unknown: so is the whole list.
    group = resources["aws_security_group.open_ports"]
    assert "ingress" not in group.attributes
    assert group.unknown["ingress"] == "the for_each of dynamic block ingress could not be resolved"
    # Nested in a block: resolved where the for_each is written out, unknown where not.
    notebook = resources["google_compute_instance.notebook"]
    first, second = notebook.attributes["network_interfaces"]
    assert first["access_configs"] == [{"nat_ip": "35.1.2.3", "type": "ONE_TO_ONE_NAT"}]
    assert first["public_ip"] is True
    assert "public_ip" not in second
    assert "network_interfaces.1.public_ip" in notebook.unknown


# ---------------------------------------------------------------------------------
# Managed-service kinds (aws_services.py): defaults, folds, unknowns


SHARED_ACL = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/shared/0f1e2d3c"


@pytest.fixture(scope="module")
def services() -> dict[str, Resource]:
    old = os.getcwd()
    os.chdir(FIXTURES)
    try:
        snapshot = TerraformCollector("hcl/services").collect()
    finally:
        os.chdir(old)
    assert snapshot.problems == []
    for resource in snapshot.resources:
        assert validate_attributes(resource.kind, resource.attributes) == [], resource.id
        assert not any("could not be read" in r for r in resource.unknown.values()), resource.id
    return by_id(snapshot)


def test_services_defaults_are_the_providers(services: dict[str, Resource]) -> None:
    """What AWS does when nothing is written: a notebook with direct internet access and
    root, outside any VPC; an EKS API endpoint public to the world."""
    notebook = services["aws_sagemaker_notebook_instance.defaults"].attributes
    assert notebook["direct_internet_access"] is True
    assert notebook["root_access"] is True
    assert notebook["subnet_id"] is None
    cluster = services["aws_eks_cluster.defaults"]
    assert cluster.attributes["endpoint_public_access"] is True
    assert cluster.attributes["public_access_cidrs"] == ["0.0.0.0/0"]
    assert cluster.attributes["encryption_config"] == []
    assert cluster.attributes["enabled_log_types"] == []
    # The VPC of a subnet outside the configuration is not guessed.
    assert "vpc_id" not in cluster.attributes and "vpc_id" in cluster.unknown
    group = services["aws_cloudwatch_log_group.forever"].attributes
    assert group["retention_in_days"] is None  # never expires


def test_services_unknown_values_are_never_guessed(services: dict[str, Resource]) -> None:
    cluster = services["aws_eks_cluster.by_variable"]
    assert cluster.unknown["endpoint_public_access"] == "variable public_endpoint has no value"
    assert "public_access_cidrs" in cluster.unknown
    assert "endpoint_public_access" not in cluster.attributes
    nodes = services["aws_eks_node_group.templated"]
    assert nodes.unknown["instance_types"] == "the launch template decides"
    assert "ami_type" in nodes.unknown
    # A cluster outside the input is named by its name (the kind says so).
    assert nodes.attributes["cluster"] == "cluster-elsewhere"
    openapi = services["aws_api_gateway_rest_api.openapi"]
    assert "methods" in openapi.unknown and "methods" not in openapi.attributes
    prefixed = services["aws_cloudwatch_log_group.prefixed"]
    assert prefixed.unknown["log_group_name"] == "generated from name_prefix"
    assert prefixed.attributes["retention_in_days"] is None  # 0 is "never expire"


def test_services_rest_api_assembled_from_its_resources(services: dict[str, Resource]) -> None:
    api = services["aws_api_gateway_rest_api.nested"].attributes
    assert [(m["path"], m["http_method"]) for m in api["methods"]] == [
        ("/v1/chat", "POST"),
        ("/", "GET"),
    ]
    chat, root = api["methods"]
    assert chat["authorization_type"] == "COGNITO_USER_POOLS"
    assert (chat["integration_type"], chat["integration_uri"]) == (None, None)
    assert root["integration_type"] == "MOCK"
    [stage] = api["stages"]
    assert stage["stage_name"] == "prod"
    assert stage["throttle"] is None
    assert stage["method_throttles"] == [
        {"path": "v1/chat/POST", "throttle": {"rate_limit": 1.5, "burst_limit": 3}}
    ]
    # The association names an ACL outside the configuration: its literal ARN.
    assert (
        stage["web_acl"] == "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/shared/0f1e2d3c"
    )


def test_services_settings_of_resources_outside_the_input_are_still_judged(
    services: dict[str, Resource],
) -> None:
    """A WAF association or a GuardDuty feature whose ACL or detector is elsewhere makes a
    partial resource: what was written is there, the rest is unknown (error, not pass
    and not an absence)."""
    acl = services[SHARED_ACL]
    assert acl.kind == "aws_wafv2_web_acl"
    assert acl.attributes["associated_resources"] == ["aws_api_gateway_stage.prod"]
    assert "rules" in acl.unknown
    detector = services["12abc34d567e8fa901bc2d34e56789f0"]
    assert detector.kind == "aws_guardduty_detector"
    assert detector.attributes["features"] == [{"name": "RUNTIME_MONITORING", "status": "ENABLED"}]
    assert "enabled" in detector.unknown


def test_services_cloudfront_web_acl_associations_are_unknown(
    services: dict[str, Resource],
) -> None:
    acl = services["aws_wafv2_web_acl.edge"]
    assert acl.attributes["scope"] == "CLOUDFRONT"
    assert "associated_resources" not in acl.attributes
    assert acl.unknown["associated_resources"] == (
        "CloudFront web ACL: the distributions it protects are not collected"
    )


def test_services_guardduty_datasources_are_features(services: dict[str, Resource]) -> None:
    detector = services["aws_guardduty_detector.legacy"].attributes
    assert detector["enabled"] is True
    assert detector["features"] == [
        {"name": "S3_DATA_EVENTS", "status": "ENABLED"},
        {"name": "EKS_AUDIT_LOGS", "status": "DISABLED"},
    ]


def test_services_cloudtrail_selectors(services: dict[str, Resource]) -> None:
    """Advanced selectors as the live collector reads them: data events only, all S3
    objects when no ARN is given. A value built from a bucket's `arn` is that bucket's
    ARN prefix when the reference is resolved (plans), else unknown (HCL leaves the
    interpolation unresolved today): never taken as 'all buckets', never dropped."""
    trail = services["aws_cloudtrail.all_s3"].attributes
    assert trail["data_resources"] == [{"type": "AWS::S3::Object", "values": ["arn:aws:s3"]}]
    assert trail["is_logging"] is True and trail["is_multi_region_trail"] is False
    by_reference = services["aws_cloudtrail.by_reference"]
    if "data_resources" in by_reference.unknown:
        assert "data_resources" not in by_reference.attributes
    else:
        assert by_reference.attributes["data_resources"] == [
            {"type": "AWS::S3::Object", "values": ["arn:aws:s3:::services-data/"]}
        ]


def test_services_ecs_environment_names_only(services: dict[str, Resource]) -> None:
    task = services["aws_ecs_task_definition.server"]
    [container] = task.attributes["containers"]
    assert container["image"] == "ghcr.io/huggingface/text-generation-inference:2.0"
    assert container["readonly_root_filesystem"] is True
    assert container["environment_keys"] == ["HF_TOKEN", "MODEL_ID"]
    assert "CANARY" not in json.dumps(task.to_dict())


def test_services_quick_create_http_api(services: dict[str, Resource]) -> None:
    """`target` on the API creates a route without authorization and a $default stage
    without throttling: both are judged (ACC-01, ACC-02), not taken as 'no stage'."""
    api = services["aws_apigatewayv2_api.quick"].attributes
    assert api["routes"] == [
        {
            "route_key": "$default",
            "authorization_type": "NONE",
            "api_key_required": False,
            "integration_type": "HTTP_PROXY",
            "integration_uri": "https://inference.example.com/v1/chat",
        }
    ]
    assert [s["stage_name"] for s in api["stages"]] == ["$default"]
    assert api["stages"][0]["throttle"] is None
