"""One moto server for the whole session, reached by real boto3 through AWS_ENDPOINT_URL.

moto's threaded server runs in this process on a free port of 127.0.0.1; every test in
tests/aws sees the environment a user would set (AWS_ENDPOINT_URL, static keys, no
config files), and the two estates are seeded once, through boto3, before the first
test that needs them.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from .estate import seed
from .helpers import cli

CLEARED = (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_MAX_ATTEMPTS",
    "AWS_RETRY_MODE",
)


def aws_environ(endpoint: str, config_dir: Path) -> dict[str, str]:
    """The environment of a user pointing boto3 at an emulator, and nothing else."""
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "config").touch()
    (config_dir / "credentials").touch()
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(config_dir / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(config_dir / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        # Nothing a test runs may write to the user's history store.
        "XDG_DATA_HOME": str(config_dir / "data"),
    }


# --- a gap of moto's, filled -------------------------------------------------------------
# moto 5.2.5 does not implement wafv2:ListResourcesForWebACL (its WAFV2Response has
# AssociateWebACL and GetWebACLForResource, not this), the batch call the collector reads
# web ACL associations with. This stands in for it, answering from moto's own association
# state (FakeWebACL.associated_resources, which AssociateWebACL fills) with the documented
# output shape, {"ResourceArns": [...]}, filtered by the requested ResourceType (default
# APPLICATION_LOAD_BALANCER, as AWS documents). It is registered only while moto lacks
# the operation: a moto that implements it answers for itself.

# ListResourcesForWebACL ResourceType -> (ARN service, resource prefix) of what it protects.
WAF_RESOURCE_TYPES = {
    "APPLICATION_LOAD_BALANCER": ("elasticloadbalancing", "loadbalancer/app/"),
    "API_GATEWAY": ("apigateway", "/restapis/"),
    "APPSYNC": ("appsync", "apis/"),
    "COGNITO_USER_POOL": ("cognito-idp", "userpool/"),
    "APP_RUNNER_SERVICE": ("apprunner", "service/"),
    "VERIFIED_ACCESS_INSTANCE": ("ec2", "verified-access-instance/"),
}


def _waf_resource_type_of(arn: str) -> str | None:
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return None
    for resource_type, (service, prefix) in WAF_RESOURCE_TYPES.items():
        if parts[2] == service and parts[5].startswith(prefix):
            return resource_type
    return None


def list_resources_for_web_acl(self: Any) -> tuple[int, dict[str, str], str]:
    """WAFV2Response.list_resources_for_web_acl: the stand-in described above."""
    web_acl_arn = self._get_param("WebACLArn")
    resource_type = self._get_param("ResourceType") or "APPLICATION_LOAD_BALANCER"
    # The web ACL by ARN; WAFNonexistentItemException (answered by moto) when unknown.
    web_acl = self.wafv2_backend.get_web_acl(web_acl_arn, None, None)
    arns = [
        arn for arn in web_acl.associated_resources if _waf_resource_type_of(arn) == resource_type
    ]
    return 200, {"Content-Type": "application/json"}, json.dumps({"ResourceArns": arns})


@contextmanager
def moto_gaps_filled() -> Iterator[None]:
    """moto's server answers the operations above while this lasts."""
    from moto.wafv2.responses import WAFV2Response

    with pytest.MonkeyPatch.context() as mp:
        if not hasattr(WAFV2Response, "list_resources_for_web_acl"):
            mp.setattr(
                WAFV2Response,
                "list_resources_for_web_acl",
                list_resources_for_web_acl,
                raising=False,
            )
        yield


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    with moto_gaps_filled():
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()


@pytest.fixture(scope="session")
def aws_config_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("aws-config")


@pytest.fixture(scope="session")
def estate(moto_endpoint: str, aws_config_dir: Path) -> dict[str, Any]:
    """Seed both estates once; the ids the tests refer to."""
    with environment(moto_endpoint, aws_config_dir):
        return seed(boto3.Session())


@pytest.fixture
def aws_env(moto_endpoint: str, aws_config_dir: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """This test's environment points at the session's moto server."""
    for name in CLEARED:
        monkeypatch.delenv(name, raising=False)
    for key, value in aws_environ(moto_endpoint, aws_config_dir).items():
        monkeypatch.setenv(key, value)
    return moto_endpoint


@contextmanager
def environment(endpoint: str, config_dir: Path, **extra: str) -> Iterator[None]:
    """The user's environment for code outside function-scoped fixtures."""
    with pytest.MonkeyPatch.context() as mp:
        for name in CLEARED:
            mp.delenv(name, raising=False)
        for key, value in {**aws_environ(endpoint, config_dir), **extra}.items():
            mp.setenv(key, value)
        yield


REGIONS = ("us-east-1", "eu-west-1")
# Two attempts: the fault tests' throttled and hung calls give up after one retry instead
# of spending the default five attempts' backoff (their reasons say "after 2 attempts").
COLLECT_ARGS = ("--aws", "--regions", ",".join(REGIONS), "--aws-max-attempts", "2")
SCAN_ARGS = (*COLLECT_ARGS, "--no-store")


@dataclass
class Baseline:
    """The estate collected and scanned once through the CLI: what the tests compare."""

    snapshot: dict[str, Any]
    snapshot_text: str
    doc: dict[str, Any]
    doc_text: str
    logs: str
    scan_code: int
    collect_seconds: float
    scan_seconds: float


@pytest.fixture(scope="session")
def baseline(
    estate: dict[str, Any],
    moto_endpoint: str,
    aws_config_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Baseline:
    out = tmp_path_factory.mktemp("baseline")
    with environment(moto_endpoint, aws_config_dir):
        t0 = time.perf_counter()
        collected = cli("collect", *COLLECT_ARGS, "--out", str(out / "snapshot.json"))
        t1 = time.perf_counter()
        scanned = cli("scan", *SCAN_ARGS, "-o", f"json={out / 'results.json'}", "--fail-on", "none")
        t2 = time.perf_counter()
    assert collected.code == 0, collected.stderr
    snapshot_text = (out / "snapshot.json").read_text()
    doc_text = (out / "results.json").read_text()
    return Baseline(
        snapshot=json.loads(snapshot_text),
        snapshot_text=snapshot_text,
        doc=json.loads(doc_text),
        doc_text=doc_text,
        logs="\n".join((collected.stdout, collected.stderr, scanned.stdout, scanned.stderr)),
        scan_code=scanned.code,
        collect_seconds=t1 - t0,
        scan_seconds=t2 - t1,
    )
