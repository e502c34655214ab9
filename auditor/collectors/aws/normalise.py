"""One normaliser per kind: raw AWS answers (botocore shapes) -> the kind's attributes.

Each function takes the raw record the machinery assembled for one item (the list
answer's item, plus one key per declared detail call) and the Unit it was read in, and
returns a Normalised: the resource id, name, attributes (auditor/kinds/<kind>.json) and
tags. Normalisers never call AWS and never see credentials, so they are tested with
recorded answers alone. A detail call that failed leaves its key None here; the
machinery then marks the declared attribute paths unknown and drops them, so a
normaliser only has to tolerate missing keys, never to decide what a failure means.

References between resources use the referenced resource's id (its ARN), so that an
instance's `security_groups` hold exactly the ids the aws_security_group resources carry.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from auditor.redact import REDACTED, redact_tags


@dataclass(frozen=True)
class Unit:
    """Where an item was read: account, region and the options that shape the reads."""

    account: str
    region: str
    partition: str = "aws"
    training_job_days: int = 30
    log_group_prefixes: tuple[str, ...] = ("/aws/sagemaker/", "/aws/eks/")

    def arn(self, service: str, resource: str, region: bool = True, account: bool = True) -> str:
        return (
            f"arn:{self.partition}:{service}:{self.region if region else ''}:"
            f"{self.account if account else ''}:{resource}"
        )

    def ec2_arn(self, kind: str, ident: str | None) -> str | None:
        """The ARN of an EC2 resource from its id (sg-..., vpc-..., subnet-..., i-...)."""
        if not ident:
            return None
        if ident.startswith("arn:"):
            return ident
        return self.arn("ec2", f"{kind}/{ident}")


@dataclass
class Normalised:
    id: str
    name: str
    attributes: dict[str, Any]
    tags: dict[str, str] = field(default_factory=dict)
    # Attribute path -> why it is unknown, for facts the collector does not ask for
    # (a failed call's unknowns are added by the machinery, query.py).
    unknown: dict[str, str] = field(default_factory=dict)


def tags_of(items: Any, key: str = "Key", value: str = "Value") -> dict[str, str]:
    """[{Key, Value}] or {k: v} -> {k: v}, secret-looking values redacted."""
    if isinstance(items, dict):
        found = {str(k): str(v) for k, v in items.items()}
    else:
        found = {
            str(t.get(key)): str(t.get(value, ""))
            for t in items or []
            if isinstance(t, dict) and t.get(key) is not None
        }
    return redact_tags(found)


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def _num(value: Any) -> float | int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


# --- EC2 -----------------------------------------------------------------------------


def instance(raw: dict[str, Any], u: Unit) -> Normalised:
    """DescribeInstances item. `volumes` hold block devices; their encryption is joined
    from the region's aws_ebs_volume resources afterwards (query.join_region)."""
    iid = raw["InstanceId"]
    public = bool(raw.get("PublicIpAddress")) or any(
        (ni.get("Association") or {}).get("PublicIp") for ni in raw.get("NetworkInterfaces") or []
    )
    md = raw.get("MetadataOptions") or {}
    root = raw.get("RootDeviceName")
    volumes = [
        {
            "device_name": bdm.get("DeviceName"),
            "root": bdm.get("DeviceName") == root if root else None,
            "volume_id": u.ec2_arn("volume", (bdm.get("Ebs") or {}).get("VolumeId")),
        }
        for bdm in raw.get("BlockDeviceMappings") or []
        if bdm.get("Ebs")
    ]
    tags = tags_of(raw.get("Tags"))
    return Normalised(
        id=u.ec2_arn("instance", iid) or iid,
        name=tags.get("Name") or iid,
        attributes={
            "instance_type": raw.get("InstanceType"),
            "ami": raw.get("ImageId"),
            "public_ip": public,
            "subnet_id": u.ec2_arn("subnet", raw.get("SubnetId")),
            "vpc_id": u.ec2_arn("vpc", raw.get("VpcId")),
            # The instance's groups and those of every network interface it has.
            "security_groups": sorted(
                {
                    u.ec2_arn("security-group", g["GroupId"]) or ""
                    for g in [
                        *(raw.get("SecurityGroups") or []),
                        *(
                            g
                            for ni in raw.get("NetworkInterfaces") or []
                            for g in ni.get("Groups") or []
                        ),
                    ]
                    if g.get("GroupId")
                }
            ),
            "metadata_options": {
                "http_tokens": md.get("HttpTokens"),
                "http_endpoint": md.get("HttpEndpoint"),
                "http_put_response_hop_limit": _int(md.get("HttpPutResponseHopLimit")),
            }
            if md
            else None,
            "volumes": volumes,
            "iam_instance_profile": (raw.get("IamInstanceProfile") or {}).get("Arn"),
        },
        tags=tags,
    )


