"""Terraform resources (from HCL or a plan) → normalised Resources, and the Snapshot.

Shared by both readers so that the same infrastructure gives the same resources whether
it is read as code or as a plan. Three passes, each linear in the number of resources:

1. every resource whose type makes a kind is built (aws.py, gcp.py);
2. every sub-resource (an S3 encryption configuration, a security group rule) is folded
   into the resource it names, found by id in a dict, never by scanning;
3. cheap relations are joined (the account's S3 public access block into each bucket,
   a disk's users).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from auditor.collectors.terraform import aws, aws_api, aws_services, gcp
from auditor.collectors.terraform.engine import (
    Builder,
    Built,
    Context,
    FoldSpec,
    KindSpec,
    Reader,
    last_segment,
    to_str,
)
from auditor.collectors.terraform.raw import Resolver, TfResource, Unknown
from auditor.kinds import kind_schema
from auditor.model import Coverage, Problem, Resource, Snapshot

SPECS: list[KindSpec] = [*aws.SPECS, *aws_services.SPECS, *aws_api.SPECS, *gcp.SPECS]
FOLDS: list[FoldSpec] = [*aws.FOLDS, *aws_services.FOLDS, *aws_api.FOLDS, *gcp.FOLDS]
KIND_BY_TYPE: dict[str, KindSpec] = {t: spec for spec in SPECS for t in spec.types}
FOLD_BY_TYPE: dict[str, FoldSpec] = {t: fold for fold in FOLDS for t in fold.types}
JOINS = [*aws.JOINS, *gcp.JOINS]
# Types without a kind that normalisers read (an API Gateway resource gives a method
# its path).
HELPER_TYPES = frozenset([*aws.HELPER_TYPES, *aws_services.HELPER_TYPES, *aws_api.HELPER_TYPES])
# The kinds these normalisers make: what a Terraform scan can see (coverage).
MAPPED_KINDS: tuple[str, ...] = tuple(sorted({spec.kind for spec in SPECS}))


def is_relevant(tf_type: str) -> bool:
    """Whether the normalisers read a Terraform type (all others are ignored)."""
    return tf_type in KIND_BY_TYPE or tf_type in FOLD_BY_TYPE or tf_type in HELPER_TYPES


def normalise(
    resources: list[TfResource], resolver: Resolver, source: str, scope: str
) -> list[Resource]:
    ctx = Context(resources, resolver)
    built: dict[str, Built] = {}
    for raw in resources:
        spec = KIND_BY_TYPE.get(raw.type)
        if spec is not None:
            built[raw.id] = _build(ctx, spec, raw, source, scope)
    subresources = sorted((r for r in resources if r.type in FOLD_BY_TYPE), key=lambda r: r.id)
    for raw in subresources:
        _fold(ctx, FOLD_BY_TYPE[raw.type], raw, built, source, scope)
    for x in built.values():
        _finish(ctx, x)
    for join in JOINS:
        join(built)
    out = []
    for x in built.values():
        if "stub" in x.state:
            _complete_stub(x)
        x.resource.attributes = x.builder.attrs
        x.resource.unknown = dict(sorted(x.builder.unknown.items()))
        out.append(x.resource)
    return sorted(out, key=lambda r: (r.kind, r.id))


def _build(ctx: Context, spec: KindSpec, raw: TfResource, source: str, scope: str) -> Built:
    rd = Reader(ctx, raw)
    google = raw.type.startswith("google_")
    resource = Resource(
        id=raw.id,
        kind=spec.kind,
        name=raw.name,
        source=source,
        scope=scope,
        tags=rd.string_map(raw.values, "labels" if google else "tags"),
        account=raw.account,
        region=raw.region,
        location=raw.location,
    )
    if google:
        _google_placement(rd, resource)
    built = Built(resource, Builder(), raw)
    _guarded(built, lambda: spec.build(rd, built.builder))
    return built


def _guarded(built: Built, step: Any) -> None:
    """Input no normaliser foresaw must not end the scan: the resource is then kept with
    every attribute unknown, so that its controls give error, not pass."""
    try:
        step()
    except Exception as exc:
        reason = f"could not be read: {type(exc).__name__}: {exc}"
        built.builder.attrs.clear()
        for key in kind_schema(built.resource.kind).get("properties", {}):
            built.builder.mark_unknown(key, reason)


def _finish(ctx: Context, built: Built) -> None:
    """A kind's defaults that depend on every fold (S3's default encryption)."""
    spec = KIND_BY_TYPE.get(built.raw.type) if built.raw else None
    if spec is not None and spec.finish is not None:
        finish = spec.finish
        _guarded(built, lambda: finish(ctx, built))


def _google_placement(rd: Reader, resource: Resource) -> None:
    """project → account, region (or the zone's region) → region, when written."""
    project = rd.value(rd.values, "project")
    if isinstance(project, str) and project:
        resource.account = project
    region = rd.value(rd.values, "region")
    zone = rd.value(rd.values, "zone")
    if isinstance(region, str) and region:
        resource.region = last_segment(region)
    elif isinstance(zone, str) and zone:
        resource.region = last_segment(zone).rsplit("-", 1)[0]


def _fold(
    ctx: Context,
    fold: FoldSpec,
    raw: TfResource,
    built: dict[str, Built],
    source: str,
    scope: str,
) -> None:
    rd = Reader(ctx, raw)
    parent_id = rd.rel(raw.values, fold.parent_key, fold.parent_types)
    parent_kind = KIND_BY_TYPE[fold.parent_types[0]].kind
    parent = built.get(parent_id) if isinstance(parent_id, str) else None
    if parent is None or parent.resource.kind != parent_kind:
        if not fold.stub:
            return
        parent = _stub(parent_kind, parent_id, raw, built, source, scope)
        if fold.stub_attribute and isinstance(parent_id, str):
            parent.builder.attrs[fold.stub_attribute] = parent_id
    target = parent
    _guarded(target, lambda: fold.fold(rd, target))


def _stub(
    kind: str,
    parent_id: Any,
    raw: TfResource,
    built: dict[str, Built],
    source: str,
    scope: str,
) -> Built:
    """A partial resource for settings whose resource is not in the input: they are
    still judged, and everything else about the resource is unknown."""
    if isinstance(parent_id, str) and parent_id:
        stub_id, reason = parent_id, f"{parent_id} is not defined in this configuration"
    else:
        stub_id = raw.id
        why = parent_id.reason if isinstance(parent_id, Unknown) else "not written"
        reason = f"the resource {raw.id} configures is unknown ({why})"
    existing = built.get(stub_id)
    if existing is not None and existing.resource.kind == kind:
        return existing
    resource = Resource(
        id=stub_id,
        kind=kind,
        name=to_str(stub_id),
        source=source,
        scope=scope,
        account=raw.account,
        region=raw.region,
        location=raw.location,
    )
    stub = Built(resource, Builder(), None, {"stub": reason})
    built[stub_id] = stub
    return stub


def _complete_stub(x: Built) -> None:
    reason = x.state["stub"]
    for key in kind_schema(x.resource.kind).get("properties", {}):
        if not x.builder.has(key):
            x.builder.mark_unknown(key, reason)


def make_snapshot(
    resources: list[Resource],
    problems: list[Problem],
    source: str,
    scope: str,
    path: str,
    error: str | None,
) -> Snapshot:
    """The resources with one coverage record per kind the collector maps.

    What "collected" means for code: a Terraform root (or plan) describes what it
    declares, so a kind the normalisers map is collected when every file was read: the
    resources of that kind the input declares are all in the snapshot, and a kind it
    declares none of is collected with count 0 (its absence is the root's absence; see
    docs/terraform.md). Kinds no normaliser maps (a SageMaker training job, Kubernetes
    kinds) are not claimed: nothing is recorded for them.

    When part of the input could not be read (a malformed file, a module not on disk),
    one `error` record of every kind ("*") names it instead: any resource may be in the
    part that was not read, so every control gives error for the scope, while the
    resources that were read are still judged.
    """
    if error:
        coverage = [
            Coverage(
                source=source,
                scope=scope,
                kind="*",
                status="error",
                reason=error,
                count=len(resources),
            )
        ]
    else:
        counts = Counter(r.kind for r in resources)
        coverage = [
            Coverage(source=source, scope=scope, kind=kind, status="collected", count=counts[kind])
            for kind in MAPPED_KINDS
        ]
    return Snapshot(
        resources=resources,
        coverage=coverage,
        problems=problems,
        sources=[{"source": source, "scope": scope, "path": path}],
    )
