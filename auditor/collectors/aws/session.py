"""Sessions and clients: one boto3 Session per audited account, clients made on demand.

Credentials come from where AWS users expect them: the default chain (environment,
AWS_PROFILE, SSO, instance and container roles), named profiles (which may themselves
assume roles through `role_arn`/`source_profile`), or roles assumed here from the
default chain with an optional external id. Assumed-role credentials are
RefreshableCredentials: botocore refreshes them before they expire (15 minutes ahead,
advisory; 10, mandatory), so a long collection never fails half-way on expiry.

AWS_ENDPOINT_URL (and AWS_ENDPOINT_URL_<SERVICE>) are honoured by botocore itself: no
endpoint is ever passed here.
"""

from __future__ import annotations

import ipaddress
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import boto3
import botocore.session
from botocore.config import Config
from botocore.credentials import RefreshableCredentials

from auditor import __version__

ASSUME_ROLE_SECONDS = 3600


@dataclass
class Account:
    """One audited account: where its credentials come from and the session they make."""

    label: str  # "default", "profile:<name>", "role:<arn>": for messages
    session: boto3.Session
    account_id: str = ""
    partition: str = "aws"
    caller_arn: str = ""  # sts:GetCallerIdentity's Arn: who the collector ran as
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _clients: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)

    def client(
        self, service: str, region: str, config: Config, setup: Callable[[Any], None] | None = None
    ) -> Any:
        """A client for one service and region, made once (`setup` runs on the new client).
        boto3 sessions are not safe to create clients from concurrently; clients are."""
        with self._lock:
            key = (service, region)
            if key not in self._clients:
                client = self.session.client(service, region_name=region, config=config)
                if service == "s3control":
                    client.meta.events.register("before-sign.s3-control", emulator_host_prefix)
                if setup is not None:
                    setup(client)
                self._clients[key] = client
            return self._clients[key]


def client_config(max_attempts: int, connect_timeout: float, read_timeout: float) -> Config:
    """Standard retry mode (exponential backoff with jitter, a retry quota) and bounded
    timeouts: a hung region costs `read_timeout x max_attempts`, never the whole run."""
    return Config(
        retries={"mode": "standard", "max_attempts": max_attempts},
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        user_agent_extra=f"ai-infra-auditor/{__version__}",
        max_pool_connections=4,
    )


def default_session() -> boto3.Session:
    return boto3.Session()


def profile_session(profile: str) -> boto3.Session:
    return boto3.Session(profile_name=profile)


def assumed_session(
    source: boto3.Session,
    role_arn: str,
    session_name: str,
    external_id: str | None = None,
    config: Config | None = None,
) -> boto3.Session:
    """A session whose credentials are those of `role_arn`, refreshed before expiry.

    The same pattern as botocore's AssumeRoleCredentialFetcher (and cloud-custodian's
    assumed_session): RefreshableCredentials calling sts:AssumeRole again when due.
    """
    region = source.region_name or "us-east-1"
    sts = source.client("sts", region_name=region, config=config)
    params: dict[str, Any] = {
        "RoleArn": role_arn,
        "RoleSessionName": session_name,
        "DurationSeconds": ASSUME_ROLE_SECONDS,
    }
    if external_id:
        params["ExternalId"] = external_id

    def refresh() -> dict[str, str]:
        creds = sts.assume_role(**params)["Credentials"]
        return {
            "access_key": creds["AccessKeyId"],
            "secret_key": creds["SecretAccessKey"],
            "token": creds["SessionToken"],
            "expiry_time": creds["Expiration"].isoformat(),
        }

    credentials = RefreshableCredentials.create_from_metadata(
        metadata=refresh(), refresh_using=refresh, method="sts-assume-role"
    )
    core = botocore.session.get_session()
    core._credentials = credentials  # the documented-by-use way (c7n, aws-assume-role-lib)
    return boto3.Session(botocore_session=core, region_name=region)


def emulator_host_prefix(request: Any, **_: Any) -> None:
    """s3control puts the account id in front of the endpoint host
    (`123456789012.s3-control.<region>.amazonaws.com`). When AWS_ENDPOINT_URL points at
    an emulator by IP address or `localhost`, that name can never resolve; the prefix is
    dropped for such hosts only, before signing. Real AWS hosts are never touched."""
    parts = urlsplit(request.url)
    host = parts.hostname or ""
    label, _, rest = host.partition(".")
    if not (label.isdigit() and rest):
        return
    try:
        ipaddress.ip_address(rest)
    except ValueError:
        if rest != "localhost":
            return
    request.url = urlunsplit(parts._replace(netloc=parts.netloc.replace(host, rest, 1)))


def partition_of(arn: str) -> str:
    parts = arn.split(":")
    return parts[1] if len(parts) > 1 and parts[1] else "aws"


def account_of_role(role_arn: str) -> str | None:
    parts = role_arn.split(":")
    return parts[4] if len(parts) > 4 and parts[4].isdigit() else None
