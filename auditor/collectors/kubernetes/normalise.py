"""Kubernetes objects (API JSON, camelCase) normalised to the k8s_* kinds.

One normaliser serves the live collector and the manifests collector: both hand it the
object exactly as the API server would serve it (the live collector asks for raw JSON,
not the client's model classes), so the same cluster read live or from its manifests
gives the same resources, the same ids and therefore the same verdicts.

Redaction happens here, at collection time: Secret objects never reach this module
(both collectors drop them unread); environment variables keep their names only;
`command`/`args` lose credential-shaped values and the value after a flag that names a
secret (`--token xyz`); annotations lose `kubectl.kubernetes.io/last-applied-configuration`
(a full copy of the object, env values included) and the values of secret-named keys.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from auditor.redact import REDACTED, redact_tags, redact_text, redact_value

Raw = dict[str, Any]

# Pod-bearing API kinds, all normalised to k8s_workload.
WORKLOAD_KINDS: tuple[str, ...] = (
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
)
# Annotations never kept: a copy of the object (env values included), and controller
# bookkeeping that differs between a cluster and its manifests.
DROPPED_ANNOTATIONS = frozenset(
    {"kubectl.kubernetes.io/last-applied-configuration", "deployment.kubernetes.io/revision"}
)
_SECRET_FLAG = re.compile(
    r"(?i)^--?[a-z0-9_.-]*(password|passwd|secret|token|api[_-]?key|access[_-]?key|"
    r"credential|private[_-]?key)[a-z0-9_.-]*$"
)


@dataclass
class Normalised:
    """One k8s_* resource before it gets its source and scope."""

    kind: str
    id: str
    name: str
    namespace: str | None
    attributes: dict[str, Any]
    tags: dict[str, str] = field(default_factory=dict)
    unknown: dict[str, str] = field(default_factory=dict)
    # (API kind, namespace, name) of the owners named by metadata.ownerReferences.
    owners: list[tuple[str, str | None, str]] = field(default_factory=list)
    api_kind: str = ""


class NotAnObject(ValueError):
    """The document is not a Kubernetes object this collector can normalise."""


def _obj(x: Any) -> dict[str, Any]:
    return x if isinstance(x, dict) else {}


def _list(x: Any) -> list[Any]:
    return x if isinstance(x, list) else []


def _str(x: Any) -> str | None:
    if x is None:
        return None
    if isinstance(x, bool):
        return "true" if x else "false"
    return str(x)


def _bool(x: Any) -> bool | None:
    return x if isinstance(x, bool) else None


def _int(x: Any) -> int | None:
    return x if isinstance(x, int) and not isinstance(x, bool) else None


def _str_map(x: Any) -> dict[str, str]:
    return {str(k): _str(v) or "" for k, v in _obj(x).items()}


def _str_list(x: Any) -> list[str]:
    return [str(v) for v in _list(x) if v is not None]


def resource_id(api_kind: str, namespace: str | None, name: str) -> str:
    """`Kind/namespace/name`, or `Kind/name` for cluster-scoped objects: the same in
    manifests and on the live cluster, so results of both compare."""
    return f"{api_kind}/{namespace}/{name}" if namespace else f"{api_kind}/{name}"


def annotations(meta: Raw) -> dict[str, str]:
    """Annotations without object copies; secret-named values and credential shapes out."""
    kept = {
        k: v
        for k, v in _str_map(_obj(meta).get("annotations")).items()
        if k not in DROPPED_ANNOTATIONS
    }
    return redact_tags(kept)


def redact_args(args: Any) -> list[str]:
    """Command/args with credential shapes removed, and the value that follows a flag
    naming a secret (`--hf-token abc`) replaced."""
    out: list[str] = []
    hide_next = False
    for raw in _list(args):
        arg = _str(raw) or ""
        if hide_next and not arg.startswith("-"):
            out.append(REDACTED)
            hide_next = False
            continue
        hide_next = False
        flag, eq, _value = arg.partition("=")
        if _SECRET_FLAG.match(flag):
            if eq:
                out.append(f"{flag}={REDACTED}")
                continue
            hide_next = True
        out.append(redact_text(arg))
    return out


# --- pod specs ---------------------------------------------------------------------------


def _capabilities(x: Any) -> dict[str, Any] | None:
    if not isinstance(x, dict):
        return None
    return {"add": _str_list(x.get("add")), "drop": _str_list(x.get("drop"))}


def _seccomp(x: Any) -> dict[str, Any] | None:
    if not isinstance(x, dict):
        return None
    return {"type": _str(x.get("type")), "localhost_profile": _str(x.get("localhostProfile"))}


def security_context(x: Any, pod_level: bool) -> dict[str, Any] | None:
    """A securityContext's security-relevant fields; None when it is not set at all
    (so that policies tell "not set" from "set to false")."""
    if not isinstance(x, dict):
        return None
    sc: dict[str, Any] = {
        "run_as_non_root": _bool(x.get("runAsNonRoot")),
        "run_as_user": _int(x.get("runAsUser")),
        "run_as_group": _int(x.get("runAsGroup")),
        "seccomp_profile": _seccomp(x.get("seccompProfile")),
    }
    if pod_level:
        sc["fs_group"] = _int(x.get("fsGroup"))
        sc["sysctls"] = [
            _str(s.get("name")) or "" for s in _list(x.get("sysctls")) if isinstance(s, dict)
        ]
    else:
        sc["privileged"] = _bool(x.get("privileged"))
        sc["allow_privilege_escalation"] = _bool(x.get("allowPrivilegeEscalation"))
        sc["read_only_root_filesystem"] = _bool(x.get("readOnlyRootFilesystem"))
        sc["capabilities"] = _capabilities(x.get("capabilities"))
        sc["proc_mount"] = _str(x.get("procMount"))
    return sc


def _env_from(x: Any) -> list[dict[str, Any]]:
    out = []
    for e in _list(x):
        e = _obj(e)
        for key, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
            if isinstance(e.get(key), dict):
                out.append({"kind": kind, "name": _str(e[key].get("name"))})
    return out


def container(x: Any) -> dict[str, Any]:
    """A container: image, resources, securityContext, env var NAMES (never values)."""
    c = _obj(x)
    res = _obj(c.get("resources"))
    ports = [
        {
            "container_port": _int(p.get("containerPort")),
            "host_port": _int(p.get("hostPort")),
            "protocol": _str(p.get("protocol")) or "TCP",
        }
        for p in _list(c.get("ports"))
        if isinstance(p, dict)
    ]
    return {
        "name": _str(c.get("name")),
        "image": _str(c.get("image")),
        "image_pull_policy": _str(c.get("imagePullPolicy")),
        "command": redact_args(c.get("command")),
        "args": redact_args(c.get("args")),
        "env_names": [
            str(e["name"]) for e in _list(c.get("env")) if isinstance(e, dict) and e.get("name")
        ],
        "env_from": _env_from(c.get("envFrom")),
        "resources": {
            "requests": _str_map(res.get("requests")),
            "limits": _str_map(res.get("limits")),
        },
        "security_context": security_context(c.get("securityContext"), pod_level=False),
        "ports": ports,
        "volume_mounts": [
            {
                "name": _str(m.get("name")),
                "mount_path": _str(m.get("mountPath")),
                "read_only": _bool(m.get("readOnly")),
            }
            for m in _list(c.get("volumeMounts"))
            if isinstance(m, dict)
        ],
    }


_VOLUME_TYPES = (
    "hostPath",
    "emptyDir",
    "configMap",
    "secret",
    "persistentVolumeClaim",
    "projected",
    "downwardAPI",
    "csi",
    "ephemeral",
    "nfs",
    "image",
)


def volume(x: Any) -> dict[str, Any]:
    v = _obj(x)
    vtype = next((t for t in _VOLUME_TYPES if t in v), None)
    if vtype is None:
        vtype = next((k for k in v if k != "name"), None)
    host = _obj(v.get("hostPath"))
    return {
        "name": _str(v.get("name")),
        "type": vtype,
        "host_path": _str(host.get("path")) if "hostPath" in v else None,
        "host_path_type": _str(host.get("type")) if "hostPath" in v else None,
    }


def pod_spec(x: Any) -> dict[str, Any]:
    """The normalised pod spec every pod-bearing object carries (its template's)."""
    s = _obj(x)
    return {
        "containers": [container(c) for c in _list(s.get("containers"))],
        "init_containers": [container(c) for c in _list(s.get("initContainers"))],
        "ephemeral_containers": [container(c) for c in _list(s.get("ephemeralContainers"))],
        "security_context": security_context(s.get("securityContext"), pod_level=True),
        "host_pid": bool(s.get("hostPID") is True),
        "host_ipc": bool(s.get("hostIPC") is True),
        "host_network": bool(s.get("hostNetwork") is True),
        "service_account_name": _str(s.get("serviceAccountName") or s.get("serviceAccount")),
        "automount_service_account_token": _bool(s.get("automountServiceAccountToken")),
        "volumes": [volume(v) for v in _list(s.get("volumes"))],
        "tolerations": [
            {
                "key": _str(t.get("key")),
                "operator": _str(t.get("operator")) or "Equal",
                "value": _str(t.get("value")),
                "effect": _str(t.get("effect")),
            }
            for t in _list(s.get("tolerations"))
            if isinstance(t, dict)
        ],
        "node_selector": _str_map(s.get("nodeSelector")),
        "node_affinity_label_keys": sorted(_affinity_keys(s.get("affinity"))),
        "runtime_class_name": _str(s.get("runtimeClassName")),
        "priority_class_name": _str(s.get("priorityClassName")),
    }


def _affinity_keys(x: Any) -> set[str]:
    """The node label keys that required node affinity selects on (GPU node pools)."""
    required = _obj(
        _obj(_obj(x).get("nodeAffinity")).get("requiredDuringSchedulingIgnoredDuringExecution")
    )
    keys: set[str] = set()
    for term in _list(required.get("nodeSelectorTerms")):
        for expr in _list(_obj(term).get("matchExpressions")):
            if (
                isinstance(expr, dict)
                and expr.get("key")
                and expr.get("operator") in ("In", "Exists")
            ):
                keys.add(str(expr["key"]))
    return keys


def template_of(api_kind: str, spec: Raw) -> Raw:
    """The pod template of a pod-bearing object (the Pod itself for a Pod)."""
    if api_kind == "CronJob":
        return _obj(_obj(_obj(_obj(spec.get("jobTemplate")).get("spec")).get("template")))
    return _obj(spec.get("template"))


# --- kinds -----------------------------------------------------------------------------


def _meta(obj: Raw) -> tuple[str, str | None, Raw]:
    meta = _obj(obj.get("metadata"))
    name = meta.get("name")
    if not isinstance(name, str) or not name:
        raise NotAnObject("object has no metadata.name")
    ns = meta.get("namespace")
    return name, ns if isinstance(ns, str) and ns else None, meta


def workload(obj: Raw, default_ns: str) -> Normalised:
    api_kind = str(obj["kind"])
    name, ns, meta = _meta(obj)
    ns = ns or default_ns
    spec = _obj(obj.get("spec"))
    if api_kind == "Pod":
        labels, pspec = _str_map(meta.get("labels")), spec
    else:
        template = template_of(api_kind, spec)
        labels, pspec = _str_map(_obj(template.get("metadata")).get("labels")), template.get("spec")
    owners = [
        (str(o.get("kind")), ns, str(o.get("name")))
        for o in _list(meta.get("ownerReferences"))
        if isinstance(o, dict) and o.get("kind") and o.get("name")
    ]
    attrs: dict[str, Any] = {
        "workload_kind": api_kind,
        "name": name,
        "namespace": ns,
        "owner": {"kind": owners[0][0], "name": owners[0][2]} if owners else None,
        "replicas": _int(spec.get("replicas")),
        "schedule": _str(spec.get("schedule")) if api_kind == "CronJob" else None,
        "suspended": _bool(spec.get("suspend")),
        "pod_labels": redact_tags(labels),
        "annotations": annotations(meta),
        "pod": pod_spec(pspec),
    }
    return Normalised(
        "k8s_workload",
        resource_id(api_kind, ns, name),
        name,
        ns,
        attrs,
        tags=_str_map(meta.get("labels")),
        owners=owners,
        api_kind=api_kind,
    )


def namespace(obj: Raw, _default_ns: str) -> Normalised:
    name, _, meta = _meta(obj)
    attrs = {
        "name": name,
        "labels": _str_map(meta.get("labels")),
        "annotations": annotations(meta),
        "declared": True,
        "phase": _str(_obj(obj.get("status")).get("phase")),
    }
    tags = _str_map(meta.get("labels"))
    return Normalised(
        "k8s_namespace", resource_id("Namespace", None, name), name, name, attrs, tags
    )


def undeclared_namespace(name: str) -> Normalised:
    """A namespace that manifests use without declaring: its labels are not known."""
    attrs = {"name": name, "annotations": {}, "declared": False, "phase": None}
    return Normalised(
        "k8s_namespace",
        resource_id("Namespace", None, name),
        name,
        name,
        attrs,
        unknown={"labels": "the Namespace object is not among the manifests"},
    )


def _namespaced(obj: Raw, default_ns: str) -> tuple[str, str, Raw, Raw]:
    name, ns, meta = _meta(obj)
    return name, ns or default_ns, meta, _obj(obj.get("spec"))


def service(obj: Raw, default_ns: str) -> Normalised:
    name, ns, meta, spec = _namespaced(obj, default_ns)
    selector = spec.get("selector")
    attrs = {
        "name": name,
        "namespace": ns,
        "type": _str(spec.get("type")) or "ClusterIP",
        "selector": _str_map(selector) if isinstance(selector, dict) else None,
        "annotations": annotations(meta),
        "load_balancer_class": _str(spec.get("loadBalancerClass")),
        "load_balancer_source_ranges": _str_list(spec.get("loadBalancerSourceRanges")),
        "external_ips": _str_list(spec.get("externalIPs")),
        "ports": [
            {
                "name": _str(p.get("name")),
                "port": _int(p.get("port")),
                "target_port": _str(p.get("targetPort")),
                "node_port": _int(p.get("nodePort")),
                "protocol": _str(p.get("protocol")) or "TCP",
            }
            for p in _list(spec.get("ports"))
            if isinstance(p, dict)
        ],
    }
    tags = _str_map(meta.get("labels"))
    return Normalised("k8s_service", resource_id("Service", ns, name), name, ns, attrs, tags)


def _backend(x: Any) -> dict[str, Any] | None:
    b = _obj(x)
    svc = _obj(b.get("service"))
    if svc:
        port = _obj(svc.get("port"))
        return {
            "service": _str(svc.get("name")),
            "port": _str(port.get("number") or port.get("name")),
        }
    if "serviceName" in b:  # extensions/v1beta1 and networking.k8s.io/v1beta1
        return {"service": _str(b.get("serviceName")), "port": _str(b.get("servicePort"))}
    return None


def ingress(obj: Raw, default_ns: str) -> Normalised:
    name, ns, meta, spec = _namespaced(obj, default_ns)
    rules = []
    for r in _list(spec.get("rules")):
        r = _obj(r)
        paths = [
            {
                "path": _str(p.get("path")),
                "path_type": _str(p.get("pathType")),
                "backend": _backend(p.get("backend")),
            }
            for p in _list(_obj(r.get("http")).get("paths"))
            if isinstance(p, dict)
        ]
        rules.append({"host": _str(r.get("host")), "paths": paths})
    attrs = {
        "name": name,
        "namespace": ns,
        "ingress_class_name": _str(spec.get("ingressClassName"))
        or _str(_obj(meta.get("annotations")).get("kubernetes.io/ingress.class")),
        "annotations": annotations(meta),
        "tls": [
            {"hosts": _str_list(t.get("hosts")), "secret_name": _str(t.get("secretName"))}
            for t in _list(spec.get("tls"))
            if isinstance(t, dict)
        ],
        "rules": rules,
        "default_backend": _backend(spec.get("defaultBackend") or spec.get("backend")),
    }
    tags = _str_map(meta.get("labels"))
    return Normalised("k8s_ingress", resource_id("Ingress", ns, name), name, ns, attrs, tags)


def _label_selector(x: Any) -> dict[str, Any] | None:
    if not isinstance(x, dict):
        return None
    return {
        "match_labels": _str_map(x.get("matchLabels")),
        "match_expressions": [
            {
                "key": _str(e.get("key")),
                "operator": _str(e.get("operator")),
                "values": _str_list(e.get("values")),
            }
            for e in _list(x.get("matchExpressions"))
            if isinstance(e, dict)
        ],
    }


def _peers(x: Any) -> list[dict[str, Any]]:
    out = []
    for p in _list(x):
        p = _obj(p)
        block = _obj(p.get("ipBlock"))
        out.append(
            {
                "pod_selector": _label_selector(p.get("podSelector")),
                "namespace_selector": _label_selector(p.get("namespaceSelector")),
                "ip_block": {
                    "cidr": _str(block.get("cidr")),
                    "except": _str_list(block.get("except")),
                }
                if block
                else None,
            }
        )
    return out


def _np_ports(x: Any) -> list[dict[str, Any]]:
    return [
        {
            "protocol": _str(p.get("protocol")) or "TCP",
            "port": _str(p.get("port")),
            "end_port": _int(p.get("endPort")),
        }
        for p in _list(x)
        if isinstance(p, dict)
    ]


def network_policy(obj: Raw, default_ns: str) -> Normalised:
    name, ns, meta, spec = _namespaced(obj, default_ns)
    ingress_rules = [
        {"from": _peers(_obj(r).get("from")), "ports": _np_ports(_obj(r).get("ports"))}
        for r in _list(spec.get("ingress"))
    ]
    egress_rules = [
        {"to": _peers(_obj(r).get("to")), "ports": _np_ports(_obj(r).get("ports"))}
        for r in _list(spec.get("egress"))
    ]
    types = _str_list(spec.get("policyTypes"))
    if not types:  # the API server's default
        types = ["Ingress", *(["Egress"] if "egress" in spec else [])]
    attrs = {
        "name": name,
        "namespace": ns,
        "pod_selector": _label_selector(spec.get("podSelector"))
        or {"match_labels": {}, "match_expressions": []},
        "policy_types": types,
        "ingress": ingress_rules,
        "egress": egress_rules,
    }
    tags = _str_map(meta.get("labels"))
    return Normalised(
        "k8s_network_policy", resource_id("NetworkPolicy", ns, name), name, ns, attrs, tags
    )


def node(obj: Raw, _default_ns: str) -> Normalised:
    name, _, meta = _meta(obj)
    spec, status = _obj(obj.get("spec")), _obj(obj.get("status"))
    info = _obj(status.get("nodeInfo"))
    attrs = {
        "name": name,
        "labels": _str_map(meta.get("labels")),
        "capacity": _str_map(status.get("capacity")),
        "allocatable": _str_map(status.get("allocatable")),
        "taints": [
            {
                "key": _str(t.get("key")),
                "value": _str(t.get("value")),
                "effect": _str(t.get("effect")),
            }
            for t in _list(spec.get("taints"))
            if isinstance(t, dict)
        ],
        "unschedulable": bool(spec.get("unschedulable") is True),
        "kubelet_version": _str(info.get("kubeletVersion")),
        "container_runtime_version": _str(info.get("containerRuntimeVersion")),
    }
    return Normalised(
        "k8s_node", resource_id("Node", None, name), name, None, attrs, _str_map(meta.get("labels"))
    )


def resource_quota(obj: Raw, default_ns: str) -> Normalised:
    name, ns, meta, spec = _namespaced(obj, default_ns)
    attrs = {
        "name": name,
        "namespace": ns,
        "hard": _str_map(spec.get("hard")),
        "scopes": _str_list(spec.get("scopes")),
        "scope_selector": bool(_obj(spec.get("scopeSelector")).get("matchExpressions")),
    }
    tags = _str_map(meta.get("labels"))
    return Normalised(
        "k8s_resource_quota", resource_id("ResourceQuota", ns, name), name, ns, attrs, tags
    )


def limit_range(obj: Raw, default_ns: str) -> Normalised:
    name, ns, meta, spec = _namespaced(obj, default_ns)
    limits = [
        {
            "type": _str(item.get("type")),
            "default": _str_map(item.get("default")),
            "default_request": _str_map(item.get("defaultRequest")),
            "max": _str_map(item.get("max")),
            "min": _str_map(item.get("min")),
        }
        for item in _list(spec.get("limits"))
        if isinstance(item, dict)
    ]
    attrs = {"name": name, "namespace": ns, "limits": limits}
    tags = _str_map(meta.get("labels"))
    return Normalised("k8s_limit_range", resource_id("LimitRange", ns, name), name, ns, attrs, tags)


def peer_authentication(obj: Raw, default_ns: str) -> Normalised:
    name, ns, meta, spec = _namespaced(obj, default_ns)
    selector = _obj(spec.get("selector"))
    port_level = {
        str(port): _str(_obj(v).get("mode")) for port, v in _obj(spec.get("portLevelMtls")).items()
    }
    attrs = {
        "name": name,
        "namespace": ns,
        "selector": _str_map(selector.get("matchLabels")) if selector else None,
        "mtls_mode": _str(_obj(spec.get("mtls")).get("mode")),
        "port_level_mtls": port_level,
    }
    tags = _str_map(meta.get("labels"))
    return Normalised(
        "k8s_peer_authentication",
        resource_id("PeerAuthentication", ns, name),
        name,
        ns,
        attrs,
        tags,
    )


def inference_service(obj: Raw, default_ns: str) -> Normalised:
    name, ns, meta, spec = _namespaced(obj, default_ns)
    predictor = _obj(spec.get("predictor"))
    model = _obj(predictor.get("model"))
    containers = [container(c) for c in _list(predictor.get("containers"))]
    if model:  # the model spec is a container spec plus modelFormat/runtime/storageUri
        containers.append(container({"name": "kserve-container", **model}))
    attrs = {
        "name": name,
        "namespace": ns,
        "model_format": _str(_obj(model.get("modelFormat")).get("name")),
        "runtime": _str(model.get("runtime")),
        "storage_uri": _str(model.get("storageUri") or predictor.get("storageUri")),
        "service_account_name": _str(predictor.get("serviceAccountName")),
        "containers": containers,
        "annotations": annotations(meta),
        "url": _str(_obj(obj.get("status")).get("url")),
    }
    tags = _str_map(meta.get("labels"))
    return Normalised(
        "k8s_inference_service",
        resource_id("InferenceService", ns, name),
        name,
        ns,
        attrs,
        tags,
    )


# API kind -> normaliser. The group is checked by the caller (declarations.py).
NORMALISERS = {
    **dict.fromkeys(WORKLOAD_KINDS, workload),
    "Namespace": namespace,
    "Service": service,
    "Ingress": ingress,
    "NetworkPolicy": network_policy,
    "Node": node,
    "ResourceQuota": resource_quota,
    "LimitRange": limit_range,
    "PeerAuthentication": peer_authentication,
    "InferenceService": inference_service,
}


def normalise(obj: Raw, default_ns: str = "default") -> Normalised | None:
    """The normalised resource of one object; None for kinds no control reads (and for
    Secrets, which are never read). Raises NotAnObject for an unusable object."""
    kind = obj.get("kind")
    if kind == "Secret" or kind not in NORMALISERS:
        return None
    n = NORMALISERS[kind](obj, default_ns)
    n.api_kind = n.api_kind or str(kind)
    n.attributes = redact_value(n.attributes)
    n.tags = redact_tags(n.tags)
    return n


def skip_owned(items: list[Normalised]) -> list[Normalised]:
    """A workload's pod template is judged once, with its owner: ReplicaSets, Jobs and
    Pods whose owner (by kind, namespace, name) was collected too are left out; bare
    pods and objects whose owner was not collected are judged."""
    present = {(n.api_kind, n.namespace, n.name) for n in items if n.kind == "k8s_workload"}
    return [n for n in items if n.kind != "k8s_workload" or not any(o in present for o in n.owners)]
