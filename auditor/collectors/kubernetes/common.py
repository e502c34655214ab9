"""What the live and manifests collectors share: turning normalised objects into
snapshot resources, with the namespace as the resource's region."""

from __future__ import annotations

from auditor.collectors.kubernetes.normalise import Normalised, skip_owned
from auditor.model import Location, Resource


def to_resources(
    items: list[tuple[Normalised, Location | None]], source: str, scope: str
) -> list[Resource]:
    """Snapshot resources, owned workloads left out (judged with their owner).

    A namespaced resource's `region` is its namespace (and a k8s_namespace's region is
    its own name): a coverage gap narrowed to one namespace (a 403 there) then turns
    into `error` for that namespace only, the way a region gap does for an AWS account.
    """
    where = {id(n): loc for n, loc in items}
    kept = skip_owned([n for n, _ in items])
    resources = [
        Resource(
            id=n.id,
            kind=n.kind,
            name=n.name,
            source=source,
            scope=scope,
            attributes=n.attributes,
            tags=n.tags,
            region=n.namespace,
            location=where.get(id(n)),
            unknown=n.unknown,
        )
        for n in kept
    ]
    resources.sort(key=lambda r: (r.kind, r.id))
    return resources
