"""The AWS live collector: accounts x regions x services, concurrently, honestly.

Order of work:
1. resolve each account's identity (sts:GetCallerIdentity) and regions (the account's
   enabled regions, unless --regions);
2. wave 1: one unit per (account, region, service) on a bounded thread pool; account-level
   kinds (the S3 account public access block) once per account;
3. wave 2: per (account, region), the KMS keys that wave 1's resources reference;
4. joins (cheap relations folded in: volume encryption into instances, the account public
   access block into buckets, KMS key ARNs and managers into the references);
5. one Coverage per (account, region, kind) attempted; redaction of everything kept.
"""

from __future__ import annotations

import os
import threading
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from auditor.collectors.aws import resources as decl
from auditor.collectors.aws.normalise import Unit
from auditor.collectors.aws.options import AwsOptions
from auditor.collectors.aws.query import (
    CallFailed,
    KindResult,
    RateLimiter,
    Reader,
    RegionHealth,
    classify,
    mark_unknown,
    read_kind,
    replace_at,
    values_at,
)
from auditor.collectors.aws.resources import BY_KIND, RESOURCE_TYPES, ResourceType
from auditor.collectors.base import Progress, no_progress
from auditor.model import Coverage, Problem, Resource, Snapshot
from auditor.redact import redact_tags, redact_text, redact_value

SOURCE = "aws"
# Calls made once per account outside the declarations (also in the IAM policy).
ACCOUNT_CALLS: tuple[tuple[str, decl.Call], ...] = (
    ("sts", decl.Call("GetCallerIdentity", single=True)),
    ("ec2", decl.Call("DescribeRegions", single=True)),
)
ENABLED_REGION_FILTER = [{"Name": "opt-in-status", "Values": ["opt-in-not-required", "opted-in"]}]


