"""Plain data passed between the stages: resources, coverage, problems, snapshots, results.

Every stage reads and writes these as JSON-able dataclasses, so that any stage can run
alone (`collect` writes a snapshot, `evaluate` reads one) and a snapshot written today
still evaluates the same way next year: it carries SCHEMA_VERSION.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

SCHEMA_VERSION = "1.0"
RESULT_SCHEMA_VERSION = "1.0"

Status = Literal["pass", "fail", "error", "waived"]
STATUSES: tuple[str, ...] = ("fail", "error", "waived", "pass")
SEVERITIES: tuple[str, ...] = ("critical", "high", "medium", "low")


@dataclass
class Location:
    """Where an IaC resource is written; absent for live resources."""

    file: str
    line: int | None = None
    end_line: int | None = None


def _location_dict(location: Location) -> dict[str, Any]:
    return {"file": location.file, "line": location.line, "end_line": location.end_line}


@dataclass
class Resource:
    """One normalised resource. `attributes` follow the kind's JSON Schema in auditor/kinds/.

    `unknown` maps a dotted attribute path (relative to `attributes`) to the reason its
    value could not be known (a plan's after_unknown, a variable without a value, a denied
    API call). Such an attribute is absent from `attributes`: never guessed.
    """

    id: str
    kind: str
    name: str
    source: str
    scope: str
    attributes: dict[str, Any] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)
    account: str | None = None
    region: str | None = None
    location: Location | None = None
    unknown: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        # Shallow on purpose: dataclasses.asdict deep-copies every attribute, which cost
        # ~10 s of a 100,000-resource evaluation; the result is only serialised.
        data = {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "source": self.source,
            "scope": self.scope,
            "attributes": self.attributes,
            "tags": self.tags,
            "account": self.account,
            "region": self.region,
            "unknown": self.unknown,
        }
        if self.location is not None:
            data["location"] = _location_dict(self.location)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Resource:
        loc = data.get("location")
        return cls(
            id=data["id"],
            kind=data["kind"],
            name=data.get("name", data["id"]),
            source=data["source"],
            scope=data["scope"],
            attributes=data.get("attributes") or {},
            tags=data.get("tags") or {},
            account=data.get("account"),
            region=data.get("region"),
            location=Location(**loc) if loc else None,
            unknown=data.get("unknown") or {},
        )


@dataclass
class Coverage:
    """Whether one kind was read completely in one scope, and if not, why.

    A control whose kinds were not collected in a scope gives `error` there, never pass.
    """

    source: str
    scope: str
    kind: str
    status: Literal["collected", "error", "skipped"]
    reason: str | None = None
    count: int = 0
    # Set when the gap is narrower than the scope (one region of an AWS account).
    region: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Problem:
    """Bad input (a malformed file, an unreadable path): reported, never fatal to the rest."""

    source: str
    message: str
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.file or self.source
        if self.file and self.line:
            where = f"{self.file}:{self.line}"
        return f"{where}: {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Snapshot:
    """One collection: what was read, what could not be read, and what input was bad."""

    resources: list[Resource] = field(default_factory=list)
    coverage: list[Coverage] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    created_at: str | None = None
    schema_version: str = SCHEMA_VERSION

    def extend(self, other: Snapshot) -> None:
        self.resources.extend(other.resources)
        self.coverage.extend(other.coverage)
        self.problems.extend(other.problems)
        self.sources.extend(other.sources)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "created_at": self.created_at,
            "sources": self.sources,
            "resources": [r.to_dict() for r in self.resources],
            "coverage": [c.to_dict() for c in self.coverage],
            "problems": [p.to_dict() for p in self.problems],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Snapshot:
        return cls(
            schema_version=data.get("schema_version", SCHEMA_VERSION),
            created_at=data.get("created_at"),
            sources=data.get("sources") or [],
            resources=[Resource.from_dict(r) for r in data.get("resources") or []],
            coverage=[Coverage(**c) for c in data.get("coverage") or []],
            problems=[Problem(**p) for p in data.get("problems") or []],
        )

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=1, sort_keys=False) + "\n")


@dataclass
class Result:
    """The verdict of one control on one resource (or on one uncollected scope)."""

    control_id: str
    title: str
    severity: str
    domain: str
    status: Status
    resource_id: str
    resource_kind: str | None
    message: str
    source: str | None = None
    scope: str | None = None
    location: Location | None = None
    evidence: list[dict[str, Any]] = field(default_factory=list)
    frameworks: dict[str, list[str]] = field(default_factory=dict)
    remediation: str = ""
    waiver: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        # Shallow, as Resource.to_dict: asdict's deep copy cost ~6 s for 84,000 results,
        # and the document is only serialised. Evidence and frameworks are shared.
        data = {
            "control_id": self.control_id,
            "title": self.title,
            "severity": self.severity,
            "domain": self.domain,
            "status": self.status,
            "resource_id": self.resource_id,
            "resource_kind": self.resource_kind,
            "message": self.message,
            "source": self.source,
            "scope": self.scope,
            "location": None if self.location is None else _location_dict(self.location),
            "evidence": self.evidence,
            "frameworks": self.frameworks,
            "remediation": self.remediation,
        }
        if self.waiver is not None:
            data["waiver"] = self.waiver
        return data
