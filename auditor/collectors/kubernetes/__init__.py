"""Kubernetes: live clusters (`--k8s`, the official client) and manifests (`--manifests`).

Both read the same API objects and normalise them to the same k8s_* kinds
(normalise.py), so that one policy judges a cluster and its manifests alike. Importing
this package imports no Kubernetes library: the CLI reads options.py for --help.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from auditor.collectors.kubernetes.options import K8sOptions

if TYPE_CHECKING:
    from auditor.collectors.kubernetes.live import K8sCollector
    from auditor.collectors.kubernetes.manifests import ManifestCollector

__all__ = ["K8sCollector", "K8sOptions", "ManifestCollector"]


def __getattr__(name: str) -> Any:
    if name == "K8sCollector":
        from auditor.collectors.kubernetes.live import K8sCollector

        return K8sCollector
    if name == "ManifestCollector":
        from auditor.collectors.kubernetes.manifests import ManifestCollector

        return ManifestCollector
    raise AttributeError(name)