def _sg_rules(perms: list[dict[str, Any]], u: Unit, own_id: str) -> list[dict[str, Any]]:
    rules = []
    for p in perms or []:
        pairs = p.get("UserIdGroupPairs") or []
        descriptions = [
            r.get("Description")
            for key in ("IpRanges", "Ipv6Ranges", "UserIdGroupPairs", "PrefixListIds")
            for r in p.get(key) or []
            if r.get("Description")
        ]
        rules.append(
            {
                "protocol": str(p.get("IpProtocol", "-1")).lower(),
                "from_port": _int(p.get("FromPort")),
                "to_port": _int(p.get("ToPort")),
                "cidr_blocks": [r["CidrIp"] for r in p.get("IpRanges") or [] if r.get("CidrIp")],
                "ipv6_cidr_blocks": [
                    r["CidrIpv6"] for r in p.get("Ipv6Ranges") or [] if r.get("CidrIpv6")
                ],
                "source_security_groups": sorted(
                    u.ec2_arn("security-group", g["GroupId"]) or ""
                    for g in pairs
                    if g.get("GroupId") and g.get("GroupId") != own_id
                ),
                "prefix_list_ids": [
                    r["PrefixListId"] for r in p.get("PrefixListIds") or [] if r.get("PrefixListId")
                ],
                "self": any(g.get("GroupId") == own_id for g in pairs),
                "description": "; ".join(descriptions) or None,
            }
        )
    return rules


def security_group(raw: dict[str, Any], u: Unit) -> Normalised:
    gid = raw["GroupId"]
    return Normalised(
        id=u.ec2_arn("security-group", gid) or gid,
        name=raw.get("GroupName") or gid,
        attributes={
            "group_name": raw.get("GroupName"),
            "vpc_id": u.ec2_arn("vpc", raw.get("VpcId")),
            "description": raw.get("Description"),
            "ingress": _sg_rules(raw.get("IpPermissions") or [], u, gid),
            "egress": _sg_rules(raw.get("IpPermissionsEgress") or [], u, gid),
        },
        tags=tags_of(raw.get("Tags")),
    )


def ebs_volume(raw: dict[str, Any], u: Unit) -> Normalised:
    vid = raw["VolumeId"]
    tags = tags_of(raw.get("Tags"))
    return Normalised(
        id=u.ec2_arn("volume", vid) or vid,
        name=tags.get("Name") or vid,
        attributes={
            "encrypted": _bool(raw.get("Encrypted")),
            "kms_key_id": raw.get("KmsKeyId"),
            "availability_zone": raw.get("AvailabilityZone"),
            "size": _int(raw.get("Size")),
            "attached_instances": sorted(
                u.ec2_arn("instance", a["InstanceId"]) or ""
                for a in raw.get("Attachments") or []
                if a.get("InstanceId")
            ),
        },
        tags=tags,
    )


def ebs_encryption_by_default(raw: dict[str, Any], u: Unit) -> Normalised:
    return Normalised(
        id=u.arn("ec2", "ebs-encryption-by-default"),
        name=f"EBS encryption by default ({u.region})",
        attributes={"enabled": _bool(raw.get("EbsEncryptionByDefault"))},
    )


def vpc_endpoint(raw: dict[str, Any], u: Unit) -> Normalised:
    eid = raw["VpcEndpointId"]
    tags = tags_of(raw.get("Tags"))
    return Normalised(
        id=u.ec2_arn("vpc-endpoint", eid) or eid,
        name=tags.get("Name") or eid,
        attributes={
            "vpc_id": u.ec2_arn("vpc", raw.get("VpcId")),
            "service_name": raw.get("ServiceName"),
            "vpc_endpoint_type": raw.get("VpcEndpointType"),
            "private_dns_enabled": _bool(raw.get("PrivateDnsEnabled")),
            "state": raw.get("State"),
        },
        tags=tags,
    )


def subnet(raw: dict[str, Any], u: Unit) -> Normalised:
    sid = raw["SubnetId"]
    tags = tags_of(raw.get("Tags"))
    return Normalised(
        id=raw.get("SubnetArn") or u.ec2_arn("subnet", sid) or sid,
        name=tags.get("Name") or sid,
        attributes={
            "vpc_id": u.ec2_arn("vpc", raw.get("VpcId")),
            "cidr_block": raw.get("CidrBlock"),
            "availability_zone": raw.get("AvailabilityZone"),
            "map_public_ip_on_launch": _bool(raw.get("MapPublicIpOnLaunch")),
        },
        tags=tags,
    )


