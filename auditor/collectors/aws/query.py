"""The machinery that runs the declarations of resources.py for one unit of work.

A unit is (account, region, service): one client, one request at a time, under the
service's request budget. It reads every kind of that service (parents before their
children), folds in the detail and batch calls, normalises, and returns one KindResult
per kind: resources, or the reason the kind could not be read. Errors never escape a
unit: they become a coverage gap (a list or an essential detail call failed) or an
unknown attribute (an optional detail call failed), never a guessed value.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import jmespath
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)

from auditor.collectors.aws.normalise import Unit
from auditor.collectors.aws.resources import IAM_PREFIX, Call, Detail, ResourceType
from auditor.model import Resource
from auditor.redact import redact_text

ABSENT = object()  # "nothing configured" (NoSuchBucketPolicy): a normal answer

DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnauthorizedAccess",
        "UnauthorizedException",
        "AuthorizationError",
        "AuthorizationErrorException",
        "Forbidden",
        "ForbiddenException",
        "403",
    }
)
CREDENTIAL_CODES = frozenset(
    {
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "InvalidSignatureException",
    }
)
# A region the account has not opted into answers OptInRequired (or AuthFailure for EC2).
REGION_CODES = frozenset({"OptInRequired", "AuthFailure", "InvalidRegion"})
NOT_SUBSCRIBED_CODES = frozenset(
    {"SubscriptionRequiredException", "NotSubscribedException", "OptInRequiredException"}
)
THROTTLE_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "RequestThrottled",
        "SlowDown",
        "EC2ThrottledException",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "429",
    }
)


class CallFailed(Exception):
    """A call that failed for good (after botocore's retries): `reason` says why."""

    def __init__(self, reason: str, region_wide: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.region_wide = region_wide


def iam_action(service: str, call: Call) -> str:
    """The IAM action that allows a call: declared, or `<prefix>:<operation>`."""
    return call.action or f"{IAM_PREFIX.get(service, service)}:{call.op}"


def classify(exc: Exception, action: str, attempts: int) -> CallFailed:
    """A botocore failure as a coverage reason, and whether it condemns the whole region
    (timeouts, unreachable endpoints, a disabled region: no other call there will fare
    better, so the rest of the region fails fast instead of waiting out every timeout)."""
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        code = str(
            err.get("Code") or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "")
        )
        message = redact_text(str(err.get("Message") or ""))[:200]
        detail = f"{code}: {message}" if message else code
        if code.isdigit():  # no AWS error code: an HTTP error page, not worth quoting
            detail = f"HTTP {code}"
        if code in DENIED_CODES:
            return CallFailed(f"{action} denied ({detail})")
        if code in THROTTLE_CODES:
            return CallFailed(f"{action} throttled after {attempts} attempts ({code})")
        if code in REGION_CODES:
            return CallFailed(f"region not enabled for this account ({detail})", region_wide=True)
        if code in NOT_SUBSCRIBED_CODES:
            return CallFailed(f"service not enabled for this account ({detail})")
        if code in CREDENTIAL_CODES:
            return CallFailed(f"credentials rejected ({detail})", region_wide=True)
        return CallFailed(f"{action} failed ({detail})")
    if isinstance(exc, ReadTimeoutError | ConnectTimeoutError):
        return CallFailed(f"timeout after {attempts} attempts ({action})", region_wide=True)
    if isinstance(exc, EndpointConnectionError):
        return CallFailed(
            f"endpoint unreachable: service or region not available ({action})", region_wide=True
        )
    if isinstance(exc, ConnectionClosedError):
        return CallFailed(f"connection closed after {attempts} attempts ({action})")
    if isinstance(exc, NoCredentialsError):
        return CallFailed("no AWS credentials found", region_wide=True)
    name = type(exc).__name__
    return CallFailed(f"{action} failed ({name}: {redact_text(str(exc))[:200]})")


class RateLimiter:
    """A token bucket: `rate` requests a second, bursts up to `burst`. Thread-safe.

    Hooked on `before-send`, so that retries draw on the same budget as first attempts."""

    def __init__(self, rate: float, burst: float | None = None):
        self.rate = rate
        self.burst = burst if burst is not None else max(1.0, 2 * rate)
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

    def hook(self, **_: Any) -> None:
        self.acquire()


class RegionHealth:
    """Shared by the units of one (account, region): the first region-wide failure makes
    every later call there fail at once with the same reason."""

    def __init__(self) -> None:
        self.reason: str | None = None

    def check(self) -> None:
        if self.reason:
            raise CallFailed(self.reason, region_wide=True)


class Reader:
    """Runs Calls on one client: pagination, JMESPath results, absent answers, reasons."""

    def __init__(self, client: Any, service: str, attempts: int, health: RegionHealth):
        self.client = client
        self.service = service
        self.attempts = attempts
        self.health = health

    def run(self, call: Call, params: dict[str, Any]) -> Any:
        self.health.check()
        action = iam_action(self.service, call)
        try:
            return self._run(call, params)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in call.absent:
                return ABSENT
            failed = classify(exc, action, self.attempts)
        except (BotoCoreError, OSError) as exc:
            failed = classify(exc, action, self.attempts)
        if failed.region_wide:
            self.health.reason = self.health.reason or failed.reason
        raise failed

    def _run(self, call: Call, params: dict[str, Any]) -> Any:
        name = _snake(call.op)
        method = getattr(self.client, name)
        if call.single or (not call.tokens and not self.client.can_paginate(name)):
            answer = method(**params)
            answer.pop("ResponseMetadata", None)
            return jmespath.search(call.result, answer) if call.result else answer
        if call.tokens:
            return list(self._token_pages(method, call, params))
        paginator = self.client.get_paginator(name)
        config = {"PageSize": call.page_size} if call.page_size else {}
        pages = paginator.paginate(**params, PaginationConfig=config)
        return list(pages.search(call.result or "@"))

    def _token_pages(self, method: Any, call: Call, params: dict[str, Any]) -> Iterable[Any]:
        request_token, response_token = call.tokens or ("", "")
        token = None
        while True:
            answer = method(**params, **({request_token: token} if token else {}))
            found = jmespath.search(call.result, answer) if call.result else answer
            yield from found or []
            token = answer.get(response_token)
            if not token:
                return


def _snake(op: str) -> str:
    from botocore import xform_name

    return xform_name(op)


def _expand(params: Any) -> list[dict[str, Any]]:
    if params is None:
        return [{}]
    if isinstance(params, list):
        return [dict(p) for p in params]
    return [dict(params)]


@dataclass
class KindResult:
    """One kind read in one (account, region): its resources, or why it could not be read."""

    kind: str
    region: str | None
    resources: list[Resource] = field(default_factory=list)
    raws: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None


def read_kind(
    rt: ResourceType,
    reader: Reader,
    unit: Unit,
    scope: str,
    parents: dict[str, KindResult],
    references: list[str] | None = None,
) -> KindResult:
    """Read one declared kind in one unit; never raises for an AWS failure."""
    region = None if rt.level == "account" else unit.region
    result = KindResult(rt.kind, region)
    try:
        items = _enumerate(rt, reader, unit, parents, references)
    except CallFailed as exc:
        result.error = exc.reason
        return result

    context: dict[str, Any] = {}
    context_unknown: dict[str, str] = {}
    for d in rt.context:
        try:
            context[d.key] = _context_answer(d, reader, unit)
        except CallFailed as exc:
            if not d.unknown:
                result.error = exc.reason
                return result
            context[d.key] = None
            context_unknown.update(dict.fromkeys(d.unknown, exc.reason))

    kept: list[tuple[dict[str, Any], dict[str, str]]] = []
    essential_failures: list[str] = []
    for item in items:
        item["_context"] = context
        failed = dict(context_unknown)
        keep = True
        for d in rt.details:
            if d.when is not None and not d.when(item):
                continue
            try:
                answer = reader.run(d.call, _expand(d.call.params(item, unit))[0])
            except CallFailed as exc:
                if d.unknown:
                    item[d.key] = None
                    for path in d.unknown:
                        failed.setdefault(path, exc.reason)
                    continue
                essential_failures.append(exc.reason)
                keep = False
                break
            if answer is ABSENT and not d.unknown:
                keep = False  # gone between the list and the describe: not an error
                break
            item[d.key] = None if answer is ABSENT else answer
        if keep:
            kept.append((item, failed))

    for b in rt.batches:
        for start in range(0, len(kept), b.size):
            chunk = kept[start : start + b.size]
            ids = [item[b.id_field] for item, _ in chunk]
            try:
                answer = reader.run(b.call, {b.param: ids})
                found = {
                    e.get(b.match_field): e.get(b.value)
                    for e in (answer or [])
                    if isinstance(e, dict)
                }
                for item, _ in chunk:
                    item[b.key] = found.get(item[b.id_field])
            except CallFailed as exc:
                for item, failed in chunk:
                    item[b.key] = None
                    for path in b.unknown:
                        failed.setdefault(path, exc.reason)

    for item, failed in kept:
        norm = rt.normalise(item, unit)
        resource = Resource(
            id=norm.id,
            kind=rt.kind,
            name=norm.name,
            source="aws",
            scope=scope,
            attributes=norm.attributes,
            tags=norm.tags,
            account=unit.account,
            region=region,
        )
        mark_unknown(resource, {**norm.unknown, **failed})
        result.resources.append(resource)
        result.raws.append(item)
    if essential_failures:
        more = len(essential_failures) - 1
        result.error = essential_failures[0] + (f" (and {more} more items)" if more else "")
    return result


def _context_answer(d: Detail, reader: Reader, unit: Unit) -> Any:
    """One region-level answer: None where nothing is configured."""
    answer = reader.run(d.call, _expand(d.call.params({}, unit) if d.call.params else {})[0])
    return None if answer is ABSENT else answer


def _enumerate(
    rt: ResourceType,
    reader: Reader,
    unit: Unit,
    parents: dict[str, KindResult],
    references: list[str] | None,
) -> list[dict[str, Any]]:
    if rt.from_references:
        return [{"KeyRef": ref} for ref in references or []]
    assert rt.enum is not None
    if rt.parent:
        parent = parents.get(rt.parent)
        if parent is None or parent.error:
            why = parent.error if parent else "not read"
            raise CallFailed(f"{rt.parent} not collected: {why}")
        items = []
        for p in parent.raws:
            for params in _expand(rt.enum.params(p, unit) if rt.enum.params else None):
                for item in reader.run(rt.enum, params) or []:
                    name = rt.parent_name(p) if rt.parent_name else None
                    items.append({**item, "_parent": name, "_params": params})
        return items
    items = []
    seen: set[str] = set()
    for params in _expand(rt.enum.params(None, unit) if rt.enum.params else None):
        answer = reader.run(rt.enum, params)
        if rt.singleton:
            items.append({"_absent": True} if answer is ABSENT else dict(answer))
            continue
        for item in [] if answer is ABSENT else answer or []:
            key = repr(sorted((k, str(v)) for k, v in item.items()))
            if key not in seen:  # overlapping prefixes list a log group twice
                seen.add(key)
                items.append({**item, "_params": params})
    return items


def mark_unknown(resource: Resource, failed: dict[str, str]) -> None:
    """Unknown facts leave `attributes` (never a guessed value) and name their reason."""
    for path, reason in failed.items():
        resource.unknown[path] = reason
        if path == "tags":
            resource.tags = {}
            continue
        _drop(resource.attributes, path.split("."))


def _drop(obj: Any, parts: list[str]) -> None:
    if not parts:
        return
    head, rest = parts[0], parts[1:]
    if isinstance(obj, list) and head.isdigit():
        if int(head) < len(obj) and rest:
            _drop(obj[int(head)], rest)
        return
    if isinstance(obj, dict) and head in obj:
        if rest:
            _drop(obj[head], rest)
        else:
            del obj[head]


def values_at(obj: Any, path: str) -> list[Any]:
    """The values at a dotted path, lists flattened (KMS references in nested lists)."""
    current = [obj]
    for part in path.split("."):
        nxt = []
        for value in current:
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dict) and item.get(part) is not None:
                    nxt.append(item[part])
        current = nxt
    return [x for v in current for x in (v if isinstance(v, list) else [v])]


def replace_at(obj: Any, path: str, mapping: dict[str, str]) -> None:
    """Replace the string values at a dotted path (lists walked) found in `mapping`."""
    head, _, rest = path.partition(".")
    for item in obj if isinstance(obj, list) else [obj]:
        if not isinstance(item, dict) or item.get(head) is None:
            continue
        if rest:
            replace_at(item[head], rest, mapping)
        elif isinstance(item[head], str):
            item[head] = mapping.get(item[head], item[head])
