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
    # Items come from the KMS key references other kinds hold (see
    # collector.kms_references): read in a second wave, after the kinds that hold them.
    from_references: bool = False
    # Attribute paths (dotted; lists flattened) that hold KMS key references.
    kms_refs: tuple[str, ...] = ()
    # The joins that complete this kind after collection (documented in docs/aws.md).
    notes: str = ""


def field_at(raw: Raw, path: str) -> Any:
    """The value at a dotted path of a raw item ("describe.KeyMetadata.KeyId"); KeyError
    when absent, as a direct subscript would raise."""
    value: Any = raw
    for part in path.split("."):
        value = value[part]
    return value


def naming(fields: str | Mapping[str, str], **fixed: Any) -> Callable[[Raw, Unit], Params]:
    """Parameters naming an item: {"Bucket": "Name"} sends Bucket=item["Name"] (a dotted
    path reaches into nested answers); a plain string is a parameter named as its field;
    `fixed` parameters are sent as given."""
    pairs = {fields: fields} if isinstance(fields, str) else dict(fields)

    def params(raw: Raw, u: Unit) -> Params:
        return {**{p: field_at(raw, f) for p, f in pairs.items()}, **fixed}

    return params


def detail(
    key: str,
    op: str,
    result: str | None = None,
    *,
    by: str | Mapping[str, str],
    fixed: Mapping[str, Any] | None = None,
    unknown: tuple[str, ...] = (),
    when: Callable[[Raw], bool] | None = None,
    **call: Any,
) -> Detail:
    """A per-item detail call whose parameters name the item (see `naming`)."""
    params = naming(by, **(fixed or {}))
    return Detail(key, Call(op, result, params=params, **call), unknown=unknown, when=when)


def _tags_batch(id_field: str) -> Batch:
    """ELBv2 DescribeTags: 20 ARNs a call."""
    return Batch(
        key="tags",
        call=Call("DescribeTags", "TagDescriptions[]", single=True),
        param="ResourceArns",
        size=20,
        id_field=id_field,
        match_field="ResourceArn",
        value="Tags",
        unknown=("tags",),
    )


def _ec2(
    kind: str,
    op: str,
    result: str,
    normalise: Callable[[Raw, Unit], Normalised],
    kms_refs: tuple[str, ...] = (),
) -> ResourceType:
    """An EC2 describe, paginated with MaxResults 1000 (never the unpaginated form that
    draws on EC2's smaller throttle bucket)."""
    return ResourceType(
        kind=kind,
        service="ec2",
        enum=Call(op, result, page_size=1000),
        normalise=normalise,
        kms_refs=kms_refs,
    )


def _sagemaker(
    kind: str,
    noun: str,
    normalise: Callable[[Raw, Unit], Normalised],
    *,
    result: str | None = None,
    params: Callable[[Raw, Unit], Params] | None = None,
    kms_refs: tuple[str, ...] = (),
) -> ResourceType:
    """SageMaker's shape: List<Noun>s answering <Noun>s[] (or `result`), then
    Describe<Noun> by <Noun>Name (ListModels, DescribeModel(ModelName=...))."""
    return ResourceType(
        kind=kind,
        service="sagemaker",
        enum=Call(f"List{noun}s", result or f"{noun}s[]", params=params),
        details=(detail("describe", f"Describe{noun}", by=f"{noun}Name"),),
        normalise=normalise,
        kms_refs=kms_refs,
    )


BUCKET = {"Bucket": "Name"}
# Every setting of a bucket: raw key -> (operation, JMESPath result, attributes unknown
# when the call fails).
S3_BUCKET_READS: dict[str, tuple[str, str | None, tuple[str, ...]]] = {
    "policy": ("GetBucketPolicy", None, ("policy",)),
    "acl": ("GetBucketAcl", None, ("acl", "grants")),
    "encryption": ("GetBucketEncryption", "ServerSideEncryptionConfiguration", ("encryption",)),
    "public_access_block": ("GetPublicAccessBlock", None, ("public_access_block",)),
    "versioning": ("GetBucketVersioning", None, ("versioning",)),
    "logging": ("GetBucketLogging", None, ("logging",)),
    "lifecycle": ("GetBucketLifecycleConfiguration", None, ("lifecycle_rules",)),
    "tagging": ("GetBucketTagging", None, ("tags",)),
}
# The error codes that mean "none configured": a normal answer, not a failure.
S3_NONE_CONFIGURED: dict[str, tuple[str, ...]] = {
    "GetBucketPolicy": ("NoSuchBucketPolicy",),
    "GetBucketEncryption": ("ServerSideEncryptionConfigurationNotFoundError",),
    "GetPublicAccessBlock": ("NoSuchPublicAccessBlockConfiguration",),
    "GetBucketLifecycleConfiguration": ("NoSuchLifecycleConfiguration",),
    "GetBucketTagging": ("NoSuchTagSet",),
}
# The IAM actions named otherwise than s3:<operation>.
S3_ACTIONS: dict[str, str] = {
    "GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
    "GetBucketLifecycleConfiguration": "s3:GetLifecycleConfiguration",
}
APIGW = "apigateway:GET"  # API Gateway's one read action


