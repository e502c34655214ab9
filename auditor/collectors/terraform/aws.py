"""AWS: Terraform resource types → normalised kinds (auditor/kinds/aws_*.json).

Defaults are the provider's or AWS's for a value that was not written; they are listed
in docs/terraform.md. A value that is written but cannot be known is never defaulted.
"""

from __future__ import annotations

from typing import Any

from auditor.collectors.terraform.engine import (
    Builder,
    Built,
    Context,
    FoldFn,
    FoldSpec,
    KindSpec,
    Reader,
    parse_json_document,
    to_bool,
    to_int,
    to_str,
)
from auditor.collectors.terraform.raw import Ref, Unknown

SECURITY_GROUP = ("aws_security_group",)
SUBNET = ("aws_subnet",)
VPC = ("aws_vpc",)
KMS = ("aws_kms_key", "aws_kms_alias", "aws_kms_replica_key", "aws_kms_external_key")
BUCKET = ("aws_s3_bucket",)
LB = ("aws_lb", "aws_alb")
LISTENER = ("aws_lb_listener", "aws_alb_listener")
TARGET_GROUP = ("aws_lb_target_group", "aws_alb_target_group")
CERTIFICATE = (
    "aws_acm_certificate",
    "aws_acm_certificate_validation",
    "aws_iam_server_certificate",
)
SAGEMAKER_MODEL = ("aws_sagemaker_model",)
ENDPOINT_CONFIG = ("aws_sagemaker_endpoint_configuration",)

_PROTOCOL_NUMBERS = {"all": "-1", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}


def protocol(value: Any) -> str:
    """Security group protocols in lower case, `-1` for all (`all`, `-1`), names for
    the common protocol numbers."""
    text = to_str(value).strip().lower()
    return _PROTOCOL_NUMBERS.get(text, text)


def _text(value: Any) -> str | None:
    """A free-text field; the provider's empty string and an unset value are alike."""
    return to_str(value) or None


# ---------------------------------------------------------------------------------
# aws_instance


def build_instance(rd: Reader, b: Builder) -> None:
    v = rd.values
    b.put("instance_type", rd.value(v, "instance_type"), to_str)
    b.put("ami", rd.value(v, "ami"), to_str)
    subnet = rd.rel(v, "subnet_id", SUBNET)
    b.put("subnet_id", subnet, to_str)
    _instance_network(rd, b, subnet)
    _instance_security_groups(rd, b)
    b.put("iam_instance_profile", rd.rel(v, "iam_instance_profile"), to_str)
    _instance_metadata(rd, b)
    _instance_volumes(rd, b)


def _instance_network(rd: Reader, b: Builder, subnet: Any) -> None:
    """public_ip and vpc_id: the explicit setting, else what the subnet decides."""
    v = rd.values
    subnet_res = rd.ctx.by_id.get(subnet) if isinstance(subnet, str) else None
    if subnet_res is not None and subnet_res.type not in SUBNET:
        subnet_res = None
    if subnet_res is not None:
        sub = Reader(rd.ctx, subnet_res)
        b.put("vpc_id", sub.rel(subnet_res.values, "vpc_id", VPC), to_str)
    elif isinstance(subnet, Unknown):
        b.mark_unknown("vpc_id", subnet.reason)
    elif subnet is not None:
        b.mark_unknown("vpc_id", f"subnet {subnet} is not in this configuration")
    else:
        b.put("vpc_id", None)

    explicit = rd.value(v, "associate_public_ip_address")
    if explicit is not None:
        b.put("public_ip", explicit, to_bool)
    elif subnet_res is not None:
        sub = Reader(rd.ctx, subnet_res)
        b.put("public_ip", sub.value(subnet_res.values, "map_public_ip_on_launch"), to_bool, False)
    elif isinstance(subnet, Unknown):
        b.mark_unknown("public_ip", f"the subnet is unknown: {subnet.reason}")
    elif subnet is not None:
        b.mark_unknown(
            "public_ip",
            f"subnet {subnet} is not in this configuration: whether it assigns public IPs "
            "is unknown",
        )
    elif rd.blocks(v, "network_interface"):
        b.mark_unknown("public_ip", "the attached network interface decides")
    elif rd.blocks(v, "launch_template"):
        b.mark_unknown("public_ip", "the launch template decides")
    else:
        # No subnet: the default VPC, whose subnets assign public IPs.
        b.put("public_ip", True)


