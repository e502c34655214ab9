"""Two GPU clusters as the Kubernetes API serves them (JSON objects of the documented
v1 schemas): an insecure one that fails every Kubernetes control, and a hardened one
that passes them. The fake API server (apiserver.py) serves them; the manifests tests
read the same objects as YAML. Canary secrets are planted where redaction must act.
"""

from __future__ import annotations

import copy
from typing import Any

Obj = dict[str, Any]

# Canaries: credential-shaped strings that must appear in no output.
CANARY_ENV = "hf_CanaryEnvValue0123456789abcdefXYZ"
CANARY_ARG = "sk-canaryArgValue0123456789abcdefghijkl"
CANARY_FLAG_VALUE = "canary-flag-value-9f8e7d"
CANARY_ANNOTATION = "ghp_CanaryAnnotation0123456789abcdefgh"
CANARY_SECRET = "canary-secret-data-never-read"
CANARIES = (CANARY_ENV, CANARY_ARG, CANARY_FLAG_VALUE, CANARY_ANNOTATION, CANARY_SECRET)

DIGEST = "sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"
PINNED = f"registry.example.com/ml/vllm-openai@{DIGEST}"
# The auditor config both clusters are judged with.
CONFIG_YAML = """\
controls:
  gpu_namespaces: [ml-serving, ml-training]
  allowed_registries: [registry.example.com/ml]
"""


def meta(name: str, namespace: str | None = None, **extra: Any) -> Obj:
    m: Obj = {"name": name, "uid": f"uid-{namespace or '-'}-{name}"}
    if namespace:
        m["namespace"] = namespace
    m.update(extra)
    return m


def owner(kind: str, name: str, namespace: str) -> list[Obj]:
    api = {"ReplicaSet": "apps/v1", "Deployment": "apps/v1", "Job": "batch/v1"}[kind]
    return [
        {
            "apiVersion": api,
            "kind": kind,
            "name": name,
            "uid": f"uid-{namespace}-{name}",
            "controller": True,
        }
    ]


def namespace(name: str, labels: dict[str, str] | None = None) -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": meta(name, labels=labels or {}),
        "spec": {"finalizers": ["kubernetes"]},
        "status": {"phase": "Active"},
    }


def node(name: str, gpus: int, taints: list[Obj]) -> Obj:
    capacity = {"cpu": "96", "memory": "1056Gi", "pods": "110"}
    labels = {"kubernetes.io/hostname": name}
    if gpus:
        capacity["nvidia.com/gpu"] = str(gpus)
        labels["nvidia.com/gpu.present"] = "true"
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": meta(name, labels=labels),
        "spec": {"taints": taints} if taints else {},
        "status": {
            "capacity": capacity,
            "allocatable": dict(capacity),
            "nodeInfo": {
                "kubeletVersion": "v1.31.2",
                "containerRuntimeVersion": "containerd://1.7.22",
            },
        },
    }


def deployment(name: str, ns: str, pod: Obj, labels: dict[str, str]) -> Obj:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta(name, ns, labels=labels),
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": pod},
        },
    }


def replicaset_and_pod(deploy: Obj, suffix: str) -> list[Obj]:
    """What the controllers make of a Deployment: judged with it, never alone."""
    name, ns = deploy["metadata"]["name"], deploy["metadata"]["namespace"]
    template = deploy["spec"]["template"]
    rs_name = f"{name}-{suffix}"
    rs = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": meta(rs_name, ns, ownerReferences=owner("Deployment", name, ns)),
        "spec": {"replicas": 2, "template": copy.deepcopy(template)},
    }
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta(
            f"{rs_name}-x7k2p",
            ns,
            labels=template["metadata"]["labels"],
            ownerReferences=owner("ReplicaSet", rs_name, ns),
        ),
        "spec": copy.deepcopy(template["spec"]),
        "status": {"phase": "Running"},
    }
    return [rs, pod]


def gpu_limits(n: int = 1) -> Obj:
    return {"limits": {"nvidia.com/gpu": str(n), "memory": "64Gi"}, "requests": {"cpu": "8"}}


HARDENED_SC = {
    "allowPrivilegeEscalation": False,
    "readOnlyRootFilesystem": True,
    "capabilities": {"drop": ["ALL"]},
}
HARDENED_POD_SC = {
    "runAsNonRoot": True,
    "runAsUser": 1000,
    "seccompProfile": {"type": "RuntimeDefault"},
}


def secret(ns: str) -> Obj:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": meta("hf-token", ns),
        "type": "Opaque",
        "stringData": {"token": CANARY_SECRET},
    }


