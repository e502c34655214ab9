"""The Kubernetes collectors' options and command-line flags.

Kept apart from the machinery so that `auditor --help` defines the flags without
importing the kubernetes client.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field


@dataclass
class K8sOptions:
    """What to read on live clusters and how hard to push (docs/kubernetes.md)."""

    # kubeconfig contexts, one cluster each; empty: the current context, or the
    # in-cluster service account when there is no kubeconfig.
    contexts: list[str] = field(default_factory=list)
    # None: $KUBECONFIG (its colon-separated files merged), else ~/.kube/config.
    kubeconfig: str | None = None
    # Items per list request (`limit`); the rest comes with `continue` tokens.
    page_size: int = 500
    # Requests per second per cluster (client-go's default QPS is 5, burst 10).
    qps: float = 5.0
    # Seconds per request (connect and read); a timeout is a coverage error.
    timeout: float = 30.0
    # Clusters read at once.
    max_workers: int = 4


def add_k8s_arguments(parser: argparse.ArgumentParser) -> None:
    """Define the Kubernetes flags on a sub-command (scan, collect)."""
    g = parser.add_argument_group("Kubernetes")
    g.add_argument(
        "--manifests",
        action="append",
        default=[],
        metavar="PATH",
        help="Kubernetes manifests: YAML/JSON file or directory, rendered Helm output, "
        "`kubectl get -o json` lists; `-` reads stdin (repeatable)",
    )
    g.add_argument(
        "--k8s",
        action="store_true",
        help="collect live clusters (KUBECONFIG, or the in-cluster service account)",
    )
    g.add_argument(
        "--context",
        action="append",
        default=[],
        metavar="NAME",
        help="kubeconfig context to read, one cluster each (repeatable; implies --k8s)",
    )
    g.add_argument("--kubeconfig", metavar="FILE", help="kubeconfig file (default: $KUBECONFIG)")
    g.add_argument(
        "--k8s-qps",
        type=float,
        default=None,
        metavar="N",
        help="API requests per second per cluster (default 5)",
    )
    g.add_argument(
        "--k8s-page-size",
        type=int,
        default=None,
        metavar="N",
        help="items per list request (default 500)",
    )
    g.add_argument(
        "--k8s-timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="timeout per API request (default 30)",
    )


def k8s_options_from_args(args: argparse.Namespace) -> K8sOptions | None:
    """K8sOptions when --k8s or a --context was given, else None."""
    contexts = list(getattr(args, "context", None) or [])
    if not (getattr(args, "k8s", False) or contexts):
        return None
    opts = K8sOptions(contexts=list(dict.fromkeys(contexts)))
    opts.kubeconfig = getattr(args, "kubeconfig", None)
    if getattr(args, "k8s_qps", None) is not None:
        opts.qps = max(0.0, float(args.k8s_qps))
    if getattr(args, "k8s_page_size", None):
        opts.page_size = max(1, int(args.k8s_page_size))
    if getattr(args, "k8s_timeout", None):
        opts.timeout = float(args.k8s_timeout)
    return opts
