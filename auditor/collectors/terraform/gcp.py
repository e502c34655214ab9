"""Google Cloud: Terraform resource types → normalised kinds (auditor/kinds/google_*.json).

Regional and global variants of a resource type make the same kind
(`google_compute_global_forwarding_rule` → `google_compute_forwarding_rule` with
`global: true`). Defaults are listed in docs/terraform.md.
"""

from __future__ import annotations

from typing import Any

from auditor.collectors.terraform.engine import (
    Builder,
    Built,
    FoldSpec,
    KindSpec,
    Reader,
    last_segment,
    to_bool,
    to_int,
    to_str,
)
from auditor.collectors.terraform.raw import Unknown

NETWORK = ("google_compute_network",)
SUBNETWORK = ("google_compute_subnetwork",)
DISK = ("google_compute_disk", "google_compute_region_disk")
KMS_KEY = ("google_kms_crypto_key",)
BACKEND = ("google_compute_backend_service", "google_compute_region_backend_service")
BACKEND_OR_BUCKET = (*BACKEND, "google_compute_backend_bucket")
URL_MAP = ("google_compute_url_map", "google_compute_region_url_map")
SSL_POLICY = ("google_compute_ssl_policy", "google_compute_region_ssl_policy")
FORWARDING_TARGETS = (
    "google_compute_target_http_proxy",
    "google_compute_target_https_proxy",
    "google_compute_region_target_http_proxy",
    "google_compute_region_target_https_proxy",
    "google_compute_target_ssl_proxy",
    "google_compute_target_tcp_proxy",
    "google_compute_target_pool",
    "google_compute_target_instance",
    "google_compute_service_attachment",
)

# The provider stores service-account scopes as URLs and accepts these short names.
SCOPE_ALIASES = {
    "bigquery": "bigquery",
    "cloud-platform": "cloud-platform",
    "cloud-source-repos": "source.full_control",
    "cloud-source-repos-ro": "source.read_only",
    "compute-ro": "compute.readonly",
    "compute-rw": "compute",
    "datastore": "datastore",
    "logging-write": "logging.write",
    "monitoring": "monitoring",
    "monitoring-read": "monitoring.read",
    "monitoring-write": "monitoring.write",
    "pubsub": "pubsub",
    "service-control": "servicecontrol",
    "service-management": "service.management.readonly",
    "sql": "sqlservice",
    "sql-admin": "sqlservice.admin",
    "storage-full": "devstorage.full_control",
    "storage-ro": "devstorage.read_only",
    "storage-rw": "devstorage.read_write",
    "taskqueue": "taskqueue",
    "trace": "trace.append",
    "useraccounts-ro": "cloud.useraccounts.readonly",
    "useraccounts-rw": "cloud.useraccounts",
    "userinfo-email": "userinfo.email",
}


def scope_url(value: Any) -> str:
    text = to_str(value)
    alias = SCOPE_ALIASES.get(text)
    return f"https://www.googleapis.com/auth/{alias}" if alias else text


# ---------------------------------------------------------------------------------
# google_compute_instance


def build_instance(rd: Reader, b: Builder) -> None:
    v = rd.values
    b.put("machine_type", rd.value(v, "machine_type"), last_segment)
    b.put("zone", rd.value(v, "zone"), last_segment)
    _accelerators(rd, b)
    _network_interfaces(rd, b)
    b.put_list("network_tags", rd.value(v, "tags"), to_str)
    _service_accounts(rd, b)
    _shielded_vm(rd, b)
    _instance_disks(rd, b)


def _accelerators(rd: Reader, b: Builder) -> None:
    accelerators = rd.blocks(rd.values, "guest_accelerator")
    if isinstance(accelerators, Unknown):
        b.mark_unknown("guest_accelerators", accelerators.reason)
        return
    b.attrs["guest_accelerators"] = []
    for accelerator in accelerators:
        ab = b.item("guest_accelerators")
        ab.put("type", rd.value(accelerator, "type"), last_segment)
        ab.put("count", rd.value(accelerator, "count"), to_int)


