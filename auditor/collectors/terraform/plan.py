"""Terraform plans: the JSON of `terraform show -json PLAN` (or of a state).

Each managed resource's `change.after` is read with its `after_unknown`, and the plan's
`configuration` is used twice:

- a value known only after apply whose expression references managed resources becomes
  a `Ref` to them (so `vpc_security_group_ids = [aws_security_group.web.id]` still names
  the group); with no such reference it is `Unknown("known after apply")`;
- a value known only after apply that the configuration does not write at all is a
  value the provider computes: it is treated as not set, exactly as in HCL, so that the
  documented defaults apply to both (an instance without `associate_public_ip_address`
  follows its subnet whether read as code or as a plan).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.collectors.base import Progress, no_progress
from auditor.collectors.terraform.normalise import is_relevant, make_snapshot, normalise
from auditor.collectors.terraform.raw import KNOWN_AFTER_APPLY, Ref, TfResource, Unknown
from auditor.collectors.terraform.references import (
    NON_RESOURCE_HEADS,
    AddressIndex,
    join_address,
    module_prefix,
    split_module_prefix,
    split_traversal,
)
from auditor.model import Problem, Snapshot

SOURCE = "terraform-plan"
_NOT_CONFIGURED = None
_NO_CONFIGURATION = object()  # the plan carries no configuration for this resource
_ABSENT = object()  # a computed value the configuration does not write: not set
_MAX_DEPTH = 16


class PlanCollector:
    """Reads a `terraform show -json` document into a Snapshot."""

    name = SOURCE
    makes_cycles = False

    def __init__(self, path: str) -> None:
        self.path = path

    def collect(self, progress: Progress = no_progress) -> Snapshot:
        scope = f"{SOURCE}:{self.path}"
        progress(f"terraform plan: reading {self.path}")
        document, problem = load_document(self.path)
        if problem is not None:
            error = f"{self.path}: {problem.message}"
            return make_snapshot([], [problem], SOURCE, scope, self.path, error)
        try:
            plan = read_plan(document)
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            problem = Problem(SOURCE, f"unexpected plan structure: {exc}", file=self.path)
            error = f"{self.path}: {problem.message}"
            return make_snapshot([], [problem], SOURCE, scope, self.path, error)
        progress(f"terraform plan: normalising {len(plan.resources)} resources")
        resources = normalise(plan.resources, plan.resolver, SOURCE, scope)
        return make_snapshot(resources, [], SOURCE, scope, self.path, None)


def load_document(path: str) -> tuple[dict[str, Any], Problem | None]:
    """The parsed document, or the problem that prevents reading it."""
    target = Path(path)
    if not target.is_file():
        message = "is a directory" if target.is_dir() else "no such file or directory"
        return {}, Problem(SOURCE, message, file=path)
    try:
        document = json.loads(target.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        return {}, Problem(SOURCE, "not a text file", file=path)
    except json.JSONDecodeError as exc:
        message = f"invalid JSON: {exc.msg} (column {exc.colno})"
        return {}, Problem(SOURCE, message, file=path, line=exc.lineno)
    if not isinstance(document, dict) or not (
        {"planned_values", "resource_changes", "values"} & document.keys()
    ):
        return {}, Problem(SOURCE, "not the JSON of `terraform show -json`", file=path)
    major = str(document.get("format_version", "1.0")).split(".", 1)[0]
    if major not in ("0", "1"):
        message = f"unsupported format_version {document.get('format_version')!r}"
        return {}, Problem(SOURCE, message, file=path)
    return document, None


@dataclass
class Plan:
    resources: list[TfResource] = field(default_factory=list)
    resolver: PlanResolver = field(default_factory=lambda: PlanResolver())


def read_plan(document: dict[str, Any]) -> Plan:
    config = ConfigIndex(document.get("configuration") or {})
    entries = list(_entries(document))
    resolver = PlanResolver(config, AddressIndex(e.address for e in entries))
    plan = Plan(resolver=resolver)
    for entry in entries:
        if is_relevant(entry.type):
            plan.resources.append(_resource(entry, config, resolver))
    return plan


@dataclass
class _Entry:
    address: str
    type: str
    name: str
    module_address: str
    after: dict[str, Any]
    after_unknown: Any
    provider_name: str


def _entries(document: dict[str, Any]) -> Iterator[_Entry]:
    """Managed resources as they will be after apply (deleted ones are gone)."""
    changes = document.get("resource_changes")
    if isinstance(changes, list):
        for rc in changes:
            change = rc.get("change") or {}
            after = change.get("after")
            if rc.get("mode", "managed") != "managed" or not isinstance(after, dict):
                continue
            yield _Entry(
                rc["address"],
                rc["type"],
                rc["name"],
                rc.get("module_address", ""),
                after,
                change.get("after_unknown") or {},
                rc.get("provider_name", ""),
            )
        return
    # A state, or a plan without resource_changes: values are all known.
    root = (document.get("planned_values") or document.get("values") or {}).get("root_module")
    yield from _module_entries(root or {})


def _module_entries(module: dict[str, Any], module_address: str = "") -> Iterator[_Entry]:
    for res in module.get("resources") or []:
        if res.get("mode", "managed") == "managed" and isinstance(res.get("values"), dict):
            yield _Entry(
                res["address"],
                res["type"],
                res["name"],
                module_address,
                res["values"],
                {},
                res.get("provider_name", ""),
            )
    for child in module.get("child_modules") or []:
        yield from _module_entries(child, child.get("address", ""))


def _resource(entry: _Entry, config: ConfigIndex, resolver: PlanResolver) -> TfResource:
    conf = config.resource(entry.module_address, entry.type, entry.name)
    expressions = conf.get("expressions", {}) if conf is not None else _NO_CONFIGURATION
    values = _merge(entry.after, entry.after_unknown, expressions, entry.module_address, resolver)
    if isinstance(values, dict) and isinstance(values.get("tags_all"), dict):
        values["tags"] = values["tags_all"]  # with the provider's default tags, as in HCL
    provider = config.provider(conf, entry.provider_name)
    return TfResource(
        id=entry.address,
        type=entry.type,
        name=entry.name,
        values=values if isinstance(values, dict) else {},
        region=_constant(provider, "region"),
        account=_constant(provider, "project"),
        context=entry.module_address,
    )


def _constant(provider: dict[str, Any], key: str) -> str | None:
    value = (provider.get("expressions", {}).get(key) or {}).get("constant_value")
    return value if isinstance(value, str) else None


# ---------------------------------------------------------------------------------
# after + after_unknown + configuration → values with Ref / Unknown markers


def _merge(after: Any, unknown: Any, expr: Any, module: str, resolver: PlanResolver) -> Any:
    if unknown is True:
        if expr is _NOT_CONFIGURED:
            return _ABSENT
        if isinstance(expr, list | dict) and not _is_expression(expr):
            return _from_config(expr, module, resolver)
        refs = resolver.expression_refs(module, expr)
        return Ref(tuple(refs)) if refs else Unknown(KNOWN_AFTER_APPLY)
    if isinstance(after, dict) or isinstance(unknown, dict):
        known = after if isinstance(after, dict) else {}
        unknowns = unknown if isinstance(unknown, dict) else {}
        out = {}
        for key in dict.fromkeys([*known, *unknowns]):
            value = _merge(
                known.get(key), unknowns.get(key, False), _sub(expr, key), module, resolver
            )
            if value is not _ABSENT:
                out[key] = value
        return out
    if isinstance(after, list) or isinstance(unknown, list):
        known_list = after if isinstance(after, list) else []
        unknown_list = unknown if isinstance(unknown, list) else []
        items = []
        for i in range(max(len(known_list), len(unknown_list))):
            value = _merge(
                known_list[i] if i < len(known_list) else None,
                unknown_list[i] if i < len(unknown_list) else False,
                _item(expr, i),
                module,
                resolver,
            )
            items.append(None if value is _ABSENT else value)
        return items
    return after


def _from_config(expr: Any, module: str, resolver: PlanResolver) -> Any:
    """Blocks known only after apply (a set holding one unknown element is unknown as a
    whole), rebuilt from what the configuration writes: constants as written,
    references as Refs, anything else unknown."""
    if _is_expression(expr):
        if "constant_value" in expr:
            return expr["constant_value"]
        refs = resolver.expression_refs(module, expr)
        return Ref(tuple(refs)) if refs else Unknown(KNOWN_AFTER_APPLY)
    if isinstance(expr, list):
        return [_from_config(item, module, resolver) for item in expr]
    if isinstance(expr, dict) and expr:
        return {key: _from_config(value, module, resolver) for key, value in expr.items()}
    return Unknown(KNOWN_AFTER_APPLY)


def _is_expression(expr: Any) -> bool:
    return isinstance(expr, dict) and bool(expr) and expr.keys() <= {"references", "constant_value"}


def _sub(expr: Any, key: str) -> Any:
    """The expression of attribute `key` within `expr` (a whole-value expression covers
    everything inside it)."""
    if expr is _NO_CONFIGURATION or expr is _NOT_CONFIGURED or _is_expression(expr):
        return expr
    if isinstance(expr, dict):
        return expr.get(key, _NOT_CONFIGURED)
    if isinstance(expr, list) and len(expr) == 1 and isinstance(expr[0], dict):
        return expr[0].get(key, _NOT_CONFIGURED)
    return _NO_CONFIGURATION


def _item(expr: Any, index: int) -> Any:
    """The expression of element `index`: a block of a list of blocks, or the whole-value
    expression of a list attribute."""
    if expr is _NO_CONFIGURATION or expr is _NOT_CONFIGURED or _is_expression(expr):
        return expr
    if isinstance(expr, list):
        return expr[index] if index < len(expr) else _NO_CONFIGURATION
    return _NO_CONFIGURATION


# ---------------------------------------------------------------------------------
# configuration and references


class ConfigIndex:
    """The plan's `configuration`, indexed by module path (without instance keys)."""

    def __init__(self, configuration: dict[str, Any]) -> None:
        self.resources: dict[str, dict[str, Any]] = {}
        self.outputs: dict[tuple[str, str], dict[str, Any]] = {}
        self.module_calls: dict[tuple[str, str], dict[str, Any]] = {}
        self.providers: dict[str, dict[str, Any]] = configuration.get("provider_config") or {}
        self._walk(configuration.get("root_module") or {}, "")

    def _walk(self, module: dict[str, Any], prefix: str) -> None:
        for res in module.get("resources") or []:
            if res.get("mode", "managed") != "managed" or "address" not in res:
                continue
            address = res["address"]
            if prefix and not address.startswith(f"{prefix}."):
                address = join_address(prefix, address)
            self.resources[address] = res
        for name, output in (module.get("outputs") or {}).items():
            self.outputs[(prefix, name)] = output
        for name, call in (module.get("module_calls") or {}).items():
            self.module_calls[(prefix, name)] = call
            self._walk(call.get("module") or {}, join_address(prefix, f"module.{name}"))

    def resource(self, module_address: str, rtype: str, name: str) -> dict[str, Any] | None:
        return self.resources.get(join_address(config_path(module_address), f"{rtype}.{name}"))

    def provider(self, conf: dict[str, Any] | None, provider_name: str) -> dict[str, Any]:
        key = (conf or {}).get("provider_config_key", "")
        short = provider_name.rsplit("/", 1)[-1]
        for candidate in (key, key.rsplit(":", 1)[-1], short):
            if candidate and candidate in self.providers:
                return self.providers[candidate]
        return {}


