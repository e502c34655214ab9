"""The shape both Terraform readers produce before normalisation.

HCL (through checkov's graph) and a plan (`terraform show -json`) are read into the same
intermediate form, a `TfResource` whose `values` look like a plan's `after` values:
attributes as plain values, nested blocks as lists of objects. Values that are not plain
facts are marked so that the normalisers treat both sources alike:

- `Ref`: the value is computed from other resources of the configuration (an id, ARN or
  name known only after apply); normalisers turn it into the referenced resource's
  address where the attribute names a resource, and into an unknown elsewhere.
- `Unknown`: the value cannot be known from the input (a variable without a value, a
  plan's `after_unknown` without a resolvable reference); it is never guessed.

HCL strings are marked lazily, by a `Resolver`, when a normaliser reads them: values a
normaliser never reads (environment values, for one) are never looked at.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from auditor.model import Location

KNOWN_AFTER_APPLY = "known after apply"


@dataclass(frozen=True)
class Ref:
    """A value computed from the resources at `addresses` (several for a splat or an
    ambiguous reference)."""

    addresses: tuple[str, ...]


@dataclass(frozen=True)
class Unknown:
    """A value that cannot be known from the input, and why."""

    reason: str


@dataclass
class TfResource:
    """One Terraform resource instance as read from HCL or from a plan."""

    id: str
    """The snapshot id: the Terraform address (prefixed by the root directory when the
    scanned directory holds several root modules)."""
    type: str
    name: str
    values: dict[str, Any]
    location: Location | None = None
    region: str | None = None
    account: str | None = None
    context: Any = field(default=None, repr=False)
    """Whatever the source's Resolver needs to resolve this resource's references."""


class Resolver(Protocol):
    """Turns a raw value read from a resource into a plain value, a Ref or an Unknown."""

    def resolve(self, resource: TfResource, value: Any) -> Any: ...


class PlainResolver:
    """For inputs whose values are already marked (a plan): values are taken as written."""

    def resolve(self, resource: TfResource, value: Any) -> Any:
        return value