def vpc(raw: dict[str, Any], u: Unit) -> Normalised:
    vid = raw["VpcId"]
    tags = tags_of(raw.get("Tags"))
    return Normalised(
        id=u.ec2_arn("vpc", vid) or vid,
        name=tags.get("Name") or vid,
        attributes={"cidr_block": raw.get("CidrBlock"), "is_default": _bool(raw.get("IsDefault"))},
        tags=tags,
    )


# --- S3 ------------------------------------------------------------------------------


def _pab(conf: dict[str, Any] | None) -> dict[str, Any] | None:
    if not conf:
        return None
    return {
        "block_public_acls": bool(conf.get("BlockPublicAcls", False)),
        "ignore_public_acls": bool(conf.get("IgnorePublicAcls", False)),
        "block_public_policy": bool(conf.get("BlockPublicPolicy", False)),
        "restrict_public_buckets": bool(conf.get("RestrictPublicBuckets", False)),
    }


def _parse_policy(text: Any) -> Any:
    if text is None:
        return None
    if isinstance(text, dict):
        return text
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return {"unparsable": True}


_ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
_AUTH_USERS = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"


def _canned_acl(grants: list[dict[str, Any]]) -> str:
    """The canned ACL the grants amount to ('private' unless a global group is granted)."""
    perms = {(g.get("grantee_uri"), g.get("permission")) for g in grants if g.get("grantee_uri")}
    if (_ALL_USERS, "WRITE") in perms or (_ALL_USERS, "FULL_CONTROL") in perms:
        return "public-read-write"
    if (_ALL_USERS, "READ") in perms:
        return "public-read"
    if any(uri == _AUTH_USERS for uri, _ in perms):
        return "authenticated-read"
    if any(uri == _ALL_USERS for uri, _ in perms):
        return "public-read"
    return "private"


def s3_bucket(raw: dict[str, Any], u: Unit) -> Normalised:
    """ListBuckets item with every Get* answer folded in; the account-level public access
    block is joined afterwards (query.join_account)."""
    name = raw["Name"]
    grants = [
        {
            "grantee_type": (g.get("Grantee") or {}).get("Type"),
            "grantee_uri": (g.get("Grantee") or {}).get("URI"),
            "grantee_id": (g.get("Grantee") or {}).get("ID"),
            "permission": g.get("Permission"),
        }
        for g in (raw.get("acl") or {}).get("Grants") or []
    ]
    enc = None
    rules = (raw.get("encryption") or {}).get("Rules") or []
    if rules:
        default = rules[0].get("ApplyServerSideEncryptionByDefault") or {}
        algorithm = default.get("SSEAlgorithm")
        key = default.get("KMSMasterKeyID")
        kms = bool(algorithm and algorithm.startswith("aws:kms"))
        managed = None
        if kms:
            managed = "aws" if not key or "alias/aws/" in key else "customer"
        enc = {
            "sse_algorithm": algorithm,
            "kms_master_key_id": key,
            "key_managed_by": managed,
            "bucket_key_enabled": _bool(rules[0].get("BucketKeyEnabled")),
            "default": False,
        }
    elif "encryption" in raw:
        # No configuration written: since January 2023 S3 applies SSE-S3 to every bucket.
        enc = {
            "sse_algorithm": "AES256",
            "kms_master_key_id": None,
            "key_managed_by": None,
            "bucket_key_enabled": None,
            "default": True,
        }
    versioning = raw.get("versioning") or {}
    logging = (raw.get("logging") or {}).get("LoggingEnabled")
    lifecycle = []
    for rule in (raw.get("lifecycle") or {}).get("Rules") or []:
        prefix = rule.get("Prefix")
        if prefix is None:
            flt = rule.get("Filter") or {}
            prefix = flt.get("Prefix", (flt.get("And") or {}).get("Prefix"))
        lifecycle.append(
            {
                "id": rule.get("ID"),
                "enabled": rule.get("Status") == "Enabled",
                "prefix": prefix,
                "expiration_days": _int((rule.get("Expiration") or {}).get("Days")),
            }
        )
    return Normalised(
        id=f"arn:{u.partition}:s3:::{name}",
        name=name,
        attributes={
            "bucket": name,
            "acl": _canned_acl(grants) if raw.get("acl") is not None else None,
            "grants": grants,
            "policy": _parse_policy((raw.get("policy") or {}).get("Policy")),
            "public_access_block": _pab(
                (raw.get("public_access_block") or {}).get("PublicAccessBlockConfiguration")
            ),
            "encryption": enc,
            "versioning": {
                "enabled": versioning.get("Status") == "Enabled",
                "mfa_delete": versioning.get("MFADelete") == "Enabled",
            },
            "logging": {
                "target_bucket": logging.get("TargetBucket"),
                "target_prefix": logging.get("TargetPrefix"),
            }
            if logging
            else None,
            "lifecycle_rules": lifecycle,
        },
        tags=tags_of((raw.get("tagging") or {}).get("TagSet")),
    )


