"""Terraform HCL: a directory (or one .tf file) read through checkov's parser and graph.

checkov parses every file on its own (a malformed file is reported and the others are
still read), loads local modules, and renders variables, locals and `count`/`for_each`
into each resource's attributes (checkov_graph.py). We read those rendered attributes,
once, and never run checkov's checks. Two things are done here rather than by checkov:

- dynamic blocks are expanded here: checkov's expansion drops the static blocks of the
  same name (a static `egress` next to a `dynamic "egress"` is lost);
- references left in the rendered values (`aws_security_group.web.id`, a module output,
  an unset variable) are resolved by `HclResolver` to resource addresses, values or
  unknowns: a module output that is a splat, indexed (`module.net.subnet_ids[0]`, or
  through element()), resolves to that one instance; a variable that checkov left as
  text inside a list of objects passed to a module resolves to its value (default,
  tfvars or the caller's argument);
- a `jsonencode(...)` value whose rendering checkov broke (a list mixing `x.arn` and
  `"${x.arn}/*"`) is read from the expression as written (`HclResolver.
  jsonencode_as_written`).
"""

from __future__ import annotations

import ast
import os
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from auditor.collectors.base import Progress, no_progress
from auditor.collectors.terraform.checkov_graph import SOURCE, Rendered, render_directory
from auditor.collectors.terraform.normalise import is_relevant, make_snapshot, normalise
from auditor.collectors.terraform.parallel_parse import error_message
from auditor.collectors.terraform.raw import Ref, TfResource, Unknown
from auditor.collectors.terraform.references import (
    AddressIndex,
    Step,
    format_index,
    join_address,
    looks_like_resource_type,
    parent_prefix,
    split_traversal,
    unwrap_interpolation,
)
from auditor.model import Location, Problem, Snapshot

# Meta-arguments and checkov's own annotations: not attributes of the resource.
_SKIPPED_KEYS = frozenset(
    {
        "resource_type",
        "count",
        "for_each",
        "depends_on",
        "lifecycle",
        "provider",
        "provisioner",
        "connection",
        "timeouts",
        "dynamic",
        "encryption_",
        "encryption_details_",
    }
)
_CALL = re.compile(r"^[a-z][a-z0-9_]*\(.*\)$", re.S)
# `${aws_subnet.private[*].id}["1"]` and `element(${aws_subnet.private[*].id}, 0)`: what
# checkov leaves of `module.net.subnet_ids[1]` and `element(module.net.subnet_ids, 0)`.
_INDEXED = re.compile(r'(?P<inner>\$\{[^{}]+\})\[\s*"?(?P<index>[\w-]+)"?\s*\]')
_ELEMENT = re.compile(
    r"element\(\s*(?P<inner>\$\{[^{}]+\}|[\w.\[\]*\"-]+)\s*,\s*(?P<index>\d+)\s*\)"
)
_MAX_DEPTH = 16
NO_VALUE = object()
"""A declared variable without a value (no default, no tfvars, no module argument)."""
_NOT_A_REFERENCE = object()
"""What a traversal resolves to when it names nothing (`a.b` in a literal string)."""


class TerraformCollector:
    """Reads a directory of .tf files (or a single .tf file) into a Snapshot."""

    name = SOURCE

    def __init__(self, path: str) -> None:
        self.path = path

    def collect(self, progress: Progress = no_progress) -> Snapshot:
        scope = f"{SOURCE}:{self.path}"
        progress(f"terraform: reading {self.path}")
        parsed = read_hcl(self.path)
        progress(f"terraform: normalising {len(parsed.resources)} resources")
        resources = normalise(parsed.resources, parsed.resolver, SOURCE, scope)
        error = "; ".join(f"{p.file or self.path}: {p.message}" for p in parsed.problems)
        return make_snapshot(resources, parsed.problems, SOURCE, scope, self.path, error or None)