def insecure() -> list[Obj]:
    """Every Kubernetes control fails somewhere here."""
    vllm_pod = {
        "containers": [
            {
                "name": "vllm",
                "image": "vllm/vllm-openai:latest",
                "args": ["--model", "meta-llama/Llama-3.1-8B", "--api-key", CANARY_FLAG_VALUE],
                "command": [
                    "python3",
                    "-m",
                    "vllm.entrypoints.openai.api_server",
                    f"--token={CANARY_ARG}",
                ],
                "env": [
                    {"name": "HF_TOKEN", "value": CANARY_ENV},
                    {
                        "name": "OPENAI_API_KEY",
                        "valueFrom": {"secretKeyRef": {"name": "hf-token", "key": "token"}},
                    },
                ],
                "resources": gpu_limits(1),
                "securityContext": {"privileged": True},
                "ports": [{"containerPort": 8000}],
            }
        ],
        "volumes": [{"name": "dev", "hostPath": {"path": "/dev"}}],
    }
    vllm = deployment("vllm", "ml-serving", vllm_pod, {"app": "vllm"})
    vllm["metadata"]["annotations"] = {
        "kubectl.kubernetes.io/last-applied-configuration": '{"env":"' + CANARY_ENV + '"}',
        "example.com/deploy-token": CANARY_ANNOTATION,
    }
    debug = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta("gpu-debug", "web", labels={"app": "debug"}),
        "spec": {
            "hostPID": True,
            "containers": [
                {
                    "name": "shell",
                    "image": "docker.io/library/python:3.11",
                    "resources": {
                        "requests": {"nvidia.com/gpu": "1"},
                        "limits": {"nvidia.com/gpu": "1"},
                    },
                }
            ],
        },
    }
    train_template = {
        "metadata": {"labels": {"job": "finetune"}},
        "spec": {
            "restartPolicy": "Never",
            "securityContext": {"runAsNonRoot": True, "runAsUser": 0},
            "initContainers": [{"name": "fetch", "image": "busybox:1.36"}],
            "containers": [
                {
                    "name": "train",
                    "image": f"registry.example.com/ml/trainer:2.4@{DIGEST}",
                    "resources": gpu_limits(4),
                    "securityContext": {"allowPrivilegeEscalation": True},
                }
            ],
        },
    }
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": meta("finetune", "ml-training"),
        "spec": {"template": train_template},
    }
    job_pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta(
            "finetune-abcde",
            "ml-training",
            labels={"job": "finetune"},
            ownerReferences=owner("Job", "finetune", "ml-training"),
        ),
        "spec": copy.deepcopy(train_template["spec"]),
    }
    plugin = {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": meta("nvidia-device-plugin", "kube-system"),
        "spec": {
            "template": {
                "metadata": {"labels": {"name": "nvidia-device-plugin"}},
                "spec": {
                    "containers": [
                        {
                            "name": "plugin",
                            "image": "nvcr.io/nvidia/k8s-device-plugin:v0.16.2",
                            "securityContext": {"privileged": True},
                        }
                    ],
                    "volumes": [
                        {"name": "dp", "hostPath": {"path": "/var/lib/kubelet/device-plugins"}}
                    ],
                },
            }
        },
    }
    restricted = deployment(
        "hidden-llm",
        "restricted",
        {"containers": [{"name": "m", "image": "llm:latest", "resources": gpu_limits(1)}]},
        {"app": "hidden"},
    )
    return [
        namespace("kube-system"),
        namespace("ml-serving", {"istio-injection": "enabled"}),
        namespace("ml-training"),
        namespace("web"),
        namespace("restricted"),
        node("gpu-node-1", 8, []),
        node(
            "gpu-node-2",
            8,
            [{"key": "nvidia.com/gpu", "value": "present", "effect": "PreferNoSchedule"}],
        ),
        node("cpu-node-1", 0, []),
        vllm,
        *replicaset_and_pod(vllm, "5d4f8b7c9"),
        debug,
        job,
        job_pod,
        plugin,
        restricted,
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": meta("vllm", "ml-serving"),
            "spec": {
                "type": "LoadBalancer",
                "selector": {"app": "vllm"},
                "ports": [{"port": 80, "targetPort": 8000}],
            },
        },
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "Ingress",
            "metadata": meta("vllm", "ml-serving"),
            "spec": {
                "ingressClassName": "nginx",
                "rules": [
                    {
                        "host": "llm.example.com",
                        "http": {
                            "paths": [
                                {
                                    "path": "/",
                                    "pathType": "Prefix",
                                    "backend": {
                                        "service": {"name": "vllm", "port": {"number": 80}}
                                    },
                                }
                            ]
                        },
                    }
                ],
            },
        },
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": meta("allow-all", "ml-serving"),
            "spec": {"podSelector": {}, "ingress": [{}]},
        },
        {
            "apiVersion": "security.istio.io/v1beta1",
            "kind": "PeerAuthentication",
            "metadata": meta("default", "ml-serving"),
            "spec": {"mtls": {"mode": "PERMISSIVE"}},
        },
        {
            "apiVersion": "v1",
            "kind": "LimitRange",
            "metadata": meta("defaults", "ml-training"),
            "spec": {"limits": [{"type": "Container", "default": {"cpu": "1"}}]},
        },
        secret("ml-serving"),
    ]


