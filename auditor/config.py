"""The user's config file (`--config auditor.yaml`) over documented defaults.

Controls are tuned here, never by editing Rego: everything under `controls:` becomes
`data.auditor.config` for the policies. Unknown keys are errors (a typo must not silently
leave a control at its default).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.errors import InputError

# The tunables every policy may read as data.auditor.config.<key>. Documented in
# docs/configuration.md; keep the two in step.
DEFAULT_CONTROLS_CONFIG: dict[str, Any] = {
    # A resource carrying one of these tag/label keys (with a value other than
    # "false"/"no"/"off"/"0") is an AI resource, whatever its type.
    "ai_tag_keys": ["ai-workload", "ml-workload"],
    # A bucket/registry carrying one of these keys holds model artifacts or training data.
    "ai_data_tag_keys": ["model-artifacts", "training-data", "ai-data"],
    # AWS instance families (the part of the type before the generation digit) with GPUs
    # or ML accelerators.
    "aws_ai_instance_families": ["p", "g", "gr", "inf", "trn", "dl"],
    # GCP machine-type families with attached accelerators.
    "gcp_ai_machine_families": ["a2", "a3", "a4", "g2"],
    # Ports that must never be reachable from the whole internet.
    "admin_ports": [22, 3389, 2375, 2376, 6443, 10250, 8888],
    # Ports that a load balancer in front of AI compute may expose to the world.
    "public_lb_ports": [443],
    # ELBv2 SSL policies accepted as TLS 1.2+; empty means "any policy whose name says
    # TLS 1.2 or 1.3 is the minimum" (see policies/rego/lib/tls.rego).
    "elb_tls_policies": [],
    # GCP SSL policies: the minimum TLS versions and the profiles accepted on target
    # HTTPS proxies (TLS-04). A proxy without a policy gets Google's default: TLS 1.0,
    # COMPATIBLE.
    "gcp_ssl_min_tls_versions": ["TLS_1_2", "TLS_1_3"],
    "gcp_ssl_profiles": ["MODERN", "RESTRICTED"],
    # Kubernetes namespaces authorised to request GPUs.
    "gpu_namespaces": [],
    # Registries (host or host/path prefix) images may come from; empty allows any.
    "allowed_registries": [],
    # Kubernetes extended resources that are GPUs/accelerators (requests or limits); an
    # entry ending in "*" is a prefix (MIG slices: nvidia.com/mig-1g.10gb).
    "k8s_gpu_resources": [
        "nvidia.com/gpu",
        "nvidia.com/mig-*",
        "amd.com/gpu",
        "gpu.intel.com/*",
        "habana.ai/gaudi",
        "aws.amazon.com/neuron",
        "aws.amazon.com/neuroncore",
        "google.com/tpu",
    ],
    # Node label keys of GPU node pools: a node carrying one is a GPU node, and a workload
    # selecting one (nodeSelector, required node affinity) is an AI workload.
    "k8s_gpu_node_label_keys": [
        "nvidia.com/gpu.present",
        "cloud.google.com/gke-accelerator",
        "k8s.amazonaws.com/accelerator",
        "feature.node.kubernetes.io/pci-10de.present",
    ],
    # Pod label keys that make a workload an AI workload (besides ai_tag_keys).
    "k8s_ai_label_keys": ["serving.kserve.io/inferenceservice"],
    # Service annotations that make a LoadBalancer internal: annotation -> accepted values
    # (lower case; "*" accepts any value but "false").
    "k8s_internal_lb_annotations": {
        "service.beta.kubernetes.io/aws-load-balancer-scheme": ["internal"],
        "service.beta.kubernetes.io/aws-load-balancer-internal": ["*"],
        "networking.gke.io/load-balancer-type": ["internal"],
        "cloud.google.com/load-balancer-type": ["internal"],
        "service.beta.kubernetes.io/azure-load-balancer-internal": ["true"],
        "service.beta.kubernetes.io/oci-load-balancer-internal": ["true"],
        "service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type": ["private"],
    },
    # hostPath mounts that hand a GPU workload the node (devices, runtime sockets, kernel
    # interfaces): the path itself or anything under it.
    "k8s_forbidden_host_paths": [
        "/",
        "/dev",
        "/proc",
        "/sys",
        "/var/run/docker.sock",
        "/run/docker.sock",
        "/var/run/containerd",
        "/run/containerd",
        "/var/run/crio",
        "/var/lib/kubelet",
        "/etc",
    ],
    # The Istio root namespace: its namespace-wide PeerAuthentication is mesh-wide.
    "istio_root_namespace": "istio-system",
    # AWS services that VPCs hosting AI must reach through VPC endpoints (the end of the
    # endpoint's service name: com.amazonaws.<region>.<service>).
    "ai_vpc_endpoint_services": ["sagemaker.api", "sagemaker.runtime", "bedrock-runtime", "s3"],
    # Substrings of API Gateway integration URIs that make a method/route a model-inference
    # integration (add the names of inference Lambda functions).
    "inference_integration_markers": ["runtime.sagemaker", "bedrock-runtime"],
    # GuardDuty features of which one must be ENABLED in regions with AI compute.
    "guardduty_runtime_features": ["RUNTIME_MONITORING", "EKS_RUNTIME_MONITORING"],
    # CloudWatch log groups of inference and data capture (name prefixes).
    "inference_log_group_prefixes": ["/aws/sagemaker/"],
    # Longest retention (days) accepted for inference logs and data capture.
    "log_retention_max_days": 365,
    # SageMaker instance families with local NVMe instance storage, which SageMaker
    # encrypts with a hardware module and for which it refuses a volume KMS key.
    "sagemaker_local_storage_families": (
        [
            "c5d",
            "m5d",
            "r5d",
            "g4dn",
            "g5",
            "g6",
            "g6e",
            "p3dn",
            "p4d",
            "p4de",
            "p5",
            "trn1",
            "trn1n",
        ]
    ),
}


@dataclass
class Config:
    controls: dict[str, Any] = field(default_factory=lambda: copy.deepcopy(DEFAULT_CONTROLS_CONFIG))
    # Control ids to skip entirely (checked against the loaded policies).
    skip_controls: list[str] = field(default_factory=list)
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"controls": self.controls, "skip_controls": self.skip_controls}


def _check_type(path: str, key: str, value: Any, default: Any) -> None:
    is_int = isinstance(default, int) and not isinstance(default, bool)
    if is_int and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
        raise InputError(f"controls.{key} must be a positive integer", file=path)
    if isinstance(default, list):
        if not isinstance(value, list):
            raise InputError(f"controls.{key} must be a list", file=path)
        if default and any(type(v) is not type(default[0]) for v in value):
            raise InputError(
                f"controls.{key} must be a list of {type(default[0]).__name__}", file=path
            )


def load_config(path: str | Path | None) -> Config:
    """Read a config file; without one, the defaults. Bad files raise InputError."""
    config = Config()
    if path is None:
        return config
    import yaml

    p = Path(path)
    try:
        raw = yaml.safe_load(p.read_text()) or {}
    except FileNotFoundError:
        raise InputError("config file not found", file=str(p)) from None
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise InputError(
            f"invalid YAML: {getattr(exc, 'problem', exc)}",
            file=str(p),
            line=line + 1 if line is not None else None,
        ) from None
    if not isinstance(raw, dict):
        raise InputError("config must be a mapping", file=str(p))
    unknown = set(raw) - {"controls", "skip_controls"}
    if unknown:
        raise InputError(f"unknown top-level key(s): {', '.join(sorted(unknown))}", file=str(p))
    controls = raw.get("controls") or {}
    if not isinstance(controls, dict):
        raise InputError("controls must be a mapping", file=str(p))
    for key, value in controls.items():
        if key not in DEFAULT_CONTROLS_CONFIG:
            raise InputError(f"unknown setting controls.{key}", file=str(p))
        _check_type(str(p), key, value, DEFAULT_CONTROLS_CONFIG[key])
        config.controls[key] = value
    skip = raw.get("skip_controls") or []
    if not isinstance(skip, list) or not all(isinstance(s, str) for s in skip):
        raise InputError("skip_controls must be a list of control ids", file=str(p))
    config.skip_controls = skip
    config.path = str(p)
    return config