@dataclass
class Parsed:
    resources: list[TfResource] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    resolver: HclResolver = field(default_factory=lambda: HclResolver())


def read_hcl(path: str) -> Parsed:
    """Parse and render `path`; bad input becomes problems, never an exception."""
    target = Path(path)
    if not target.exists():
        return Parsed(problems=[Problem(SOURCE, "no such file or directory", file=path)])
    if target.is_file() and target.suffix != ".tf":
        return Parsed(problems=[Problem(SOURCE, "not a .tf file", file=path)])
    if target.is_dir() and not any(target.rglob("*.tf")):
        return Parsed(problems=[Problem(SOURCE, "no .tf files found", file=path)])
    try:
        rendered = render_directory(target)
    except Exception as exc:  # checkov failing on odd input must not end the scan
        return Parsed(problems=[Problem(SOURCE, f"could not be read: {exc}", file=path)])
    reader = _VertexReader(path, target, rendered)
    parsed = reader.read(rendered.vertices)
    parsed.problems[:0] = [
        reader.parse_problem(file, exc) for file, exc in sorted(rendered.errors.items())
    ]
    return parsed


# ---------------------------------------------------------------------------------
# Vertices → TfResources


@dataclass(frozen=True)
class HclScope:
    """Where a reference is resolved: the root module's directory and module prefix."""

    root: str
    prefix: str