def _instance_security_groups(rd: Reader, b: Builder) -> None:
    ids = rd.rels(rd.values, "vpc_security_group_ids", SECURITY_GROUP)
    names = rd.rels(rd.values, "security_groups", SECURITY_GROUP)
    for found in (ids, names):
        if isinstance(found, Unknown):
            b.mark_unknown("security_groups", found.reason)
            return
    b.put_list("security_groups", list(dict.fromkeys([*ids, *names])))


def _instance_metadata(rd: Reader, b: Builder) -> None:
    options = rd.block(rd.values, "metadata_options")
    m = b.child("metadata_options")
    if isinstance(options, Unknown):
        for key in ("http_tokens", "http_endpoint", "http_put_response_hop_limit"):
            m.mark_unknown(key, options.reason)
        return
    m.put("http_tokens", rd.value(options, "http_tokens"), to_str, "optional")
    m.put("http_endpoint", rd.value(options, "http_endpoint"), to_str, "enabled")
    m.put("http_put_response_hop_limit", rd.value(options, "http_put_response_hop_limit"), to_int)


def _instance_volumes(rd: Reader, b: Builder) -> None:
    roots = rd.blocks(rd.values, "root_block_device")
    extra = rd.blocks(rd.values, "ebs_block_device")
    for found in (roots, extra):
        if isinstance(found, Unknown):
            b.mark_unknown("volumes", found.reason)
            return
    b.attrs["volumes"] = []
    # An instance always has a root volume; without a root_block_device its encryption
    # is not written (null): the AMI's snapshot or the account default decides.
    for device in roots or [{}]:
        _volume(rd, b.item("volumes"), device, root=True)
    for device in extra:
        _volume(rd, b.item("volumes"), device, root=False)


def _volume(rd: Reader, vb: Builder, device: dict[str, Any], root: bool) -> None:
    vb.put("device_name", rd.value(device, "device_name"), to_str)
    vb.put("root", root)
    # Not written: null, not false. AWS then encrypts the volume when the account's EBS
    # encryption by default is on (ENC-03 reads null that way), or when the AMI's
    # snapshot is encrypted; `false` would claim an unencrypted volume.
    vb.put("encrypted", rd.value(device, "encrypted"), to_bool)
    vb.put("kms_key_id", rd.rel(device, "kms_key_id", KMS), to_str)
    vb.put("volume_id", None)


# ---------------------------------------------------------------------------------
# aws_security_group (+ aws_security_group_rule, aws_vpc_security_group_*_rule)


def build_security_group(rd: Reader, b: Builder) -> None:
    v = rd.values
    b.put("group_name", rd.value(v, "name"), to_str)
    b.put("vpc_id", rd.rel(v, "vpc_id", VPC), to_str)
    b.put("description", rd.value(v, "description"), to_str, "Managed by Terraform")
    for direction in ("ingress", "egress"):
        rules = rd.blocks(v, direction)
        if isinstance(rules, Unknown):
            b.mark_unknown(direction, rules.reason)
            continue
        b.attrs[direction] = []
        for rule in rules:
            _inline_rule(rd, b.item(direction), rule)


def _inline_rule(rd: Reader, rb: Builder, rule: dict[str, Any]) -> None:
    rb.put("protocol", rd.value(rule, "protocol"), protocol)
    rb.put("from_port", rd.value(rule, "from_port"), to_int)
    rb.put("to_port", rd.value(rule, "to_port"), to_int)
    rb.put_list("cidr_blocks", rd.value(rule, "cidr_blocks"), to_str)
    rb.put_list("ipv6_cidr_blocks", rd.value(rule, "ipv6_cidr_blocks"), to_str)
    rb.put_list("source_security_groups", rd.rels(rule, "security_groups", SECURITY_GROUP))
    rb.put_list("prefix_list_ids", rd.value(rule, "prefix_list_ids"), to_str)
    rb.put("self", rd.value(rule, "self"), to_bool, False)
    rb.put("description", rd.value(rule, "description"), _text)


def _rule_list(parent: Built, direction: str) -> Builder:
    if not isinstance(parent.builder.attrs.get(direction), list):
        parent.builder.attrs[direction] = []
    return parent.builder.item(direction)


