"""Compute Engine JSON (the REST API's camelCase answers) -> the kinds' attributes.

Every function takes one item as the API documents it and returns the attributes of
auditor/kinds/<kind>.json, in the shape the Terraform path gives (collectors/terraform/
gcp.py), so that one policy judges both. Defaults follow the API: a field the API omits
is its zero value (`privateIpGoogleAccess` absent is false, an SSL policy without
`minTlsVersion` is TLS_1_0 with the COMPATIBLE profile).

References (an instance's network, a proxy's SSL policy) become the canonical selfLink
of what they name, the same form as the referenced resource's id, whatever host the
answer came from (an emulator or a private gateway writes its own host into selfLinks).
Instance metadata is never read: startup scripts and ssh-keys hold secrets, and the
collector clears the field before anything here sees the item.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

API_BASE = "https://www.googleapis.com/compute/v1/"
# The default Compute Engine service account: <project number>-compute@developer...
DEFAULT_SA_SUFFIX = "-compute@developer.gserviceaccount.com"

Raw = dict[str, Any]


@dataclass
class Normalised:
    id: str
    name: str
    attributes: dict[str, Any]
    tags: dict[str, str] = field(default_factory=dict)
    # dotted attribute path -> why it is unknown (filled by joins)
    unknown: dict[str, str] = field(default_factory=dict)


def canonical(ref: Any) -> str | None:
    """`https://www.googleapis.com/compute/v1/projects/...` for any form of a reference
    (full URL of any host or version, `projects/...` partial path); other strings as is."""
    if not isinstance(ref, str) or not ref:
        return None
    at = ref.find("projects/")
    if at < 0:
        return ref
    return API_BASE + ref[at:]


def last_segment(ref: Any) -> str | None:
    return ref.rsplit("/", 1)[-1] if isinstance(ref, str) and ref else None


def location(item: Raw) -> str | None:
    """The zone or region of a zonal/regional item; None for a global one."""
    return last_segment(item.get("zone")) or last_segment(item.get("region"))


def kms_key(name: Any) -> str | None:
    """A Cloud KMS key name without its `/cryptoKeyVersions/N` suffix (the API reports
    the version used; Terraform and users name the key)."""
    if not isinstance(name, str) or not name:
        return None
    return name.split("/cryptoKeyVersions/", 1)[0]


def encryption(key: Any) -> tuple[str, str | None]:
    """('cmek', key) / ('csek', None) / ('google', None) from a diskEncryptionKey.
    Only the presence of a customer-supplied key is read, never key material."""
    if isinstance(key, dict):
        if key.get("kmsKeyName"):
            return "cmek", kms_key(key["kmsKeyName"])
        if any(key.get(k) for k in ("sha256", "rawKey", "rsaEncryptedKey")):
            return "csek", None
    return "google", None


def _base(item: Raw, attributes: dict[str, Any]) -> Normalised:
    labels = item.get("labels") or {}
    return Normalised(
        id=canonical(item.get("selfLink")) or str(item.get("name")),
        name=str(item.get("name") or ""),
        attributes=attributes,
        tags={str(k): str(v) for k, v in labels.items()},
    )


def instance(item: Raw) -> Normalised:
    interfaces = []
    for ni in item.get("networkInterfaces") or []:
        configs = [
            {"nat_ip": ac.get("natIP") or None, "type": ac.get("type") or "ONE_TO_ONE_NAT"}
            for ac in ni.get("accessConfigs") or []
        ] + [
            {"nat_ip": ac.get("externalIpv6") or None, "type": ac.get("type") or "DIRECT_IPV6"}
            for ac in ni.get("ipv6AccessConfigs") or []
        ]
        interfaces.append(
            {
                "network": canonical(ni.get("network")),
                "subnetwork": canonical(ni.get("subnetwork")),
                # An access config, even while its address is being assigned, gives
                # the interface an external IP (the Terraform path says the same).
                "public_ip": bool(configs),
                "access_configs": configs,
            }
        )
    shielded = item.get("shieldedInstanceConfig")
    disks = []
    for d in item.get("disks") or []:
        scratch = d.get("type") == "SCRATCH"
        kind, key = encryption(d.get("diskEncryptionKey"))
        disks.append(
            {
                # A local SSD has no disk resource: no source (as in Terraform).
                "source": None if scratch else canonical(d.get("source")),
                "boot": bool(d.get("boot")),
                "kms_key": key,
                "encryption": kind,
            }
        )
    return _base(
        item,
        {
            "machine_type": last_segment(item.get("machineType")),
            "zone": last_segment(item.get("zone")),
            "guest_accelerators": [
                {
                    "type": last_segment(a.get("acceleratorType")),
                    "count": int(a.get("acceleratorCount") or 0),
                }
                for a in item.get("guestAccelerators") or []
            ],
            "network_interfaces": interfaces,
            "network_tags": [str(t) for t in (item.get("tags") or {}).get("items") or []],
            "service_accounts": [
                {
                    "email": sa.get("email") or None,
                    "scopes": [str(s) for s in sa.get("scopes") or []],
                }
                for sa in item.get("serviceAccounts") or []
            ],
            "shielded_vm": None
            if not isinstance(shielded, dict)
            else {
                "enable_secure_boot": bool(shielded.get("enableSecureBoot")),
                "enable_vtpm": bool(shielded.get("enableVtpm")),
                "enable_integrity_monitoring": bool(shielded.get("enableIntegrityMonitoring")),
            },
            "disks": disks,
        },
    )


def disk(item: Raw) -> Normalised:
    kind, key = encryption(item.get("diskEncryptionKey"))
    return _base(
        item,
        {
            "zone": last_segment(item.get("zone")),
            "kms_key": key,
            "encryption": kind,
            "users": [u for u in (canonical(x) for x in item.get("users") or []) if u],
        },
    )


def _rules(entries: Any) -> list[dict[str, Any]]:
    return [
        {
            "protocol": str(e.get("IPProtocol") or "").lower() or None,
            "ports": [str(p) for p in e.get("ports") or []],
        }
        for e in entries or []
    ]


def firewall(item: Raw) -> Normalised:
    direction = str(item.get("direction") or "INGRESS").upper()
    sources = [str(s) for s in item.get("sourceRanges") or []]
    source_tags = [str(s) for s in item.get("sourceTags") or []]
    if (
        direction == "INGRESS"
        and not sources
        and not source_tags
        and not item.get("sourceServiceAccounts")
    ):
        sources = ["0.0.0.0/0"]  # an ingress rule with no source admits every source
    return _base(
        item,
        {
            "network": canonical(item.get("network")),
            "direction": direction,
            "disabled": bool(item.get("disabled")),
            "priority": int(item["priority"]) if item.get("priority") is not None else 1000,
            "source_ranges": sources,
            "source_tags": source_tags,
            "target_tags": [str(t) for t in item.get("targetTags") or []],
            "target_service_accounts": [str(t) for t in item.get("targetServiceAccounts") or []],
            "allowed": _rules(item.get("allowed")),
            "denied": _rules(item.get("denied")),
        },
    )


def network(item: Raw) -> Normalised:
    return _base(item, {"auto_create_subnetworks": bool(item.get("autoCreateSubnetworks"))})


def subnetwork(item: Raw) -> Normalised:
    return _base(
        item,
        {
            "network": canonical(item.get("network")),
            "ip_cidr_range": item.get("ipCidrRange") or None,
            "private_ip_google_access": bool(item.get("privateIpGoogleAccess")),
        },
    )


def forwarding_rule(item: Raw) -> Normalised:
    return _base(
        item,
        {
            "target": canonical(item.get("target")) or canonical(item.get("backendService")),
            "ip_address": item.get("IPAddress") or None,
            "port_range": item.get("portRange") or None,
            "load_balancing_scheme": item.get("loadBalancingScheme") or "EXTERNAL",
            "global": not item.get("region"),
        },
    )


def backend_service(item: Raw) -> Normalised:
    groups: list[str] = []
    for b in item.get("backends") or []:
        g = canonical(b.get("group"))
        if g and g not in groups:
            groups.append(g)
    return _base(
        item,
        {
            "protocol": item.get("protocol") or "HTTP",
            "load_balancing_scheme": item.get("loadBalancingScheme") or "EXTERNAL",
            "groups": groups,
        },
    )


def ssl_policy(item: Raw) -> Normalised:
    return _base(
        item,
        {
            "min_tls_version": item.get("minTlsVersion") or "TLS_1_0",
            "profile": item.get("profile") or "COMPATIBLE",
            "custom_features": [str(f) for f in item.get("customFeatures") or []],
        },
    )


def target_http_proxy(item: Raw) -> Normalised:
    return _base(item, {"url_map": canonical(item.get("urlMap"))})


def target_https_proxy(item: Raw) -> Normalised:
    return _base(
        item,
        {"ssl_policy": canonical(item.get("sslPolicy")), "url_map": canonical(item.get("urlMap"))},
    )


def _route_services(rule: Raw) -> list[Any]:
    action = rule.get("routeAction") or {}
    return [rule.get("service")] + [
        w.get("backendService") for w in action.get("weightedBackendServices") or []
    ]


def url_map(item: Raw) -> Normalised:
    services: list[Any] = [item.get("defaultService")]
    for rule in [item.get("defaultRouteAction") or {}]:
        services += [w.get("backendService") for w in rule.get("weightedBackendServices") or []]
    for matcher in item.get("pathMatchers") or []:
        services.append(matcher.get("defaultService"))
        for rule in (matcher.get("pathRules") or []) + (matcher.get("routeRules") or []):
            services += _route_services(rule)
    found = [s for s in (canonical(x) for x in services) if s]
    return _base(
        item,
        {
            "default_service": canonical(item.get("defaultService")),
            "services": list(dict.fromkeys(found)),
        },
    )