def s3_account_public_access_block(raw: dict[str, Any], u: Unit) -> Normalised:
    """GetPublicAccessBlock (s3control). None configured means nothing is blocked."""
    conf = raw.get("PublicAccessBlockConfiguration") or {}
    return Normalised(
        id=f"arn:{u.partition}:s3::{u.account}:account-public-access-block",
        name=f"S3 account public access block ({u.account})",
        attributes=_pab(conf)
        or {
            "block_public_acls": False,
            "ignore_public_acls": False,
            "block_public_policy": False,
            "restrict_public_buckets": False,
        },
    )


# --- SageMaker -------------------------------------------------------------------------


def _vpc_config(conf: dict[str, Any] | None, u: Unit) -> dict[str, Any] | None:
    if not conf:
        return None
    return {
        "subnets": sorted(u.ec2_arn("subnet", s) or "" for s in conf.get("Subnets") or []),
        "security_group_ids": sorted(
            u.ec2_arn("security-group", s) or "" for s in conf.get("SecurityGroupIds") or []
        ),
    }


def _container(c: dict[str, Any]) -> dict[str, Any]:
    # Environment values are never kept: only the names (DESIGN.md, redaction).
    return {
        "image": c.get("Image"),
        "model_data_url": c.get("ModelDataUrl")
        or ((c.get("ModelDataSource") or {}).get("S3DataSource") or {}).get("S3Uri"),
        "mode": c.get("Mode"),
        "environment_keys": sorted((c.get("Environment") or {}).keys()),
    }


def sagemaker_model(raw: dict[str, Any], u: Unit) -> Normalised:
    d = raw.get("describe") or {}
    containers = []
    if d.get("PrimaryContainer"):
        containers.append(_container(d["PrimaryContainer"]))
    containers += [_container(c) for c in d.get("Containers") or []]
    return Normalised(
        id=raw["ModelArn"],
        name=raw.get("ModelName") or raw["ModelArn"],
        attributes={
            "execution_role_arn": d.get("ExecutionRoleArn"),
            "containers": containers,
            "vpc_config": _vpc_config(d.get("VpcConfig"), u),
            "enable_network_isolation": _bool(d.get("EnableNetworkIsolation")),
        },
    )


def _sagemaker_arn(u: Unit, kind: str, name: str | None) -> str | None:
    # SageMaker lower-cases names in ARNs.
    return u.arn("sagemaker", f"{kind}/{name.lower()}") if name else None


def sagemaker_endpoint_configuration(raw: dict[str, Any], u: Unit) -> Normalised:
    d = raw.get("describe") or {}
    capture = d.get("DataCaptureConfig")
    return Normalised(
        id=raw["EndpointConfigArn"],
        name=raw.get("EndpointConfigName") or raw["EndpointConfigArn"],
        attributes={
            "kms_key_arn": d.get("KmsKeyId"),
            "production_variants": [
                {
                    "variant_name": v.get("VariantName"),
                    "model_name": v.get("ModelName"),
                    "model": _sagemaker_arn(u, "model", v.get("ModelName")),
                    "instance_type": v.get("InstanceType"),
                    "accelerator_type": v.get("AcceleratorType"),
                }
                for v in d.get("ProductionVariants") or []
            ],
            "data_capture": {
                "enabled": _bool(capture.get("EnableCapture")),
                "destination_s3_uri": capture.get("DestinationS3Uri"),
                "kms_key_id": capture.get("KmsKeyId"),
            }
            if capture
            else None,
        },
    )


def sagemaker_endpoint(raw: dict[str, Any], u: Unit) -> Normalised:
    d = raw.get("describe") or {}
    config = d.get("EndpointConfigName")
    return Normalised(
        id=raw["EndpointArn"],
        name=raw.get("EndpointName") or raw["EndpointArn"],
        attributes={
            "endpoint_config_name": config,
            "endpoint_config": _sagemaker_arn(u, "endpoint-config", config),
        },
    )