class AwsCollector:
    """Reads the live AWS estate of one or more accounts into a Snapshot."""

    name = "aws"
    makes_cycles = True

    def __init__(self, options: AwsOptions, session_factory: Any = None):
        from auditor.collectors.aws import session as sessions

        self.options = options
        self.sessions = session_factory or sessions
        self.config = sessions.client_config(
            options.max_attempts, options.connect_timeout, options.read_timeout
        )
        self._limiters: dict[tuple[str, str, str], RateLimiter] = {}
        self._limiter_lock = threading.Lock()
        self._say_lock = threading.Lock()

    # --- accounts and regions --------------------------------------------------------

    def _accounts(self, snapshot: Snapshot) -> list[Any]:
        """The audited accounts; those whose credentials fail become whole-scope gaps."""
        from botocore.exceptions import BotoCoreError, ClientError, ProfileNotFound

        s = self.sessions
        opts = self.options
        candidates: list[tuple[str, str | None, Callable[[], Any]]] = []
        for profile in opts.profiles:
            candidates.append((f"profile:{profile}", None, lambda p=profile: s.profile_session(p)))
        if opts.role_arns:
            base: list[Any] = []

            def assumed(arn: str) -> Any:
                if not base:
                    base.append(s.default_session())
                return s.assumed_session(
                    base[0], arn, opts.role_session_name, opts.external_id, self.config
                )

            for arn in opts.role_arns:
                candidates.append((f"role:{arn}", s.account_of_role(arn), lambda a=arn: assumed(a)))
        if not candidates:
            candidates.append(("default", None, s.default_session))

        accounts: list[Any] = []
        seen: set[str] = set()
        for label, known_account, make in candidates:
            # Named for the call that failed: a role's session assumes it at once.
            operation = "sts:AssumeRole" if label.startswith("role:") else "credentials"
            try:
                session = make()
                operation = "sts:GetCallerIdentity"
                identity = session.client(
                    "sts", region_name=session.region_name or "us-east-1", config=self.config
                ).get_caller_identity()
            except ProfileNotFound as exc:
                snapshot.problems.append(Problem(source=SOURCE, message=str(exc)))
                continue
            except (ClientError, BotoCoreError, OSError) as exc:
                reason = classify(exc, operation, self.options.max_attempts).reason
                scope = f"aws:{known_account}" if known_account else f"aws:{label}"
                snapshot.coverage.append(
                    Coverage(SOURCE, scope, "*", "error", f"{label}: {reason}", 0, None)
                )
                continue
            account_id = identity["Account"]
            if account_id in seen:
                continue  # the same account named twice (a profile and a role)
            seen.add(account_id)
            accounts.append(
                s.Account(
                    label=label,
                    session=session,
                    account_id=account_id,
                    partition=s.partition_of(identity.get("Arn", "")),
                    caller_arn=identity.get("Arn", ""),
                )
            )
        return accounts

    def _regions(self, account: Any, snapshot: Snapshot) -> list[str]:
        if self.options.regions:
            return list(dict.fromkeys(self.options.regions))
        region = account.session.region_name or "us-east-1"
        try:
            ec2 = account.client("ec2", region, self.config)
            answer = ec2.describe_regions(Filters=ENABLED_REGION_FILTER)
        except Exception as exc:  # any failure: the account is a gap, the rest goes on
            reason = classify(exc, "ec2:DescribeRegions", self.options.max_attempts).reason
            snapshot.coverage.append(
                Coverage(
                    SOURCE,
                    f"aws:{account.account_id}",
                    "*",
                    "error",
                    f"could not list the enabled regions: {reason}",
                    0,
                    None,
                )
            )
            return []
        return sorted(r["RegionName"] for r in answer.get("Regions", []))

    # --- units ---------------------------------------------------------------------------

    def _limiter(self, account: str, region: str, service: str) -> RateLimiter:
        with self._limiter_lock:
            key = (account, region, service)
            if key not in self._limiters:
                rate = decl.SERVICE_RATES.get(service, 5.0) * self.options.rate_scale
                self._limiters[key] = RateLimiter(rate)
            return self._limiters[key]

    def _unit(
        self,
        account: Any,
        region: str,
        service: str,
        types: list[ResourceType],
        health: RegionHealth,
        progress: Progress,
        references: list[str] | None = None,
    ) -> list[KindResult]:
        """Every kind of one service in one account and region, one request at a time."""
        self._say(progress, f"aws {account.account_id} {region}: {service}")
        unit = self._unit_of(account, region)
        limiter = self._limiter(account.account_id, region, service)
        try:
            client = account.client(
                service,
                region,
                self.config,
                setup=lambda c: c.meta.events.register("before-send", limiter.hook),
            )
        except Exception as exc:
            reason = classify(exc, f"{service} client", 1).reason
            return [KindResult(rt.kind, _region_of(rt, region), error=reason) for rt in types]
        reader = Reader(client, service, self.options.max_attempts, health)
        scope = f"aws:{account.account_id}"
        done: dict[str, KindResult] = {}
        for rt in types:
            try:
                done[rt.kind] = read_kind(rt, reader, unit, scope, done, references)
            except CallFailed as exc:  # pragma: no cover - read_kind catches its own
                done[rt.kind] = KindResult(rt.kind, _region_of(rt, region), error=exc.reason)
            except Exception as exc:  # a normaliser bug must not hide the rest of the estate
                reason = f"collector error: {type(exc).__name__}: {redact_text(str(exc))[:200]}"
                done[rt.kind] = KindResult(rt.kind, _region_of(rt, region), error=reason)
        return list(done.values())

    def _unit_of(self, account: Any, region: str) -> Unit:
        return Unit(
            account=account.account_id,
            region=region,
            partition=account.partition,
            training_job_days=self.options.training_job_days,
            log_group_prefixes=tuple(self.options.log_group_prefixes),
        )

    def _say(self, progress: Progress, message: str) -> None:
        with self._say_lock:
            progress(message)

    # --- the whole collection ----------------------------------------------------------

    def collect(self, progress: Progress = no_progress) -> Snapshot:
        snapshot = Snapshot()
        accounts = self._accounts(snapshot)
        plans = [(a, self._regions(a, snapshot)) for a in accounts]
        plans = [(a, regions) for a, regions in plans if regions]

        by_service: dict[str, list[ResourceType]] = defaultdict(list)
        for rt in RESOURCE_TYPES:
            if not rt.from_references:
                by_service[rt.service].append(rt)

        health: dict[tuple[str, str], RegionHealth] = defaultdict(RegionHealth)
        results: dict[tuple[str, str | None], dict[str, KindResult]] = defaultdict(dict)
        with ThreadPoolExecutor(max_workers=max(1, self.options.max_workers)) as pool:
            futures: list[tuple[Any, str, Future[list[KindResult]]]] = []
            for account, regions in plans:
                for service, types in by_service.items():
                    regional = [t for t in types if t.level == "region"]
                    once = [t for t in types if t.level == "account"]
                    for region in regions if regional else []:
                        h = health[(account.account_id, region)]
                        futures.append(
                            (
                                account,
                                region,
                                pool.submit(
                                    self._unit, account, region, service, regional, h, progress
                                ),
                            )
                        )
                    if once:
                        h = health[(account.account_id, regions[0])]
                        futures.append(
                            (
                                account,
                                "",
                                pool.submit(
                                    self._unit, account, regions[0], service, once, h, progress
                                ),
                            )
                        )
            for account, _, future in futures:
                for kr in future.result():
                    results[(account.account_id, kr.region)][kr.kind] = kr

            second: list[tuple[Any, str, Future[list[KindResult]]]] = []
            for account, regions in plans:
                for region in regions:
                    kinds = results[(account.account_id, region)]
                    for rt in (t for t in RESOURCE_TYPES if t.from_references):
                        refs = kms_references(kinds, account.account_id, region)
                        future = pool.submit(
                            self._unit,
                            account,
                            region,
                            rt.service,
                            [rt],
                            health[(account.account_id, region)],
                            progress,
                            refs,
                        )
                        second.append((account, region, future))
            for account, region, future in second:
                kinds = results[(account.account_id, region)]
                for kr in future.result():
                    # Keys referenced by a kind that could not be read are unknown keys.
                    missing = [
                        f"{k} not collected"
                        for k, other in kinds.items()
                        if other.error and k in BY_KIND and BY_KIND[k].kms_refs
                    ]
                    if missing and not kr.error:
                        kr.error = "the keys in use are unknown: " + ", ".join(sorted(missing))
                    kinds[kr.kind] = kr

        for account, regions in plans:
            account_kinds = results.get((account.account_id, None), {})
            for region in regions:
                join_region(results[(account.account_id, region)], account_kinds)

        for (account_id, _region), kinds in sorted(results.items(), key=lambda kv: str(kv[0])):
            for kr in kinds.values():
                snapshot.coverage.append(
                    Coverage(
                        source=SOURCE,
                        scope=f"aws:{account_id}",
                        kind=kr.kind,
                        status="error" if kr.error else "collected",
                        reason=redact_text(kr.error) if kr.error else None,
                        count=len(kr.resources),
                        region=kr.region,
                    )
                )
                snapshot.resources.extend(redact_resource(r) for r in kr.resources)
        snapshot.resources.sort(key=lambda r: (r.scope, r.region or "", r.kind, r.id))
        snapshot.sources.append(
            {
                "source": SOURCE,
                "endpoint_url": os.environ.get("AWS_ENDPOINT_URL"),
                # Where and as whom (evidence bundles keep this): sts:GetCallerIdentity's
                # Account and Arn. Nothing of the credentials themselves is kept.
                "accounts": [
                    {
                        "account": a.account_id,
                        "caller_arn": redact_text(a.caller_arn) or None,
                        "via": redact_text(a.label),
                        "regions": regions,
                    }
                    for a, regions in plans
                ],
            }
        )
        return snapshot