def fold_security_group_rule(rd: Reader, parent: Built) -> None:
    v = rd.values
    direction = rd.value(v, "type")
    if direction not in ("ingress", "egress"):
        for key in ("ingress", "egress"):
            parent.builder.mark_unknown(key, f"the type of {rd.resource.id} is unknown")
        return
    rb = _rule_list(parent, direction)
    _inline_rule(rd, rb, v)
    source = rd.rel(v, "source_security_group_id", SECURITY_GROUP)
    rb.put_list("source_security_groups", source, to_str)


def fold_vpc_rule(direction: str) -> FoldFn:
    """The fold of aws_vpc_security_group_<direction>_rule (one rule per resource)."""

    def fold(rd: Reader, parent: Built) -> None:
        v = rd.values
        rb = _rule_list(parent, direction)
        rb.put("protocol", rd.value(v, "ip_protocol"), protocol)
        rb.put("from_port", rd.value(v, "from_port"), to_int)
        rb.put("to_port", rd.value(v, "to_port"), to_int)
        rb.put_list("cidr_blocks", rd.value(v, "cidr_ipv4"), to_str)
        rb.put_list("ipv6_cidr_blocks", rd.value(v, "cidr_ipv6"), to_str)
        source = rd.rel(v, "referenced_security_group_id", SECURITY_GROUP)
        rb.put_list("source_security_groups", source, to_str)
        rb.put_list("prefix_list_ids", rd.value(v, "prefix_list_id"), to_str)
        rb.put("self", isinstance(source, str) and source == parent.resource.id)
        rb.put("description", rd.value(v, "description"), _text)

    return fold


# ---------------------------------------------------------------------------------
# aws_s3_bucket and the resources that configure it


def build_bucket(rd: Reader, b: Builder) -> None:
    """The bucket's own (legacy, inline) settings; the separate resources fold over them."""
    v = rd.values
    b.put("bucket", rd.value(v, "bucket"), to_str)
    if rd.raw(v, "acl") is not None:
        b.put("acl", rd.value(v, "acl"), to_str)
    grants = rd.blocks(v, "grant")
    if isinstance(grants, Unknown) or grants:
        _legacy_grants(rd, b, grants)
    if rd.raw(v, "policy") not in (None, ""):
        b.put("policy", parse_json_document(rd.raw(v, "policy")))
    legacy_sse = rd.block(v, "server_side_encryption_configuration")
    if legacy_sse is not None:
        rule = rd.block(legacy_sse, "rule")
        _encryption(rd, b, rule)
    versioning = rd.block(v, "versioning")
    if versioning is not None:
        vb = b.child("versioning")
        vb.put("enabled", rd.value(versioning, "enabled"), to_bool, False)
        vb.put("mfa_delete", rd.value(versioning, "mfa_delete"), to_bool, False)
    logging = rd.block(v, "logging")
    if logging is not None:
        _logging(rd, b, logging)
    rules = rd.blocks(v, "lifecycle_rule")
    if isinstance(rules, Unknown) or rules:
        _lifecycle(rd, b, rules, legacy=True)


def _legacy_grants(rd: Reader, b: Builder, grants: list[dict[str, Any]] | Unknown) -> None:
    if isinstance(grants, Unknown):
        b.mark_unknown("grants", grants.reason)
        return
    b.attrs["grants"] = []
    for grant in grants:
        permissions = rd.value(grant, "permissions")
        if isinstance(permissions, Unknown):
            b.mark_unknown("grants", permissions.reason)
            return
        for permission in permissions if isinstance(permissions, list) else [permissions]:
            gb = b.item("grants")
            gb.put("grantee_type", rd.value(grant, "type"), _text)
            gb.put("grantee_uri", rd.value(grant, "uri"), _text)
            gb.put("grantee_id", rd.value(grant, "id"), _text)
            gb.put("permission", permission, _text)


def _encryption(rd: Reader, b: Builder, rule: dict[str, Any] | Unknown | None) -> None:
    eb = b.child("encryption")
    eb.attrs.clear()
    if isinstance(rule, Unknown):
        for key in ("sse_algorithm", "kms_master_key_id", "key_managed_by", "bucket_key_enabled"):
            eb.mark_unknown(key, rule.reason)
        eb.put("default", False)
        return
    by_default = rd.block(rule, "apply_server_side_encryption_by_default")
    if isinstance(by_default, Unknown):
        by_default = {"sse_algorithm": by_default, "kms_master_key_id": by_default}
    algorithm = rd.value(by_default, "sse_algorithm")
    eb.put("sse_algorithm", algorithm, to_str)
    key = rd.raw(by_default, "kms_master_key_id")
    eb.put("kms_master_key_id", rd.to_rel(key, KMS), _text)
    eb.put("key_managed_by", key_managed_by(rd, algorithm, key))
    eb.put("bucket_key_enabled", rd.value(rule, "bucket_key_enabled"), to_bool)
    eb.put("default", False)