class _VertexReader:
    def __init__(self, given: str, target: Path, rendered: Rendered) -> None:
        self.given = given
        self.single_file = target.is_file()
        self.base = rendered.base
        self.rendered = rendered
        self.resolver = HclResolver(rendered.base)
        self.providers: dict[tuple[str, str], dict[str, Any]] = {}
        # (resource, attribute, expression as written) of the jsonencode(...) values
        # checkov could not render: evaluated once every resource address is known.
        self.as_written: list[tuple[TfResource, str, Any]] = []

    def read(self, vertices: list[Any]) -> Parsed:
        from checkov.terraform.graph_builder.graph_components.block_types import BlockType

        parsed = Parsed(resolver=self.resolver)
        resource_vertices = []
        for vertex in vertices:
            kind = vertex.block_type
            if kind == BlockType.RESOURCE:
                resource_vertices.append(vertex)
            elif kind == BlockType.OUTPUT:
                self._output(vertex)
            elif kind == BlockType.VARIABLE:
                self._variable(vertex)
            elif kind == BlockType.PROVIDER:
                self._provider(vertex)
            elif kind == BlockType.MODULE:
                problem = self._unloaded_module(vertex)
                if problem:
                    parsed.problems.append(problem)
        for vertex in resource_vertices:
            resource = self._resource(vertex)
            if resource is not None:
                parsed.resources.append(resource)
        for resource, key, written in self.as_written:
            resource.values[key] = self.resolver.jsonencode_as_written(resource, written)
        return parsed

    # -- locations ----------------------------------------------------------------

    def relative(self, file: str) -> str:
        """Paths as the user knows them: relative to the scanned directory, or the file
        as given."""
        if self.single_file and os.path.abspath(file) == os.path.abspath(self.given):
            return self.given
        return os.path.relpath(file, self.base)

    def parse_problem(self, file: str, exc: Exception) -> Problem:
        line = getattr(exc, "line", None)
        return Problem(
            SOURCE,
            f"invalid HCL: {error_message(exc)}",
            file=self.relative(file),
            line=line if isinstance(line, int) and line > 0 else None,
        )

    def _scope(self, vertex: Any) -> HclScope:
        module = getattr(vertex, "source_module_object", None)
        prefix_steps: list[str] = []
        root_file = vertex.path
        while module is not None:
            index = module.foreach_idx
            suffix = format_index(str(index)) if index is not None else ""
            prefix_steps.insert(0, f"module.{module.name}{suffix}")
            root_file = module.path
            module = module.nested_tf_module
        return HclScope(os.path.dirname(root_file), ".".join(prefix_steps))

    # -- blocks other than resources ------------------------------------------------

    def _output(self, vertex: Any) -> None:
        scope = self._scope(vertex)
        value = _unwrap(vertex.attributes.get("value"))
        self.resolver.outputs[(scope.root, scope.prefix, vertex.name)] = value

    def _variable(self, vertex: Any) -> None:
        """A variable's value as checkov rendered it: its default, the tfvars value or
        the calling module's argument (checkov writes all three into `default`)."""
        scope = self._scope(vertex)
        attributes = vertex.attributes
        value = _unwrap(attributes["default"]) if "default" in attributes else NO_VALUE
        self.resolver.variables[(scope.root, scope.prefix, vertex.name)] = value

    def _provider(self, vertex: Any) -> None:
        scope = self._scope(vertex)
        address = vertex.attributes.get("__address__") or f"{vertex.name}.default"
        settings = {key: _unwrap(vertex.attributes.get(key)) for key in ("region", "project")}
        default_tags = _unwrap(vertex.attributes.get("default_tags"))
        if isinstance(default_tags, dict):
            settings["default_tags"] = _unwrap(default_tags.get("tags"))
        self.providers[(scope.root, address)] = settings

    def _provider_of(self, root: str, rtype: str, address: Any) -> dict[str, Any]:
        """The provider block of a resource (checkov's guess, when it names a provider of
        the resource's own kind, else the default one)."""
        kind = rtype.split("_", 1)[0]
        if not (isinstance(address, str) and address.startswith(f"{kind}.")):
            address = f"{kind}.default"
        return self.providers.get((root, address), {})

    def _unloaded_module(self, vertex: Any) -> Problem | None:
        config = vertex.config.get(vertex.name) if isinstance(vertex.config, dict) else None
        if not isinstance(config, dict) or config.get("__resolved__"):
            return None
        source = _unwrap(config.get("source"))
        return Problem(
            SOURCE,
            f"module {vertex.name} (source {source!r}) was not read: only modules on the local "
            "disk are read",
            file=self.relative(vertex.path),
            line=_line(config.get("__start_line__")),
        )

    # -- resources --------------------------------------------------------------------

    def _resource(self, vertex: Any) -> TfResource | None:
        attributes = vertex.attributes
        rtype = _unwrap(attributes.get("resource_type")) or vertex.name.split(".", 1)[0]
        address = attributes.get("__address__") or vertex.name
        scope = self._scope(vertex)
        self.resolver.index(scope.root).add(address)
        if not is_relevant(rtype):
            return None
        rid = self.resolver.resource_id(scope.root, address)
        name = vertex.name.split(".", 1)[1] if "." in vertex.name else vertex.name
        provider = self._provider_of(scope.root, rtype, attributes.get("__provider_address__"))
        values = _values(attributes, _raw_config(vertex))
        default_tags = provider.get("default_tags")
        if isinstance(default_tags, dict):
            # What the plan calls tags_all: the provider's default tags under the own.
            own = values.get("tags")
            values["tags"] = {**default_tags, **(own if isinstance(own, dict) else {})}
        broken = [key for key, value in values.items() if _unrendered_jsonencode(value)]
        written = (
            self.rendered.resource_as_written(vertex.path, rtype, name.split("[", 1)[0])
            if broken
            else {}
        )
        resource = TfResource(
            id=rid,
            type=rtype,
            name=name.split("[", 1)[0],
            values=values,
            location=Location(
                file=self.relative(vertex.path),
                line=_line(attributes.get("__start_line__")),
                end_line=_line(attributes.get("__end_line__")),
            ),
            region=_literal(self.resolver, provider.get("region")),
            account=_literal(self.resolver, provider.get("project")),
            context=HclScope(scope.root, _module_part(address)),
        )
        self.as_written.extend((resource, key, written[key]) for key in broken if key in written)
        return resource