def sagemaker_notebook_instance(raw: dict[str, Any], u: Unit) -> Normalised:
    d = raw.get("describe") or {}
    direct = d.get("DirectInternetAccess")
    root = d.get("RootAccess")
    return Normalised(
        id=raw["NotebookInstanceArn"],
        name=raw.get("NotebookInstanceName") or raw["NotebookInstanceArn"],
        attributes={
            "instance_type": d.get("InstanceType"),
            "direct_internet_access": None if direct is None else direct == "Enabled",
            "root_access": None if root is None else root == "Enabled",
            "kms_key_id": d.get("KmsKeyId"),
            "subnet_id": u.ec2_arn("subnet", d.get("SubnetId")),
            "security_groups": sorted(
                u.ec2_arn("security-group", s) or "" for s in d.get("SecurityGroups") or []
            ),
            "role_arn": d.get("RoleArn"),
            "platform_identifier": d.get("PlatformIdentifier"),
        },
    )


def sagemaker_training_job(raw: dict[str, Any], u: Unit) -> Normalised:
    d = raw.get("describe") or {}
    resources = d.get("ResourceConfig") or {}
    output = d.get("OutputDataConfig") or {}
    inputs = [
        ((c.get("DataSource") or {}).get("S3DataSource") or {}).get("S3Uri")
        for c in d.get("InputDataConfig") or []
    ]
    return Normalised(
        id=raw["TrainingJobArn"],
        name=raw.get("TrainingJobName") or raw["TrainingJobArn"],
        attributes={
            "status": d.get("TrainingJobStatus") or raw.get("TrainingJobStatus"),
            "instance_type": resources.get("InstanceType"),
            "enable_network_isolation": _bool(d.get("EnableNetworkIsolation")),
            "enable_inter_container_traffic_encryption": _bool(
                d.get("EnableInterContainerTrafficEncryption")
            ),
            "vpc_config": _vpc_config(d.get("VpcConfig"), u),
            "output_kms_key_id": output.get("KmsKeyId"),
            "volume_kms_key_id": resources.get("VolumeKmsKeyId"),
            "output_s3_uri": output.get("S3OutputPath"),
            "training_image": (d.get("AlgorithmSpecification") or {}).get("TrainingImage"),
            "input_s3_uris": [i for i in inputs if i],
        },
    )


# --- EKS, ECR ----------------------------------------------------------------------------


def eks_cluster(raw: dict[str, Any], u: Unit) -> Normalised:
    c = raw.get("describe") or {}
    vpc_conf = c.get("resourcesVpcConfig") or {}
    log_types = sorted(
        t
        for entry in (c.get("logging") or {}).get("clusterLogging") or []
        if entry.get("enabled")
        for t in entry.get("types") or []
    )
    sgs = list(vpc_conf.get("securityGroupIds") or [])
    if vpc_conf.get("clusterSecurityGroupId"):
        sgs.append(vpc_conf["clusterSecurityGroupId"])
    return Normalised(
        id=c.get("arn") or u.arn("eks", f"cluster/{raw['name']}"),
        name=raw["name"],
        attributes={
            "version": c.get("version"),
            "endpoint_public_access": _bool(vpc_conf.get("endpointPublicAccess")),
            "endpoint_private_access": _bool(vpc_conf.get("endpointPrivateAccess")),
            "public_access_cidrs": list(vpc_conf.get("publicAccessCidrs") or [])
            if vpc_conf.get("endpointPublicAccess")
            else [],
            "encryption_config": [
                {
                    "resources": list(e.get("resources") or []),
                    "key_arn": (e.get("provider") or {}).get("keyArn"),
                }
                for e in c.get("encryptionConfig") or []
            ],
            "enabled_log_types": log_types,
            "vpc_id": u.ec2_arn("vpc", vpc_conf.get("vpcId")),
            "security_groups": sorted({u.ec2_arn("security-group", s) or "" for s in sgs}),
        },
        tags=tags_of(c.get("tags")),
    )


def eks_node_group(raw: dict[str, Any], u: Unit) -> Normalised:
    n = raw.get("describe") or {}
    cluster = raw["_parent"]
    return Normalised(
        id=n.get("nodegroupArn") or u.arn("eks", f"nodegroup/{cluster}/{raw['name']}"),
        name=f"{cluster}/{raw['name']}",
        attributes={
            "cluster": u.arn("eks", f"cluster/{cluster}"),
            "cluster_name": cluster,
            "instance_types": list(n.get("instanceTypes") or []),
            "ami_type": n.get("amiType"),
            "labels": {str(k): str(v) for k, v in (n.get("labels") or {}).items()},
            "taints": [
                {"key": t.get("key"), "value": t.get("value"), "effect": t.get("effect")}
                for t in n.get("taints") or []
            ],
            "remote_access": bool(n.get("remoteAccess")),
        },
        tags=tags_of(n.get("tags")),
    )