def config_path(module_address: str) -> str:
    """`module.a["x"].module.b[0]` → `module.a.module.b`."""
    return ".".join(f"module.{s.name}" for s in split_module_prefix(module_address))


class PlanResolver:
    """Values are already marked (`_merge`); this resolves configuration references."""

    def __init__(self, config: ConfigIndex | None = None, index: AddressIndex | None = None):
        self.config = config or ConfigIndex({})
        self.index = index or AddressIndex()

    def resolve(self, resource: TfResource, value: Any) -> Any:
        return value

    def expression_refs(self, module: str, expr: Any, depth: int = 0) -> list[str]:
        """Addresses of the managed resources an expression (or a block of them) refers to."""
        refs: list[str] = []
        for ref in _references(expr):
            for address in self._resolve_ref(module, ref, depth):
                if address not in refs:
                    refs.append(address)
        return refs

    def _resolve_ref(self, module: str, ref: str, depth: int) -> list[str]:
        steps = split_traversal(ref)
        if not steps or depth >= _MAX_DEPTH:
            return []
        head = steps[0].name
        if head == "var":
            return self._variable(module, steps[1].name, depth)
        if head == "module":
            return self._module_output(module, steps, depth)
        if head in NON_RESOURCE_HEADS:
            return []
        return self.index.lookup(module, head, steps[1])

    def _variable(self, module: str, name: str, depth: int) -> list[str]:
        """A module variable: the references of the caller's argument."""
        steps = split_module_prefix(module)
        if not steps:
            return []
        parent = module_prefix(steps[:-1])
        call = self.config.module_calls.get((config_path(parent), steps[-1].name)) or {}
        expr = (call.get("expressions") or {}).get(name)
        return self.expression_refs(parent, expr, depth + 1)

    def _module_output(self, module: str, steps: list[Any], depth: int) -> list[str]:
        if len(steps) < 3:
            return []
        called = steps[1]
        suffix = module_prefix([called]).removeprefix("module.")
        child = join_address(module, f"module.{suffix}")
        output = self.config.outputs.get((config_path(child), steps[2].name)) or {}
        return self.expression_refs(child, output.get("expression"), depth + 1)


def _references(expr: Any) -> list[str]:
    """The most specific references of an expression, or of every expression in a block
    (`aws_instance.gpu[0].id` makes `aws_instance.gpu` redundant)."""
    found: list[str] = []
    _collect_references(expr, found)
    return [
        ref
        for ref in found
        if not any(o != ref and (o.startswith(f"{ref}.") or o.startswith(f"{ref}[")) for o in found)
    ]


def _collect_references(expr: Any, found: list[str]) -> None:
    if isinstance(expr, list):
        for item in expr:
            _collect_references(item, found)
    elif isinstance(expr, dict):
        refs = expr.get("references")
        if isinstance(refs, list):
            found.extend(r for r in refs if isinstance(r, str) and r not in found)
        for key, value in expr.items():
            if key not in ("references", "constant_value"):
                _collect_references(value, found)