def key_managed_by(rd: Reader, algorithm: Any, key: Any) -> str | Unknown | None:
    """'customer' for a key of this configuration or a literal key of the customer's,
    'aws' for the AWS-managed key (alias/aws/s3 or no key given), None without KMS."""
    if isinstance(algorithm, Unknown):
        return algorithm
    if not isinstance(algorithm, str) or not algorithm.startswith("aws:kms"):
        return None
    if isinstance(key, Unknown):
        return key
    if isinstance(key, list) and len(key) == 1:
        key = key[0]
    if isinstance(key, Ref):
        return "customer"
    if key is None or key == "":
        return "aws"
    text = str(key)
    if text.startswith("alias/aws/") or ":alias/aws/" in text:
        return "aws"
    return "customer"


def _logging(rd: Reader, b: Builder, logging: dict[str, Any] | Unknown) -> None:
    if isinstance(logging, Unknown):
        b.mark_unknown("logging", logging.reason)
        return
    lb = b.child("logging")
    lb.put("target_bucket", rd.rel(logging, "target_bucket", BUCKET), to_str)
    lb.put("target_prefix", rd.value(logging, "target_prefix"), _text)


def _lifecycle(rd: Reader, b: Builder, rules: list[dict[str, Any]] | Unknown, legacy: bool) -> None:
    if isinstance(rules, Unknown):
        b.mark_unknown("lifecycle_rules", rules.reason)
        return
    b.attrs["lifecycle_rules"] = []
    for rule in rules:
        rb = b.item("lifecycle_rules")
        rb.put("id", rd.value(rule, "id"), _text)
        if legacy:
            rb.put("enabled", rd.value(rule, "enabled"), to_bool)
        else:
            status = rd.value(rule, "status")
            rb.put("enabled", status if isinstance(status, Unknown) else status == "Enabled")
        rb.put("prefix", _lifecycle_prefix(rd, rule), _text)
        expiration = rd.block(rule, "expiration")
        if isinstance(expiration, Unknown):
            rb.mark_unknown("expiration_days", expiration.reason)
        else:
            rb.put("expiration_days", rd.value(expiration, "days"), to_int)


def _lifecycle_prefix(rd: Reader, rule: dict[str, Any]) -> Any:
    prefix = rd.value(rule, "prefix")
    if prefix not in (None, ""):
        return prefix
    rule_filter = rd.block(rule, "filter")
    if isinstance(rule_filter, Unknown):
        return rule_filter
    prefix = rd.value(rule_filter, "prefix")
    if prefix in (None, ""):
        prefix = rd.value(rd.block(rule_filter, "and") or None, "prefix")
    return prefix if prefix != "" else None


def fold_bucket_encryption(rd: Reader, parent: Built) -> None:
    rules = rd.blocks(rd.values, "rule")
    rule = rules if isinstance(rules, Unknown) else (rules[0] if rules else {})
    _encryption(rd, parent.builder, rule)


def fold_public_access_block(rd: Reader, parent: Built) -> None:
    _access_block(rd, parent.builder.child("public_access_block"))


def _access_block(rd: Reader, b: Builder) -> None:
    v = rd.values
    for key in ("block_public_acls", "ignore_public_acls", "block_public_policy"):
        b.put(key, rd.value(v, key), to_bool, False)
    b.put("restrict_public_buckets", rd.value(v, "restrict_public_buckets"), to_bool, False)


def fold_bucket_policy(rd: Reader, parent: Built) -> None:
    parent.builder.put("policy", parse_json_document(rd.raw(rd.values, "policy")))