def _network_interfaces(rd: Reader, b: Builder) -> None:
    interfaces = rd.blocks(rd.values, "network_interface")
    if isinstance(interfaces, Unknown):
        b.mark_unknown("network_interfaces", interfaces.reason)
        return
    b.attrs["network_interfaces"] = []
    for interface in interfaces:
        nb = b.item("network_interfaces")
        nb.put("network", rd.rel(interface, "network", NETWORK), to_str)
        nb.put("subnetwork", rd.rel(interface, "subnetwork", SUBNETWORK), to_str)
        ipv4 = rd.blocks(interface, "access_config")
        ipv6 = rd.blocks(interface, "ipv6_access_config")
        unknown = next((x for x in (ipv4, ipv6) if isinstance(x, Unknown)), None)
        if unknown is not None:
            nb.mark_unknown("access_configs", unknown.reason)
            nb.mark_unknown("public_ip", unknown.reason)
            continue
        nb.attrs["access_configs"] = []
        for config in ipv4:
            cb = nb.item("access_configs")
            cb.put("nat_ip", rd.rel(config, "nat_ip", ("google_compute_address",)), to_str)
            cb.put("type", "ONE_TO_ONE_NAT")
        for config in ipv6:
            cb = nb.item("access_configs")
            cb.put("nat_ip", rd.value(config, "external_ipv6"), to_str)
            cb.put("type", "DIRECT_IPV6")
        # An access config, even without nat_ip, gives the interface an external IP.
        nb.put("public_ip", bool(ipv4 or ipv6))


def _service_accounts(rd: Reader, b: Builder) -> None:
    accounts = rd.blocks(rd.values, "service_account")
    if isinstance(accounts, Unknown):
        b.mark_unknown("service_accounts", accounts.reason)
        return
    b.attrs["service_accounts"] = []
    for account in accounts:
        sb = b.item("service_accounts")
        sb.put("email", rd.rel(account, "email", ("google_service_account",)), to_str)
        sb.put_list("scopes", rd.value(account, "scopes"), scope_url)


def _shielded_vm(rd: Reader, b: Builder) -> None:
    config = rd.block(rd.values, "shielded_instance_config")
    sb = b.child("shielded_vm")
    defaults = {
        "enable_secure_boot": False,
        "enable_vtpm": True,
        "enable_integrity_monitoring": True,
    }
    for key, default in defaults.items():
        value = rd.value(config, key)
        sb.put(key, value, to_bool, default)


def _instance_disks(rd: Reader, b: Builder) -> None:
    v = rd.values
    boot = rd.blocks(v, "boot_disk")
    attached = rd.blocks(v, "attached_disk")
    scratch = rd.blocks(v, "scratch_disk")
    for found in (boot, attached, scratch):
        if isinstance(found, Unknown):
            b.mark_unknown("disks", found.reason)
            return
    b.attrs["disks"] = []
    for disk in boot:
        _instance_disk(rd, b.item("disks"), disk, boot=True)
    for disk in attached:
        _instance_disk(rd, b.item("disks"), disk, boot=False)
    for _ in scratch:
        db = b.item("disks")
        db.put("source", None)
        db.put("boot", False)
        db.put("kms_key", None)
        db.put("encryption", "google")


def _instance_disk(rd: Reader, db: Builder, disk: dict[str, Any], boot: bool) -> None:
    source = rd.rel(disk, "source", DISK)
    db.put("source", source, to_str)
    db.put("boot", boot)
    source_res = rd.ctx.by_id.get(source) if isinstance(source, str) else None
    if source_res is not None and source_res.type in DISK and not _has_own_key(rd, disk):
        # The disk resource decides how the disk is encrypted.
        source_rd = Reader(rd.ctx, source_res)
        key_block = source_rd.block(source_res.values, "disk_encryption_key")
        _encryption(source_rd, db, key_block, "kms_key_self_link", "raw_key", "rsa_encrypted_key")
    else:
        _encryption(
            rd, db, disk, "kms_key_self_link", "disk_encryption_key_raw", "disk_encryption_key_rsa"
        )


def _has_own_key(rd: Reader, disk: dict[str, Any]) -> bool:
    keys = ("kms_key_self_link", "disk_encryption_key_raw", "disk_encryption_key_rsa")
    return any(rd.raw(disk, key) not in (None, "") for key in keys)