def _recent_jobs(raw: Raw, u: Unit) -> Params:
    return {"CreationTimeAfter": datetime.now(UTC) - timedelta(days=u.training_job_days)}


def _wafv2_scopes(raw: Raw, u: Unit) -> list[Params]:
    # CloudFront web ACLs live in us-east-1 only.
    scopes: list[Params] = [{"Scope": "REGIONAL"}]
    if u.region == "us-east-1":
        scopes.append({"Scope": "CLOUDFRONT"})
    return scopes


# The protected resource types whose associations a regional web ACL is asked for:
# raw key -> ListResourcesForWebACL ResourceType (the load balancers and REST API
# stages the controls judge).
WAF_PROTECTED: dict[str, str] = {
    "load_balancers": "APPLICATION_LOAD_BALANCER",
    "api_stages": "API_GATEWAY",
}


def _regional(raw: Raw) -> bool:
    return (raw.get("_params") or {}).get("Scope") == "REGIONAL"


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
    _ec2("aws_security_group", "DescribeSecurityGroups", "SecurityGroups[]", n.security_group),
    _ec2("aws_ebs_volume", "DescribeVolumes", "Volumes[]", n.ebs_volume, kms_refs=("kms_key_id",)),
    ResourceType(
        kind="aws_ebs_encryption_by_default",
        service="ec2",
        enum=Call("GetEbsEncryptionByDefault", single=True),
        singleton=True,
        normalise=n.ebs_encryption_by_default,
    ),
    _ec2("aws_vpc_endpoint", "DescribeVpcEndpoints", "VpcEndpoints[]", n.vpc_endpoint),
    _ec2("aws_subnet", "DescribeSubnets", "Subnets[]", n.subnet),
    _ec2("aws_vpc", "DescribeVpcs", "Vpcs[]", n.vpc),
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
        details=tuple(
            detail(
                key,
                op,
                result,
                by=BUCKET,
                absent=S3_NONE_CONFIGURED.get(op, ()),
                action=S3_ACTIONS.get(op),
                unknown=unknown,
            )
            for key, (op, result, unknown) in S3_BUCKET_READS.items()
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
    # --- SageMaker: List<Noun>s, then Describe<Noun> by <Noun>Name ------------------------
    _sagemaker("aws_sagemaker_model", "Model", n.sagemaker_model),
    _sagemaker(
        "aws_sagemaker_endpoint_configuration",
        "EndpointConfig",
        n.sagemaker_endpoint_configuration,
        kms_refs=("kms_key_arn", "data_capture.kms_key_id"),
    ),
    _sagemaker("aws_sagemaker_endpoint", "Endpoint", n.sagemaker_endpoint),
    _sagemaker(
        "aws_sagemaker_notebook_instance",
        "NotebookInstance",
        n.sagemaker_notebook_instance,
        kms_refs=("kms_key_id",),
    ),
    _sagemaker(
        "aws_sagemaker_training_job",
        "TrainingJob",
        n.sagemaker_training_job,
        result="TrainingJobSummaries[]",
        params=_recent_jobs,
        kms_refs=("output_kms_key_id", "volume_kms_key_id"),
    ),
    # --- EKS, ECR ---------------------------------------------------------------------------
    ResourceType(
        kind="aws_eks_cluster",
        service="eks",
        enum=Call("ListClusters", "clusters[].{name: @}"),
        details=(detail("describe", "DescribeCluster", "cluster", by="name"),),
        normalise=n.eks_cluster,
        kms_refs=("encryption_config.key_arn",),
    ),
    ResourceType(
        kind="aws_eks_node_group",
        service="eks",
        parent="aws_eks_cluster",
        parent_name=lambda p: p["name"],
        enum=Call(
            "ListNodegroups", "nodegroups[].{name: @}", params=naming({"clusterName": "name"})
        ),
        details=(
            detail(
                "describe",
                "DescribeNodegroup",
                "nodegroup",
                by={"clusterName": "_parent", "nodegroupName": "name"},
            ),
        ),
        normalise=n.eks_node_group,
    ),
    ResourceType(
        kind="aws_ecr_repository",
        service="ecr",
        enum=Call("DescribeRepositories", "repositories[]"),
        details=(
            detail(
                "tags",
                "ListTagsForResource",
                "tags",
                by={"resourceArn": "repositoryArn"},
                single=True,
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
        batches=(_tags_batch("LoadBalancerArn"),),
        normalise=n.lb,
    ),
    ResourceType(
        kind="aws_lb_listener",
        service="elbv2",
        parent="aws_lb",
        parent_name=lambda p: p["LoadBalancerArn"],
        enum=Call(
            "DescribeListeners", "Listeners[]", params=naming("LoadBalancerArn"), page_size=400
        ),
        details=(detail("rules", "DescribeRules", "Rules[]", by="ListenerArn", page_size=400),),
        normalise=n.lb_listener,
    ),
    ResourceType(
        kind="aws_lb_target_group",
        service="elbv2",
        enum=Call("DescribeTargetGroups", "TargetGroups[]", page_size=400),
        details=(
            detail(
                "targets",
                "DescribeTargetHealth",
                "TargetHealthDescriptions[]",
                by="TargetGroupArn",
                single=True,
            ),
        ),
        batches=(_tags_batch("TargetGroupArn"),),
        normalise=n.lb_target_group,
    ),
    # --- API Gateway (every read is apigateway:GET) -------------------------------------------
    ResourceType(
        kind="aws_api_gateway_rest_api",
        service="apigateway",
        enum=Call("GetRestApis", "items[]", action=APIGW),
        context=(
            Detail(
                "usage_plans",
                Call("GetUsagePlans", "items[]", action=APIGW),
                unknown=("stages",),
            ),
        ),
        details=(
            detail(
                "resources",
                "GetResources",
                "items[]",
                by={"restApiId": "id"},
                fixed={"embed": ["methods"]},
                action=APIGW,
            ),
            detail(
                "stages", "GetStages", "item[]", by={"restApiId": "id"}, single=True, action=APIGW
            ),
        ),
        normalise=n.api_gateway_rest_api,
    ),
    ResourceType(
        kind="aws_apigatewayv2_api",
        service="apigatewayv2",
        enum=Call("GetApis", "Items[]", action=APIGW),
        details=tuple(
            detail(key, op, "Items[]", by="ApiId", action=APIGW)
            for key, op in (
                ("routes", "GetRoutes"),
                ("integrations", "GetIntegrations"),
                ("stages", "GetStages"),
            )
        ),
        normalise=n.apigatewayv2_api,
    ),
    # --- WAFv2 (no botocore paginators: NextMarker tokens) --------------------------------
    # The associations of each regional web ACL: one ListResourcesForWebACL per protected
    # resource type (the batch call: every ARN a web ACL protects in one answer, instead of
    # a GetWebACLForResource per load balancer and API stage). CloudFront web ACLs are
    # not asked (CloudFront lists its distributions by web ACL, not WAFv2): their
    # associations are unknown (normalise.wafv2_web_acl).
    ResourceType(
        kind="aws_wafv2_web_acl",
        service="wafv2",
        enum=Call(
            "ListWebACLs", "WebACLs[]", params=_wafv2_scopes, tokens=("NextMarker", "NextMarker")
        ),
        details=(
            detail(
                "describe",
                "GetWebACL",
                by={"Name": "Name", "Id": "Id", "Scope": "_params.Scope"},
                single=True,
            ),
            *(
                detail(
                    key,
                    "ListResourcesForWebACL",
                    "ResourceArns",
                    by={"WebACLArn": "ARN"},
                    fixed={"ResourceType": resource_type},
                    single=True,
                    unknown=("associated_resources",),
                    when=_regional,
                )
                for key, resource_type in WAF_PROTECTED.items()
            ),
        ),
        normalise=n.wafv2_web_acl,
    ),
    # --- GuardDuty, CloudTrail, CloudWatch Logs ---------------------------------------------
    ResourceType(
        kind="aws_guardduty_detector",
        service="guardduty",
        enum=Call("ListDetectors", "DetectorIds[].{DetectorId: @}"),
        details=(detail("describe", "GetDetector", by="DetectorId", single=True),),
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
        details=tuple(
            detail(key, op, by={param: "TrailARN"}, single=True, unknown=unknown)
            for key, op, param, unknown in (
                ("status", "GetTrailStatus", "Name", ("is_logging",)),
                ("selectors", "GetEventSelectors", "TrailName", ("data_resources",)),
            )
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
            detail("describe", "DescribeKey", by={"KeyId": "KeyRef"}),
            detail(
                "rotation",
                "GetKeyRotationStatus",
                by={"KeyId": "describe.KeyMetadata.KeyId"},
                single=True,
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
