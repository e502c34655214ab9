"""AWS managed services: Terraform resource types → normalised kinds (auditor/kinds/aws_*.json).

The network (VPC, subnet, VPC endpoint), SageMaker notebooks, EKS, GuardDuty,
CloudTrail, CloudWatch Logs and ECS task definitions, in the attribute shapes the live
collector gives (auditor/collectors/aws/normalise.py), so that the same policies give the
same verdicts on code, plans and the estate. Split from aws.py by size only (API Gateway
and WAF are in aws_api.py): the same declarations (KindSpec, FoldSpec), the same Reader
and Builder, the same rule that a value written but unknown is never defaulted. Defaults
for values not written are listed in docs/terraform.md.
"""

from __future__ import annotations

import json
from typing import Any

from auditor.collectors.terraform.aws import (
    BUCKET,
    KMS,
    SECURITY_GROUP,
    SUBNET,
    VPC,
    named_relation,
)
from auditor.collectors.terraform.engine import (
    Builder,
    Built,
    Context,
    FoldSpec,
    KindSpec,
    Reader,
    computed_to_unknown,
    to_bool,
    to_int,
    to_str,
)
from auditor.collectors.terraform.raw import Ref, Unknown

SAGEMAKER_NOTEBOOK = ("aws_sagemaker_notebook_instance",)
EKS_CLUSTER = ("aws_eks_cluster",)
EKS_NODE_GROUP = ("aws_eks_node_group",)
VPC_ENDPOINT = ("aws_vpc_endpoint",)
DETECTOR = ("aws_guardduty_detector",)
LOG_GROUP = ("aws_cloudwatch_log_group",)


def _enabled(value: Any) -> bool:
    """SageMaker's "Enabled"/"Disabled" strings."""
    return to_str(value).strip().lower() == "enabled"


def _first(values: list[str] | Unknown) -> str | Unknown | None:
    if isinstance(values, Unknown):
        return values
    return values[0] if values else None


def _vpc_of_subnet(rd: Reader, subnet: Any) -> Any:
    """The VPC of a subnet named by a relation: its resource id when the subnet is in the
    input, unknown otherwise (never guessed), None without a subnet."""
    if subnet is None or isinstance(subnet, Unknown):
        return subnet
    res = rd.ctx.by_id.get(subnet) if isinstance(subnet, str) else None
    if res is None or res.type not in SUBNET:
        return Unknown(f"subnet {subnet} is not in this configuration")
    return Reader(rd.ctx, res).rel(res.values, "vpc_id", VPC)


# ---------------------------------------------------------------------------------
# VPC, subnet, VPC endpoint


def build_vpc(rd: Reader, b: Builder) -> None:
    v = rd.values
    if rd.raw(v, "cidr_block") is None and rd.raw(v, "ipv4_ipam_pool_id") is not None:
        b.mark_unknown("cidr_block", "allocated from an IPAM pool")
    else:
        b.put("cidr_block", rd.value(v, "cidr_block"), to_str)
    # aws_vpc never creates the default VPC (aws_default_vpc adopts it).
    b.put("is_default", False)


def build_subnet(rd: Reader, b: Builder) -> None:
    v = rd.values
    b.put("vpc_id", rd.rel(v, "vpc_id", VPC), to_str)
    b.put("cidr_block", rd.value(v, "cidr_block"), to_str)
    b.put("availability_zone", rd.value(v, "availability_zone"), to_str)
    b.put("map_public_ip_on_launch", rd.value(v, "map_public_ip_on_launch"), to_bool, False)


def build_vpc_endpoint(rd: Reader, b: Builder) -> None:
    v = rd.values
    b.put("vpc_id", rd.rel(v, "vpc_id", VPC), to_str)
    b.put("service_name", rd.value(v, "service_name"), to_str)
    b.put("vpc_endpoint_type", rd.value(v, "vpc_endpoint_type"), to_str, "Gateway")
    b.put("private_dns_enabled", rd.value(v, "private_dns_enabled"), to_bool, False)
    # Not created yet: no state (the live collector's "available", "pending", ...).
    b.put("state", None)