def _unrendered_jsonencode(value: Any) -> bool:
    """checkov gave up on a jsonencode(...): it left the call as text."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    if text.startswith("${"):
        text = text[2:].lstrip()
    return text.startswith("jsonencode(")


def _module_part(address: str) -> str:
    """`module.a.module.b[0].aws_x.y` → `module.a.module.b[0]`."""
    steps = split_traversal(address) or []
    parts: list[str] = []
    i = 0
    while i + 1 < len(steps) and steps[i].name == "module":
        step = steps[i + 1]
        parts.append(f"module.{step.name}{format_index(step.index) if step.index else ''}")
        i += 2
    return ".".join(parts)


def _literal(resolver: HclResolver, value: Any) -> str | None:
    return value if isinstance(value, str) and resolver.is_literal(value) else None


def _unwrap(value: Any) -> Any:
    return value[0] if isinstance(value, list) and len(value) == 1 else value


def _line(value: Any) -> int | None:
    value = _unwrap(value)
    return value if isinstance(value, int) else None


def _raw_config(vertex: Any) -> dict[str, Any]:
    """The resource's block as parsed (before rendering)."""
    config = vertex.config if isinstance(vertex.config, dict) else {}
    by_name = next(iter(config.values()), {}) if config else {}
    body = next(iter(by_name.values()), {}) if isinstance(by_name, dict) and by_name else {}
    return body if isinstance(body, dict) else {}


def _values(attributes: dict[str, Any], raw: dict[str, Any]) -> dict[str, Any]:
    """checkov's rendered attributes in a plan's shape: top-level attributes come wrapped
    in a one-element list, blocks come bare (one) or as a list (several)."""
    values = {
        key: _unwrap(value)
        for key, value in attributes.items()
        if not key.startswith("__") and "." not in key and key not in _SKIPPED_KEYS
    }
    _expand_dynamic(values, attributes.get("dynamic"), raw)
    _expand_nested_dynamic(values, raw)
    return values


def _expand_nested_dynamic(values: dict[str, Any], raw: dict[str, Any]) -> None:
    """Dynamic blocks inside blocks (an access_config inside a network_interface)."""
    for key, value in values.items():
        blocks = [value] if isinstance(value, dict) else value if isinstance(value, list) else []
        written = raw.get(key)
        raw_blocks = written if isinstance(written, list) else [written]
        for i, block in enumerate(blocks):
            if not isinstance(block, dict):
                continue
            raw_block = raw_blocks[i] if i < len(raw_blocks) else None
            raw_block = raw_block if isinstance(raw_block, dict) else {}
            if "dynamic" in block:
                _expand_dynamic(block, block.pop("dynamic"), raw_block)
            _expand_nested_dynamic(block, raw_block)


def _expand_dynamic(values: dict[str, Any], dynamic: Any, raw: dict[str, Any]) -> None:
    """Replace checkov's unrendered copies of each dynamic block's content by one block
    per for_each element, after the static blocks of the same name (which checkov lists
    first; their number is read from the parsed block)."""
    specs = dynamic if isinstance(dynamic, list) else [dynamic] if isinstance(dynamic, dict) else []
    for spec in specs:
        if not isinstance(spec, dict):
            continue
        for name, body in spec.items():
            body = _unwrap(body)
            if not isinstance(body, dict):
                continue
            static = values.get(name)
            static_blocks = [static] if isinstance(static, dict) else static or []
            written = raw.get(name)
            static_count = len(written) if isinstance(written, list) else int(bool(written))
            static_blocks = static_blocks[:static_count]
            for_each = body.get("for_each")
            content = _unwrap(body.get("content")) or {}
            iterator = _unwrap(body.get("iterator")) or name
            if isinstance(for_each, list):
                items = list(enumerate(for_each))
            elif isinstance(for_each, dict):
                items = list(for_each.items())
            else:
                values[name] = Unknown(
                    f"the for_each of dynamic block {name} could not be resolved"
                )
                continue
            rendered = [_substitute(content, iterator, key, item) for key, item in items]
            values[name] = [b for b in static_blocks if isinstance(b, dict)] + rendered


