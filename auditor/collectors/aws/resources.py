"""What the AWS collector reads, declared once per resource type (cloud-custodian style).

A declaration names the service, the list operation and the JMESPath to its items, the
per-item detail calls folded into each item, the batch calls, and the normaliser. The
machinery (query.py) runs them; the IAM policy (permissions.py,
deploy/aws-readonly-policy.json) is derived from them. A new kind is a declaration here
plus a normaliser in normalise.py: nothing else changes.

Declarations never hold clients or sessions: importing this module touches no network.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from auditor.collectors.aws import normalise as n
from auditor.collectors.aws.normalise import Normalised, Unit

Raw = dict[str, Any]
Params = Mapping[str, Any]

# IAM action prefixes where they differ from the botocore client name.
IAM_PREFIX: dict[str, str] = {"elbv2": "elasticloadbalancing", "s3control": "s3"}

# The requests per second each (account, region, service) unit may send, well under the
# documented or observed control-plane limits (EC2 non-mutating describes refill at
# 20/s per account and region; API Gateway's management API allows 10/s per account;
# CloudWatch Logs DescribeLogGroups 10/s; SageMaker List*/Describe* and ELBv2 Describe*
# are throttled from ~10/s). Bursts up to twice the rate are allowed.
SERVICE_RATES: dict[str, float] = {
    "ec2": 10.0,
    "s3": 25.0,
    "s3control": 5.0,
    "sagemaker": 5.0,
    "eks": 5.0,
    "ecr": 5.0,
    "elbv2": 5.0,
    "kms": 10.0,
    "apigateway": 5.0,
    "apigatewayv2": 5.0,
    "wafv2": 5.0,
    "guardduty": 5.0,
    "cloudtrail": 5.0,
    "logs": 5.0,
}


@dataclass(frozen=True)
class Call:
    """One read operation.

    `result` is a JMESPath on each answer page (lists are merged across pages). A call is
    paginated through botocore's paginator when one exists; `tokens` names the
    (request, response) token pair of operations botocore has no paginator for; `single`
    says the operation has no pagination at all. `absent` lists the error codes that mean
    "nothing is configured" (NoSuchBucketPolicy): a normal answer, read as None.
    """

    op: str
    result: str | None = None
    params: Callable[[Raw, Unit], Params | list[Params]] | None = None
    page_size: int | None = None
    tokens: tuple[str, str] | None = None
    single: bool = False
    absent: tuple[str, ...] = ()
    action: str | None = None  # the IAM action when not "<prefix>:<op>"


@dataclass(frozen=True)
class Detail:
    """A per-item call whose answer lands in the item's raw record under `key`.

    `unknown` lists the attribute paths that become unknown when the call fails (denied,
    throttled out, timed out): the resource is still reported, those facts are not. With
    no `unknown`, the call is essential: a failure is a coverage gap of the whole kind.
    """

    key: str
    call: Call
    unknown: tuple[str, ...] = ()
    when: Callable[[Raw], bool] | None = None


@dataclass(frozen=True)
class Batch:
    """A call answering for up to `size` items at once (ELBv2 DescribeTags: 20 ARNs)."""

    key: str
    call: Call
    param: str
    size: int
    id_field: str
    match_field: str
    value: str
    unknown: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResourceType:
    kind: str
    service: str
    normalise: Callable[[Raw, Unit], Normalised]
    enum: Call | None
    details: tuple[Detail, ...] = ()
    batches: tuple[Batch, ...] = ()
    # Region-level answers every item sees as raw["_context"][key] (API usage plans).
    context: tuple[Detail, ...] = ()
    # The kind whose raw items are parents: enum.params receives each parent.
    parent: str | None = None
    parent_name: Callable[[Raw], str] | None = None
    # "region": read in every region; "account": once per account (region None).
    level: str = "region"
    # The enum answer is the item itself (GetEbsEncryptionByDefault).
    singleton: bool = False
    # Items come from the KMS key references other kinds hold (see query.kms_references).
    from_references: bool = False
    # Attribute paths (dotted; lists flattened) that hold KMS key references.
    kms_refs: tuple[str, ...] = ()
    # The joins that complete this kind after collection (documented in docs/aws.md).
    notes: str = ""


def _recent_jobs(raw: Raw, u: Unit) -> Params:
    return {"CreationTimeAfter": datetime.now(UTC) - timedelta(days=u.training_job_days)}


def _wafv2_scopes(raw: Raw, u: Unit) -> list[Params]:
    # CloudFront web ACLs live in us-east-1 only.
    scopes: list[Params] = [{"Scope": "REGIONAL"}]
    if u.region == "us-east-1":
        scopes.append({"Scope": "CLOUDFRONT"})
    return scopes


RESOURCE_TYPES: tuple[ResourceType, ...] = (
    # --- EC2: filtered and paginated (MaxResults), never the unpaginated describes -------
    ResourceType(
        kind="aws_instance",
        service="ec2",
        enum=Call(
            "DescribeInstances",
            "Reservations[].Instances[]",
            params=lambda r, u: {
                "Filters": [
                    {
                        "Name": "instance-state-name",
                        "Values": ["pending", "running", "stopping", "stopped"],
                    }
                ]
            },
            page_size=1000,
        ),
        normalise=n.instance,
        notes="volumes[].encrypted/kms_key_id joined from aws_ebs_volume",
    ),
    ResourceType(
        kind="aws_security_group",
        service="ec2",
        enum=Call("DescribeSecurityGroups", "SecurityGroups[]", page_size=1000),
        normalise=n.security_group,
    ),
    ResourceType(
        kind="aws_ebs_volume",
        service="ec2",
        enum=Call("DescribeVolumes", "Volumes[]", page_size=1000),
        normalise=n.ebs_volume,
        kms_refs=("kms_key_id",),
    ),
    ResourceType(
        kind="aws_ebs_encryption_by_default",
        service="ec2",
        enum=Call("GetEbsEncryptionByDefault", single=True),
        singleton=True,
        normalise=n.ebs_encryption_by_default,
    ),
    ResourceType(
        kind="aws_vpc_endpoint",
        service="ec2",
        enum=Call("DescribeVpcEndpoints", "VpcEndpoints[]", page_size=1000),
        normalise=n.vpc_endpoint,
    ),
    ResourceType(
        kind="aws_subnet",
        service="ec2",
        enum=Call("DescribeSubnets", "Subnets[]", page_size=1000),
        normalise=n.subnet,
    ),
    ResourceType(
        kind="aws_vpc",
        service="ec2",
        enum=Call("DescribeVpcs", "Vpcs[]", page_size=1000),
        normalise=n.vpc,
    ),
    # --- S3: the buckets of this region (ListBuckets BucketRegion), every setting folded --
    ResourceType(
        kind="aws_s3_bucket",
        service="s3",
        enum=Call(
            "ListBuckets",
            "Buckets[]",
            params=lambda r, u: {"BucketRegion": u.region},
            action="s3:ListAllMyBuckets",
        ),
        details=(
            Detail(
                "policy",
                Call(
                    "GetBucketPolicy",
                    params=lambda r, u: {"Bucket": r["Name"]},
                    absent=("NoSuchBucketPolicy",),
                ),
                unknown=("policy",),
            ),
            Detail(
                "acl",
                Call("GetBucketAcl", params=lambda r, u: {"Bucket": r["Name"]}),
                unknown=("acl", "grants"),
            ),
            Detail(
                "encryption",
                Call(
                    "GetBucketEncryption",
                    "ServerSideEncryptionConfiguration",
                    params=lambda r, u: {"Bucket": r["Name"]},
                    absent=("ServerSideEncryptionConfigurationNotFoundError",),
                    action="s3:GetEncryptionConfiguration",
                ),
                unknown=("encryption",),
            ),
            Detail(
                "public_access_block",
                Call(
                    "GetPublicAccessBlock",
                    params=lambda r, u: {"Bucket": r["Name"]},
                    absent=("NoSuchPublicAccessBlockConfiguration",),
                    action="s3:GetBucketPublicAccessBlock",
                ),
                unknown=("public_access_block",),
            ),
            Detail(
                "versioning",
                Call("GetBucketVersioning", params=lambda r, u: {"Bucket": r["Name"]}),
                unknown=("versioning",),
            ),
            Detail(
                "logging",
                Call("GetBucketLogging", params=lambda r, u: {"Bucket": r["Name"]}),
                unknown=("logging",),
            ),
            Detail(
                "lifecycle",
                Call(
                    "GetBucketLifecycleConfiguration",
                    params=lambda r, u: {"Bucket": r["Name"]},
                    absent=("NoSuchLifecycleConfiguration",),
                    action="s3:GetLifecycleConfiguration",
                ),
                unknown=("lifecycle_rules",),
            ),
            Detail(
                "tagging",
                Call(
                    "GetBucketTagging",
                    params=lambda r, u: {"Bucket": r["Name"]},
                    absent=("NoSuchTagSet",),
                ),
                unknown=("tags",),
            ),
        ),
        normalise=n.s3_bucket,
        kms_refs=("encryption.kms_master_key_id",),
        notes="account_public_access_block joined from aws_s3_account_public_access_block",
    ),
    ResourceType(
        kind="aws_s3_account_public_access_block",
        service="s3control",
        enum=Call(
            "GetPublicAccessBlock",
            params=lambda r, u: {"AccountId": u.account},
            single=True,
            absent=("NoSuchPublicAccessBlockConfiguration",),
            action="s3:GetAccountPublicAccessBlock",
        ),
        singleton=True,
        level="account",
        normalise=n.s3_account_public_access_block,
    ),
    # --- SageMaker -------------------------------------------------------------------------
    ResourceType(
        kind="aws_sagemaker_model",
        service="sagemaker",
        enum=Call("ListModels", "Models[]"),
        details=(
            Detail(
                "describe", Call("DescribeModel", params=lambda r, u: {"ModelName": r["ModelName"]})
            ),
        ),
        normalise=n.sagemaker_model,
    ),
    ResourceType(
        kind="aws_sagemaker_endpoint_configuration",
        service="sagemaker",
        enum=Call("ListEndpointConfigs", "EndpointConfigs[]"),
        details=(
            Detail(
                "describe",
                Call(
                    "DescribeEndpointConfig",
                    params=lambda r, u: {"EndpointConfigName": r["EndpointConfigName"]},
                ),
            ),
        ),
        normalise=n.sagemaker_endpoint_configuration,
        kms_refs=("kms_key_arn", "data_capture.kms_key_id"),
    ),
    ResourceType(
        kind="aws_sagemaker_endpoint",
        service="sagemaker",
        enum=Call("ListEndpoints", "Endpoints[]"),
        details=(
            Detail(
                "describe",
                Call("DescribeEndpoint", params=lambda r, u: {"EndpointName": r["EndpointName"]}),
            ),
        ),
        normalise=n.sagemaker_endpoint,
    ),
    ResourceType(
        kind="aws_sagemaker_notebook_instance",
        service="sagemaker",
        enum=Call("ListNotebookInstances", "NotebookInstances[]"),
        details=(
            Detail(
                "describe",
                Call(
                    "DescribeNotebookInstance",
                    params=lambda r, u: {"NotebookInstanceName": r["NotebookInstanceName"]},
                ),
            ),
        ),
        normalise=n.sagemaker_notebook_instance,
        kms_refs=("kms_key_id",),
    ),
    ResourceType(
        kind="aws_sagemaker_training_job",
        service="sagemaker",
        enum=Call("ListTrainingJobs", "TrainingJobSummaries[]", params=_recent_jobs),
        details=(
            Detail(
                "describe",
                Call(
                    "DescribeTrainingJob",
                    params=lambda r, u: {"TrainingJobName": r["TrainingJobName"]},
                ),
            ),
        ),
        normalise=n.sagemaker_training_job,
        kms_refs=("output_kms_key_id", "volume_kms_key_id"),
    ),
    # --- EKS, ECR ---------------------------------------------------------------------------
    ResourceType(
        kind="aws_eks_cluster",
        service="eks",
        enum=Call("ListClusters", "clusters[].{name: @}"),
        details=(
            Detail(
                "describe",
                Call("DescribeCluster", "cluster", params=lambda r, u: {"name": r["name"]}),
            ),
        ),
        normalise=n.eks_cluster,
        kms_refs=("encryption_config.key_arn",),
    ),
    ResourceType(
        kind="aws_eks_node_group",
        service="eks",
        parent="aws_eks_cluster",
        parent_name=lambda p: p["name"],
        enum=Call(
            "ListNodegroups",
            "nodegroups[].{name: @}",
            params=lambda parent, u: {"clusterName": parent["name"]},
        ),
        details=(
            Detail(
                "describe",
                Call(
                    "DescribeNodegroup",
                    "nodegroup",
                    params=lambda r, u: {"clusterName": r["_parent"], "nodegroupName": r["name"]},
                ),
            ),
        ),
        normalise=n.eks_node_group,
    ),
    ResourceType(
        kind="aws_ecr_repository",
        service="ecr",
        enum=Call("DescribeRepositories", "repositories[]"),
        details=(
            Detail(
                "tags",
                Call(
                    "ListTagsForResource",
                    "tags",
                    params=lambda r, u: {"resourceArn": r["repositoryArn"]},
                    single=True,
                ),
                unknown=("tags",),
            ),
        ),
        normalise=n.ecr_repository,
        kms_refs=("kms_key",),
    ),
    # --- ELBv2 -------------------------------------------------------------------------------
    ResourceType(
        kind="aws_lb",
        service="elbv2",
        enum=Call("DescribeLoadBalancers", "LoadBalancers[]", page_size=400),
        batches=(
            Batch(
                key="tags",
                call=Call("DescribeTags", "TagDescriptions[]", single=True),
                param="ResourceArns",
                size=20,
                id_field="LoadBalancerArn",
                match_field="ResourceArn",
                value="Tags",
                unknown=("tags",),
            ),
        ),
        normalise=n.lb,
    ),
    ResourceType(
        kind="aws_lb_listener",
        service="elbv2",
        parent="aws_lb",
        parent_name=lambda p: p["LoadBalancerArn"],
        enum=Call(
            "DescribeListeners",
            "Listeners[]",
            params=lambda parent, u: {"LoadBalancerArn": parent["LoadBalancerArn"]},
            page_size=400,
        ),
        details=(
            Detail(
                "rules",
                Call(
                    "DescribeRules",
                    "Rules[]",
                    params=lambda r, u: {"ListenerArn": r["ListenerArn"]},
                    page_size=400,
                ),
            ),
        ),
        normalise=n.lb_listener,
    ),
    ResourceType(
        kind="aws_lb_target_group",
        service="elbv2",
        enum=Call("DescribeTargetGroups", "TargetGroups[]", page_size=400),
        details=(
            Detail(
                "targets",
                Call(
                    "DescribeTargetHealth",
                    "TargetHealthDescriptions[]",
                    params=lambda r, u: {"TargetGroupArn": r["TargetGroupArn"]},
                    single=True,
                ),
            ),
        ),
        batches=(
            Batch(
                key="tags",
                call=Call("DescribeTags", "TagDescriptions[]", single=True),
                param="ResourceArns",
                size=20,
                id_field="TargetGroupArn",
                match_field="ResourceArn",
                value="Tags",
                unknown=("tags",),
            ),
        ),
        normalise=n.lb_target_group,
    ),
    # --- API Gateway ------------------------------------------------------------------------
    ResourceType(
        kind="aws_api_gateway_rest_api",
        service="apigateway",
        enum=Call("GetRestApis", "items[]", action="apigateway:GET"),
        context=(
            Detail(
                "usage_plans",
                Call("GetUsagePlans", "items[]", action="apigateway:GET"),
                unknown=("stages",),
            ),
        ),
        details=(
            Detail(
                "resources",
                Call(
                    "GetResources",
                    "items[]",
                    params=lambda r, u: {"restApiId": r["id"], "embed": ["methods"]},
                    action="apigateway:GET",
                ),
            ),
            Detail(
                "stages",
                Call(
                    "GetStages",
                    "item[]",
                    params=lambda r, u: {"restApiId": r["id"]},
                    single=True,
                    action="apigateway:GET",
                ),
            ),
        ),
        normalise=n.api_gateway_rest_api,
    ),
    ResourceType(
        kind="aws_apigatewayv2_api",
        service="apigatewayv2",
        enum=Call("GetApis", "Items[]", action="apigateway:GET"),
        details=(
            Detail(
                "routes",
                Call(
                    "GetRoutes",
                    "Items[]",
                    params=lambda r, u: {"ApiId": r["ApiId"]},
                    action="apigateway:GET",
                ),
            ),
            Detail(
                "integrations",
                Call(
                    "GetIntegrations",
                    "Items[]",
                    params=lambda r, u: {"ApiId": r["ApiId"]},
                    action="apigateway:GET",
                ),
            ),
            Detail(
                "stages",
                Call(
                    "GetStages",
                    "Items[]",
                    params=lambda r, u: {"ApiId": r["ApiId"]},
                    action="apigateway:GET",
                ),
            ),
        ),
        normalise=n.apigatewayv2_api,
    ),
    # --- WAFv2 (no botocore paginators: NextMarker tokens) --------------------------------
    ResourceType(
        kind="aws_wafv2_web_acl",
        service="wafv2",
        enum=Call(
            "ListWebACLs", "WebACLs[]", params=_wafv2_scopes, tokens=("NextMarker", "NextMarker")
        ),
        details=(
            Detail(
                "describe",
                Call(
                    "GetWebACL",
                    params=lambda r, u: {
                        "Name": r["Name"],
                        "Id": r["Id"],
                        "Scope": r["_params"]["Scope"],
                    },
                    single=True,
                ),
            ),
            Detail(
                "associated_albs",
                Call(
                    "ListResourcesForWebACL",
                    "ResourceArns",
                    params=lambda r, u: {
                        "WebACLArn": r["ARN"],
                        "ResourceType": "APPLICATION_LOAD_BALANCER",
                    },
                    single=True,
                ),
                when=lambda r: r["_params"]["Scope"] == "REGIONAL",
                unknown=("associated_resources",),
            ),
            Detail(
                "associated_apis",
                Call(
                    "ListResourcesForWebACL",
                    "ResourceArns",
                    params=lambda r, u: {"WebACLArn": r["ARN"], "ResourceType": "API_GATEWAY"},
                    single=True,
                ),
                when=lambda r: r["_params"]["Scope"] == "REGIONAL",
                unknown=("associated_resources",),
            ),
        ),
        normalise=n.wafv2_web_acl,
    ),
    # --- GuardDuty, CloudTrail, CloudWatch Logs ---------------------------------------------
    ResourceType(
        kind="aws_guardduty_detector",
        service="guardduty",
        enum=Call("ListDetectors", "DetectorIds[].{DetectorId: @}"),
        details=(
            Detail(
                "describe",
                Call(
                    "GetDetector", params=lambda r, u: {"DetectorId": r["DetectorId"]}, single=True
                ),
            ),
        ),
        normalise=n.guardduty_detector,
    ),
    ResourceType(
        kind="aws_cloudtrail",
        service="cloudtrail",
        # Shadow trails (multi-region trails seen from other regions) are left out: each
        # trail is reported once, in its home region.
        enum=Call(
            "DescribeTrails",
            "trailList[]",
            params=lambda r, u: {"includeShadowTrails": False},
            single=True,
        ),
        details=(
            Detail(
                "status",
                Call("GetTrailStatus", params=lambda r, u: {"Name": r["TrailARN"]}, single=True),
                unknown=("is_logging",),
            ),
            Detail(
                "selectors",
                Call(
                    "GetEventSelectors",
                    params=lambda r, u: {"TrailName": r["TrailARN"]},
                    single=True,
                ),
                unknown=("data_resources",),
            ),
        ),
        normalise=n.cloudtrail,
    ),
    ResourceType(
        kind="aws_cloudwatch_log_group",
        service="logs",
        enum=Call(
            "DescribeLogGroups",
            "logGroups[]",
            params=lambda r, u: [{"logGroupNamePrefix": p} for p in u.log_group_prefixes],
        ),
        normalise=n.cloudwatch_log_group,
        kms_refs=("kms_key_id",),
    ),
    # --- KMS: only the keys the resources above use --------------------------------------------
    ResourceType(
        kind="aws_kms_key",
        service="kms",
        enum=None,
        from_references=True,
        details=(
            Detail("describe", Call("DescribeKey", params=lambda r, u: {"KeyId": r["KeyRef"]})),
            Detail(
                "rotation",
                Call(
                    "GetKeyRotationStatus",
                    params=lambda r, u: {"KeyId": r["describe"]["KeyMetadata"]["KeyId"]},
                    single=True,
                ),
                unknown=("key_rotation_enabled",),
                when=lambda r: (
                    (r.get("describe") or {})
                    .get("KeyMetadata", {})
                    .get("KeySpec", "SYMMETRIC_DEFAULT")
                    == "SYMMETRIC_DEFAULT"
                ),
            ),
        ),
        normalise=n.kms_key,
    ),
)

BY_KIND: dict[str, ResourceType] = {rt.kind: rt for rt in RESOURCE_TYPES}


def kinds() -> list[str]:
    return [rt.kind for rt in RESOURCE_TYPES]


def calls(rt: ResourceType) -> list[Call]:
    """Every call a declaration can make."""
    found = [rt.enum] if rt.enum else []
    found += [d.call for d in (*rt.context, *rt.details)]
    found += [b.call for b in rt.batches]
    return found
