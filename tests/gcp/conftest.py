"""One local Compute Engine API for the session, reached by google-cloud-compute's REST
transport through --gcp-endpoint, with a service-account key whose token endpoint is
the same server: the environment a user of an emulator or a private gateway has."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .estate import seed
from .keys import write_key
from .server import ComputeApi, Server

CLEARED = ("GOOGLE_APPLICATION_CREDENTIALS", "GOOGLE_CLOUD_PROJECT", "CLOUDSDK_CONFIG")


@dataclass
class Gcp:
    api: ComputeApi
    url: str
    key: Path


@pytest.fixture(scope="session")
def gcp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gcp]:
    api = ComputeApi()
    server = Server(api).start()
    seed(api)
    key = write_key(tmp_path_factory.mktemp("gcp-key") / "key.json", f"{server.url}/token")
    try:
        yield Gcp(api, server.url, key)
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def gcp_environ(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's gcloud configuration or credentials."""
    for name in CLEARED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "gcloud"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    # No metadata server: google-auth must not wait for one when ADC is missing.
    monkeypatch.setenv("GCE_METADATA_HOST", "127.0.0.1:9")
    monkeypatch.setenv("GCE_METADATA_IP", "127.0.0.1:9")