def fold_bucket_acl(rd: Reader, parent: Built) -> None:
    v = rd.values
    b = parent.builder
    if rd.raw(v, "acl") is not None:
        b.put("acl", rd.value(v, "acl"), to_str)
    policy = rd.block(v, "access_control_policy")
    if policy is None:
        return
    if isinstance(policy, Unknown):
        b.mark_unknown("grants", policy.reason)
        return
    grants = rd.blocks(policy, "grant")
    if isinstance(grants, Unknown):
        b.mark_unknown("grants", grants.reason)
        return
    b.attrs["grants"] = []
    for grant in grants:
        grantee = rd.block(grant, "grantee") or {}
        gb = b.item("grants")
        if isinstance(grantee, Unknown):
            for key in ("grantee_type", "grantee_uri", "grantee_id"):
                gb.mark_unknown(key, grantee.reason)
        else:
            gb.put("grantee_type", rd.value(grantee, "type"), _text)
            gb.put("grantee_uri", rd.value(grantee, "uri"), _text)
            gb.put("grantee_id", rd.value(grantee, "id"), _text)
        gb.put("permission", rd.value(grant, "permission"), _text)


def fold_bucket_versioning(rd: Reader, parent: Built) -> None:
    config = rd.block(rd.values, "versioning_configuration")
    vb = parent.builder.child("versioning")
    if isinstance(config, Unknown):
        vb.mark_unknown("enabled", config.reason)
        vb.mark_unknown("mfa_delete", config.reason)
        return
    status = rd.value(config, "status")
    vb.put("enabled", status if isinstance(status, Unknown) else status == "Enabled")
    mfa = rd.value(config, "mfa_delete")
    vb.put("mfa_delete", mfa if isinstance(mfa, Unknown) else mfa == "Enabled")


def fold_bucket_logging(rd: Reader, parent: Built) -> None:
    _logging(rd, parent.builder, rd.values)


def fold_bucket_lifecycle(rd: Reader, parent: Built) -> None:
    _lifecycle(rd, parent.builder, rd.blocks(rd.values, "rule"), legacy=False)


def finish_bucket(ctx: Context, built: Built) -> None:
    """What a bucket is when nothing was written: S3's defaults."""
    b = built.builder
    if not b.has("encryption"):
        b.attrs["encryption"] = {
            "sse_algorithm": "AES256",
            "kms_master_key_id": None,
            "key_managed_by": None,
            "bucket_key_enabled": None,
            "default": True,
        }
    if not b.has("versioning"):
        b.attrs["versioning"] = {"enabled": False, "mfa_delete": False}
    for key in ("acl", "policy", "public_access_block", "account_public_access_block"):
        if not b.has(key):
            b.attrs[key] = None
    if not b.has("logging"):
        b.attrs["logging"] = None
    for key in ("grants", "lifecycle_rules"):
        if not b.has(key):
            b.attrs[key] = []
    name = b.attrs.get("bucket")
    if isinstance(name, str) and name:
        built.resource.name = name


def build_account_public_access_block(rd: Reader, b: Builder) -> None:
    _access_block(rd, b)


def join_account_public_access_block(built: dict[str, Built]) -> None:
    """Every bucket carries the account-level block of its scope (null without one)."""
    blocks = sorted(
        (x for x in built.values() if x.resource.kind == "aws_s3_account_public_access_block"),
        key=lambda x: x.resource.id,
    )
    if not blocks:
        return
    account = blocks[0].builder
    for x in built.values():
        if x.resource.kind != "aws_s3_bucket":
            continue
        x.builder.attrs["account_public_access_block"] = dict(account.attrs)
        for path, reason in account.unknown.items():
            x.builder.unknown[f"account_public_access_block.{path}"] = reason


# ---------------------------------------------------------------------------------
# EBS, ECR, KMS


def build_ebs_volume(rd: Reader, b: Builder) -> None:
    v = rd.values
    # Not written: null (encrypted when the account's EBS default encryption is on).
    b.put("encrypted", rd.value(v, "encrypted"), to_bool)
    b.put("kms_key_id", rd.rel(v, "kms_key_id", KMS), to_str)
    b.put("availability_zone", rd.value(v, "availability_zone"), to_str)
    b.put("size", rd.value(v, "size"), to_int)
    b.attrs["attached_instances"] = []


def fold_volume_attachment(rd: Reader, parent: Built) -> None:
    instance = rd.rel(rd.values, "instance_id", ("aws_instance",))
    attached = parent.builder.attrs.setdefault("attached_instances", [])
    if isinstance(instance, Unknown):
        parent.builder.mark_unknown("attached_instances", instance.reason)
    elif isinstance(instance, str) and instance not in attached:
        attached.append(instance)


def build_ebs_encryption_by_default(rd: Reader, b: Builder) -> None:
    b.put("enabled", rd.value(rd.values, "enabled"), to_bool, True)


