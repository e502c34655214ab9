"""The GCP live collector: projects x kinds, concurrently, honestly.

Order of work:
1. credentials once (a service-account key file, or application-default credentials)
   and the projects (--gcp-project, else the credentials' project);
2. one unit per (project, kind) on a bounded thread pool: the kind's list calls
   (aggregated across every zone and region, or global), every page, under the
   project's request budget, with backoff on quota and server errors;
3. per project, the cheap joins (an instance's disks get their encryption from the
   disks read in the same project);
4. one Coverage per (project, kind), plus one per zone or region an aggregated list
   could not reach; redaction of everything kept.

A failure never escapes a unit: denied, API not enabled, quota exceeded, unreachable
endpoint each become a coverage error naming the reason, and the rest goes on. A
failure that condemns the whole project (API not enabled, credentials rejected, project
unknown) makes the project's later units fail at once with the same reason.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from auditor import __version__
from auditor.collectors.base import Progress, no_progress
from auditor.collectors.gcp import normalise as n
from auditor.collectors.gcp.options import GcpOptions
from auditor.collectors.gcp.resources import KINDS, GcpKind, Listing
from auditor.model import Coverage, Problem, Resource, Snapshot
from auditor.redact import redact_tags, redact_text, redact_value

SOURCE = "gcp"
_REQUEST_PREFIX = re.compile(r"^[A-Z]+ \S+: ")
# Read-only is all the collector needs; with a custom endpoint the scope must be explicit.
SCOPES = ("https://www.googleapis.com/auth/compute.readonly",)
API_DISABLED = frozenset({"SERVICE_DISABLED", "accessNotConfigured"})
QUOTA = frozenset(
    {
        "rateLimitExceeded",
        "userRateLimitExceeded",
        "quotaExceeded",
        "RATE_LIMIT_EXCEEDED",
        "RESOURCE_EXHAUSTED",
    }
)


class CallFailed(Exception):
    """A list call that failed for good: `reason` says why; `project_wide` when no other
    call in the project can fare better."""

    def __init__(self, reason: str, project_wide: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.project_wide = project_wide


def _reasons(exc: Any) -> set[str]:
    found = {str(exc.reason)} if getattr(exc, "reason", None) else set()
    for e in getattr(exc, "errors", None) or []:
        if isinstance(e, dict) and e.get("reason"):
            found.add(str(e["reason"]))
    return found


def classify(exc: BaseException, permission: str, project: str, attempts: int) -> CallFailed:
    """A google-api-core / google-auth / transport failure as a coverage reason."""
    from google.api_core import exceptions as gexc
    from google.auth import exceptions as aexc

    if isinstance(exc, gexc.GoogleAPICallError):
        code = exc.code if isinstance(exc.code, int) else 0
        reasons = _reasons(exc)
        # The REST transport prefixes the API's message with "GET <url>: ".
        message = _REQUEST_PREFIX.sub("", str(exc.message or ""))
        message = redact_text(message)[:200]
        tag = ", ".join(sorted(reasons))
        detail = f"HTTP {code}" + (f" {tag}" if tag else "") + (f": {message}" if message else "")
        if reasons & API_DISABLED:
            return CallFailed(
                f"Compute Engine API not enabled in project {project} ({detail})", True
            )
        if code == 429 or reasons & QUOTA:
            return CallFailed(f"quota exceeded: {permission} after {attempts} attempts ({detail})")
        if code == 401:
            return CallFailed(f"credentials rejected ({detail})", True)
        if code == 403:
            return CallFailed(f"permission denied: {permission} ({detail})")
        if code == 404:
            return CallFailed(f"project {project} not found or not visible ({detail})", True)
        return CallFailed(f"{permission} failed after {attempts} attempts ({detail})")
    if isinstance(exc, aexc.GoogleAuthError):
        text = redact_text(str(exc))[:200]
        return CallFailed(f"credentials failed: {type(exc).__name__}: {text}", True)
    try:
        import requests

        if isinstance(exc, requests.Timeout):
            return CallFailed(f"timeout after {attempts} attempts ({permission})", True)
        if isinstance(exc, requests.ConnectionError):
            return CallFailed(f"endpoint unreachable ({permission})", True)
    except ImportError:  # pragma: no cover - requests comes with google-auth
        pass
    text = redact_text(str(exc))[:200]
    return CallFailed(f"{permission} failed ({type(exc).__name__}: {text})")


class RateLimiter:
    """A token bucket: `rate` requests a second per project, bursts up to twice that."""

    def __init__(self, rate: float):
        self.rate = rate
        self.burst = max(1.0, 2 * rate)
        self._tokens = self.burst
        self._last = time.monotonic()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        if self.rate <= 0:
            return
        while True:
            with self._lock:
                now = time.monotonic()
                self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
                self._last = now
                if self._tokens >= 1:
                    self._tokens -= 1
                    return
                wait = (1 - self._tokens) / self.rate
            time.sleep(wait)


@dataclass
class Project:
    """One audited project: its budget and, once condemned, the reason."""

    project: str
    limiter: RateLimiter
    failed: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self) -> None:
        if self.failed:
            raise CallFailed(self.failed, True)

    def condemn(self, reason: str) -> None:
        with self.lock:
            self.failed = self.failed or reason


@dataclass
class KindResult:
    """One kind read in one project: its resources, or why it could not be read, and the
    zones/regions an aggregated list could not reach."""

    kind: str
    resources: list[Resource] = field(default_factory=list)
    error: str | None = None
    unreachable: dict[str, str] = field(default_factory=dict)


class _Attempts:
    """The retry predicate of one list call: retries transient failures (quota, 5xx,
    timeouts) until `attempts` calls were made for the current page."""

    def __init__(self, attempts: int):
        self.attempts = attempts
        self.made = 1

    def reset(self) -> None:
        self.made = 1

    def __call__(self, exc: BaseException) -> bool:
        from google.api_core import exceptions as gexc

        transient = isinstance(
            exc,
            gexc.TooManyRequests
            | gexc.InternalServerError
            | gexc.BadGateway
            | gexc.ServiceUnavailable
            | gexc.GatewayTimeout,
        ) or (isinstance(exc, gexc.Forbidden) and bool(_reasons(exc) & QUOTA))
        if not transient or self.made >= self.attempts:
            return False
        self.made += 1
        return True


class GcpCollector:
    """Reads the Compute Engine state of one or more projects into a Snapshot."""

    name = "gcp"
    makes_cycles = True

    def __init__(self, options: GcpOptions, credentials: Any = None):
        self.options = options
        self._credentials = credentials  # injected by tests; else loaded in collect()
        self._clients: dict[tuple[str, str], Any] = {}
        self._clients_lock = threading.Lock()
        self._say_lock = threading.Lock()

    # --- credentials and clients ------------------------------------------------------

    def _load_credentials(self, snapshot: Snapshot) -> tuple[Any, str | None, str | None]:
        """(credentials, their project, why none) from the key file or ADC."""
        import google.auth
        from google.auth import exceptions as aexc

        path = self.options.credentials_file
        try:
            if path:
                from google.oauth2 import service_account

                # A service-account key only: loading any credential type from a file
                # named on the command line would run what an untrusted file says
                # (external-account executables).
                creds = service_account.Credentials.from_service_account_file(path, scopes=SCOPES)
                project = creds.project_id
            else:
                creds, project = google.auth.default(scopes=SCOPES)
        except aexc.DefaultCredentialsError as exc:
            text = redact_text(str(exc))[:300]
            if path:
                snapshot.problems.append(
                    Problem(SOURCE, f"unusable credentials file: {text}", file=path)
                )
                return None, None, None
            return None, None, f"no application-default credentials ({text})"
        except (OSError, ValueError, KeyError) as exc:
            text = redact_text(str(exc))[:300]
            snapshot.problems.append(Problem(SOURCE, f"unusable credentials file: {text}", path))
            return None, None, None
        return creds, project or os.environ.get("GOOGLE_CLOUD_PROJECT"), None

    def _client(self, listing: Listing, credentials: Any) -> Any:
        """One REST client per client class, shared by the units (requests sessions are
        shared across threads by google-auth's AuthorizedSession as they are elsewhere)."""
        with self._clients_lock:
            key = (listing.client, "")
            if key not in self._clients:
                from google.api_core.client_options import ClientOptions
                from google.api_core.gapic_v1.client_info import ClientInfo
                from google.cloud import compute_v1

                options = (
                    ClientOptions(api_endpoint=self.options.endpoint)
                    if self.options.endpoint
                    else None
                )
                self._clients[key] = getattr(compute_v1, listing.client)(
                    credentials=credentials,
                    transport="rest",
                    client_options=options,
                    client_info=ClientInfo(user_agent=f"ai-infra-auditor/{__version__}"),
                )
            return self._clients[key]

    # --- one unit: one kind of one project ----------------------------------------------

    def _pages(self, listing: Listing, project: Project, credentials: Any) -> Iterator[Any]:
        """Every page of one list call; each page with its own attempts."""
        from google.api_core.retry import Retry
        from google.cloud import compute_v1

        client = self._client(listing, credentials)
        request = getattr(compute_v1, listing.request)(
            project=project.project, max_results=self.options.page_size
        )
        attempts = _Attempts(self.options.max_attempts)
        retry = Retry(
            predicate=attempts,
            initial=self.options.backoff,
            maximum=30.0,
            multiplier=2.0,
            timeout=self.options.max_attempts * (self.options.timeout + 30.0),
        )
        method = client.aggregated_list if listing.aggregated else client.list
        project.check()
        project.limiter.acquire()
        pager = method(request=request, retry=retry, timeout=self.options.timeout)
        for page in pager.pages:
            yield page
            attempts.reset()
            project.check()
            project.limiter.acquire()

    def _items(self, gk: GcpKind, listing: Listing, page: Any, result: KindResult) -> list[Any]:
        if not listing.aggregated:
            return list(page.items)
        items: list[Any] = []
        for scope, scoped in page.items.items():
            warning = getattr(scoped, "warning", None)
            if warning is not None and getattr(warning, "code", "") == "UNREACHABLE":
                where = scope.rsplit("/", 1)[-1]
                result.unreachable[where] = redact_text(str(warning.message or "unreachable"))
            items.extend(getattr(scoped, listing.field))
        for where in getattr(page, "unreachables", None) or []:
            result.unreachable.setdefault(str(where).rsplit("/", 1)[-1], "unreachable")
        return items

    def _unit(
        self, gk: GcpKind, project: Project, credentials: Any, progress: Progress
    ) -> KindResult:
        self._say(progress, f"gcp {project.project}: {gk.kind}")
        result = KindResult(gk.kind)
        seen: set[str] = set()
        for listing in gk.listings:
            try:
                for page in self._pages(listing, project, credentials):
                    for item in self._items(gk, listing, page, result):
                        resource = self._resource(gk, item, project.project)
                        if resource.id not in seen:
                            seen.add(resource.id)
                            result.resources.append(resource)
            except CallFailed as exc:  # the project was condemned by another unit
                result.error = exc.reason
            except Exception as exc:  # any failure: this kind is a gap, the rest goes on
                failed = classify(
                    exc, listing.permission, project.project, self.options.max_attempts
                )
                if failed.project_wide:
                    project.condemn(failed.reason)
                result.error = failed.reason
            if result.error:
                result.resources = []
                return result
        return result

    def _resource(self, gk: GcpKind, item: Any, project: str) -> Resource:
        pb = type(item).pb(item)
        for name in gk.never_read:
            pb.ClearField(name)
        raw = type(item).to_dict(
            item, preserving_proto_field_name=False, use_integers_for_enums=False
        )
        norm = gk.normalise(raw)
        return Resource(
            id=norm.id,
            kind=gk.kind,
            name=norm.name,
            source=SOURCE,
            scope=f"gcp:{project}",
            attributes=norm.attributes,
            tags=norm.tags,
            account=project,
            region=n.location(raw),
            unknown=norm.unknown,
        )

    def _say(self, progress: Progress, message: str) -> None:
        with self._say_lock:
            progress(message)

    # --- the whole collection ----------------------------------------------------------

    def collect(self, progress: Progress = no_progress) -> Snapshot:
        snapshot = Snapshot()
        credentials, own_project, missing = (
            (self._credentials, None, None)
            if self._credentials is not None
            else self._load_credentials(snapshot)
        )
        projects = list(dict.fromkeys(self.options.projects)) or (
            [own_project] if own_project else []
        )
        if not projects:
            if not snapshot.problems:
                snapshot.problems.append(
                    Problem(
                        SOURCE,
                        "no GCP project to audit: give --gcp-project (the credentials name none)",
                    )
                )
            return snapshot
        self._record_source(snapshot, projects)
        if credentials is None:
            for p in projects:
                reason = missing or "no usable credentials"
                snapshot.coverage.append(Coverage(SOURCE, f"gcp:{p}", "*", "error", reason))
            return snapshot

        states = {p: Project(p, RateLimiter(self.options.rate)) for p in projects}
        results: dict[str, dict[str, KindResult]] = {p: {} for p in projects}
        with ThreadPoolExecutor(max_workers=max(1, self.options.max_workers)) as pool:
            futures = [
                (p, pool.submit(self._unit, gk, states[p], credentials, progress))
                for p in projects
                for gk in KINDS
            ]
            for p, future in futures:
                kr = future.result()
                results[p][kr.kind] = kr

        for p in projects:
            kinds = results[p]
            join_project(kinds)
            for gk in KINDS:
                kr = kinds[gk.kind]
                snapshot.coverage.append(
                    Coverage(
                        source=SOURCE,
                        scope=f"gcp:{p}",
                        kind=gk.kind,
                        status="error" if kr.error else "collected",
                        reason=redact_text(kr.error) if kr.error else None,
                        count=len(kr.resources),
                    )
                )
                for where, why in sorted(kr.unreachable.items()):
                    snapshot.coverage.append(
                        Coverage(
                            SOURCE,
                            f"gcp:{p}",
                            gk.kind,
                            "error",
                            f"{where} unreachable in the aggregated list: {why}",
                            0,
                            where,
                        )
                    )
                snapshot.resources.extend(redact_resource(r) for r in kr.resources)
        snapshot.resources.sort(key=lambda r: (r.scope, r.kind, r.id))
        return snapshot

    def _record_source(self, snapshot: Snapshot, projects: list[str]) -> None:
        via = "application-default credentials"
        if self.options.credentials_file:
            via = f"key file {os.path.basename(self.options.credentials_file)}"
        snapshot.sources.append(
            {
                "source": SOURCE,
                "endpoint_url": self.options.endpoint,
                "credentials": via,
                "projects": projects,
            }
        )


def join_project(kinds: dict[str, KindResult]) -> None:
    """Fold cheap relations into one project's resources: an instance's persistent disks
    take their encryption from the disk resources (the instance answer names a CMEK key
    only when the disk was created with the instance). A disk that could not be read
    leaves that disk's encryption unknown: never guessed."""
    instances = kinds.get("google_compute_instance")
    disks = kinds.get("google_compute_disk")
    if instances is None or disks is None:
        return
    by_id = {r.id: r for r in disks.resources}
    for inst in instances.resources:
        for i, d in enumerate(inst.attributes.get("disks") or []):
            if d.get("source") is None or d.get("encryption") != "google":
                continue  # a local SSD, or the key is named by the instance itself
            found = by_id.get(d["source"])
            if disks.error:
                why = f"google_compute_disk not collected: {disks.error}"
            elif found is None:
                why = "disk not found in the project's disks list"
            else:
                d["encryption"] = found.attributes.get("encryption")
                d["kms_key"] = found.attributes.get("kms_key")
                continue
            for key in ("encryption", "kms_key"):
                d.pop(key, None)
                inst.unknown[f"disks.{i}.{key}"] = why


def redact_resource(r: Resource) -> Resource:
    """Credential shapes out of every string kept; label values under secret keys out."""
    r.name = redact_text(r.name)
    r.attributes = redact_value(r.attributes)
    r.tags = redact_tags(r.tags)
    r.unknown = {k: redact_text(v) for k, v in r.unknown.items()}
    return r