# ---------------------------------------------------------------------------------
# SageMaker notebook instance


def build_notebook_instance(rd: Reader, b: Builder) -> None:
    v = rd.values
    b.put("instance_type", rd.value(v, "instance_type"), to_str)
    # The provider's and SageMaker's default for both is "Enabled".
    b.put("direct_internet_access", rd.value(v, "direct_internet_access"), _enabled, True)
    b.put("root_access", rd.value(v, "root_access"), _enabled, True)
    b.put("kms_key_id", rd.rel(v, "kms_key_id", KMS), to_str)
    b.put("subnet_id", rd.rel(v, "subnet_id", SUBNET), to_str)
    b.put_list("security_groups", rd.rels(v, "security_groups", SECURITY_GROUP))
    b.put("role_arn", rd.rel(v, "role_arn", ("aws_iam_role",)), to_str)
    b.put("platform_identifier", rd.value(v, "platform_identifier"), to_str)


# ---------------------------------------------------------------------------------
# EKS


def build_eks_cluster(rd: Reader, b: Builder) -> None:
    v = rd.values
    b.put("version", rd.value(v, "version"), to_str)
    vpc = rd.block(v, "vpc_config")
    if isinstance(vpc, Unknown):
        for key in (
            "endpoint_public_access",
            "endpoint_private_access",
            "public_access_cidrs",
            "vpc_id",
            "security_groups",
        ):
            b.mark_unknown(key, vpc.reason)
    else:
        _eks_vpc_config(rd, b, vpc or {})
    _eks_encryption(rd, b)
    b.put_list("enabled_log_types", rd.value(v, "enabled_cluster_log_types"), to_str)


def _eks_vpc_config(rd: Reader, b: Builder, vpc: dict[str, Any]) -> None:
    """EKS defaults: a public endpoint open to 0.0.0.0/0, no private endpoint. As the
    live collector, public_access_cidrs is [] when the public endpoint is off."""
    public = rd.value(vpc, "endpoint_public_access")
    b.put("endpoint_public_access", public, to_bool, True)
    b.put("endpoint_private_access", rd.value(vpc, "endpoint_private_access"), to_bool, False)
    if isinstance(public, Unknown):
        b.mark_unknown("public_access_cidrs", public.reason)
    elif public is not None and not to_bool(public):
        b.put_list("public_access_cidrs", [])
    else:
        cidrs = rd.value(vpc, "public_access_cidrs")
        b.put_list("public_access_cidrs", ["0.0.0.0/0"] if cidrs is None else cidrs, to_str)
    subnets = rd.rels(vpc, "subnet_ids", SUBNET)
    b.put("vpc_id", _vpc_of_subnet(rd, _first(subnets)), to_str)
    # Only the groups written: the cluster security group EKS creates is not known
    # before apply.
    b.put_list("security_groups", rd.rels(vpc, "security_group_ids", SECURITY_GROUP))


def _eks_encryption(rd: Reader, b: Builder) -> None:
    configs = rd.blocks(rd.values, "encryption_config")
    if isinstance(configs, Unknown):
        b.mark_unknown("encryption_config", configs.reason)
        return
    b.attrs["encryption_config"] = []
    for config in configs:
        eb = b.item("encryption_config")
        eb.put_list("resources", rd.value(config, "resources"), to_str)
        provider = rd.block(config, "provider")
        key = rd.rel(provider, "key_arn", KMS)
        eb.put("key_arn", key, to_str)