def ecr_repository(raw: dict[str, Any], u: Unit) -> Normalised:
    enc = raw.get("encryptionConfiguration") or {}
    return Normalised(
        id=raw["repositoryArn"],
        name=raw.get("repositoryName") or raw["repositoryArn"],
        attributes={
            "repository_name": raw.get("repositoryName"),
            "image_tag_mutability": raw.get("imageTagMutability"),
            "scan_on_push": _bool((raw.get("imageScanningConfiguration") or {}).get("scanOnPush")),
            "encryption_type": enc.get("encryptionType"),
            "kms_key": enc.get("kmsKey"),
        },
        tags=tags_of(raw.get("tags")),
    )


# --- ELBv2 ------------------------------------------------------------------------------


def lb(raw: dict[str, Any], u: Unit) -> Normalised:
    return Normalised(
        id=raw["LoadBalancerArn"],
        name=raw.get("LoadBalancerName") or raw["LoadBalancerArn"],
        attributes={
            "scheme": raw.get("Scheme"),
            "load_balancer_type": raw.get("Type"),
            "security_groups": sorted(
                u.ec2_arn("security-group", s) or "" for s in raw.get("SecurityGroups") or []
            ),
            "subnets": sorted(
                u.ec2_arn("subnet", z["SubnetId"]) or ""
                for z in raw.get("AvailabilityZones") or []
                if z.get("SubnetId")
            ),
            "dns_name": raw.get("DNSName"),
        },
        tags=tags_of(raw.get("tags")),
    )


def _action(a: dict[str, Any]) -> dict[str, Any]:
    groups = [a["TargetGroupArn"]] if a.get("TargetGroupArn") else []
    groups += [
        t["TargetGroupArn"]
        for t in (a.get("ForwardConfig") or {}).get("TargetGroups") or []
        if t.get("TargetGroupArn")
    ]
    redirect = a.get("RedirectConfig") or {}
    return {
        "type": a.get("Type"),
        "target_groups": sorted(set(groups)),
        "redirect_protocol": redirect.get("Protocol"),
        "redirect_port": redirect.get("Port"),
        "redirect_status_code": redirect.get("StatusCode"),
    }


def lb_listener(raw: dict[str, Any], u: Unit) -> Normalised:
    actions = [_action(a) for a in raw.get("DefaultActions") or []]
    for rule in raw.get("rules") or []:
        if not rule.get("IsDefault"):
            actions += [_action(a) for a in rule.get("Actions") or []]
    certs = raw.get("Certificates") or []
    return Normalised(
        id=raw["ListenerArn"],
        name=f"{raw['LoadBalancerArn'].split('/')[-2]}:{raw.get('Port')}",
        attributes={
            "load_balancer": raw.get("LoadBalancerArn"),
            "port": _int(raw.get("Port")),
            "protocol": raw.get("Protocol"),
            # A security policy only means something on HTTPS/TLS listeners.
            "ssl_policy": raw.get("SslPolicy") if raw.get("Protocol") in ("HTTPS", "TLS") else None,
            "certificate_arn": certs[0].get("CertificateArn") if certs else None,
            "actions": actions,
        },
    )


def lb_target_group(raw: dict[str, Any], u: Unit) -> Normalised:
    target_type = raw.get("TargetType")
    targets = []
    for t in raw.get("targets") or []:
        target = (t.get("Target") or {}).get("Id")
        if target_type == "instance":
            target = u.ec2_arn("instance", target)
        targets.append({"target": target, "port": _int((t.get("Target") or {}).get("Port"))})
    return Normalised(
        id=raw["TargetGroupArn"],
        name=raw.get("TargetGroupName") or raw["TargetGroupArn"],
        attributes={
            "protocol": raw.get("Protocol"),
            "port": _int(raw.get("Port")),
            "target_type": target_type,
            "vpc_id": u.ec2_arn("vpc", raw.get("VpcId")),
            "targets": targets,
        },
        tags=tags_of(raw.get("tags")),
    )


# --- KMS ------------------------------------------------------------------------------


def kms_key(raw: dict[str, Any], u: Unit) -> Normalised:
    meta = (raw.get("describe") or {}).get("KeyMetadata") or {}
    rotation = raw.get("rotation") or {}
    return Normalised(
        id=meta.get("Arn") or raw["KeyRef"],
        name=meta.get("KeyId") or raw["KeyRef"],
        attributes={
            "key_manager": meta.get("KeyManager"),
            "key_rotation_enabled": _bool(rotation.get("KeyRotationEnabled")),
            "key_usage": meta.get("KeyUsage"),
            "key_state": meta.get("KeyState"),
        },
    )


# --- API Gateway ------------------------------------------------------------------------