def build_ecr_repository(rd: Reader, b: Builder) -> None:
    v = rd.values
    b.put("repository_name", rd.value(v, "name"), to_str)
    b.put("image_tag_mutability", rd.value(v, "image_tag_mutability"), to_str, "MUTABLE")
    scanning = rd.block(v, "image_scanning_configuration")
    b.put("scan_on_push", rd.value(scanning, "scan_on_push"), to_bool, False)
    encryption = rd.block(v, "encryption_configuration")
    b.put("encryption_type", rd.value(encryption, "encryption_type"), to_str, "AES256")
    key = rd.rel(encryption, "kms_key", KMS)
    b.put("kms_key", key, to_str)


def build_kms_key(rd: Reader, b: Builder) -> None:
    v = rd.values
    b.put("key_manager", "CUSTOMER")
    b.put("key_rotation_enabled", rd.value(v, "enable_key_rotation"), to_bool, False)
    b.put("key_usage", rd.value(v, "key_usage"), to_str, "ENCRYPT_DECRYPT")
    enabled = rd.value(v, "is_enabled")
    if isinstance(enabled, Unknown):
        b.mark_unknown("key_state", enabled.reason)
    else:
        b.put(
            "key_state", "Disabled" if enabled is not None and not to_bool(enabled) else "Enabled"
        )


# ---------------------------------------------------------------------------------
# ELBv2


def build_lb(rd: Reader, b: Builder) -> None:
    v = rd.values
    internal = rd.value(v, "internal")
    if isinstance(internal, Unknown):
        b.mark_unknown("scheme", internal.reason)
    else:
        internal_bool = internal is not None and to_bool(internal)
        b.put("scheme", "internal" if internal_bool else "internet-facing")
    b.put("load_balancer_type", rd.value(v, "load_balancer_type"), to_str, "application")
    b.put_list("security_groups", rd.rels(v, "security_groups", SECURITY_GROUP))
    subnets = rd.rels(v, "subnets", SUBNET)
    mappings = rd.blocks(v, "subnet_mapping")
    if isinstance(mappings, Unknown):
        subnets = mappings
    elif not isinstance(subnets, Unknown):
        for mapping in mappings:
            subnet = rd.rel(mapping, "subnet_id", SUBNET)
            if isinstance(subnet, Unknown):
                subnets = subnet
                break
            if isinstance(subnet, str) and subnet not in subnets:
                subnets.append(subnet)
    b.put_list("subnets", subnets)
    b.put("dns_name", rd.value(v, "dns_name"), to_str)


def build_listener(rd: Reader, b: Builder) -> None:
    v = rd.values
    b.put("load_balancer", rd.rel(v, "load_balancer_arn", LB), to_str)
    b.put("port", rd.value(v, "port"), to_int)
    b.put("protocol", rd.value(v, "protocol"), lambda p: to_str(p).upper())
    b.put("ssl_policy", rd.value(v, "ssl_policy"), to_str)
    b.put("certificate_arn", rd.rel(v, "certificate_arn", CERTIFICATE), to_str)
    b.attrs["actions"] = []
    _actions(rd, b, rd.blocks(v, "default_action"))


def _actions(rd: Reader, b: Builder, actions: list[dict[str, Any]] | Unknown) -> None:
    if isinstance(actions, Unknown):
        b.mark_unknown("actions", actions.reason)
        return
    for action in actions:
        ab = b.item("actions")
        ab.put("type", rd.value(action, "type"), to_str)
        ab.put_list("target_groups", _action_target_groups(rd, action))
        redirect = rd.block(action, "redirect")
        for key in ("protocol", "port", "status_code"):
            value = rd.value(redirect, key)
            ab.put(f"redirect_{key}", value, to_str)


def _action_target_groups(rd: Reader, action: dict[str, Any]) -> list[str] | Unknown:
    groups = rd.rels(action, "target_group_arn", TARGET_GROUP)
    if isinstance(groups, Unknown):
        return groups
    forward = rd.block(action, "forward")
    if isinstance(forward, Unknown):
        return forward
    weighted = rd.blocks(forward, "target_group")
    if isinstance(weighted, Unknown):
        return weighted
    for group in weighted:
        found = rd.rels(group, "arn", TARGET_GROUP)
        if isinstance(found, Unknown):
            return found
        groups.extend(g for g in found if g not in groups)
    return groups


def fold_listener_rule(rd: Reader, parent: Built) -> None:
    _actions(rd, parent.builder, rd.blocks(rd.values, "action"))


