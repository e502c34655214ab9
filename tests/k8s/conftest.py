"""Fixtures: the two clusters served over HTTPS, a kubeconfig naming both, their
manifests on disk, and the auditor config they are judged with."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from .apiserver import ApiServer, Behaviour, TestCA, write_kubeconfig
from .clusters import CLUSTERS, CONFIG_YAML


@dataclass
class Live:
    kubeconfig: Path
    servers: dict[str, ApiServer]
    config: Path
    manifests: dict[str, Path]


def insecure_behaviour() -> Behaviour:
    """The auditor's identity is bound namespace by namespace and not in "restricted";
    KServe is not installed; one list's continue token expires mid-way."""
    return Behaviour(
        token="insecure-token",
        missing_groups={"serving.kserve.io"},
        forbid_cluster_wide=True,
        forbidden_namespaces={"restricted"},
        expire_once={"/api/v1/namespaces"},
    )


def hardened_behaviour() -> Behaviour:
    return Behaviour(token="hardened-token", expire_once={"/api/v1/namespaces"})


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    folder = tmp_path_factory.mktemp("k8s")
    ca = TestCA(folder)
    servers = {
        "insecure": ApiServer(CLUSTERS["insecure"](), insecure_behaviour(), ca),
        "hardened": ApiServer(CLUSTERS["hardened"](), hardened_behaviour(), ca),
    }
    kubeconfig = folder / "kubeconfig"
    write_kubeconfig(kubeconfig, servers, ca)
    config = folder / "auditor.yaml"
    config.write_text(CONFIG_YAML)
    manifests = {}
    for name, make in CLUSTERS.items():
        manifests[name] = folder / f"{name}.yaml"
        manifests[name].write_text(yaml.safe_dump_all(make(), sort_keys=False))
    try:
        yield Live(kubeconfig, servers, config, manifests)
    finally:
        for s in servers.values():
            s.stop()
