"""What the GCP collector reads, declared once per kind (cloud-custodian style).

A declaration names the google-cloud-compute client, whether its list call is the
aggregated one (every zone and region of the project in one paginated call) or a
global list, the field of the scoped lists that holds the items, the IAM permission
the call needs, and the normaliser. The machinery (collector.py) runs them; the
read-only permissions of docs/gcp.md are derived from them (`PERMISSIONS`). A new kind
is a declaration here plus a normaliser in normalise.py.

Importing this module imports no Google library and touches no network.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from auditor.collectors.gcp import normalise as n


@dataclass(frozen=True)
class Listing:
    """One list call. `client`/`request` are class names in google.cloud.compute_v1;
    `field` is the items field of an aggregated answer's scoped lists."""

    client: str
    request: str
    permission: str
    aggregated: bool = True
    field: str = ""


@dataclass(frozen=True)
class GcpKind:
    kind: str
    listings: tuple[Listing, ...]
    normalise: Callable[[n.Raw], n.Normalised]
    # Proto fields cleared before the item is converted: never collected at all.
    never_read: tuple[str, ...] = ()


def _agg(name: str, field: str, permission: str) -> Listing:
    return Listing(f"{name}Client", f"AggregatedList{name}Request", permission, True, field)


def _global(name: str, permission: str) -> Listing:
    return Listing(f"{name}Client", f"List{name}Request", permission, False)


KINDS: tuple[GcpKind, ...] = (
    GcpKind(
        "google_compute_instance",
        (_agg("Instances", "instances", "compute.instances.list"),),
        n.instance,
        # Metadata values (startup scripts, ssh-keys, env files) hold secrets.
        never_read=("metadata",),
    ),
    GcpKind("google_compute_disk", (_agg("Disks", "disks", "compute.disks.list"),), n.disk),
    GcpKind(
        "google_compute_firewall", (_global("Firewalls", "compute.firewalls.list"),), n.firewall
    ),
    GcpKind("google_compute_network", (_global("Networks", "compute.networks.list"),), n.network),
    GcpKind(
        "google_compute_subnetwork",
        (_agg("Subnetworks", "subnetworks", "compute.subnetworks.list"),),
        n.subnetwork,
    ),
    GcpKind(
        "google_compute_ssl_policy",
        (_agg("SslPolicies", "ssl_policies", "compute.sslPolicies.list"),),
        n.ssl_policy,
    ),
    GcpKind(
        "google_compute_target_https_proxy",
        (_agg("TargetHttpsProxies", "target_https_proxies", "compute.targetHttpsProxies.list"),),
        n.target_https_proxy,
    ),
    GcpKind(
        "google_compute_target_http_proxy",
        (_agg("TargetHttpProxies", "target_http_proxies", "compute.targetHttpProxies.list"),),
        n.target_http_proxy,
    ),
    GcpKind(
        "google_compute_url_map",
        (_agg("UrlMaps", "url_maps", "compute.urlMaps.list"),),
        n.url_map,
    ),
    GcpKind(
        "google_compute_backend_service",
        (_agg("BackendServices", "backend_services", "compute.backendServices.list"),),
        n.backend_service,
    ),
    GcpKind(
        "google_compute_forwarding_rule",
        (
            _agg("ForwardingRules", "forwarding_rules", "compute.forwardingRules.list"),
            _global("GlobalForwardingRules", "compute.globalForwardingRules.list"),
        ),
        n.forwarding_rule,
    ),
)

BY_KIND: dict[str, GcpKind] = {k.kind: k for k in KINDS}

# Every permission the collector uses: all are in roles/compute.viewer.
PERMISSIONS: tuple[str, ...] = tuple(sorted({li.permission for k in KINDS for li in k.listings}))