def build_target_group(rd: Reader, b: Builder) -> None:
    v = rd.values
    b.put("protocol", rd.value(v, "protocol"), to_str)
    b.put("port", rd.value(v, "port"), to_int)
    b.put("target_type", rd.value(v, "target_type"), to_str, "instance")
    b.put("vpc_id", rd.rel(v, "vpc_id", VPC), to_str)
    b.attrs["targets"] = []


def fold_target_group_attachment(rd: Reader, parent: Built) -> None:
    if not isinstance(parent.builder.attrs.get("targets"), list):
        return
    tb = parent.builder.item("targets")
    tb.put(
        "target", rd.rel(rd.values, "target_id", ("aws_instance", "aws_lambda_function")), to_str
    )
    tb.put("port", rd.value(rd.values, "port"), to_int)


# ---------------------------------------------------------------------------------
# SageMaker


def build_sagemaker_model(rd: Reader, b: Builder) -> None:
    v = rd.values
    b.put("execution_role_arn", rd.rel(v, "execution_role_arn", ("aws_iam_role",)), to_str)
    primary = rd.blocks(v, "primary_container")
    others = rd.blocks(v, "container")
    b.attrs["containers"] = []
    for found in (primary, others):
        if isinstance(found, Unknown):
            b.mark_unknown("containers", found.reason)
            break
        for container in found:
            _container(rd, b.item("containers"), container)
    vpc = rd.block(v, "vpc_config")
    if isinstance(vpc, Unknown):
        b.mark_unknown("vpc_config", vpc.reason)
    elif vpc is None:
        b.put("vpc_config", None)
    else:
        vb = b.child("vpc_config")
        vb.put_list("subnets", rd.rels(vpc, "subnets", SUBNET))
        vb.put_list("security_group_ids", rd.rels(vpc, "security_group_ids", SECURITY_GROUP))
    b.put("enable_network_isolation", rd.value(v, "enable_network_isolation"), to_bool, False)


def _container(rd: Reader, cb: Builder, container: dict[str, Any]) -> None:
    cb.put("image", rd.value(container, "image"), to_str)
    cb.put("model_data_url", rd.value(container, "model_data_url"), to_str)
    cb.put("mode", rd.value(container, "mode"), to_str, "SingleModel")
    # Names only: environment values may be credentials and never enter a snapshot.
    environment = container.get("environment")
    if isinstance(environment, list) and len(environment) == 1:
        environment = environment[0]
    if isinstance(environment, dict):
        cb.put("environment_keys", sorted(str(k) for k in environment))
    elif environment is None:
        cb.put("environment_keys", [])
    else:
        cb.mark_unknown("environment_keys", "the environment could not be resolved")


def build_endpoint_configuration(rd: Reader, b: Builder) -> None:
    v = rd.values
    b.put("kms_key_arn", rd.rel(v, "kms_key_arn", KMS), to_str)
    variants = rd.blocks(v, "production_variants")
    if isinstance(variants, Unknown):
        b.mark_unknown("production_variants", variants.reason)
    else:
        b.attrs["production_variants"] = []
        for variant in variants:
            _variant(rd, b.item("production_variants"), variant)
    capture = rd.block(v, "data_capture_config")
    if isinstance(capture, Unknown):
        b.mark_unknown("data_capture", capture.reason)
    elif capture is None:
        b.put("data_capture", None)
    else:
        cb = b.child("data_capture")
        cb.put("enabled", rd.value(capture, "enable_capture"), to_bool, True)
        cb.put("destination_s3_uri", rd.value(capture, "destination_s3_uri"), to_str)
        cb.put("kms_key_id", rd.rel(capture, "kms_key_id", KMS), to_str)


def _variant(rd: Reader, vb: Builder, variant: dict[str, Any]) -> None:
    vb.put("variant_name", rd.value(variant, "variant_name"), to_str)
    named_relation(rd, vb, variant, "model_name", "model", SAGEMAKER_MODEL)
    vb.put("instance_type", rd.value(variant, "instance_type"), to_str)
    vb.put("accelerator_type", rd.value(variant, "accelerator_type"), to_str)