def build_eks_node_group(rd: Reader, b: Builder) -> None:
    v = rd.values
    named_relation(rd, b, v, "cluster_name", "cluster", EKS_CLUSTER)
    if not isinstance(b.attrs.get("cluster"), str) and "cluster" not in b.unknown:
        # Not in the input: the cluster's name stands for it (as the kind says).
        b.put("cluster", b.attrs.get("cluster_name"))
    template = rd.block(v, "launch_template")
    types = rd.value(v, "instance_types")
    if types is None and template is not None:
        b.mark_unknown("instance_types", "the launch template decides")
    else:
        # EKS's default instance type for a node group without one is t3.medium.
        b.put_list("instance_types", ["t3.medium"] if types is None else types, to_str)
    ami = rd.value(v, "ami_type")
    if ami is None:
        b.mark_unknown("ami_type", "not written: EKS chooses it from the instance types")
    else:
        b.put("ami_type", ami, to_str)
    _string_map(rd, b, "labels")
    taints = rd.blocks(v, "taint")
    if isinstance(taints, Unknown):
        b.mark_unknown("taints", taints.reason)
    else:
        b.attrs["taints"] = []
        for taint in taints:
            tb = b.item("taints")
            for key in ("key", "value", "effect"):
                tb.put(key, rd.value(taint, key), to_str)
    remote = rd.block(v, "remote_access")
    b.put("remote_access", remote if isinstance(remote, Unknown) else remote is not None)


def _string_map(rd: Reader, b: Builder, key: str) -> None:
    value = computed_to_unknown(rd.raw(rd.values, key))
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, Unknown):
        b.mark_unknown(key, value.reason)
        return
    if not isinstance(value, dict):
        b.put(key, {})
        return
    out: dict[str, str] = {}
    for k, item in value.items():
        item = computed_to_unknown(rd.ctx.resolver.resolve(rd.resource, item))
        if isinstance(item, Unknown):
            b.mark_unknown(key, f"{k}: {item.reason}")
            return
        out[str(k)] = "" if item is None else to_str(item)
    b.put(key, out)


# ---------------------------------------------------------------------------------
# GuardDuty detector (+ aws_guardduty_detector_feature)

# The legacy `datasources` blocks and the features they are now called.
_DATASOURCES = (
    ("S3_DATA_EVENTS", ("s3_logs",)),
    ("EKS_AUDIT_LOGS", ("kubernetes", "audit_logs")),
    (
        "EBS_MALWARE_PROTECTION",
        ("malware_protection", "scan_ec2_instance_with_findings", "ebs_volumes"),
    ),
)


def build_detector(rd: Reader, b: Builder) -> None:
    v = rd.values
    b.put("enabled", rd.value(v, "enable"), to_bool, True)
    b.attrs["features"] = []
    sources = rd.block(v, "datasources")
    if isinstance(sources, Unknown):
        b.mark_unknown("features", sources.reason)
        return
    for name, path in _DATASOURCES:
        block: Any = sources
        for key in path:
            block = rd.block(block, key)
        if block is None:
            continue
        if isinstance(block, Unknown):
            b.mark_unknown("features", block.reason)
            return
        enable = rd.value(block, "enable")
        if isinstance(enable, Unknown):
            b.mark_unknown("features", enable.reason)
            return
        status = "ENABLED" if enable is not None and to_bool(enable) else "DISABLED"
        b.attrs["features"].append({"name": name, "status": status})


def fold_detector_feature(rd: Reader, parent: Built) -> None:
    """One feature; it replaces a `datasources` setting of the same name."""
    b = parent.builder
    name = rd.value(rd.values, "name")
    status = rd.value(rd.values, "status")
    if isinstance(name, Unknown) or isinstance(status, Unknown):
        why = name.reason if isinstance(name, Unknown) else status.reason  # type: ignore[union-attr]
        b.mark_unknown("features", f"{rd.resource.id}: {why}")
        return
    features = b.attrs.get("features")
    if not isinstance(features, list):
        if "features" in b.unknown:
            return
        features = b.attrs["features"] = []
    kept = [f for f in features if f.get("name") != to_str(name).upper()]
    kept.append({"name": to_str(name).upper(), "status": to_str(status).upper()})
    b.attrs["features"] = sorted(kept, key=lambda f: f["name"])


# ---------------------------------------------------------------------------------
# CloudTrail

_DATA_EVENTS = "Data"