def _substitute(value: Any, iterator: str, key: Any, item: Any) -> Any:
    """A dynamic block's content with `<iterator>.key` / `<iterator>.value[.x]` filled in."""
    if isinstance(value, dict):
        return {k: _substitute(v, iterator, key, item) for k, v in value.items()}
    if isinstance(value, list):
        return [_substitute(v, iterator, key, item) for v in value]
    if not isinstance(value, str) or f"{iterator}." not in value:
        return value
    pattern = _iterator_pattern(iterator)
    whole = pattern.fullmatch(value.strip())
    if whole:
        return _iterator_value(whole, key, item)
    return pattern.sub(lambda m: str(_iterator_value(m, key, item)), value)


@cache
def _iterator_pattern(iterator: str) -> re.Pattern[str]:
    """`${it.value.x}` or `it.value.x` (checkov leaves either), `it.key` likewise."""
    name = re.escape(iterator)
    return re.compile(
        r"\$\{\s*" + name + r"\.(key|value)((?:\.[\w-]+)*)\s*\}"
        r"|\b" + name + r"\.(key|value)((?:\.[\w-]+)*)"
    )


def _iterator_value(match: re.Match[str], key: Any, item: Any) -> Any:
    which = match.group(1) or match.group(3)
    path = (match.group(2) or match.group(4) or "").strip(".")
    value = key if which == "key" else item
    for part in path.split(".") if path else []:
        if not isinstance(value, dict) or part not in value:
            return Unknown(f"dynamic block value {match.group(0)} could not be resolved")
        value = value[part]
    return value


# ---------------------------------------------------------------------------------
# References


