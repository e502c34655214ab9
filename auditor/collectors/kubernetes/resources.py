"""What the Kubernetes collectors read, declared once per API resource.

The live collector lists exactly these (group, version, plural); the read-only
ClusterRole in deploy/kubernetes/ is checked against them (tests/kubernetes); the
manifests collector accepts the same API kinds. A new kind is a declaration here plus
a normaliser in normalise.py.

Secrets are not declared and never read.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ApiResource:
    api_kind: str  # the object's `kind`
    kind: str  # the normalised kind it becomes
    group: str  # "" for the core group
    version: str
    plural: str
    namespaced: bool
    # An API that a cluster may simply not serve (a CRD: Istio, KServe). Its absence
    # (404 on the group) is "collected, none", not a coverage error.
    optional: bool = False

    def path(self, namespace: str | None = None) -> str:
        base = f"/api/{self.version}" if not self.group else f"/apis/{self.group}/{self.version}"
        if namespace:
            return f"{base}/namespaces/{namespace}/{self.plural}"
        return f"{base}/{self.plural}"

    @property
    def api_version(self) -> str:
        return self.version if not self.group else f"{self.group}/{self.version}"


API_RESOURCES: tuple[ApiResource, ...] = (
    ApiResource("Namespace", "k8s_namespace", "", "v1", "namespaces", False),
    ApiResource("Node", "k8s_node", "", "v1", "nodes", False),
    ApiResource("Pod", "k8s_workload", "", "v1", "pods", True),
    ApiResource("Deployment", "k8s_workload", "apps", "v1", "deployments", True),
    ApiResource("StatefulSet", "k8s_workload", "apps", "v1", "statefulsets", True),
    ApiResource("DaemonSet", "k8s_workload", "apps", "v1", "daemonsets", True),
    ApiResource("ReplicaSet", "k8s_workload", "apps", "v1", "replicasets", True),
    ApiResource("Job", "k8s_workload", "batch", "v1", "jobs", True),
    ApiResource("CronJob", "k8s_workload", "batch", "v1", "cronjobs", True),
    ApiResource("Service", "k8s_service", "", "v1", "services", True),
    ApiResource("Ingress", "k8s_ingress", "networking.k8s.io", "v1", "ingresses", True),
    ApiResource(
        "NetworkPolicy", "k8s_network_policy", "networking.k8s.io", "v1", "networkpolicies", True
    ),
    ApiResource("ResourceQuota", "k8s_resource_quota", "", "v1", "resourcequotas", True),
    ApiResource("LimitRange", "k8s_limit_range", "", "v1", "limitranges", True),
    ApiResource(
        "PeerAuthentication",
        "k8s_peer_authentication",
        "security.istio.io",
        "v1beta1",
        "peerauthentications",
        True,
        optional=True,
    ),
    ApiResource(
        "InferenceService",
        "k8s_inference_service",
        "serving.kserve.io",
        "v1beta1",
        "inferenceservices",
        True,
        optional=True,
    ),
)

# Normalised kinds, in collection order, with the API resources behind each.
KINDS: dict[str, list[ApiResource]] = {}
for _r in API_RESOURCES:
    KINDS.setdefault(_r.kind, []).append(_r)

# Every API kind either collector normalises (manifests match on kind alone: older
# apiVersions of the same kind, extensions/v1beta1 Ingress say, normalise the same).
API_KINDS = frozenset(r.api_kind for r in API_RESOURCES)


def rbac_rules() -> list[dict[str, list[str]]]:
    """The ClusterRole rules the live collector needs: get/list/watch on each declared
    (group, plural), grouped by API group. Derived, never hand-written."""
    groups: dict[str, list[str]] = {}
    for r in API_RESOURCES:
        groups.setdefault(r.group, [])
        if r.plural not in groups[r.group]:
            groups[r.group].append(r.plural)
    return [
        {"apiGroups": [g], "resources": sorted(p), "verbs": ["get", "list", "watch"]}
        for g, p in groups.items()
    ]