def build_cloudtrail(rd: Reader, b: Builder) -> None:
    v = rd.values
    b.put("is_multi_region_trail", rd.value(v, "is_multi_region_trail"), to_bool, False)
    b.put("is_logging", rd.value(v, "enable_logging"), to_bool, True)
    b.put("s3_bucket_name", _bucket_name(rd, rd.raw(v, "s3_bucket_name")), to_str)
    b.attrs["data_resources"] = []
    basic = rd.blocks(v, "event_selector")
    advanced = rd.blocks(v, "advanced_event_selector")
    for found in (basic, advanced):
        if isinstance(found, Unknown):
            b.mark_unknown("data_resources", found.reason)
            return
    try:
        resources = _basic_selectors(rd, basic) + _advanced_selectors(rd, advanced)
    except _UnknownValue as exc:
        b.mark_unknown("data_resources", exc.reason)
        return
    b.attrs["data_resources"] = resources


class _UnknownValue(Exception):
    """A selector value that cannot be known: the whole data_resources list is then
    unknown (a partial list could drop the selector that covers a bucket)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _bucket_name(rd: Reader, value: Any) -> Any:
    """A bucket written by reference → its name when the bucket's name is known."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, Ref) and len(value.addresses) == 1:
        res = rd.ctx.by_id.get(value.addresses[0])
        if res is not None and res.type in BUCKET:
            name = Reader(rd.ctx, res).value(res.values, "bucket")
            if isinstance(name, str) and name:
                return name
            return Unknown(f"the name of bucket {res.id} is not written")
    return computed_to_unknown(value)


def _arn_values(rd: Reader, values: Any) -> list[str]:
    """Selector values: literal ARNs as written; a reference to a bucket of the input (its
    `arn`, with or without a key suffix) → `arn:aws:s3:::<name>/`."""
    items = values if isinstance(values, list) else [] if values is None else [values]
    out: list[str] = []
    for item in items:
        item = rd.ctx.resolver.resolve(rd.resource, item)
        if isinstance(item, str):
            out.append(item)
            continue
        name = _bucket_name(rd, item)
        if isinstance(name, str):
            out.append(f"arn:aws:s3:::{name}/")
        else:
            reason = name.reason if isinstance(name, Unknown) else "an unexpected value"
            raise _UnknownValue(reason)
    return out