def _throttle(rate: Any, burst: Any) -> dict[str, Any] | None:
    if rate is None and burst is None:
        return None
    return {"rate_limit": _num(rate), "burst_limit": _int(burst)}


def api_gateway_rest_api(raw: dict[str, Any], u: Unit) -> Normalised:
    """GetRestApis item + GetResources(embed=methods) + GetStages; usage plans are a
    region-level answer (GetUsagePlans) every API sees through raw['_context']."""
    api_id = raw["id"]
    methods = []
    for res in raw.get("resources") or []:
        for verb, m in sorted((res.get("resourceMethods") or {}).items()):
            m = m or {}
            integ = m.get("methodIntegration") or {}
            methods.append(
                {
                    "path": res.get("path"),
                    "http_method": m.get("httpMethod") or verb,
                    "authorization_type": m.get("authorizationType"),
                    "api_key_required": _bool(m.get("apiKeyRequired")),
                    "integration_type": integ.get("type"),
                    "integration_uri": integ.get("uri"),
                }
            )
    plans = ((raw.get("_context") or {}).get("usage_plans")) or []
    stages = []
    for s in raw.get("stages") or []:
        name = s.get("stageName")
        settings = s.get("methodSettings") or {}
        overall = settings.get("*/*") or {}
        plan_throttles = []
        for plan in plans:
            for st in plan.get("apiStages") or []:
                if st.get("apiId") == api_id and st.get("stage") == name:
                    pt = plan.get("throttle") or {}
                    plan_throttles.append(_throttle(pt.get("rateLimit"), pt.get("burstLimit")))
        stages.append(
            {
                "stage_name": name,
                "throttle": _throttle(
                    overall.get("throttlingRateLimit"), overall.get("throttlingBurstLimit")
                ),
                "method_throttles": [
                    {
                        "path": path,
                        "throttle": _throttle(
                            ms.get("throttlingRateLimit"), ms.get("throttlingBurstLimit")
                        ),
                    }
                    for path, ms in sorted(settings.items())
                    if path != "*/*"
                ],
                "usage_plan_throttles": plan_throttles,
                "web_acl": s.get("webAclArn"),
                "access_log_destination": (s.get("accessLogSettings") or {}).get("destinationArn"),
            }
        )
    return Normalised(
        id=u.arn("apigateway", f"/restapis/{api_id}", account=False),
        name=raw.get("name") or api_id,
        attributes={
            "endpoint_types": list((raw.get("endpointConfiguration") or {}).get("types") or []),
            "methods": methods,
            "stages": stages,
        },
        tags=tags_of(raw.get("tags")),
    )


def apigatewayv2_api(raw: dict[str, Any], u: Unit) -> Normalised:
    api_id = raw["ApiId"]
    integrations = {i.get("IntegrationId"): i for i in raw.get("integrations") or []}
    routes = []
    for r in raw.get("routes") or []:
        target = r.get("Target") or ""
        integ = integrations.get(target.split("/")[-1]) if target else None
        routes.append(
            {
                "route_key": r.get("RouteKey"),
                "authorization_type": r.get("AuthorizationType"),
                "api_key_required": _bool(r.get("ApiKeyRequired")),
                "integration_type": (integ or {}).get("IntegrationType"),
                "integration_uri": (integ or {}).get("IntegrationUri"),
            }
        )
    stages = []
    for s in raw.get("stages") or []:
        default = s.get("DefaultRouteSettings") or {}
        stages.append(
            {
                "stage_name": s.get("StageName"),
                "throttle": _throttle(
                    default.get("ThrottlingRateLimit"), default.get("ThrottlingBurstLimit")
                ),
                "route_throttles": [
                    {
                        "route_key": key,
                        "throttle": _throttle(
                            rs.get("ThrottlingRateLimit"), rs.get("ThrottlingBurstLimit")
                        ),
                    }
                    for key, rs in sorted((s.get("RouteSettings") or {}).items())
                ],
                "access_log_destination": (s.get("AccessLogSettings") or {}).get("DestinationArn"),
            }
        )
    return Normalised(
        id=u.arn("apigateway", f"/apis/{api_id}", account=False),
        name=raw.get("Name") or api_id,
        attributes={
            "protocol_type": raw.get("ProtocolType"),
            "routes": sorted(routes, key=lambda r: str(r["route_key"])),
            "stages": stages,
        },
        tags=tags_of(raw.get("Tags")),
    )


# --- WAFv2, GuardDuty, CloudTrail, CloudWatch Logs ---------------------------------------


def _waf_action(rule: dict[str, Any]) -> str | None:
    for key in ("Action", "OverrideAction"):
        found = rule.get(key)
        if isinstance(found, dict) and found:
            return sorted(found)[0].lower()
    return None