def _encryption(
    rd: Reader,
    b: Builder,
    values: dict[str, Any] | Unknown | None,
    kms_key: str,
    *csek_keys: str,
) -> None:
    """encryption 'cmek' (with kms_key), 'csek' or 'google'. Only the presence of a
    customer-supplied key is read: its value is a secret and never copied."""
    if isinstance(values, Unknown):
        b.mark_unknown("kms_key", values.reason)
        b.mark_unknown("encryption", values.reason)
        return
    key = rd.rel(values, kms_key, KMS_KEY)
    if isinstance(key, Unknown):
        b.mark_unknown("kms_key", key.reason)
        b.mark_unknown("encryption", key.reason)
        return
    if key not in (None, ""):
        b.put("kms_key", key, to_str)
        b.put("encryption", "cmek")
        return
    b.put("kms_key", None)
    # A key that is written but unknown (a variable without a value) is still a key.
    supplied = [rd.raw(values, k) for k in csek_keys]
    b.put("encryption", "csek" if any(s not in (None, "") for s in supplied) else "google")


# ---------------------------------------------------------------------------------
# Disks


def build_disk(rd: Reader, b: Builder) -> None:
    v = rd.values
    b.put("zone", rd.value(v, "zone"), last_segment)
    key_block = rd.block(v, "disk_encryption_key")
    _encryption(rd, b, key_block or {}, "kms_key_self_link", "raw_key", "rsa_encrypted_key")
    b.attrs["users"] = []


def fold_attached_disk(rd: Reader, parent: Built) -> None:
    instance = rd.rel(rd.values, "instance", ("google_compute_instance",))
    _add_user(parent, instance)


def _add_user(disk: Built, instance: Any) -> None:
    users = disk.builder.attrs.get("users")
    if isinstance(instance, Unknown):
        disk.builder.mark_unknown("users", instance.reason)
    elif isinstance(users, list) and isinstance(instance, str) and instance not in users:
        users.append(instance)


def join_disk_users(built: dict[str, Built]) -> None:
    """A disk's users are the instances of the input that mount it."""
    for x in sorted(built.values(), key=lambda x: x.resource.id):
        if x.resource.kind != "google_compute_instance":
            continue
        for disk in x.builder.attrs.get("disks") or []:
            target = built.get(disk.get("source") or "")
            if target is not None and target.resource.kind == "google_compute_disk":
                _add_user(target, x.resource.id)


# ---------------------------------------------------------------------------------
# Network


def build_firewall(rd: Reader, b: Builder) -> None:
    v = rd.values
    b.put("network", rd.rel(v, "network", NETWORK), to_str)
    b.put("direction", rd.value(v, "direction"), lambda d: to_str(d).upper(), "INGRESS")
    b.put("disabled", rd.value(v, "disabled"), to_bool, False)
    b.put("priority", rd.value(v, "priority"), to_int, 1000)
    for key in ("source_ranges", "source_tags", "target_tags", "target_service_accounts"):
        b.put_list(key, rd.value(v, key), to_str)
    _default_source_range(rd, b)
    for key, attribute in (("allow", "allowed"), ("deny", "denied")):
        rules = rd.blocks(v, key)
        if isinstance(rules, Unknown):
            b.mark_unknown(attribute, rules.reason)
            continue
        b.attrs[attribute] = []
        for rule in rules:
            rb = b.item(attribute)
            rb.put("protocol", rd.value(rule, "protocol"), lambda p: to_str(p).lower())
            rb.put_list("ports", rd.value(rule, "ports"), to_str)


def _default_source_range(rd: Reader, b: Builder) -> None:
    """An ingress rule with no source at all applies to every source (0.0.0.0/0)."""
    if b.attrs.get("direction") != "INGRESS":
        return
    if any(k in b.unknown for k in ("source_ranges", "source_tags")):
        return
    accounts = rd.value(rd.values, "source_service_accounts")
    if isinstance(accounts, Unknown) or accounts:
        return
    if not b.attrs.get("source_ranges") and not b.attrs.get("source_tags"):
        b.attrs["source_ranges"] = ["0.0.0.0/0"]


def build_network(rd: Reader, b: Builder) -> None:
    b.put("auto_create_subnetworks", rd.value(rd.values, "auto_create_subnetworks"), to_bool, True)


def build_subnetwork(rd: Reader, b: Builder) -> None:
    v = rd.values
    b.put("network", rd.rel(v, "network", NETWORK), to_str)
    b.put("ip_cidr_range", rd.value(v, "ip_cidr_range"), to_str)
    b.put("private_ip_google_access", rd.value(v, "private_ip_google_access"), to_bool, False)


# ---------------------------------------------------------------------------------
# Load balancing