def named_relation(
    rd: Reader, b: Builder, values: dict[str, Any], key: str, rel_key: str, types: tuple[str, ...]
) -> None:
    """A relation written as a name (`model_name`): the name, and the resource id of the
    named resource when it is in the input."""
    target = rd.rel(values, key, types)
    target_res = rd.ctx.by_id.get(target) if isinstance(target, str) else None
    if target_res is not None and target_res.type in types:
        b.put(rel_key, target)
        name = Reader(rd.ctx, target_res).value(target_res.values, "name")
        b.put(key, name, to_str)
    else:
        b.put(key, target, to_str)
        b.put(rel_key, None)


def build_endpoint(rd: Reader, b: Builder) -> None:
    named_relation(rd, b, rd.values, "endpoint_config_name", "endpoint_config", ENDPOINT_CONFIG)


# ---------------------------------------------------------------------------------

SPECS: list[KindSpec] = [
    KindSpec("aws_instance", ("aws_instance",), build_instance),
    KindSpec("aws_security_group", SECURITY_GROUP, build_security_group),
    KindSpec("aws_s3_bucket", BUCKET, build_bucket, finish_bucket),
    KindSpec(
        "aws_s3_account_public_access_block",
        ("aws_s3_account_public_access_block",),
        build_account_public_access_block,
    ),
    KindSpec("aws_ebs_volume", ("aws_ebs_volume",), build_ebs_volume),
    KindSpec(
        "aws_ebs_encryption_by_default",
        ("aws_ebs_encryption_by_default",),
        build_ebs_encryption_by_default,
    ),
    KindSpec("aws_ecr_repository", ("aws_ecr_repository",), build_ecr_repository),
    KindSpec("aws_kms_key", ("aws_kms_key",), build_kms_key),
    KindSpec("aws_lb", LB, build_lb),
    KindSpec("aws_lb_listener", LISTENER, build_listener),
    KindSpec("aws_lb_target_group", TARGET_GROUP, build_target_group),
    KindSpec("aws_sagemaker_model", SAGEMAKER_MODEL, build_sagemaker_model),
    KindSpec("aws_sagemaker_endpoint_configuration", ENDPOINT_CONFIG, build_endpoint_configuration),
    KindSpec("aws_sagemaker_endpoint", ("aws_sagemaker_endpoint",), build_endpoint),
]


def _bucket_fold(tf_type: str, fold: FoldFn) -> FoldSpec:
    """A resource configuring the bucket its `bucket` names (by reference or by name)."""
    return FoldSpec((tf_type,), BUCKET, "bucket", fold, stub_attribute="bucket")


FOLDS: list[FoldSpec] = [
    FoldSpec(
        ("aws_security_group_rule",),
        SECURITY_GROUP,
        "security_group_id",
        fold_security_group_rule,
    ),
    FoldSpec(
        ("aws_vpc_security_group_ingress_rule",),
        SECURITY_GROUP,
        "security_group_id",
        fold_vpc_rule("ingress"),
    ),
    FoldSpec(
        ("aws_vpc_security_group_egress_rule",),
        SECURITY_GROUP,
        "security_group_id",
        fold_vpc_rule("egress"),
    ),
    _bucket_fold("aws_s3_bucket_server_side_encryption_configuration", fold_bucket_encryption),
    _bucket_fold("aws_s3_bucket_public_access_block", fold_public_access_block),
    _bucket_fold("aws_s3_bucket_policy", fold_bucket_policy),
    _bucket_fold("aws_s3_bucket_acl", fold_bucket_acl),
    _bucket_fold("aws_s3_bucket_versioning", fold_bucket_versioning),
    _bucket_fold("aws_s3_bucket_logging", fold_bucket_logging),
    _bucket_fold("aws_s3_bucket_lifecycle_configuration", fold_bucket_lifecycle),
    FoldSpec(
        ("aws_volume_attachment",),
        ("aws_ebs_volume",),
        "volume_id",
        fold_volume_attachment,
        stub=False,
    ),
    FoldSpec(
        ("aws_lb_target_group_attachment", "aws_alb_target_group_attachment"),
        TARGET_GROUP,
        "target_group_arn",
        fold_target_group_attachment,
        stub=False,
    ),
    FoldSpec(
        ("aws_lb_listener_rule", "aws_alb_listener_rule"),
        LISTENER,
        "listener_arn",
        fold_listener_rule,
        stub=False,
    ),
]

JOINS = [join_account_public_access_block]
# Types read only through relations (none here: a subnet, which decides an instance's
# public IP, is a kind of its own in aws_services.py).
HELPER_TYPES: tuple[str, ...] = ()