def wafv2_web_acl(raw: dict[str, Any], u: Unit) -> Normalised:
    acl = (raw.get("describe") or {}).get("WebACL") or {}
    rules = []
    for r in acl.get("Rules") or []:
        rate = (r.get("Statement") or {}).get("RateBasedStatement")
        rules.append(
            {
                "name": r.get("Name"),
                "rate_based": rate is not None,
                "rate_limit": _int((rate or {}).get("Limit")),
                "action": _waf_action(r),
            }
        )
    scope = (raw.get("_params") or {}).get("Scope")
    attributes: dict[str, Any] = {"scope": scope, "rules": rules}
    unknown: dict[str, str] = {}
    if scope == "REGIONAL":
        # ListResourcesForWebACL per protected resource type: the ARNs of the load
        # balancers and API Gateway stages (arn:aws:apigateway:<region>::/restapis/<id>/
        # stages/<name>) it protects. A failed call leaves its answer None and the
        # machinery marks the attribute unknown.
        attributes["associated_resources"] = sorted(
            {arn for key in ("load_balancers", "api_stages") for arn in raw.get(key) or []}
        )
    else:
        # A CloudFront web ACL protects distributions, which name it in their own
        # configuration (cloudfront:GetDistributionConfig): not read, so not claimed empty.
        unknown["associated_resources"] = (
            "CloudFront web ACL: the distributions it protects are not collected"
        )
    return Normalised(
        id=raw["ARN"],
        name=raw.get("Name") or raw["ARN"],
        attributes=attributes,
        unknown=unknown,
    )


def guardduty_detector(raw: dict[str, Any], u: Unit) -> Normalised:
    d = raw.get("describe") or {}
    features = [{"name": f.get("Name"), "status": f.get("Status")} for f in d.get("Features") or []]
    if not features:
        # Older detectors answer with DataSources only.
        sources = d.get("DataSources") or {}
        pairs = [
            ("S3_DATA_EVENTS", (sources.get("S3Logs") or {}).get("Status")),
            (
                "EKS_AUDIT_LOGS",
                ((sources.get("Kubernetes") or {}).get("AuditLogs") or {}).get("Status"),
            ),
        ]
        features = [{"name": n, "status": s} for n, s in pairs if s]
    return Normalised(
        id=u.arn("guardduty", f"detector/{raw['DetectorId']}"),
        name=raw["DetectorId"],
        attributes={
            "enabled": None if d.get("Status") is None else d.get("Status") == "ENABLED",
            "features": features,
        },
        tags=tags_of(d.get("Tags")),
    )


def _advanced_selectors(selectors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for sel in selectors or []:
        fields = {f.get("Field"): f for f in sel.get("FieldSelectors") or []}
        category = (fields.get("eventCategory") or {}).get("Equals") or []
        if "Data" not in category:
            continue
        types = (fields.get("resources.type") or {}).get("Equals") or [None]
        arn = fields.get("resources.ARN") or {}
        values = list(arn.get("StartsWith") or []) + list(arn.get("Equals") or [])
        for t in types:
            if not values and t == "AWS::S3::Object":
                values = ["arn:aws:s3"]
            found.append({"type": t, "values": values})
    return found


def cloudtrail(raw: dict[str, Any], u: Unit) -> Normalised:
    selectors = raw.get("selectors") or {}
    data_resources = [
        {"type": d.get("Type"), "values": list(d.get("Values") or [])}
        for s in selectors.get("EventSelectors") or []
        for d in s.get("DataResources") or []
    ]
    data_resources += _advanced_selectors(selectors.get("AdvancedEventSelectors") or [])
    status = raw.get("status") or {}
    return Normalised(
        id=raw.get("TrailARN") or u.arn("cloudtrail", f"trail/{raw['Name']}"),
        name=raw.get("Name") or raw["TrailARN"],
        attributes={
            "is_multi_region_trail": _bool(raw.get("IsMultiRegionTrail")),
            "is_logging": _bool(status.get("IsLogging")),
            "s3_bucket_name": raw.get("S3BucketName"),
            "data_resources": data_resources,
        },
    )


def cloudwatch_log_group(raw: dict[str, Any], u: Unit) -> Normalised:
    name = raw["logGroupName"]
    return Normalised(
        id=u.arn("logs", f"log-group:{name}"),
        name=name,
        attributes={
            "log_group_name": name,
            "retention_in_days": _int(raw.get("retentionInDays")),
            "kms_key_id": raw.get("kmsKeyId"),
        },
    )


__all__ = ["REDACTED", "Normalised", "Unit"]