class HclResolver:
    """Resolves the references checkov left in rendered values: to the addresses of the
    resources they name (`Ref`), or to why the value is unknown (`Unknown`)."""

    def __init__(self, base: str = "") -> None:
        self.base = base
        self.indexes: dict[str, AddressIndex] = {}
        self.outputs: dict[tuple[str, str, str], Any] = {}
        self.variables: dict[tuple[str, str, str], Any] = {}
        """(root, module prefix, name) → the variable's value, or NO_VALUE."""

    def index(self, root: str) -> AddressIndex:
        found = self.indexes.get(root)
        if found is None:
            found = self.indexes[root] = AddressIndex()
        return found

    def resolve(self, resource: TfResource, value: Any) -> Any:
        return self._resolve(resource.context, value, 0)

    def resource_id(self, root: str, address: str) -> str:
        """The address, prefixed by its root module's directory when that is not the
        scanned directory (a directory may hold several root modules)."""
        relative = os.path.relpath(root, self.base) if self.base else "."
        return address if relative == "." else f"{relative}:{address}"

    def is_literal(self, text: str) -> bool:
        return "${" not in text and not split_traversal(unwrap_interpolation(text))

    def _resolve(self, scope: HclScope, value: Any, depth: int) -> Any:
        if isinstance(value, str):
            return self._string(scope, value, depth)
        if isinstance(value, list):
            return [self._resolve(scope, v, depth) for v in value]
        return value

    def _string(self, scope: HclScope, text: str, depth: int) -> Any:
        expression = unwrap_interpolation(text)
        steps = split_traversal(expression)
        if steps:
            resolved = self._traversal(scope, steps, expression, depth)
            if resolved is not _NOT_A_REFERENCE:
                return resolved
        selected = self._selection(scope, text, depth)
        if selected is not None:
            return selected
        if "${" in text or _CALL.match(expression):
            return Unknown(f"expression could not be resolved: {_short(text)}")
        return text

    def jsonencode_as_written(self, resource: TfResource, written: Any) -> Any:
        """`jsonencode({...})` of a literal object, from the expression as written, where
        checkov's rendering broke it (a list mixing `aws_s3_bucket.b.arn` and
        `"${aws_s3_bucket.b.arn}/*"` comes out with broken quoting). The literal parts
        are kept as written; each `${...}` is resolved as any value is: a variable or
        local becomes its value, a reference to a managed resource stays the reference
        text (`${aws_s3_bucket.b.arn}/*`: policies read it as a value that is not a
        literal, and can still tell that it names every object of a bucket). A part
        that cannot be known makes the whole document unknown, with its reason."""
        scope = resource.context
        text = _unwrap(written)
        if not isinstance(text, str):
            return Unknown("the document could not be read")
        expression = unwrap_interpolation(text) if text.count("${") == 1 else text.strip()
        if expression.startswith("${") and expression.endswith("}"):
            expression = expression[2:-1].strip()
        if not (expression.startswith("jsonencode(") and expression.endswith(")")):
            return Unknown(f"expression could not be resolved: {_short(text)}")
        try:
            document = ast.literal_eval(expression[len("jsonencode(") : -1])
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return Unknown(f"expression could not be resolved: {_short(text)}")
        try:
            return self._literal(scope, document, 0)
        except _UnknownPart as unknown:
            return unknown.unknown

    def _literal(self, scope: HclScope, value: Any, depth: int) -> Any:
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for key, item in value.items():
                resolved_key = self._literal(scope, key, depth)
                if not isinstance(resolved_key, str) or "${" in resolved_key:
                    raise _UnknownPart(Unknown(f"key {_short(str(key))} could not be resolved"))
                out[resolved_key] = self._literal(scope, item, depth)
            return out
        if isinstance(value, list | tuple):
            return [self._literal(scope, item, depth) for item in value]
        if not isinstance(value, str) or "${" not in value:
            return value
        parts = _interpolations(value)
        if parts is None:
            raise _UnknownPart(Unknown(f"expression could not be resolved: {_short(value)}"))
        if len(parts) == 1 and not isinstance(parts[0], str):
            return self._part(scope, parts[0][0], depth, whole=True)
        out_text = []
        for part in parts:
            if isinstance(part, str):
                out_text.append(part)
            else:
                out_text.append(self._part(scope, part[0], depth, whole=False))
        return "".join(out_text)

    def _part(self, scope: HclScope, expression: str, depth: int, whole: bool) -> Any:
        """One `${expression}` of a literal document: its value, or the reference text
        when it is computed from a managed resource."""
        resolved = self._string(scope, "${" + expression + "}", depth)
        if isinstance(resolved, Unknown):
            raise _UnknownPart(resolved)
        if isinstance(resolved, Ref):
            return "${" + expression + "}"
        if isinstance(resolved, list) and any(isinstance(v, Ref | Unknown) for v in resolved):
            if whole and all(isinstance(v, Ref) for v in resolved):
                return "${" + expression + "}"
            raise _UnknownPart(Unknown(f"expression could not be resolved: {_short(expression)}"))
        if whole:
            if isinstance(resolved, str) and "${" in resolved:
                raise _UnknownPart(
                    Unknown(f"expression could not be resolved: {_short(expression)}")
                )
            return resolved
        if isinstance(resolved, bool):
            return "true" if resolved else "false"
        if isinstance(resolved, str | int | float) and "${" not in str(resolved):
            return str(resolved)
        raise _UnknownPart(Unknown(f"expression could not be resolved: {_short(expression)}"))

    def _selection(self, scope: HclScope, text: str, depth: int) -> Any:
        """One element of a list-valued reference, as checkov leaves it after rendering a
        module output into its caller: `${${aws_subnet.private[*].id}["1"]}` (the output
        indexed) or `element(${aws_subnet.private[*].id}, 0)`. None when `text` is not
        of that shape."""
        stripped = text.strip()
        if stripped.startswith("${") and stripped.endswith("}"):
            stripped = stripped[2:-1].strip()
        match = _INDEXED.fullmatch(stripped)
        wraps = False
        if match is None:
            match = _ELEMENT.fullmatch(stripped)
            wraps = True
        if match is None or depth >= _MAX_DEPTH:
            return None
        inner = self._string(scope, match.group("inner"), depth + 1)
        return select_element(inner, match.group("index"), wraps)

    def _traversal(self, scope: HclScope, steps: list[Step], expression: str, depth: int) -> Any:
        head = steps[0].name
        if head == "var":
            return self._variable_value(scope, steps, depth)
        if head == "local":
            return Unknown(f"local value {steps[1].name} could not be resolved")
        if head == "data":
            source = ".".join(s.name for s in steps[:3])
            return Unknown(f"comes from data source {source}, read only by terraform plan")
        if head == "module":
            return self._module_output(scope, steps, depth)
        if head in ("each", "count", "self", "path", "terraform"):
            return Unknown(f"{_short(expression)} could not be resolved")
        return self._resource_reference(scope, steps)

    def _resource_reference(self, scope: HclScope, steps: list[Step]) -> Any:
        rtype, step = steps[0].name, steps[1]
        if len(steps) > 2 and steps[2].name == "*":
            step = Step(step.name, "*")
        index = self.index(scope.root)
        prefix: str | None = scope.prefix
        while prefix is not None:
            # A module's variable rendered from its caller's argument keeps the caller's
            # reference text: look in the calling modules too.
            found = index.lookup(prefix, rtype, step)
            if found:
                return Ref(tuple(self.resource_id(scope.root, a) for a in found))
            prefix = parent_prefix(prefix)
        found = index.lookup_in_submodules(scope.prefix, rtype, step)
        if found:
            return Ref(tuple(self.resource_id(scope.root, a) for a in found))
        if looks_like_resource_type(rtype):
            return Unknown(f"{rtype}.{step.name} is not in the parsed configuration")
        return _NOT_A_REFERENCE

    def _module_output(self, scope: HclScope, steps: list[Step], depth: int) -> Any:
        module = steps[1]
        label = f"module.{module.name}"
        if len(steps) < 3:
            return Unknown(f"{label} as a whole could not be resolved")
        output = steps[2]
        index = format_index(module.index) if module.index is not None else ""
        prefix = join_address(scope.prefix, f"{label}{index}")
        key = (scope.root, prefix, output.name)
        if key not in self.outputs or depth >= _MAX_DEPTH:
            return Unknown(f"output {output.name} of {label} could not be resolved")
        value = self._resolve(HclScope(scope.root, prefix), self.outputs[key], depth + 1)
        if output.index is not None:
            # `module.net.subnet_ids[0]` of an output `aws_subnet.x[*].id`: the resolved
            # output is a Ref to every instance (or a list): the index picks one.
            selected = select_element(value, output.index, wraps=False)
            if isinstance(selected, Unknown):
                return Unknown(
                    f"output {output.name}[{output.index}] of {label} could not be resolved"
                )
            value = selected
        return value

    def _variable_value(self, scope: HclScope, steps: list[Step], depth: int) -> Any:
        """`var.x[0].y`: the variable's value, then the index and attributes after it.

        The variable is looked up in the module of the reference, then in the modules
        calling it: checkov renders a module argument into the module with the caller's
        reference text inside lists and objects (`[{cidr = var.admin_cidr}]` arrives in
        the module as the string `var.admin_cidr`). A module variable's value came from
        its caller's argument, so it is resolved in the caller's scope."""
        name = steps[1].name
        prefix: str | None = scope.prefix
        while prefix is not None and (scope.root, prefix, name) not in self.variables:
            prefix = parent_prefix(prefix)
        if prefix is None:
            return Unknown(f"variable {name} has no value")
        value = self.variables[(scope.root, prefix, name)]
        if value is NO_VALUE:
            return Unknown(f"variable {name} has no value")
        if depth >= _MAX_DEPTH:
            return Unknown(f"variable {name} could not be resolved")
        origin = HclScope(scope.root, parent_prefix(prefix) or "")
        path = [steps[1].index] if steps[1].index is not None else []
        for step in steps[2:]:
            path.append(step.name)
            if step.index is not None:
                path.append(step.index)
        for part in path:
            value = self._resolve(origin, value, depth + 1)
            value = _member(value, part)
            if isinstance(value, Unknown):
                return Unknown(f"variable {name} could not be resolved")
        return self._resolve(origin, value, depth + 1)


