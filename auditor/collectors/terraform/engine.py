"""The machinery the per-kind normalisers share: reading values, building attributes.

A normaliser is a declaration (which Terraform types make which kind, which
sub-resources fold into it) plus small functions that read a `TfResource` through a
`Reader` and write normalised attributes through a `Builder`. The Reader hides where the
values came from (HCL or plan), the Builder keeps unknown values out of `attributes`
and records why in `unknown`, so no normaliser can guess a value by accident.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from auditor.collectors.terraform.raw import KNOWN_AFTER_APPLY, Ref, Resolver, TfResource, Unknown
from auditor.model import Resource

Converter = Callable[[Any], Any]


class Context:
    """Everything the normalisers of one input may look up, indexed by resource id."""

    def __init__(self, resources: list[TfResource], resolver: Resolver) -> None:
        self.resolver = resolver
        self.by_id: dict[str, TfResource] = {r.id: r for r in resources}
        self.by_type: dict[str, list[TfResource]] = defaultdict(list)
        for resource in resources:
            self.by_type[resource.type].append(resource)
        # Literal ids (a plan's known `id`/`arn`/`self_link`) and names → resource id, so
        # that a relation written as a literal still points at the resource when it is
        # in the input.
        self.literal_ids: dict[str, str] = {}
        self.names: dict[tuple[str, str], str] = {}
        for resource in resources:
            self._index_literals(resource)

    def _index_literals(self, resource: TfResource) -> None:
        for key in ("id", "arn", "self_link"):
            value = resource.values.get(key)
            if isinstance(value, str) and value:
                self.literal_ids.setdefault(value, resource.id)
        for key in ("name", "bucket"):
            value = self.resolver.resolve(resource, resource.values.get(key))
            if isinstance(value, str) and value:
                self.names.setdefault((resource.type, value), resource.id)

    def literal_to_id(self, value: str, types: Iterable[str]) -> str:
        """A literal id, ARN, self link or name of a resource in the input → its id."""
        types = tuple(types)
        found = self.literal_ids.get(value)
        if found and (not types or self.by_id[found].type in types):
            return found
        last = value.rstrip("/").rsplit("/", 1)[-1]
        for rtype in types:
            found = self.names.get((rtype, value)) or self.names.get((rtype, last))
            if found:
                return found
        return value


class Reader:
    """Reads one resource's values, resolving references through the source's Resolver."""

    def __init__(self, ctx: Context, resource: TfResource) -> None:
        self.ctx = ctx
        self.resource = resource

    @property
    def values(self) -> dict[str, Any]:
        return self.resource.values

    def raw(self, mapping: dict[str, Any] | Unknown | None, key: str) -> Any:
        """The value as resolved: plain, a Ref or an Unknown (None when absent). Inside an
        unknown block, everything is unknown for the same reason."""
        if isinstance(mapping, Unknown):
            return mapping
        if not isinstance(mapping, dict):
            return None
        return self.ctx.resolver.resolve(self.resource, mapping.get(key))

    def value(self, mapping: dict[str, Any] | Unknown | None, key: str) -> Any:
        """A plain fact: a value computed from another resource is unknown."""
        return computed_to_unknown(self.raw(mapping, key))

    def rel(self, mapping: dict[str, Any] | None, key: str, types: Iterable[str] = ()) -> Any:
        """A value naming one resource: its id when the resource is in the input."""
        return self.to_rel(self.raw(mapping, key), types)

    def to_rel(self, value: Any, types: Iterable[str] = ()) -> Any:
        if isinstance(value, list):
            value = value[0] if len(value) == 1 else value
        if isinstance(value, Ref):
            if len(value.addresses) == 1:
                return value.addresses[0]
            return Unknown(f"refers to several resources: {', '.join(value.addresses)}")
        if isinstance(value, str):
            return self.ctx.literal_to_id(value, types)
        if isinstance(value, list | dict):
            return Unknown("expected a single value")
        return value

    def rels(self, mapping: dict[str, Any] | None, key: str, types: Iterable[str] = ()) -> Any:
        """A list of values naming resources: their ids (an Unknown if any is unknown)."""
        return self.to_rels(self.raw(mapping, key), types)

    def to_rels(self, value: Any, types: Iterable[str] = ()) -> Any:
        if value is None:
            return []
        items = value if isinstance(value, list) else [value]
        out: list[str] = []
        for item in items:
            if isinstance(item, Unknown):
                return item
            if isinstance(item, Ref):
                out.extend(a for a in item.addresses if a not in out)
            elif isinstance(item, list):
                nested = self.to_rels(item, types)
                if isinstance(nested, Unknown):
                    return nested
                out.extend(a for a in nested if a not in out)
            elif item is not None:
                mapped = self.ctx.literal_to_id(str(item), types)
                if mapped not in out:
                    out.append(mapped)
        return out

    def blocks(
        self, mapping: dict[str, Any] | Unknown | None, key: str
    ) -> list[dict[str, Any]] | Unknown:
        """Nested blocks as a list of objects (one block may come as a bare object); an
        unknown enclosing block makes them unknown."""
        if isinstance(mapping, Unknown):
            return mapping
        if not isinstance(mapping, dict):
            return []
        value = mapping.get(key)
        if isinstance(value, Unknown):
            return value
        if isinstance(value, Ref):
            return Unknown(KNOWN_AFTER_APPLY)
        if isinstance(value, dict):
            return [value]
        if isinstance(value, list):
            return [v for v in value if isinstance(v, dict)]
        return []

    def block(
        self, mapping: dict[str, Any] | Unknown | None, key: str
    ) -> dict[str, Any] | Unknown | None:
        """The first nested block of that name, or None."""
        found = self.blocks(mapping, key)
        if isinstance(found, Unknown):
            return found
        return found[0] if found else None

    def string_map(self, mapping: dict[str, Any] | None, key: str) -> dict[str, str]:
        """A map of strings (tags, labels); a value that cannot be resolved becomes ""."""
        value = self.raw(mapping, key)
        if not isinstance(value, dict):
            return {}
        out: dict[str, str] = {}
        for k, v in value.items():
            v = self.ctx.resolver.resolve(self.resource, v)
            out[str(k)] = "" if isinstance(v, Ref | Unknown) or v is None else to_str(v)
        return out


def computed_to_unknown(value: Any) -> Any:
    if isinstance(value, Ref):
        return Unknown(f"{KNOWN_AFTER_APPLY}: computed from {', '.join(value.addresses)}")
    if isinstance(value, list):
        for item in value:
            if isinstance(item, Ref | Unknown):
                return computed_to_unknown(item)
    return value


class Builder:
    """Writes one normalised object; unknown values go to `unknown`, never to attributes."""

    def __init__(
        self,
        path: str = "",
        target: dict[str, Any] | None = None,
        unknown: dict[str, str] | None = None,
    ) -> None:
        self.path = path
        self.attrs: dict[str, Any] = {} if target is None else target
        self.unknown: dict[str, str] = {} if unknown is None else unknown

    def _path(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def mark_unknown(self, key: str, reason: str) -> None:
        self.attrs.pop(key, None)
        self.unknown[self._path(key)] = reason

    def put(self, key: str, value: Any, conv: Converter | None = None, default: Any = None) -> None:
        """Set `key` to `conv(value)`, to `default` when absent, or mark it unknown."""
        value = computed_to_unknown(value)
        if isinstance(value, Unknown):
            self.mark_unknown(key, value.reason)
            return
        if value is None:
            self.attrs[key] = default
            return
        try:
            self.attrs[key] = conv(value) if conv else value
        except (TypeError, ValueError):
            self.mark_unknown(key, f"unexpected value of type {type(value).__name__}")

    def put_list(self, key: str, value: Any, conv: Converter = lambda v: v) -> None:
        """Set `key` to a list (a bare value is a list of one; absent is empty)."""
        value = computed_to_unknown(value)
        if isinstance(value, Unknown):
            self.mark_unknown(key, value.reason)
            return
        items = [] if value is None else value if isinstance(value, list) else [value]
        try:
            self.attrs[key] = [conv(v) for v in _flatten(items) if v is not None]
        except (TypeError, ValueError):
            self.mark_unknown(key, "unexpected value in list")

    def child(self, key: str) -> Builder:
        """A nested object at `key`."""
        target = self.attrs.get(key)
        if not isinstance(target, dict):
            target = self.attrs[key] = {}
        return Builder(self._path(key), target, self.unknown)

    def item(self, key: str) -> Builder:
        """A new object appended to the list at `key`."""
        items = self.attrs.setdefault(key, [])
        target: dict[str, Any] = {}
        path = f"{self._path(key)}.{len(items)}"
        items.append(target)
        return Builder(path, target, self.unknown)

    def has(self, key: str) -> bool:
        return key in self.attrs or self._path(key) in self.unknown


def _flatten(items: list[Any]) -> list[Any]:
    """Checkov sometimes nests list elements one level deeper; a list attribute is flat."""
    out: list[Any] = []
    for item in items:
        if isinstance(item, list):
            out.extend(_flatten(item))
        else:
            out.append(item)
    return out


# ---------------------------------------------------------------------------------
# Conversions: HCL gives "true"/"443" strings where a variable was rendered.


def to_str(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    raise TypeError(type(value).__name__)


def to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise TypeError("bool")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return int(value.strip())
    raise TypeError(type(value).__name__)


def to_number(value: Any) -> int | float:
    """A number written as a number or a rendered string ("20", "0.5"): rates and
    limits, which may be fractional."""
    if isinstance(value, bool):
        raise TypeError("bool")
    if isinstance(value, int | float):
        return int(value) if float(value).is_integer() else value
    if isinstance(value, str):
        number = float(value.strip())
        return int(number) if number.is_integer() else number
    raise TypeError(type(value).__name__)


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if isinstance(value, int):
        return bool(value)
    raise TypeError(type(value).__name__)


def last_segment(value: Any) -> str:
    """`projects/p/zones/z/machineTypes/a2-highgpu-1g` → `a2-highgpu-1g`."""
    return to_str(value).rstrip("/").rsplit("/", 1)[-1]


def parse_json_document(value: Any) -> dict[str, Any] | Unknown | None:
    """A policy document written as jsonencode(...) (a dict) or as a JSON string."""
    value = computed_to_unknown(value)
    if value is None or isinstance(value, Unknown):
        return value
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, dict):
        # A jsonencode(...) rendered by checkov: its "true"/"false" strings come back
        # as "True"/"False".
        return _json_booleans(json.loads(json.dumps(value, default=str)))
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            parsed = json.loads(value)
        except ValueError:
            return Unknown("the policy is not a JSON document that could be read")
        if isinstance(parsed, dict):
            return parsed
    return Unknown("the policy is not a JSON object")


def _json_booleans(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json_booleans(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_booleans(v) for v in value]
    return {"True": "true", "False": "false"}.get(value, value) if isinstance(value, str) else value


# ---------------------------------------------------------------------------------
# Declarations


@dataclass
class Built:
    """A normalised resource being built, with its raw source and folding state."""

    resource: Resource
    builder: Builder
    raw: TfResource | None
    state: dict[str, Any] = field(default_factory=dict)


BuildFn = Callable[[Reader, Builder], None]
FinishFn = Callable[[Context, Built], None]
FoldFn = Callable[[Reader, Built], None]


@dataclass(frozen=True)
class KindSpec:
    """Terraform `types` → normalised `kind`; `finish` runs after every fold."""

    kind: str
    types: tuple[str, ...]
    build: BuildFn
    finish: FinishFn | None = None


@dataclass(frozen=True)
class FoldSpec:
    """A sub-resource type folded into the resource its `parent_key` names."""

    types: tuple[str, ...]
    parent_types: tuple[str, ...]
    parent_key: str
    fold: FoldFn
    stub: bool = True
    """Whether a sub-resource whose parent is not in the input becomes a partial
    resource of the parent's kind (so its settings are still judged), or is dropped."""
    stub_attribute: str | None = None
    """The partial resource's attribute that the parent's literal id is (a bucket name)."""
