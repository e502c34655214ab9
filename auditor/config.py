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
    # Kubernetes namespaces authorised to request GPUs.
    "gpu_namespaces": [],
    # Registries (host or host/path prefix) images may come from; empty allows any.
    "allowed_registries": [],
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
