"""Live clusters (`--k8s`, `--context NAME`): the official kubernetes client, read-only.

One cluster per context (KUBECONFIG honoured, its files merged as kubectl does; the
in-cluster service account when there is no kubeconfig). For each declared API resource
(resources.py) the collector lists every page (`limit`/`continue`; an expired continue
token, 410 Gone, restarts that list from the start), at a bounded request rate. Objects
are asked for as raw JSON, not the client's model classes, so that the manifests
collector's normaliser serves both.

Failures are coverage, never a crash and never a pass:
- 403 on a cluster-wide list of a namespaced resource: the list is retried namespace by
  namespace (an identity bound by RoleBindings only); a namespace that answers 403 is a
  gap of that kind narrowed to that namespace (Coverage.region = the namespace);
- 403 on a cluster-scoped resource, a 404 for an API group that must exist, a timeout,
  a 5xx: a gap of that kind in the whole cluster, with the reason;
- a 404 for an optional API (Istio PeerAuthentication, KServe InferenceService): not
  installed, so collected with none;
- no usable credentials or an unreachable API server: a gap of every kind ("*").
Secrets are never listed (resources.py declares none).
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from auditor.collectors.base import Progress, no_progress
from auditor.collectors.kubernetes.common import to_resources
from auditor.collectors.kubernetes.normalise import Normalised, NotAnObject, normalise
from auditor.collectors.kubernetes.options import K8sOptions
from auditor.collectors.kubernetes.resources import API_RESOURCES, KINDS, ApiResource
from auditor.model import Coverage, Location, Snapshot
from auditor.redact import redact_text

SOURCE = "k8s"
# How many times a list restarts after its continue token expired (410 Gone).
MAX_RESTARTS = 3


class ListFailed(Exception):
    """A list that failed for good: `reason` says why; `status` is the HTTP status."""

    def __init__(self, reason: str, status: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.status = status


class RateLimiter:
    """A token bucket: `rate` requests a second per cluster, bursts up to twice that."""

    def __init__(self, rate: float) -> None:
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


class Lister:
    """Paginated GETs of one cluster through the client's ApiClient."""

    def __init__(self, api_client: Any, options: K8sOptions) -> None:
        self.api = api_client
        self.options = options
        self.limiter = RateLimiter(options.qps)
        self.requests: int = 0

    def _get(self, path: str, params: list[tuple[str, Any]]) -> dict[str, Any]:
        from kubernetes.client.exceptions import ApiException
        from urllib3.exceptions import HTTPError, TimeoutError

        self.limiter.acquire()
        self.requests += 1
        what = f"GET {path}"
        try:
            response = self.api.call_api(
                path,
                "GET",
                query_params=params,
                header_params={"Accept": "application/json", **self._auth_header()},
                auth_settings=[],
                _preload_content=False,
                _return_http_data_only=True,
                _request_timeout=(self.options.timeout, self.options.timeout),
            )
            return json.loads(response.data)
        except ApiException as exc:
            raise ListFailed(
                _http_reason(exc.status, exc.reason, exc.body, what), exc.status
            ) from None
        except TimeoutError:
            raise ListFailed(f"timeout after {self.options.timeout:g}s ({what})") from None
        except (HTTPError, OSError) as exc:
            text = redact_text(str(exc))[:200]
            if "timed out" in text.lower():
                raise ListFailed(f"timeout after {self.options.timeout:g}s ({what})") from None
            raise ListFailed(f"API server unreachable ({what}): {text}") from None
        except ValueError as exc:
            raise ListFailed(f"not a JSON answer ({what}): {exc}") from None

    def _auth_header(self) -> dict[str, str]:
        """The bearer token as the kubeconfig and in-cluster loaders leave it
        (`api_key["authorization"]`, refreshed by their hook when it expires): the
        client's own auth settings look under another key, so it is sent here."""
        cfg = self.api.configuration
        if cfg.refresh_api_key_hook is not None:
            cfg.refresh_api_key_hook(cfg)
        token = cfg.api_key.get("authorization") or cfg.api_key.get("BearerToken")
        if not token:
            return {}  # client certificates, or no credentials at all
        prefix = cfg.api_key_prefix.get("authorization")
        return {"authorization": f"{prefix} {token}" if prefix else str(token)}

    def list(self, path: str) -> list[dict[str, Any]]:
        """Every item of a list, page by page; restarts when the continue token expired."""
        for _ in range(MAX_RESTARTS + 1):
            items: list[dict[str, Any]] = []
            token: str | None = None
            try:
                while True:
                    params: list[tuple[str, Any]] = [("limit", self.options.page_size)]
                    if token:
                        params.append(("continue", token))
                    page = self._get(path, params)
                    kind = str(page.get("kind", ""))
                    for item in page.get("items") or []:
                        if isinstance(item, dict):
                            # list items carry no kind/apiVersion: the list's kind says it
                            item.setdefault("kind", kind.removesuffix("List"))
                            items.append(item)
                    token = (page.get("metadata") or {}).get("continue")
                    if not token:
                        return items
            except ListFailed as exc:
                if exc.status == 410 and token:
                    continue  # the continue token expired: list again from the start
                raise
        raise ListFailed(f"continue token kept expiring ({MAX_RESTARTS} restarts of {path})", 410)