class _UnknownPart(Exception):
    """A part of a literal document that cannot be known: so is the document."""

    def __init__(self, unknown: Unknown) -> None:
        super().__init__(unknown.reason)
        self.unknown = unknown


def _interpolations(text: str) -> list[str | tuple[str]] | None:
    """`"a${x}b"` → ["a", ("x",), "b"]: literal text and (expression,) parts, braces
    inside an expression matched. None when a `${` is never closed."""
    parts: list[str | tuple[str]] = []
    pos = 0
    while True:
        start = text.find("${", pos)
        if start < 0:
            if pos < len(text):
                parts.append(text[pos:])
            return parts
        if start > pos:
            parts.append(text[pos:start])
        depth, i = 0, start + 2
        while i < len(text):
            char = text[i]
            if char == "{":
                depth += 1
            elif char == "}":
                if depth == 0:
                    break
                depth -= 1
            i += 1
        if i >= len(text):
            return None
        parts.append((text[start + 2 : i].strip(),))
        pos = i + 1


def _member(value: Any, key: str) -> Any:
    """`value[key]` or `value.key` of a plain value; Unknown when it is not there."""
    if isinstance(value, dict):
        return value[key] if key in value else Unknown(f"no {key}")
    if isinstance(value, list) and key.isdigit() and int(key) < len(value):
        return value[int(key)]
    return Unknown(f"no {key}")