def hardened() -> list[Obj]:
    """Every Kubernetes control passes here."""
    container = {
        "name": "vllm",
        "image": PINNED,
        "args": ["--model", "/models/llama"],
        "env": [{"name": "HF_HOME", "value": "/cache"}],
        "resources": gpu_limits(1),
        "securityContext": HARDENED_SC,
        "volumeMounts": [{"name": "cache", "mountPath": "/cache"}],
    }
    vllm_pod = {
        "securityContext": HARDENED_POD_SC,
        "containers": [container],
        "volumes": [{"name": "cache", "emptyDir": {}}],
        "tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}],
    }
    vllm = deployment("vllm", "ml-serving", vllm_pod, {"app": "vllm"})
    train = {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": meta("nightly-finetune", "ml-training"),
        "spec": {
            "schedule": "0 2 * * *",
            "jobTemplate": {
                "spec": {
                    "template": {
                        "metadata": {"labels": {"job": "finetune"}},
                        "spec": {
                            "restartPolicy": "Never",
                            "securityContext": HARDENED_POD_SC,
                            "initContainers": [dict(container, name="fetch", resources={})],
                            "containers": [dict(container, name="train", resources=gpu_limits(4))],
                        },
                    }
                }
            },
        },
    }
    deny_all = lambda ns: {  # noqa: E731
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": meta("default-deny-ingress", ns),
        "spec": {"podSelector": {}, "policyTypes": ["Ingress"]},
    }
    quota = lambda ns: {  # noqa: E731
        "apiVersion": "v1",
        "kind": "ResourceQuota",
        "metadata": meta("gpu-quota", ns),
        "spec": {"hard": {"requests.nvidia.com/gpu": "8", "requests.cpu": "128"}},
    }
    return [
        namespace("istio-system"),
        namespace("ml-serving", {"istio-injection": "enabled"}),
        namespace("ml-training"),
        node(
            "gpu-node-1", 8, [{"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"}]
        ),
        node("cpu-node-1", 0, []),
        vllm,
        *replicaset_and_pod(vllm, "7c9d5f6b8"),
        train,
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": meta(
                "vllm-internal",
                "ml-serving",
                annotations={"service.beta.kubernetes.io/aws-load-balancer-scheme": "internal"},
            ),
            "spec": {
                "type": "LoadBalancer",
                "selector": {"app": "vllm"},
                "ports": [{"port": 443, "targetPort": 8000}],
            },
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": meta("vllm", "ml-serving"),
            "spec": {
                "type": "ClusterIP",
                "selector": {"app": "vllm"},
                "ports": [{"port": 443, "targetPort": 8000}],
            },
        },
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "Ingress",
            "metadata": meta("vllm", "ml-serving"),
            "spec": {
                "tls": [{"hosts": ["*.example.com"], "secretName": "llm-tls"}],
                "rules": [
                    {
                        "host": "llm.example.com",
                        "http": {
                            "paths": [
                                {
                                    "path": "/",
                                    "pathType": "Prefix",
                                    "backend": {
                                        "service": {"name": "vllm", "port": {"number": 443}}
                                    },
                                }
                            ]
                        },
                    }
                ],
            },
        },
        deny_all("ml-serving"),
        deny_all("ml-training"),
        quota("ml-serving"),
        quota("ml-training"),
        {
            "apiVersion": "security.istio.io/v1beta1",
            "kind": "PeerAuthentication",
            "metadata": meta("default", "istio-system"),
            "spec": {"mtls": {"mode": "STRICT"}},
        },
        {
            "apiVersion": "serving.kserve.io/v1beta1",
            "kind": "InferenceService",
            "metadata": meta("llama", "ml-serving"),
            "spec": {
                "predictor": {
                    "model": {
                        "modelFormat": {"name": "huggingface"},
                        "storageUri": "s3://models/llama",
                    }
                }
            },
            "status": {"url": "https://llama.ml-serving.example.com"},
        },
        secret("ml-serving"),
    ]


CLUSTERS = {"insecure": insecure, "hardened": hardened}