def _region_of(rt: ResourceType, region: str) -> str | None:
    return None if rt.level == "account" else region


def kms_references(kinds: dict[str, KindResult], account: str, region: str) -> list[str]:
    """The KMS keys of this account and region that the collected resources reference.
    Keys of other accounts are judged in their own scope; aliases are resolved by
    kms:DescribeKey."""
    refs: set[str] = set()
    for kind, kr in kinds.items():
        for path in BY_KIND[kind].kms_refs if kind in BY_KIND else ():
            for r in kr.resources:
                for value in values_at(r.attributes, path):
                    if isinstance(value, str) and value and _same_place(value, account, region):
                        refs.add(value)
    return sorted(refs)


def _same_place(ref: str, account: str, region: str) -> bool:
    if not ref.startswith("arn:"):
        return True
    parts = ref.split(":")
    return len(parts) > 5 and parts[3] == region and parts[4] == account


def join_region(kinds: dict[str, KindResult], account_kinds: dict[str, KindResult]) -> None:
    """Fold cheap relations into the resources of one (account, region)."""
    kms = kinds.get("aws_kms_key")
    if kms is not None and not kms.error:
        arn_of: dict[str, str] = {}
        manager: dict[str, str] = {}
        for raw in kms.raws:
            meta = (raw.get("describe") or {}).get("KeyMetadata") or {}
            if meta.get("Arn"):
                arn_of[raw["KeyRef"]] = meta["Arn"]
                manager[meta["Arn"]] = str(meta.get("KeyManager", "")).lower()
        for kind, kr in kinds.items():
            for path in BY_KIND[kind].kms_refs if kind in BY_KIND else ():
                for r in kr.resources:
                    replace_at(r.attributes, path, arn_of)
        for r in kinds.get("aws_s3_bucket", KindResult("", None)).resources:
            enc = r.attributes.get("encryption")
            if isinstance(enc, dict) and enc.get("kms_master_key_id") in manager:
                enc["key_managed_by"] = manager[enc["kms_master_key_id"]] or enc["key_managed_by"]

    volumes = kinds.get("aws_ebs_volume")
    instances = kinds.get("aws_instance")
    if instances is not None and volumes is not None:
        by_id = {v.id: v for v in volumes.resources}
        for inst in instances.resources:
            if volumes.error:
                mark_unknown(inst, {"volumes": f"aws_ebs_volume not collected: {volumes.error}"})
                continue
            for i, vol in enumerate(inst.attributes.get("volumes") or []):
                found = by_id.get(vol.get("volume_id"))
                if found is None or "encrypted" not in found.attributes:
                    inst.unknown[f"volumes.{i}.encrypted"] = "volume not found in DescribeVolumes"
                    continue
                vol["encrypted"] = found.attributes.get("encrypted")
                vol["kms_key_id"] = found.attributes.get("kms_key_id")

    buckets = kinds.get("aws_s3_bucket")
    pab = account_kinds.get("aws_s3_account_public_access_block")
    if buckets is not None and pab is not None:
        for b in buckets.resources:
            if pab.error:
                mark_unknown(
                    b,
                    {"account_public_access_block": f"account public access block: {pab.error}"},
                )
            elif pab.raws and not pab.raws[0].get("_absent"):
                b.attributes["account_public_access_block"] = dict(pab.resources[0].attributes)
            else:
                b.attributes["account_public_access_block"] = None


def redact_resource(r: Resource) -> Resource:
    """Credential shapes out of every string kept; tag values under secret keys out."""
    r.name = redact_text(r.name)
    r.attributes = redact_value(r.attributes)
    r.tags = redact_tags(r.tags)
    r.unknown = {k: redact_text(v) for k, v in r.unknown.items()}
    return r