def build_forwarding_rule(rd: Reader, b: Builder) -> None:
    v = rd.values
    b.put("target", rd.rel(v, "target", FORWARDING_TARGETS), to_str)
    address_types = ("google_compute_address", "google_compute_global_address")
    b.put("ip_address", rd.rel(v, "ip_address", address_types), to_str)
    b.put("port_range", rd.value(v, "port_range"), to_str)
    b.put("load_balancing_scheme", rd.value(v, "load_balancing_scheme"), to_str, "EXTERNAL")
    b.put("global", rd.resource.type == "google_compute_global_forwarding_rule")


def build_backend_service(rd: Reader, b: Builder) -> None:
    v = rd.values
    b.put("protocol", rd.value(v, "protocol"), to_str, "HTTP")
    b.put("load_balancing_scheme", rd.value(v, "load_balancing_scheme"), to_str, "EXTERNAL")
    backends = rd.blocks(v, "backend")
    if isinstance(backends, Unknown):
        b.mark_unknown("groups", backends.reason)
        return
    groups: list[str] = []
    for backend in backends:
        group = rd.rel(backend, "group")
        if isinstance(group, Unknown):
            b.mark_unknown("groups", group.reason)
            return
        if isinstance(group, str) and group not in groups:
            groups.append(group)
    b.put_list("groups", groups)


def build_ssl_policy(rd: Reader, b: Builder) -> None:
    v = rd.values
    b.put("min_tls_version", rd.value(v, "min_tls_version"), to_str, "TLS_1_0")
    b.put("profile", rd.value(v, "profile"), to_str, "COMPATIBLE")
    b.put_list("custom_features", rd.value(v, "custom_features"), to_str)


def build_http_proxy(rd: Reader, b: Builder) -> None:
    b.put("url_map", rd.rel(rd.values, "url_map", URL_MAP), to_str)


def build_https_proxy(rd: Reader, b: Builder) -> None:
    b.put("ssl_policy", rd.rel(rd.values, "ssl_policy", SSL_POLICY), to_str)
    b.put("url_map", rd.rel(rd.values, "url_map", URL_MAP), to_str)


def build_url_map(rd: Reader, b: Builder) -> None:
    v = rd.values
    default = rd.rel(v, "default_service", BACKEND_OR_BUCKET)
    b.put("default_service", default, to_str)
    services: list[Any] = [default]
    matchers = rd.blocks(v, "path_matcher")
    if isinstance(matchers, Unknown):
        b.mark_unknown("services", matchers.reason)
        return
    for matcher in matchers:
        services.append(rd.rel(matcher, "default_service", BACKEND_OR_BUCKET))
        for key in ("path_rule", "route_rules"):
            rules = rd.blocks(matcher, key)
            if isinstance(rules, Unknown):
                b.mark_unknown("services", rules.reason)
                return
            services.extend(rd.rel(rule, "service", BACKEND_OR_BUCKET) for rule in rules)
    unknown = next((s for s in services if isinstance(s, Unknown)), None)
    if unknown is not None:
        b.mark_unknown("services", unknown.reason)
        return
    b.put_list("services", list(dict.fromkeys(s for s in services if isinstance(s, str))))


# ---------------------------------------------------------------------------------

SPECS: list[KindSpec] = [
    KindSpec("google_compute_instance", ("google_compute_instance",), build_instance),
    KindSpec("google_compute_disk", DISK, build_disk),
    KindSpec("google_compute_firewall", ("google_compute_firewall",), build_firewall),
    KindSpec("google_compute_network", NETWORK, build_network),
    KindSpec("google_compute_subnetwork", SUBNETWORK, build_subnetwork),
    KindSpec(
        "google_compute_forwarding_rule",
        ("google_compute_forwarding_rule", "google_compute_global_forwarding_rule"),
        build_forwarding_rule,
    ),
    KindSpec("google_compute_backend_service", BACKEND, build_backend_service),
    KindSpec("google_compute_ssl_policy", SSL_POLICY, build_ssl_policy),
    KindSpec(
        "google_compute_target_http_proxy",
        ("google_compute_target_http_proxy", "google_compute_region_target_http_proxy"),
        build_http_proxy,
    ),
    KindSpec(
        "google_compute_target_https_proxy",
        ("google_compute_target_https_proxy", "google_compute_region_target_https_proxy"),
        build_https_proxy,
    ),
    KindSpec("google_compute_url_map", URL_MAP, build_url_map),
]

FOLDS: list[FoldSpec] = [
    FoldSpec(("google_compute_attached_disk",), DISK, "disk", fold_attached_disk, stub=False),
]

JOINS = [join_disk_users]