def _http_reason(status: int | None, reason: Any, body: Any, what: str) -> str:
    message = ""
    with contextlib.suppress(TypeError, ValueError, AttributeError):
        message = str(json.loads(body).get("message", ""))
    message = redact_text(message)[:200]
    if status == 403:
        return f"forbidden (403): {message or what}"
    if status == 401:
        return "credentials rejected (401 Unauthorized)"
    if status == 404:
        return f"not served by this cluster (404: {what})"
    if status == 429:
        return f"throttled (429) on {what}"
    return f"HTTP {status} {reason or ''} on {what}".strip() + (f": {message}" if message else "")


@dataclass
class KindState:
    """What happened to one normalised kind in one cluster."""

    items: list[Normalised] = field(default_factory=list)
    error: str | None = None  # the whole kind in the whole cluster
    namespace_errors: dict[str, str] = field(default_factory=dict)
    not_served: list[str] = field(default_factory=list)


class K8sCollector:
    """Reads one or more live clusters into a Snapshot."""

    name = "k8s"
    makes_cycles = True

    def __init__(self, options: K8sOptions, client_factory: Any = None) -> None:
        self.options = options
        # client_factory(context) -> (ApiClient, label): tests inject their own.
        self.client_factory = client_factory or api_client_for
        self._say_lock = threading.Lock()

    def collect(self, progress: Progress = no_progress) -> Snapshot:
        contexts: list[str | None] = list(self.options.contexts) or [None]
        snapshot = Snapshot()
        with ThreadPoolExecutor(max_workers=max(1, self.options.max_workers)) as pool:
            for part in pool.map(lambda c: self._cluster(c, progress), contexts):
                snapshot.extend(part)
        return snapshot

    def _say(self, progress: Progress, message: str) -> None:
        with self._say_lock:
            progress(message)

    def _cluster(self, context: str | None, progress: Progress) -> Snapshot:
        label = context or "current-context"
        try:
            api, label = self.client_factory(context, self.options)
        except Exception as exc:  # no kubeconfig, unknown context, no in-cluster token
            reason = f"no usable Kubernetes credentials: {redact_text(str(exc))[:300]}"
            scope = f"{SOURCE}:{label}"
            return Snapshot(
                coverage=[Coverage(SOURCE, scope, "*", "error", reason, 0)],
                sources=[{"source": SOURCE, "scope": scope, "context": context}],
            )
        scope = f"{SOURCE}:{label}"
        lister = Lister(api, self.options)
        states = {kind: KindState() for kind in KINDS}
        namespaces: list[str] | None = None
        fatal: str | None = None
        for r in API_RESOURCES:
            state = states[r.kind]
            if state.error or fatal:
                continue
            self._say(progress, f"k8s {label}: {r.plural}")
            try:
                for obj in self._read(lister, r, namespaces, state):
                    try:
                        n = normalise(obj)
                    except NotAnObject:
                        continue
                    if n is not None:
                        state.items.append(n)
            except ListFailed as exc:
                if exc.status == 404 and r.optional:
                    state.not_served.append(r.api_version)
                    continue
                state.error = f"{r.plural}.{r.group or 'core'}: {exc.reason}"
                if exc.status == 401 or exc.reason.startswith("API server unreachable"):
                    fatal = exc.reason
            if r.kind == "k8s_namespace" and not state.error:
                namespaces = sorted(n.name for n in state.items)
        return self._snapshot(scope, label, context, states, fatal, lister)

    def _read(
        self,
        lister: Lister,
        r: ApiResource,
        namespaces: list[str] | None,
        state: KindState,
    ) -> Iterator[dict[str, Any]]:
        try:
            yield from lister.list(r.path())
            return
        except ListFailed as exc:
            if exc.status != 403 or not r.namespaced:
                raise
            if namespaces is None:
                raise ListFailed(
                    f"{exc.reason}; and the namespaces are unknown, so they cannot be read one "
                    "by one",
                    403,
                ) from None
        for ns in namespaces:
            try:
                items = lister.list(r.path(ns))
            except ListFailed as exc:
                if exc.status != 403:
                    raise
                state.namespace_errors[ns] = f"{r.plural}.{r.group or 'core'}: {exc.reason}"
                continue
            yield from items

    def _snapshot(
        self,
        scope: str,
        label: str,
        context: str | None,
        states: dict[str, KindState],
        fatal: str | None,
        lister: Lister,
    ) -> Snapshot:
        coverage: list[Coverage] = []
        items: list[tuple[Normalised, Location | None]] = []
        for kind, state in states.items():
            kept = [n for n in state.items]
            items += [(n, None) for n in kept]
            count = len(kept)
            if fatal and not state.error and not state.items:
                state.error = f"not read: {fatal}"
            if state.error:
                coverage.append(
                    Coverage(SOURCE, scope, kind, "error", redact_text(state.error), count)
                )
                continue
            reason = (
                f"not installed: {', '.join(state.not_served)} not served"
                if state.not_served
                else None
            )
            coverage.append(Coverage(SOURCE, scope, kind, "collected", reason, count))
            for ns, why in sorted(state.namespace_errors.items()):
                coverage.append(
                    Coverage(SOURCE, scope, kind, "error", redact_text(why), 0, region=ns)
                )
        resources = to_resources(items, SOURCE, scope)
        for c in coverage:
            if c.status == "collected":
                c.count = sum(1 for r in resources if r.kind == c.kind)
        return Snapshot(
            resources=resources,
            coverage=coverage,
            sources=[
                {
                    "source": SOURCE,
                    "scope": scope,
                    "context": context,
                    "cluster": label,
                    "requests": lister.requests,
                }
            ],
        )


def api_client_for(context: str | None, options: K8sOptions) -> tuple[Any, str]:
    """An ApiClient for one context, and the cluster label of the scope: the context
    name, or "in-cluster". KUBECONFIG (or --kubeconfig) wins; without any kubeconfig,
    the pod's service account."""
    import os

    from kubernetes import client, config

    cfg = client.Configuration()
    kubeconfig = options.kubeconfig
    default = os.path.expanduser(config.KUBE_CONFIG_DEFAULT_LOCATION)
    has_kubeconfig = bool(kubeconfig) or any(
        os.path.exists(p) for p in default.split(os.pathsep) if p
    )
    if has_kubeconfig or context:
        config.load_kube_config(
            config_file=kubeconfig, context=context, client_configuration=cfg, persist_config=False
        )
        if context is None:
            _, current = config.list_kube_config_contexts(config_file=kubeconfig)
            context = current["name"]
        label = str(context)
    else:
        config.load_incluster_config(client_configuration=cfg)
        label = "in-cluster"
    cfg.retries = 1  # failures become coverage gaps; the scan goes on
    return client.ApiClient(cfg), label
