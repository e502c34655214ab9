"""Synthetic snapshots of a large, realistic, partly insecure AWS and GCP estate.

The evaluation benchmark needs an input that exercises the policies the way a real
estate does, or its figures mean nothing: every aws_* and google_compute_* kind of
auditor/kinds, in the proportions a cloud estate has (many instances, volumes and
security groups; few load balancers and SageMaker endpoints), joined the way
collectors join them (instances -> security groups and volumes, listeners -> target
groups -> instances, SageMaker models -> artifact buckets, endpoint configurations ->
models, forwarding rules -> proxies -> URL maps -> backend services), spread over
accounts and projects of uneven size (evaluation runs scope by scope, so the largest
scope is what stresses the joins), with a share of AI compute, insecure settings,
unknown attributes and coverage gaps so that pass, fail and error all appear.

Everything is drawn from one seeded random.Random: the same (N, seed) always gives the
same snapshot, so figures from two runs or two machines are comparable.

    python -m bench.gen_resources --resources 100000 --seed 1 --out snapshot.json
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.model import SCHEMA_VERSION

# Share of the estate in AWS; the rest is GCP Compute Engine.
AWS_SHARE = 0.75
# About one scope (AWS account or GCP project) per this many resources.
RESOURCES_PER_SCOPE = 5000
# Scope sizes follow a Zipf law with this exponent: a few big accounts, a long tail.
ZIPF_EXPONENT = 0.8

# Relative counts within an AWS region (the account-level public access block and the
# per-region EBS default-encryption setting come on top, one each).
AWS_WEIGHTS: dict[str, float] = {
    "aws_instance": 20,
    "aws_ebs_volume": 24,
    "aws_security_group": 14,
    "aws_s3_bucket": 12,
    "aws_kms_key": 5,
    "aws_cloudwatch_log_group": 5,
    "aws_lb": 2,
    "aws_lb_listener": 3.5,
    "aws_lb_target_group": 3,
    "aws_ecr_repository": 3,
    "aws_sagemaker_model": 2,
    "aws_sagemaker_endpoint_configuration": 1.75,
    "aws_sagemaker_endpoint": 1.75,
    "aws_sagemaker_training_job": 2,
    "aws_sagemaker_notebook_instance": 0.8,
    "aws_ecs_task_definition": 2,
    "aws_eks_cluster": 0.3,
    "aws_eks_node_group": 1,
    "aws_vpc": 0.3,
    "aws_subnet": 1.5,
    "aws_vpc_endpoint": 0.8,
    "aws_api_gateway_rest_api": 0.5,
    "aws_apigatewayv2_api": 0.4,
    "aws_wafv2_web_acl": 0.4,
}
# One of each per region (settings of the account in that region).
AWS_REGIONAL_SINGLETONS = ("aws_ebs_encryption_by_default", "aws_guardduty_detector")
# One of each per account.
AWS_ACCOUNT_SINGLETONS = ("aws_s3_account_public_access_block", "aws_cloudtrail")
GCP_WEIGHTS: dict[str, float] = {
    "google_compute_instance": 30,
    "google_compute_disk": 36,
    "google_compute_firewall": 14,
    "google_compute_network": 2,
    "google_compute_subnetwork": 6,
    "google_compute_backend_service": 3,
    "google_compute_url_map": 2.5,
    "google_compute_target_https_proxy": 2,
    "google_compute_target_http_proxy": 1,
    "google_compute_forwarding_rule": 3,
    "google_compute_ssl_policy": 0.5,
}

AWS_REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1")
GCP_ZONES = ("us-central1-a", "us-central1-b", "europe-west4-a", "asia-southeast1-c")
TEAMS = ("nlp", "vision", "recsys", "search", "platform", "fraud", "speech", "genai")

AWS_AI_TYPES = (
    "p4d.24xlarge",
    "p5.48xlarge",
    "g5.xlarge",
    "g5.12xlarge",
    "g6.2xlarge",
    "inf2.xlarge",
    "inf2.48xlarge",
    "trn1.32xlarge",
)
AWS_OTHER_TYPES = ("t3.medium", "t3.large", "m5.xlarge", "m6i.2xlarge", "c6i.4xlarge", "r6i.large")
# (machine type, accelerators) as GCP reports them: a2/a3/g2 come with theirs built in.
GCP_AI_TYPES: tuple[tuple[str, list[dict[str, Any]]], ...] = (
    ("a2-highgpu-1g", [{"type": "nvidia-tesla-a100", "count": 1}]),
    ("a2-ultragpu-8g", [{"type": "nvidia-a100-80gb", "count": 8}]),
    ("a3-highgpu-8g", [{"type": "nvidia-h100-80gb", "count": 8}]),
    ("g2-standard-8", [{"type": "nvidia-l4", "count": 1}]),
    ("n1-standard-8", [{"type": "nvidia-tesla-t4", "count": 2}]),
)
GCP_OTHER_TYPES = ("e2-standard-4", "n2-standard-8", "n2d-highmem-4", "c3-standard-8")

ELB_SSL_POLICIES = (
    ("ELBSecurityPolicy-TLS13-1-2-2021-06", 0.6),
    ("ELBSecurityPolicy-TLS-1-2-2017-01", 0.2),
    ("ELBSecurityPolicy-2016-08", 0.15),
    ("ELBSecurityPolicy-TLS-1-0-2015-04", 0.05),
)
BUCKET_PURPOSES = (
    ("model-artifacts", 0.2),
    ("training-data", 0.15),
    ("data-capture", 0.08),
    ("logs", 0.15),
    ("web-assets", 0.12),
    ("backups", 0.15),
    ("analytics", 0.15),
)
# Kinds whose listing is sometimes denied: a scope with a gap loses them in one region.
AWS_GAP_KINDS = (
    "aws_kms_key",
    "aws_ecr_repository",
    "aws_sagemaker_model",
    "aws_guardduty_detector",
    "aws_sagemaker_training_job",
)
VPC_ENDPOINT_SERVICES = ("sagemaker.api", "sagemaker.runtime", "bedrock-runtime", "s3", "ecr.dkr")
GCP_GAP_KINDS = ("google_compute_ssl_policy", "google_compute_firewall")

ALL_WORLD_V4 = "0.0.0.0/0"
ALL_WORLD_V6 = "::/0"


def split(total: int, weights: dict[str, float], minimum: int = 1) -> dict[str, int]:
    """Divide `total` by weight (largest remainder), at least `minimum` of each key.

    The minimum keeps every kind present in small scopes, so that small test snapshots
    still cover every kind and join.
    """
    keys = list(weights)
    base = minimum * len(keys)
    rest = max(0, total - base)
    wsum = sum(weights.values())
    exact = {k: rest * weights[k] / wsum for k in keys}
    counts = {k: int(v) for k, v in exact.items()}
    short = rest - sum(counts.values())
    for k in sorted(keys, key=lambda k: exact[k] - counts[k], reverse=True)[:short]:
        counts[k] += 1
    return {k: counts[k] + minimum for k in keys}


def zipf_sizes(total: int, parts: int) -> list[int]:
    """`total` split into `parts` Zipf-distributed sizes, largest first, summing to total."""
    weights = {str(i): 1 / (i + 1) ** ZIPF_EXPONENT for i in range(parts)}
    counts = split(total, weights, minimum=0)
    return [counts[str(i)] for i in range(parts)]


class _Scope:
    """Resources and coverage of one account or project, and the ids joins draw from."""

    def __init__(self, rng: random.Random, source: str, account: str) -> None:
        self.rng = rng
        self.source = source
        self.account = account
        self.scope = f"{source}:{account}"
        self.resources: list[dict[str, Any]] = []
        self.coverage: list[dict[str, Any]] = []
        self._counts: Counter[tuple[str, str | None]] | None = None

    def hexid(self, digits: int = 17) -> str:
        return f"{self.rng.getrandbits(digits * 4):0{digits}x}"

    def uuid(self) -> str:
        return f"{self.hexid(8)}-{self.hexid(4)}-{self.hexid(4)}-{self.hexid(4)}-{self.hexid(12)}"

    def public_ip(self) -> str:
        return (
            f"34.{self.rng.randint(0, 255)}.{self.rng.randint(0, 255)}.{self.rng.randint(1, 254)}"
        )

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick_weighted(self, options: Sequence[tuple[str, float]]) -> str:
        r = self.rng.random()
        for value, w in options:
            r -= w
            if r < 0:
                return value
        return options[-1][0]

    def add(
        self,
        kind: str,
        rid: str,
        name: str,
        region: str | None,
        attributes: dict[str, Any],
        tags: dict[str, str] | None = None,
        unknown: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        res = {
            "id": rid,
            "kind": kind,
            "name": name,
            "source": self.source,
            "scope": self.scope,
            "attributes": attributes,
            "tags": tags or {},
            "account": self.account,
            "region": region,
            "unknown": unknown or {},
        }
        self.resources.append(res)
        self._counts = None
        return res

    def covered(
        self, kind: str, region: str | None, status: str = "collected", reason: str | None = None
    ) -> None:
        if self._counts is None:
            self._counts = Counter((r["kind"], r["region"]) for r in self.resources)
        count = sum(
            n for (k, reg), n in self._counts.items() if k == kind and region in (None, reg)
        )
        self.coverage.append(
            {
                "source": self.source,
                "scope": self.scope,
                "kind": kind,
                "status": status,
                "reason": reason,
                "count": count if status == "collected" else 0,
                "region": region,
            }
        )

    def drop(self, kind: str, region: str | None) -> None:
        """Forget what a denied listing would not have returned (references stay dangling)."""
        self.resources = [
            r
            for r in self.resources
            if not (r["kind"] == kind and (region is None or r["region"] == region))
        ]
        self._counts = None


def _team_tags(scope: _Scope, ai: bool, env: str) -> dict[str, str]:
    tags = {"team": scope.rng.choice(TEAMS), "env": env, "cost-center": f"cc-{scope.hexid(4)}"}
    if ai and scope.chance(0.5):
        tags["ai-workload"] = "true"
    return tags


# ---------------------------------------------------------------------------- AWS


def _sg_rule(
    protocol: str,
    from_port: int,
    to_port: int,
    cidrs: list[str] | None = None,
    v6: list[str] | None = None,
    sources: list[str] | None = None,
    description: str | None = None,
) -> dict[str, Any]:
    return {
        "protocol": protocol,
        "from_port": from_port,
        "to_port": to_port,
        "cidr_blocks": cidrs or [],
        "ipv6_cidr_blocks": v6 or [],
        "source_security_groups": sources or [],
        "prefix_list_ids": [],
        "self": False,
        "description": description,
    }


@dataclass
class _Pools:
    """Ids of one region that later resources join to."""

    vpcs: list[str]
    subnets: dict[str, list[str]]
    app_sgs: list[str]
    kms: list[str]
    repo_urls: list[str]
    artifact_buckets: list[str]
    lbs: list[str]
    endpoints: list[str]


def _aws_network(
    s: _Scope, region: str, counts: dict[str, int]
) -> tuple[list[str], dict[str, list[str]]]:
    """VPCs, their subnets (one in three public) and their endpoints to AI services."""
    acct = s.account
    vpcs: list[str] = []
    for i in range(counts["aws_vpc"]):
        vid = f"arn:aws:ec2:{region}:{acct}:vpc/vpc-{s.hexid()}"
        default = i == 0 and s.chance(0.3)
        s.add(
            "aws_vpc",
            vid,
            "default" if default else f"vpc-{i}",
            region,
            {
                "cidr_block": "172.31.0.0/16" if default else f"10.{i % 250}.0.0/16",
                "is_default": default,
            },
        )
        vpcs.append(vid)
    subnets: dict[str, list[str]] = {v: [] for v in vpcs}
    for i in range(counts["aws_subnet"]):
        vpc = vpcs[i % len(vpcs)]
        sid = f"arn:aws:ec2:{region}:{acct}:subnet/subnet-{s.hexid()}"
        public = len(subnets[vpc]) % 3 == 2
        s.add(
            "aws_subnet",
            sid,
            f"{'public' if public else 'private'}-{i}",
            region,
            {
                "vpc_id": vpc,
                "cidr_block": f"10.{vpcs.index(vpc) % 250}.{len(subnets[vpc]) % 250}.0/24",
                "availability_zone": f"{region}{'abc'[i % 3]}",
                "map_public_ip_on_launch": public,
            },
        )
        subnets[vpc].append(sid)
    for i in range(counts["aws_vpc_endpoint"]):
        vpc = vpcs[i % len(vpcs)]
        service = VPC_ENDPOINT_SERVICES[(i // len(vpcs)) % len(VPC_ENDPOINT_SERVICES)]
        gateway = service == "s3"
        s.add(
            "aws_vpc_endpoint",
            f"arn:aws:ec2:{region}:{acct}:vpc-endpoint/vpce-{s.hexid()}",
            f"{service}-{i}",
            region,
            {
                "vpc_id": vpc,
                "service_name": f"com.amazonaws.{region}.{service}",
                "vpc_endpoint_type": "Gateway" if gateway else "Interface",
                "private_dns_enabled": None if gateway else s.chance(0.9),
                "state": "available",
            },
        )
    return vpcs, subnets


def _aws_platform(s: _Scope, region: str, counts: dict[str, int], env: str, p: _Pools) -> None:
    """Notebooks, training jobs, EKS, ECS, log groups, API gateways and WAF of one region."""
    rng = s.rng
    acct = s.account
    arn = f"arn:aws:{{svc}}:{region}:{acct}"

    def vpc_config() -> dict[str, Any]:
        vpc = rng.choice(p.vpcs)
        return {"subnets": p.subnets[vpc][:2], "security_group_ids": [rng.choice(p.app_sgs)]}

    for i in range(counts["aws_sagemaker_notebook_instance"]):
        vpc = rng.choice(p.vpcs)
        s.add(
            "aws_sagemaker_notebook_instance",
            f"{arn.format(svc='sagemaker')}:notebook-instance/nb-{i}",
            f"nb-{i}",
            region,
            {
                "instance_type": rng.choice(("ml.t3.medium", "ml.g5.xlarge", "ml.p3.2xlarge")),
                "direct_internet_access": s.chance(0.3),
                "root_access": s.chance(0.5),
                "kms_key_id": rng.choice(p.kms) if s.chance(0.6) else None,
                "subnet_id": rng.choice(p.subnets[vpc]),
                "security_groups": [rng.choice(p.app_sgs)],
                "role_arn": f"arn:aws:iam::{acct}:role/sagemaker-notebook",
                "platform_identifier": "notebook-al2-v2",
            },
            _team_tags(s, True, env),
        )
    for i in range(counts["aws_sagemaker_training_job"]):
        data = rng.choice(p.artifact_buckets)
        unknown = {}
        attrs: dict[str, Any] = {
            "status": s.pick_weighted((("Completed", 0.8), ("InProgress", 0.1), ("Failed", 0.1))),
            "instance_type": rng.choice(("ml.p4d.24xlarge", "ml.g5.12xlarge", "ml.trn1.32xlarge")),
            "enable_network_isolation": s.chance(0.5),
            "enable_inter_container_traffic_encryption": s.chance(0.6),
            "vpc_config": vpc_config() if s.chance(0.7) else None,
            "output_kms_key_id": rng.choice(p.kms) if s.chance(0.7) else None,
            "volume_kms_key_id": rng.choice(p.kms) if s.chance(0.6) else None,
            "output_s3_uri": f"s3://{data}/output/job-{i}/",
            "training_image": f"{rng.choice(p.repo_urls)}:train-{rng.randint(1, 9)}"
            if p.repo_urls
            else "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3",
            "input_s3_uris": [f"s3://{data}/datasets/v{rng.randint(1, 5)}/"],
        }
        if s.chance(0.01):
            del attrs["volume_kms_key_id"]
            unknown["volume_kms_key_id"] = "AccessDenied: sagemaker:DescribeTrainingJob"
        s.add(
            "aws_sagemaker_training_job",
            f"{arn.format(svc='sagemaker')}:training-job/train-{i}",
            f"train-{i}",
            region,
            attrs,
            _team_tags(s, True, env),
            unknown,
        )
    clusters: list[tuple[str, str]] = []
    for i in range(counts["aws_eks_cluster"]):
        name = f"{rng.choice(TEAMS)}-eks-{i}"
        public = s.chance(0.4)
        s.add(
            "aws_eks_cluster",
            f"{arn.format(svc='eks')}:cluster/{name}",
            name,
            region,
            {
                "version": rng.choice(("1.29", "1.30", "1.31")),
                "endpoint_public_access": public,
                "endpoint_private_access": True,
                "public_access_cidrs": ([ALL_WORLD_V4] if s.chance(0.5) else ["203.0.113.0/24"])
                if public
                else [],
                "encryption_config": (
                    [{"resources": ["secrets"], "key_arn": rng.choice(p.kms)}]
                    if s.chance(0.6)
                    else []
                ),
                "enabled_log_types": ["api", "audit"] if s.chance(0.5) else ["api"],
                "vpc_id": rng.choice(p.vpcs),
                "security_groups": [rng.choice(p.app_sgs)],
            },
            _team_tags(s, True, env),
        )
        clusters.append((f"{arn.format(svc='eks')}:cluster/{name}", name))
    for i in range(counts["aws_eks_node_group"]):
        cid, cname = clusters[i % len(clusters)] if clusters else (None, "external")
        gpu = s.chance(0.4)
        s.add(
            "aws_eks_node_group",
            f"{arn.format(svc='eks')}:nodegroup/{cname}/ng-{i}/{s.hexid(8)}",
            f"ng-{i}",
            region,
            {
                "cluster": cid,
                "cluster_name": cname,
                "instance_types": [rng.choice(AWS_AI_TYPES if gpu else AWS_OTHER_TYPES)],
                "ami_type": "AL2_x86_64_GPU" if gpu else "AL2023_x86_64_STANDARD",
                "labels": {"workload": "gpu" if gpu else "general"},
                "taints": (
                    [{"key": "nvidia.com/gpu", "value": "true", "effect": "NO_SCHEDULE"}]
                    if gpu and s.chance(0.6)
                    else []
                ),
                "remote_access": s.chance(0.2),
            },
            _team_tags(s, gpu, env),
        )
    for i in range(counts["aws_ecs_task_definition"]):
        image = (
            f"{rng.choice(p.repo_urls)}@sha256:{s.hexid(64)}"
            if p.repo_urls and s.chance(0.6)
            else rng.choice(("docker.io/library/nginx:latest", "public.ecr.aws/nginx/nginx:1.27"))
        )
        s.add(
            "aws_ecs_task_definition",
            f"{arn.format(svc='ecs')}:task-definition/svc-{i}:{rng.randint(1, 60)}",
            f"svc-{i}",
            region,
            {
                "family": f"svc-{i}",
                "network_mode": "awsvpc",
                "containers": [
                    {
                        "name": "app",
                        "image": image,
                        "privileged": s.chance(0.05),
                        "readonly_root_filesystem": s.chance(0.4),
                        "user": "1000" if s.chance(0.6) else None,
                        "environment_keys": ["LOG_LEVEL", "MODEL_ENDPOINT"],
                    }
                ],
            },
            _team_tags(s, False, env),
        )
    for i in range(counts["aws_cloudwatch_log_group"]):
        if p.endpoints and i % 3 == 0:
            name = f"/aws/sagemaker/Endpoints/{p.endpoints[i % len(p.endpoints)]}-{i}"
        else:
            name = f"/aws/{rng.choice(('lambda', 'ecs', 'eks', 'apigateway'))}/svc-{i}"
        s.add(
            "aws_cloudwatch_log_group",
            f"{arn.format(svc='logs')}:log-group:{name}",
            name,
            region,
            {
                "log_group_name": name,
                "retention_in_days": None if s.chance(0.35) else rng.choice((7, 30, 90, 365)),
                "kms_key_id": rng.choice(p.kms) if s.chance(0.3) else None,
            },
        )
    stages: list[str] = []
    for i in range(counts["aws_api_gateway_rest_api"]):
        api_id = s.hexid(10)
        rid = f"arn:aws:apigateway:{region}::/restapis/{api_id}"
        endpoint = rng.choice(p.endpoints) if p.endpoints else "external"
        throttled = s.chance(0.5)
        s.add(
            "aws_api_gateway_rest_api",
            rid,
            f"inference-api-{i}",
            region,
            {
                "endpoint_types": [rng.choice(("REGIONAL", "EDGE", "PRIVATE"))],
                "methods": [
                    {
                        "path": "/invoke",
                        "http_method": "POST",
                        "authorization_type": "NONE" if s.chance(0.15) else "AWS_IAM",
                        "api_key_required": s.chance(0.3),
                        "integration_type": "AWS",
                        "integration_uri": f"arn:aws:apigateway:{region}:runtime.sagemaker:"
                        f"path//endpoints/{endpoint}/invocations",
                    }
                ],
                "stages": [
                    {
                        "stage_name": "prod",
                        "throttle": (
                            {"rate_limit": 100.0, "burst_limit": 200} if throttled else None
                        ),
                        "method_throttles": [],
                        "usage_plan_throttles": [],
                        "web_acl": None,
                        "access_log_destination": None,
                    }
                ],
            },
            _team_tags(s, True, env),
        )
        stages.append(f"{rid}/stages/prod")
    for i in range(counts["aws_apigatewayv2_api"]):
        endpoint = rng.choice(p.endpoints) if p.endpoints else "external"
        s.add(
            "aws_apigatewayv2_api",
            f"arn:aws:apigateway:{region}::/apis/{s.hexid(10)}",
            f"chat-api-{i}",
            region,
            {
                "protocol_type": "HTTP",
                "routes": [
                    {
                        "route_key": "POST /chat",
                        "authorization_type": "JWT" if s.chance(0.8) else "NONE",
                        "api_key_required": False,
                        "integration_type": "AWS_PROXY",
                        "integration_uri": f"arn:aws:lambda:{region}:{acct}:function:"
                        f"invoke-{endpoint}",
                    }
                ],
                "stages": [
                    {
                        "stage_name": "$default",
                        "throttle": (
                            {"rate_limit": 50.0, "burst_limit": 100} if s.chance(0.5) else None
                        ),
                        "route_throttles": [],
                        "access_log_destination": None,
                    }
                ],
            },
            _team_tags(s, True, env),
        )
    for i in range(counts["aws_wafv2_web_acl"]):
        protected = rng.sample(p.lbs, min(len(p.lbs), 2)) + rng.sample(stages, min(len(stages), 1))
        s.add(
            "aws_wafv2_web_acl",
            f"{arn.format(svc='wafv2')}:regional/webacl/acl-{i}/{s.uuid()}",
            f"acl-{i}",
            region,
            {
                "scope": "REGIONAL",
                "rules": [
                    {
                        "name": "rate-limit",
                        "rate_based": True,
                        "rate_limit": 2000,
                        "action": "BLOCK",
                    }
                ]
                if s.chance(0.6)
                else [
                    {"name": "common", "rate_based": False, "rate_limit": None, "action": "NONE"}
                ],
                "associated_resources": protected,
            },
        )


def _aws_region(s: _Scope, region: str, counts: dict[str, int], env: str) -> None:
    """One region of one account: every kind, joined, in dependency order."""
    rng = s.rng
    acct = s.account
    arn = f"arn:aws:{{svc}}:{region}:{acct}"
    vpcs, subnets = _aws_network(s, region, counts)

    # KMS keys: mostly customer-managed; rotation off on a quarter.
    kms_ids: list[str] = []
    for _ in range(counts["aws_kms_key"]):
        kid = f"arn:aws:kms:{region}:{acct}:key/{s.uuid()}"
        attrs: dict[str, Any] = {
            "key_manager": "CUSTOMER" if s.chance(0.9) else "AWS",
            "key_rotation_enabled": s.chance(0.75),
            "key_usage": "ENCRYPT_DECRYPT",
            "key_state": "Enabled" if s.chance(0.97) else "PendingDeletion",
        }
        unknown = {}
        if s.chance(0.02):
            del attrs["key_rotation_enabled"]
            unknown["key_rotation_enabled"] = "AccessDenied: kms:GetKeyRotationStatus"
        kms_ids.append(kid)
        s.add(
            "aws_kms_key",
            kid,
            kid.rsplit("/", 1)[1],
            region,
            attrs,
            _team_tags(s, False, env),
            unknown,
        )
    customer_keys = kms_ids or [f"arn:aws:kms:{region}:{acct}:key/missing"]

    # Security groups: internal services, public load balancers, and a few mistakes.
    lb_sgs: list[str] = []
    app_sgs: list[str] = []
    for i in range(counts["aws_security_group"]):
        sid = f"{arn.format(svc='ec2')}:security-group/sg-{s.hexid()}"
        vpc = rng.choice(vpcs)
        profile = s.pick_weighted(
            (
                ("internal", 0.55),
                ("lb-public", 0.15),
                ("office-ssh", 0.18),
                ("ssh-world", 0.04),
                ("jupyter-world", 0.01),
                ("all-world", 0.02),
                ("empty", 0.05),
            )
        )
        ingress: list[dict[str, Any]]
        if profile == "internal":
            ingress = [_sg_rule("tcp", 8080, 8080, ["10.0.0.0/8"], description="app")]
            if app_sgs and s.chance(0.5):
                ingress.append(_sg_rule("tcp", 443, 443, sources=[rng.choice(app_sgs)]))
        elif profile == "lb-public":
            ingress = [
                _sg_rule("tcp", 443, 443, [ALL_WORLD_V4], [ALL_WORLD_V6], description="https"),
                _sg_rule("tcp", 80, 80, [ALL_WORLD_V4], description="http redirect"),
            ]
        elif profile == "office-ssh":
            ingress = [_sg_rule("tcp", 22, 22, ["203.0.113.0/24"], description="office")]
        elif profile == "ssh-world":
            ingress = [_sg_rule("tcp", 22, 22, [ALL_WORLD_V4], description="debug")]
        elif profile == "jupyter-world":
            ingress = [_sg_rule("tcp", 8888, 8888, [ALL_WORLD_V4], [ALL_WORLD_V6])]
        elif profile == "all-world":
            ingress = [_sg_rule("-1", 0, 0, [ALL_WORLD_V4])]
        else:
            ingress = []
        attrs = {
            "group_name": f"{profile}-{i}",
            "vpc_id": vpc,
            "description": f"{profile} security group",
            "ingress": ingress,
            "egress": [_sg_rule("-1", 0, 0, [ALL_WORLD_V4])],
        }
        unknown = {}
        if s.chance(0.005):
            del attrs["ingress"]
            unknown["ingress"] = "AccessDenied: ec2:DescribeSecurityGroupRules"
        (lb_sgs if profile == "lb-public" else app_sgs).append(sid)
        s.add(
            "aws_security_group",
            sid,
            attrs["group_name"],
            region,
            attrs,
            _team_tags(s, False, env),
            unknown,
        )
    app_sgs = app_sgs or lb_sgs
    lb_sgs = lb_sgs or app_sgs

    # Instances and their volumes: the root volume always, a data volume on some.
    ai_instances: list[str] = []
    instances: list[str] = []
    volumes_left = counts["aws_ebs_volume"]
    for i in range(counts["aws_instance"]):
        iid = f"{arn.format(svc='ec2')}:instance/i-{s.hexid()}"
        ai = s.chance(0.25)
        vpc = rng.choice(vpcs)
        sgs = rng.sample(app_sgs, min(len(app_sgs), rng.randint(1, 2)))
        if s.chance(0.05):
            sgs.append(rng.choice(lb_sgs))
        vols: list[dict[str, Any]] = []
        for device, root in (("/dev/xvda", True), ("/dev/sdf", False)):
            if volumes_left <= 0 or (not root and not s.chance(0.3 if ai else 0.15)):
                continue
            volumes_left -= 1
            vid = f"{arn.format(svc='ec2')}:volume/vol-{s.hexid()}"
            encrypted = s.chance(0.88)
            key = rng.choice(customer_keys) if encrypted and s.chance(0.6) else None
            vols.append(
                {
                    "device_name": device,
                    "root": root,
                    "encrypted": encrypted,
                    "kms_key_id": key,
                    "volume_id": vid,
                }
            )
            s.add(
                "aws_ebs_volume",
                vid,
                vid.rsplit("/", 1)[1],
                region,
                {
                    "encrypted": encrypted,
                    "kms_key_id": key,
                    "availability_zone": f"{region}{rng.choice('abc')}",
                    "size": rng.choice((50, 100, 500, 2000)),
                    "attached_instances": [iid],
                },
            )
        role = "ml-node" if ai else "app-node"
        attrs = {
            "instance_type": rng.choice(AWS_AI_TYPES if ai else AWS_OTHER_TYPES),
            "ami": f"ami-{s.hexid()}",
            "public_ip": s.chance(0.08),
            "subnet_id": rng.choice(subnets[vpc]),
            "vpc_id": vpc,
            "security_groups": sgs,
            "metadata_options": {
                "http_tokens": "required" if s.chance(0.8) else "optional",
                "http_endpoint": "enabled",
                "http_put_response_hop_limit": rng.choice((1, 2)),
            },
            "volumes": vols,
            "iam_instance_profile": f"arn:aws:iam::{acct}:instance-profile/{role}",
        }
        unknown = {}
        if s.chance(0.015):
            del attrs["metadata_options"]["http_tokens"]
            unknown["metadata_options.http_tokens"] = (
                "AccessDenied: ec2:DescribeInstances (partial)"
            )
        if s.chance(0.01):
            del attrs["public_ip"]
            unknown["public_ip"] = "AccessDenied: ec2:DescribeSubnets (auto-assign unknown)"
        instances.append(iid)
        if ai:
            ai_instances.append(iid)
        s.add(
            "aws_instance",
            iid,
            f"{'gpu' if ai else 'app'}-{i}",
            region,
            attrs,
            _team_tags(s, ai, env),
            unknown,
        )
    for _ in range(volumes_left):  # detached volumes
        vid = f"{arn.format(svc='ec2')}:volume/vol-{s.hexid()}"
        encrypted = s.chance(0.8)
        s.add(
            "aws_ebs_volume",
            vid,
            vid.rsplit("/", 1)[1],
            region,
            {
                "encrypted": encrypted,
                "kms_key_id": rng.choice(customer_keys) if encrypted else None,
                "availability_zone": f"{region}a",
                "size": 100,
                "attached_instances": [],
            },
        )

    # Target groups -> instances (half of them in front of GPU instances).
    tgs: list[str] = []
    for i in range(counts["aws_lb_target_group"]):
        tid = f"{arn.format(svc='elasticloadbalancing')}:targetgroup/tg-{i}/{s.hexid(16)}"
        pool = ai_instances if ai_instances and s.chance(0.5) else instances
        targets = rng.sample(pool, min(len(pool), rng.randint(1, 4))) if pool else []
        port = rng.choice((8080, 8000, 443))
        s.add(
            "aws_lb_target_group",
            tid,
            f"tg-{i}",
            region,
            {
                "protocol": "HTTPS" if port == 443 else "HTTP",
                "port": port,
                "target_type": "instance",
                "vpc_id": rng.choice(vpcs),
                "targets": [{"target": t, "port": port} for t in targets],
            },
        )
        tgs.append(tid)

    # Load balancers and their listeners: HTTPS with a TLS policy, HTTP mostly redirecting.
    lbs: list[tuple[str, str]] = []
    for i in range(counts["aws_lb"]):
        name = f"{rng.choice(TEAMS)}-api-{i}"
        h = s.hexid(16)
        lid = f"{arn.format(svc='elasticloadbalancing')}:loadbalancer/app/{name}/{h}"
        public = s.chance(0.4)
        s.add(
            "aws_lb",
            lid,
            name,
            region,
            {
                "scheme": "internet-facing" if public else "internal",
                "load_balancer_type": "application" if s.chance(0.85) else "network",
                "security_groups": [rng.choice(lb_sgs if public else app_sgs)],
                "subnets": subnets[vpcs[0]][:2],
                "dns_name": f"{name}-{h[:8]}.{region}.elb.amazonaws.com",
            },
            _team_tags(s, False, env),
        )
        lbs.append((lid, name))
    for i in range(counts["aws_lb_listener"]):
        lb_id, lb_name = lbs[i % len(lbs)]
        https = i < len(lbs) or s.chance(0.5)
        forward = {"type": "forward", "target_groups": [rng.choice(tgs)] if tgs else []}
        if https:
            attrs = {
                "load_balancer": lb_id,
                "port": 443,
                "protocol": "HTTPS",
                "ssl_policy": s.pick_weighted(ELB_SSL_POLICIES),
                "certificate_arn": f"arn:aws:acm:{region}:{acct}:certificate/{s.hexid(8)}",
                "actions": [forward],
            }
        else:
            redirect = s.chance(0.75)
            action = (
                {
                    "type": "redirect",
                    "target_groups": [],
                    "redirect_protocol": "HTTPS",
                    "redirect_port": "443",
                    "redirect_status_code": "HTTP_301",
                }
                if redirect
                else forward
            )
            attrs = {
                "load_balancer": lb_id,
                "port": 80,
                "protocol": "HTTP",
                "ssl_policy": None,
                "certificate_arn": None,
                "actions": [action],
            }
        lid = f"{lb_id.replace(':loadbalancer/', ':listener/')}/{s.hexid(16)}"
        s.add("aws_lb_listener", lid, f"{lb_name}-{attrs['port']}", region, attrs)

    # Model registries.
    repo_urls: list[str] = []
    for i in range(counts["aws_ecr_repository"]):
        name = f"ml/{rng.choice(TEAMS)}-model-{i}"
        kms = s.chance(0.35)
        s.add(
            "aws_ecr_repository",
            f"{arn.format(svc='ecr')}:repository/{name}",
            name,
            region,
            {
                "repository_name": name,
                "image_tag_mutability": "IMMUTABLE" if s.chance(0.5) else "MUTABLE",
                "scan_on_push": s.chance(0.7),
                "encryption_type": "KMS" if kms else "AES256",
                "kms_key": rng.choice(customer_keys) if kms else None,
            },
            _team_tags(s, True, env),
        )
        repo_urls.append(f"{acct}.dkr.ecr.{region}.amazonaws.com/{name}")

    # Buckets: artifact and training-data buckets are the ones SageMaker models point at.
    artifact_buckets: list[str] = []
    capture_buckets: list[str] = []
    for i in range(counts["aws_s3_bucket"]):
        purpose = s.pick_weighted(BUCKET_PURPOSES)
        name = f"{rng.choice(TEAMS)}-{purpose}-{acct[-4:]}-{region}-{i}"
        ai_data = purpose in ("model-artifacts", "training-data")
        tags = _team_tags(s, False, env)
        if ai_data and s.chance(0.6):
            tags[purpose] = "true"
        pab_kind = s.pick_weighted((("full", 0.85), ("none", 0.07), ("partial", 0.08)))
        pab = (
            None
            if pab_kind == "none"
            else {
                "block_public_acls": True,
                "ignore_public_acls": True,
                "block_public_policy": pab_kind == "full",
                "restrict_public_buckets": pab_kind == "full",
            }
        )
        policy_kind = s.pick_weighted((("tls-only", 0.55), ("public-read", 0.01), ("none", 0.44)))
        policy = None
        if policy_kind == "tls-only":
            policy = {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "DenyInsecureTransport",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    }
                ],
            }
        elif policy_kind == "public-read":
            policy = {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{name}/*",
                    }
                ],
            }
        public_acl = s.chance(0.015)
        enc_kind = s.pick_weighted(
            (("kms-customer", 0.5), ("kms-aws", 0.15), ("aes", 0.25), ("default", 0.1))
        )
        encryption = {
            "kms-customer": {
                "sse_algorithm": "aws:kms",
                "kms_master_key_id": rng.choice(customer_keys),
                "key_managed_by": "customer",
                "bucket_key_enabled": True,
                "default": False,
            },
            "kms-aws": {
                "sse_algorithm": "aws:kms",
                "kms_master_key_id": "alias/aws/s3",
                "key_managed_by": "aws",
                "bucket_key_enabled": False,
                "default": False,
            },
            "aes": {
                "sse_algorithm": "AES256",
                "kms_master_key_id": None,
                "key_managed_by": None,
                "bucket_key_enabled": False,
                "default": False,
            },
            "default": {
                "sse_algorithm": "AES256",
                "kms_master_key_id": None,
                "key_managed_by": None,
                "bucket_key_enabled": False,
                "default": True,
            },
        }[enc_kind]
        lifecycle = []
        if purpose in ("data-capture", "logs") and s.chance(0.7):
            lifecycle = [
                {
                    "id": "expire",
                    "enabled": True,
                    "prefix": "",
                    "expiration_days": rng.choice((30, 90, 365)),
                }
            ]
        attrs = {
            "bucket": name,
            "acl": "public-read" if public_acl else "private",
            "grants": (
                [
                    {
                        "grantee_type": "Group",
                        "grantee_uri": "http://acs.amazonaws.com/groups/global/AllUsers",
                        "grantee_id": None,
                        "permission": "READ",
                    }
                ]
                if public_acl
                else []
            ),
            "policy": policy,
            "public_access_block": pab,
            "account_public_access_block": None,  # joined below, per account
            "encryption": encryption,
            "versioning": {"enabled": s.chance(0.7), "mfa_delete": False},
            "logging": (
                {"target_bucket": f"logs-{acct}-{region}", "target_prefix": f"{name}/"}
                if s.chance(0.55)
                else None
            ),
            "lifecycle_rules": lifecycle,
        }
        unknown = {}
        if s.chance(0.015):
            del attrs["policy"]
            unknown["policy"] = "AccessDenied: s3:GetBucketPolicy"
        s.add("aws_s3_bucket", f"arn:aws:s3:::{name}", name, region, attrs, tags, unknown)
        if purpose == "data-capture":
            capture_buckets.append(name)
        elif ai_data:
            artifact_buckets.append(name)
    artifact_buckets = artifact_buckets or [f"missing-artifacts-{acct}"]
    capture_buckets = capture_buckets or artifact_buckets

    # SageMaker: models -> artifact buckets and images; configurations -> models; endpoints.
    models: list[tuple[str, str]] = []
    for i in range(counts["aws_sagemaker_model"]):
        name = f"{rng.choice(TEAMS)}-llm-{i}"
        containers = []
        for _ in range(2 if s.chance(0.1) else 1):
            image_kind = s.pick_weighted((("ecr-tag", 0.5), ("ecr-digest", 0.4), ("public", 0.1)))
            if image_kind == "public" or not repo_urls:
                image = rng.choice(
                    (
                        "ghcr.io/huggingface/text-generation-inference:2.0",
                        "docker.io/library/python:latest",
                    )
                )
            elif image_kind == "ecr-digest":
                image = f"{rng.choice(repo_urls)}@sha256:{s.hexid(64)}"
            else:
                image = f"{rng.choice(repo_urls)}:v{rng.randint(1, 40)}"
            containers.append(
                {
                    "image": image,
                    "model_data_url": f"s3://{rng.choice(artifact_buckets)}/models/{name}/model.tar.gz",
                    "mode": "SingleModel",
                    "environment_keys": ["HF_MODEL_ID", "SM_NUM_GPUS", "MAX_INPUT_LENGTH"],
                }
            )
        vpc = rng.choice(vpcs)
        attrs = {
            "execution_role_arn": f"arn:aws:iam::{acct}:role/sagemaker-exec-{i % 7}",
            "containers": containers,
            "vpc_config": (
                {"subnets": subnets[vpc][:2], "security_group_ids": [rng.choice(app_sgs)]}
                if s.chance(0.7)
                else None
            ),
            "enable_network_isolation": s.chance(0.55),
        }
        unknown = {}
        if s.chance(0.01):
            del attrs["vpc_config"]
            unknown["vpc_config"] = "AccessDenied: sagemaker:DescribeModel (partial)"
        mid = f"{arn.format(svc='sagemaker')}:model/{name}"
        s.add("aws_sagemaker_model", mid, name, region, attrs, _team_tags(s, True, env), unknown)
        models.append((mid, name))
    configs: list[tuple[str, str]] = []
    for i in range(counts["aws_sagemaker_endpoint_configuration"]):
        name = f"epc-{i}"
        variants = []
        for v in range(2 if s.chance(0.2) else 1):
            mid, mname = rng.choice(models) if models else (None, "external-model")
            variants.append(
                {
                    "variant_name": f"variant-{v}",
                    "model_name": mname,
                    "model": mid,
                    "instance_type": rng.choice(
                        ("ml.g5.2xlarge", "ml.p4d.24xlarge", "ml.inf2.xlarge", "ml.m5.xlarge")
                    ),
                    "accelerator_type": None,
                }
            )
        capture = s.chance(0.5)
        attrs = {
            "kms_key_arn": rng.choice(customer_keys) if s.chance(0.65) else None,
            "production_variants": variants,
            "data_capture": (
                {
                    "enabled": True,
                    "destination_s3_uri": f"s3://{rng.choice(capture_buckets)}/capture/{name}",
                    "kms_key_id": rng.choice(customer_keys) if s.chance(0.5) else None,
                }
                if capture
                else None
            ),
        }
        cid = f"{arn.format(svc='sagemaker')}:endpoint-config/{name}"
        s.add(
            "aws_sagemaker_endpoint_configuration",
            cid,
            name,
            region,
            attrs,
            _team_tags(s, True, env),
        )
        configs.append((cid, name))
    endpoint_names: list[str] = []
    for i in range(counts["aws_sagemaker_endpoint"]):
        cid, cname = configs[i % len(configs)] if configs else (None, "external-config")
        name = f"ep-{i}"
        endpoint_names.append(name)
        s.add(
            "aws_sagemaker_endpoint",
            f"{arn.format(svc='sagemaker')}:endpoint/{name}",
            name,
            region,
            {"endpoint_config_name": cname, "endpoint_config": cid},
            _team_tags(s, True, env),
        )

    pools = _Pools(
        vpcs=vpcs,
        subnets=subnets,
        app_sgs=app_sgs,
        kms=customer_keys,
        repo_urls=repo_urls,
        artifact_buckets=artifact_buckets,
        lbs=[lb_id for lb_id, _ in lbs],
        endpoints=endpoint_names,
    )
    _aws_platform(s, region, counts, env, pools)
    s.add(
        "aws_ebs_encryption_by_default",
        f"arn:aws:ec2:{region}:{acct}:ebs-encryption-by-default",
        f"ebs-encryption-by-default/{region}",
        region,
        {"enabled": s.chance(0.6)},
    )
    enabled = s.chance(0.7)
    s.add(
        "aws_guardduty_detector",
        f"arn:aws:guardduty:{region}:{acct}:detector/{s.hexid(32)}",
        f"guardduty/{region}",
        region,
        {
            "enabled": enabled,
            "features": [
                {"name": f, "status": "ENABLED" if enabled and s.chance(0.6) else "DISABLED"}
                for f in ("S3_DATA_EVENTS", "EKS_AUDIT_LOGS", "RUNTIME_MONITORING")
            ],
        },
    )


def _aws_scope(rng: random.Random, index: int, budget: int, gap: bool) -> _Scope:
    """One AWS account: regions of decreasing size, the account-level public access block."""
    acct = f"{100000000000 + index * 7919:012d}"
    s = _Scope(rng, "aws", acct)
    env = ("prod", "staging", "dev", "sandbox")[index % 4]
    n_regions = max(1, min(len(AWS_REGIONS), budget // 2000 + 1))
    regions = list(AWS_REGIONS[:n_regions])
    fixed = len(AWS_ACCOUNT_SINGLETONS) + len(AWS_REGIONAL_SINGLETONS) * n_regions
    usable = max(0, budget - fixed)
    sizes = zipf_sizes(usable, n_regions)
    for region, size in zip(regions, sizes, strict=True):
        _aws_region(s, region, split(size, AWS_WEIGHTS), env)

    account_block = None
    if s.chance(0.5):
        full = s.chance(0.8)
        account_block = {
            "block_public_acls": True,
            "ignore_public_acls": True,
            "block_public_policy": full,
            "restrict_public_buckets": full,
        }
    s.add(
        "aws_s3_account_public_access_block",
        f"arn:aws:s3::{acct}:account-public-access-block",
        "account-public-access-block",
        None,
        account_block
        or {
            k: False
            for k in (
                "block_public_acls",
                "ignore_public_acls",
                "block_public_policy",
                "restrict_public_buckets",
            )
        },
    )
    buckets = []
    for r in s.resources:  # the join a collector makes: the account's block on each bucket
        if r["kind"] == "aws_s3_bucket":
            r["attributes"]["account_public_access_block"] = account_block
            buckets.append(r["attributes"]["bucket"])
    all_buckets = s.chance(0.4)
    s.add(
        "aws_cloudtrail",
        f"arn:aws:cloudtrail:{regions[0]}:{acct}:trail/org-trail",
        "org-trail",
        regions[0],
        {
            "is_multi_region_trail": True,
            "is_logging": s.chance(0.95),
            "s3_bucket_name": f"cloudtrail-{acct}",
            "data_resources": [
                {
                    "type": "AWS::S3::Object",
                    "values": ["arn:aws:s3"]
                    if all_buckets
                    else [f"arn:aws:s3:::{b}/" for b in buckets if "training" in b][:50],
                }
            ]
            if s.chance(0.7)
            else [],
        },
    )

    gap_kind = rng.choice(AWS_GAP_KINDS) if gap else None
    gap_region = regions[-1]
    if gap_kind:
        s.drop(gap_kind, gap_region)
    for kind in (*AWS_WEIGHTS, *AWS_REGIONAL_SINGLETONS, "aws_cloudtrail"):
        if kind == "aws_s3_bucket":
            s.covered(kind, None)
            continue
        for region in regions:
            if kind == gap_kind and region == gap_region:
                s.covered(kind, region, "error", f"AccessDenied: not authorized to list {kind}")
            else:
                s.covered(kind, region)
    s.covered("aws_s3_account_public_access_block", None)
    return s


# ---------------------------------------------------------------------------- GCP


def _gcp_scope(rng: random.Random, index: int, budget: int, gap: bool) -> _Scope:
    """One GCP project: networks, firewalls, VMs with disks, and HTTPS load balancing."""
    project = f"ml-{TEAMS[index % len(TEAMS)]}-{index:03d}"
    s = _Scope(rng, "gcp", project)
    counts = split(budget, GCP_WEIGHTS)
    g = f"projects/{project}/global"
    project_number = 100000000 + index * 104729

    networks = []
    for i in range(counts["google_compute_network"]):
        nid = f"{g}/networks/vpc-{i}"
        s.add(
            "google_compute_network",
            nid,
            f"vpc-{i}",
            None,
            {"auto_create_subnetworks": i == 0 and s.chance(0.5)},
        )
        networks.append(nid)
    subnets: list[tuple[str, str]] = []
    for i in range(counts["google_compute_subnetwork"]):
        zone = rng.choice(GCP_ZONES)
        region = zone.rsplit("-", 1)[0]
        net = networks[i % len(networks)]
        sid = f"projects/{project}/regions/{region}/subnetworks/subnet-{i}"
        s.add(
            "google_compute_subnetwork",
            sid,
            f"subnet-{i}",
            region,
            {
                "network": net,
                "ip_cidr_range": f"10.{i % 250}.{(i // 250) % 250}.0/24",
                "private_ip_google_access": s.chance(0.7),
            },
        )
        subnets.append((sid, net))

    for i in range(counts["google_compute_firewall"]):
        profile = s.pick_weighted(
            (
                ("internal", 0.45),
                ("health-checks", 0.2),
                ("https-world", 0.15),
                ("ssh-world", 0.08),
                ("jupyter-world", 0.02),
                ("iap-ssh", 0.1),
            )
        )
        sources, ports, targets = {
            "internal": (["10.128.0.0/9"], ["8080", "8000-9000"], ["backend"]),
            "health-checks": (["35.191.0.0/16", "130.211.0.0/22"], ["8080"], ["gpu-node", "web"]),
            "https-world": ([ALL_WORLD_V4], ["443"], ["web"]),
            "ssh-world": ([ALL_WORLD_V4], ["22"], rng.choice((["gpu-node"], ["web"], []))),
            "jupyter-world": ([ALL_WORLD_V4], ["8888"], ["ml-train"]),
            "iap-ssh": (["35.235.240.0/20"], ["22"], []),
        }[profile]
        attrs = {
            "network": rng.choice(networks),
            "direction": "INGRESS" if s.chance(0.9) else "EGRESS",
            "disabled": s.chance(0.03),
            "priority": 1000,
            "source_ranges": sources,
            "source_tags": [],
            "target_tags": targets,
            "target_service_accounts": [],
            "allowed": [{"protocol": "tcp", "ports": ports}],
            "denied": [],
        }
        s.add(
            "google_compute_firewall",
            f"{g}/firewalls/fw-{profile}-{i}",
            f"fw-{profile}-{i}",
            None,
            attrs,
        )

    disks_left = counts["google_compute_disk"]
    kms = f"projects/{project}/locations/global/keyRings/ml/cryptoKeys/disks"
    groups: list[str] = []
    for i in range(counts["google_compute_instance"]):
        zone = rng.choice(GCP_ZONES)
        region = zone.rsplit("-", 1)[0]
        ai = s.chance(0.3)
        if ai:
            machine, accels = rng.choice(GCP_AI_TYPES)
        else:
            machine, accels = rng.choice(GCP_OTHER_TYPES), []
        name = f"{'gpu' if ai else 'vm'}-{i}"
        iid = f"projects/{project}/zones/{zone}/instances/{name}"
        subnet, net = rng.choice(subnets)
        public = s.chance(0.1)
        disks = []
        for boot in (True, False):
            if disks_left <= 0 or (not boot and not s.chance(0.2)):
                continue
            disks_left -= 1
            dname = f"{name}-{'boot' if boot else 'data'}"
            did = f"projects/{project}/zones/{zone}/disks/{dname}"
            cmek = s.chance(0.4)
            enc = "cmek" if cmek else "google"
            disks.append(
                {"source": did, "boot": boot, "kms_key": kms if cmek else None, "encryption": enc}
            )
            s.add(
                "google_compute_disk",
                did,
                dname,
                region,
                {"zone": zone, "kms_key": kms if cmek else None, "encryption": enc, "users": [iid]},
            )
        default_sa = s.chance(0.2)
        attrs = {
            "machine_type": machine,
            "zone": zone,
            "guest_accelerators": [dict(a) for a in accels],
            "network_interfaces": [
                {
                    "network": net,
                    "subnetwork": subnet,
                    "public_ip": public,
                    "access_configs": (
                        [
                            {
                                "nat_ip": s.public_ip(),
                                "type": "ONE_TO_ONE_NAT",
                            }
                        ]
                        if public
                        else []
                    ),
                }
            ],
            "network_tags": ["gpu-node", "ml-train"] if ai else [rng.choice(("web", "backend"))],
            "service_accounts": [
                {
                    "email": (
                        f"{project_number}-compute@developer.gserviceaccount.com"
                        if default_sa
                        else f"{'ml' if ai else 'app'}-runner@{project}.iam.gserviceaccount.com"
                    ),
                    "scopes": ["https://www.googleapis.com/auth/cloud-platform"],
                }
            ],
            "shielded_vm": {
                "enable_secure_boot": s.chance(0.7),
                "enable_vtpm": True,
                "enable_integrity_monitoring": s.chance(0.9),
            },
            "disks": disks,
        }
        unknown = {}
        if s.chance(0.01):
            del attrs["shielded_vm"]
            unknown["shielded_vm"] = "403: compute.instances.getShieldedInstanceIdentity denied"
        tags = {"team": rng.choice(TEAMS), "env": "prod"}
        if ai and s.chance(0.5):
            tags["ml-workload"] = "true"
        s.add("google_compute_instance", iid, name, region, attrs, tags, unknown)
        if i % 8 == 0:
            groups.append(f"projects/{project}/zones/{zone}/instanceGroups/ig-{i}")
    for i in range(disks_left):  # unattached disks
        zone = rng.choice(GCP_ZONES)
        did = f"projects/{project}/zones/{zone}/disks/orphan-{i}"
        s.add(
            "google_compute_disk",
            did,
            f"orphan-{i}",
            zone.rsplit("-", 1)[0],
            {"zone": zone, "kms_key": None, "encryption": "google", "users": []},
        )
    groups = groups or [f"projects/{project}/zones/{GCP_ZONES[0]}/instanceGroups/ig-0"]

    ssl_policies = []
    for i in range(counts["google_compute_ssl_policy"]):
        profile, tls = [
            ("MODERN", "TLS_1_2"),
            ("COMPATIBLE", "TLS_1_0"),
            ("RESTRICTED", "TLS_1_2"),
        ][i % 3]
        pid = f"{g}/sslPolicies/ssl-{profile.lower()}-{i}"
        s.add(
            "google_compute_ssl_policy",
            pid,
            f"ssl-{profile.lower()}-{i}",
            None,
            {"min_tls_version": tls, "profile": profile, "custom_features": []},
        )
        ssl_policies.append(pid)
    backends = []
    for i in range(counts["google_compute_backend_service"]):
        bid = f"{g}/backendServices/be-{i}"
        s.add(
            "google_compute_backend_service",
            bid,
            f"be-{i}",
            None,
            {
                "protocol": rng.choice(("HTTP", "HTTPS", "HTTP2")),
                "load_balancing_scheme": rng.choice(("EXTERNAL_MANAGED", "INTERNAL_MANAGED")),
                "groups": rng.sample(groups, min(len(groups), 2)),
            },
        )
        backends.append(bid)
    url_maps = []
    for i in range(counts["google_compute_url_map"]):
        uid = f"{g}/urlMaps/um-{i}"
        services = rng.sample(backends, min(len(backends), rng.randint(1, 3)))
        s.add(
            "google_compute_url_map",
            uid,
            f"um-{i}",
            None,
            {"default_service": services[0], "services": services},
        )
        url_maps.append(uid)
    proxies = []
    for i in range(counts["google_compute_target_https_proxy"]):
        pid = f"{g}/targetHttpsProxies/https-{i}"
        s.add(
            "google_compute_target_https_proxy",
            pid,
            f"https-{i}",
            None,
            {
                "ssl_policy": rng.choice(ssl_policies) if ssl_policies and s.chance(0.7) else None,
                "url_map": rng.choice(url_maps),
            },
        )
        proxies.append((pid, "443-443"))
    for i in range(counts["google_compute_target_http_proxy"]):
        pid = f"{g}/targetHttpProxies/http-{i}"
        s.add(
            "google_compute_target_http_proxy",
            pid,
            f"http-{i}",
            None,
            {"url_map": rng.choice(url_maps)},
        )
        proxies.append((pid, "80-80"))
    for i in range(counts["google_compute_forwarding_rule"]):
        target, ports = proxies[i % len(proxies)]
        external = s.chance(0.6)
        s.add(
            "google_compute_forwarding_rule",
            f"{g}/forwardingRules/fr-{i}",
            f"fr-{i}",
            None,
            {
                "target": target,
                "ip_address": s.public_ip()
                if external
                else f"10.0.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
                "port_range": ports,
                "load_balancing_scheme": "EXTERNAL_MANAGED" if external else "INTERNAL_MANAGED",
                "global": True,
            },
        )

    gap_kind = rng.choice(GCP_GAP_KINDS) if gap else None
    if gap_kind:
        s.drop(gap_kind, None)
    for kind in GCP_WEIGHTS:
        if kind == gap_kind:
            s.covered(kind, None, "error", f"403 Forbidden: required permission to list {kind}")
        else:
            s.covered(kind, None)
    return s


# ---------------------------------------------------------------------------- estate


def generate_snapshot(n: int, seed: int = 1) -> dict[str, Any]:
    """A snapshot document (the JSON `auditor collect` writes) of about `n` resources.

    About: a listing denied in a scope removes what it would have returned, as in a real
    collection. The smallest account and project, every eighth account and every fourth
    project have such a gap, so that coverage errors appear too.
    """
    rng = random.Random(seed)
    # At least two scopes per source, so that a gap (which removes a kind from a scope)
    # never removes a kind from the whole snapshot.
    n_scopes = round(n / RESOURCES_PER_SCOPE)
    n_aws = max(2, round(n_scopes * AWS_SHARE))
    n_gcp = max(2, n_scopes - n_aws)
    aws_total = round(n * AWS_SHARE)
    gcp_total = n - aws_total
    scopes: list[_Scope] = []
    for i, size in enumerate(zipf_sizes(aws_total, n_aws)):
        scopes.append(_aws_scope(rng, i, size, gap=(i + 1) % 8 == 0 or i == n_aws - 1))
    for i, size in enumerate(zipf_sizes(gcp_total, n_gcp)):
        scopes.append(_gcp_scope(rng, i, size, gap=(i + 1) % 4 == 0 or i == n_gcp - 1))
    return {
        "schema_version": SCHEMA_VERSION,
        "created_at": "2025-01-01T00:00:00Z",
        "sources": [
            {"source": s.source, "scope": s.scope, "generator": f"bench.gen_resources seed={seed}"}
            for s in scopes
        ],
        "resources": [r for s in scopes for r in s.resources],
        "coverage": [c for s in scopes for c in s.coverage],
        "problems": [],
    }


def describe(snapshot: dict[str, Any]) -> str:
    """Counts by kind and the scope sizes, for a reader to judge the mix."""
    kinds = Counter(r["kind"] for r in snapshot["resources"])
    scopes = Counter(r["scope"] for r in snapshot["resources"])
    gaps = sum(1 for c in snapshot["coverage"] if c["status"] != "collected")
    unknown = sum(1 for r in snapshot["resources"] if r["unknown"])
    lines = [
        f"{len(snapshot['resources'])} resources in {len(scopes)} scopes "
        f"(largest {max(scopes.values())}, smallest {min(scopes.values())}); "
        f"{unknown} with unknown attributes; {gaps} coverage gaps"
    ]
    lines += [f"  {kind:40} {count:>8}" for kind, count in sorted(kinds.items())]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.gen_resources", description="Write a synthetic snapshot."
    )
    parser.add_argument("--resources", type=int, default=100_000, metavar="N")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True, metavar="SNAPSHOT.json")
    args = parser.parse_args(argv)
    snap = generate_snapshot(args.resources, args.seed)
    Path(args.out).write_text(json.dumps(snap, separators=(",", ":")))
    print(describe(snap), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