def _basic_selectors(rd: Reader, selectors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for selector in selectors:
        resources = rd.blocks(selector, "data_resource")
        if isinstance(resources, Unknown):
            raise _UnknownValue(resources.reason)
        for resource in resources:
            kind = rd.value(resource, "type")
            if isinstance(kind, Unknown):
                raise _UnknownValue(kind.reason)
            found.append({"type": to_str(kind), "values": _arn_values(rd, resource.get("values"))})
    return found


def _advanced_selectors(rd: Reader, selectors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """As the live collector: data-event selectors only, one entry per resources.type,
    the resources.ARN starts_with and equals values; all S3 objects when no ARN is given."""
    found = []
    for selector in selectors:
        fields = rd.blocks(selector, "field_selector")
        if isinstance(fields, Unknown):
            raise _UnknownValue(fields.reason)
        by_field: dict[str, dict[str, Any]] = {}
        for field in fields:
            name = rd.value(field, "field")
            if isinstance(name, Unknown):
                raise _UnknownValue(name.reason)
            if isinstance(name, str):
                by_field[name] = field
        category = _strings(rd, by_field.get("eventCategory"), "equals")
        if _DATA_EVENTS not in category:
            continue
        types: list[str | None] = list(_strings(rd, by_field.get("resources.type"), "equals"))
        arn = by_field.get("resources.ARN")
        values = (
            _arn_values(rd, (arn or {}).get("starts_with"))
            + _arn_values(rd, (arn or {}).get("equals"))
            if arn is not None
            else []
        )
        for kind in types or [None]:
            kind_values = values
            if not values and kind == "AWS::S3::Object":
                kind_values = ["arn:aws:s3"]
            found.append({"type": kind, "values": list(kind_values)})
    return found


def _strings(rd: Reader, block: dict[str, Any] | None, key: str) -> list[str]:
    if block is None:
        return []
    value = rd.value(block, key)
    if isinstance(value, Unknown):
        raise _UnknownValue(value.reason)
    items = value if isinstance(value, list) else [] if value is None else [value]
    return [to_str(i) for i in items if i is not None]


# ---------------------------------------------------------------------------------
# CloudWatch log group


def build_log_group(rd: Reader, b: Builder) -> None:
    v = rd.values
    name = rd.value(v, "name")
    if name is None:
        reason = (
            "generated from name_prefix"
            if rd.raw(v, "name_prefix") is not None
            else "not written: Terraform generates a random name"
        )
        b.mark_unknown("log_group_name", reason)
    else:
        b.put("log_group_name", name, to_str)
    # 0 (the provider's default) and not written both mean: never expire (null).
    days = rd.value(v, "retention_in_days")
    b.put("retention_in_days", days, lambda d: to_int(d) or None)
    b.put("kms_key_id", rd.rel(v, "kms_key_id", KMS), to_str)


def finish_log_group(ctx: Context, built: Built) -> None:
    name = built.builder.attrs.get("log_group_name")
    if isinstance(name, str) and name:
        built.resource.name = name


# ---------------------------------------------------------------------------------
# ECS task definition


def build_ecs_task_definition(rd: Reader, b: Builder) -> None:
    v = rd.values
    b.put("family", rd.value(v, "family"), to_str)
    b.put("network_mode", rd.value(v, "network_mode"), to_str, "bridge")
    containers = _container_definitions(rd.raw(v, "container_definitions"))
    if isinstance(containers, Unknown):
        b.mark_unknown("containers", containers.reason)
        return
    b.attrs["containers"] = []
    for container in containers:
        cb = b.item("containers")
        cb.put("name", container.get("name"), to_str)
        cb.put("image", container.get("image"), to_str)
        cb.put("privileged", container.get("privileged"), to_bool)
        cb.put("readonly_root_filesystem", container.get("readonlyRootFilesystem"), to_bool)
        cb.put("user", container.get("user"), to_str)
        # Names only: values may be credentials and never enter a snapshot.
        environment = container.get("environment")
        names = [str(e["name"]) for e in environment or [] if isinstance(e, dict) and "name" in e]
        cb.put("environment_keys", sorted(names) if isinstance(environment, list | None) else [])


def _container_definitions(value: Any) -> list[dict[str, Any]] | Unknown:
    """The JSON array of container definitions (a string, or jsonencode(...) rendered)."""
    value = computed_to_unknown(value)
    if isinstance(value, Unknown):
        return value
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return Unknown("the container definitions are not a JSON document that could be read")
    if isinstance(value, list) and all(isinstance(c, dict) for c in value):
        if any(_has_unresolved(c) for c in value):
            return Unknown("the container definitions hold values that could not be resolved")
        return value
    return Unknown("the container definitions are not a JSON array of objects")


def _has_unresolved(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_unresolved(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_unresolved(v) for v in value)
    return isinstance(value, Ref | Unknown) or (isinstance(value, str) and "${" in value)


# ---------------------------------------------------------------------------------


SPECS: list[KindSpec] = [
    KindSpec("aws_vpc", VPC, build_vpc),
    KindSpec("aws_subnet", SUBNET, build_subnet),
    KindSpec("aws_vpc_endpoint", VPC_ENDPOINT, build_vpc_endpoint),
    KindSpec("aws_sagemaker_notebook_instance", SAGEMAKER_NOTEBOOK, build_notebook_instance),
    KindSpec("aws_eks_cluster", EKS_CLUSTER, build_eks_cluster),
    KindSpec("aws_eks_node_group", EKS_NODE_GROUP, build_eks_node_group),
    KindSpec("aws_guardduty_detector", DETECTOR, build_detector),
    KindSpec("aws_cloudtrail", ("aws_cloudtrail",), build_cloudtrail),
    KindSpec("aws_cloudwatch_log_group", LOG_GROUP, build_log_group, finish_log_group),
    KindSpec("aws_ecs_task_definition", ("aws_ecs_task_definition",), build_ecs_task_definition),
]

FOLDS: list[FoldSpec] = [
    FoldSpec(("aws_guardduty_detector_feature",), DETECTOR, "detector_id", fold_detector_feature),
]

# Types read only through relations: none here (aws_api.py has the API Gateway ones).
HELPER_TYPES: tuple[str, ...] = ()