def select_element(value: Any, index: str, wraps: bool) -> Any:
    """Element `index` of a resolved list-valued reference: of a list, or of a Ref to
    every instance of a counted resource (`aws_subnet.x[*].id`: the instance of that
    index). `wraps` is element()'s modulo. Unknown when it cannot be told."""
    index = index.strip().strip('"')
    if isinstance(value, Unknown):
        return value
    if isinstance(value, list):
        if index.isdigit() and value:
            position = int(index) % len(value) if wraps else int(index)
            if position < len(value):
                return value[position]
        return Unknown(f"element {index} could not be resolved")
    if isinstance(value, Ref):
        ordered = _instances_in_order(value.addresses)
        if ordered is not None and index.isdigit() and ordered:
            position = int(index) % len(ordered) if wraps else int(index)
            if position < len(ordered):
                return Ref((ordered[position],))
        if not wraps:
            found = [a for a in value.addresses if _instance_key(a) == index]
            if len(found) == 1:
                return Ref((found[0],))
        return Unknown(f"element {index} of {', '.join(value.addresses)} could not be resolved")
    return Unknown(f"element {index} could not be resolved")


def _instance_key(address: str) -> str | None:
    """`aws_subnet.x[1]` → "1", `aws_subnet.x["a"]` → "a"; None without an index."""
    if not address.endswith("]"):
        return None
    return address[address.rfind("[") + 1 : -1].strip('"')


def _instances_in_order(addresses: tuple[str, ...]) -> list[str] | None:
    """The instances of one counted resource in count order (`[0]`, `[1]`, ... `[10]`,
    not sorted as text), or None when they are not exactly that."""
    keyed = [(_instance_key(a), a) for a in addresses]
    if not keyed or any(k is None or not k.isdigit() for k, _ in keyed):
        return None
    bases = {a[: a.rfind("[")] for _, a in keyed}
    ordered = sorted(keyed, key=lambda pair: int(pair[0] or 0))
    if len(bases) != 1 or [int(k or 0) for k, _ in ordered] != list(range(len(ordered))):
        return None
    return [a for _, a in ordered]


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:77] + "..."
