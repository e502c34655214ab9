"""Terraform HCL: a directory (or one .tf file) read through checkov's parser and graph.

checkov parses every file on its own (a malformed file is reported and the others are
still read), loads local modules, and renders variables, locals and `count`/`for_each`
into each resource's attributes (checkov_graph.py). We read those rendered attributes,
once, and never run checkov's checks. Some things are done here rather than by checkov:

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
  jsonencode_as_written`);
- a string of literal text and references (`"${aws_s3_bucket.b.arn}/"`) is resolved as a
  plan gives it: the text when every part is known, a `Ref` to the resources it is
  computed from, or an Unknown with the reason (`HclResolver._template`);
- a conditional (`var.k == null ? "AES256" : "aws:kms"`), which checkov renders wrongly
  (a null variable compares unequal to null; a chosen value is cut at its first ":"), is
  evaluated from the expression as written, in a resource, a dynamic block's content or
  a module call's argument; a condition that cannot be evaluated makes the value
  unknown (`HclResolver.conditional_as_written`).
"""

from __future__ import annotations

import ast
import json
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from auditor.collectors.base import Progress, no_progress
from auditor.collectors.terraform.checkov_graph import SOURCE, Rendered, render_directory
from auditor.collectors.terraform.normalise import is_relevant, make_snapshot, normalise
from auditor.collectors.terraform.parallel_parse import ParsedAhead, error_message, parse_ahead
from auditor.collectors.terraform.raw import KNOWN_AFTER_APPLY, Ref, TfResource, Unknown
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
    makes_cycles = False

    def __init__(self, path: str) -> None:
        self.path = path
        self._ahead: ParsedAhead | None = None

    @contextmanager
    def reading_ahead(self) -> Iterator[None]:
        """Start parsing the directory's files in worker processes now, for collect() to
        take (collectors.base.ReadsAhead): core.scan does this before compiling the
        policies, so that the two overlap."""
        target = Path(self.path)
        if not target.is_dir():
            yield
            return
        with parse_ahead(target.resolve()) as ahead:
            self._ahead = ahead
            try:
                yield
            finally:
                self._ahead = None

    def collect(self, progress: Progress = no_progress) -> Snapshot:
        scope = f"{SOURCE}:{self.path}"
        progress(f"terraform: reading {self.path}")
        parsed = read_hcl(self.path, self._ahead)
        progress(f"terraform: normalising {len(parsed.resources)} resources")
        resources = normalise(parsed.resources, parsed.resolver, SOURCE, scope)
        error = "; ".join(f"{p.file or self.path}: {p.message}" for p in parsed.problems)
        return make_snapshot(resources, parsed.problems, SOURCE, scope, self.path, error or None)


@dataclass
class Parsed:
    resources: list[TfResource] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    resolver: HclResolver = field(default_factory=lambda: HclResolver())


def read_hcl(path: str, ahead: ParsedAhead | None = None) -> Parsed:
    """Parse and render `path`; bad input becomes problems, never an exception.
    `ahead`: its files already being parsed (TerraformCollector.reading_ahead)."""
    target = Path(path)
    if not target.exists():
        return Parsed(problems=[Problem(SOURCE, "no such file or directory", file=path)])
    if target.is_file() and target.suffix != ".tf":
        return Parsed(problems=[Problem(SOURCE, "not a .tf file", file=path)])
    if target.is_dir() and not any(target.rglob("*.tf")):
        return Parsed(problems=[Problem(SOURCE, "no .tf files found", file=path)])
    try:
        rendered = render_directory(target, ahead=ahead)
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
        # (resource, container, key, expression as written) of the values written as a
        # conditional (`a == null ? b : c`), which checkov renders wrongly: evaluated here
        # once every resource address is known.
        self.conditionals: list[tuple[TfResource, Any, Any, str]] = []
        # (calling scope, module instance, variable key, argument as written) of the
        # module arguments written with a conditional, evaluated in the caller's scope.
        self.module_conditionals: list[tuple[HclScope, str, tuple[str, str, str], Any]] = []
        # directory -> the locals of its module written as a conditional (name -> text).
        self._conditional_locals: dict[str, dict[str, str]] = {}

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
        ordered = sorted(self.module_conditionals, key=lambda c: c[1].count("module."))
        resolver = self.resolver
        for caller, instance, variable, raw in ordered:
            resolver.variables[variable] = (
                _unforeseen(resolver.evaluate_conditional, caller, instance, raw)
                if isinstance(raw, str)
                else Unknown(f"a conditional in the argument {variable[2]} is not evaluated")
            )
        for resource, container, key, text in self.conditionals:
            container[key] = _unforeseen(resolver.conditional_as_written, resource, text)
        for resource, key, written in self.as_written:
            resource.values[key] = _unforeseen(resolver.jsonencode_as_written, resource, written)
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
        written = _unwrap(self.rendered.output_value_as_written(vertex.path, vertex.name))
        if _has_conditional(written):
            # checkov renders a conditional output as it does any conditional (wrongly):
            # evaluated from the expression as written, in the module (_module_output).
            value = _WrittenConditional(written)
        self.resolver.outputs[(scope.root, scope.prefix, vertex.name)] = value

    def _variable(self, vertex: Any) -> None:
        """A variable's value as checkov rendered it: its default, the tfvars value or
        the calling module's argument (checkov writes all three into `default`)."""
        scope = self._scope(vertex)
        attributes = vertex.attributes
        value = _unwrap(attributes["default"]) if "default" in attributes else NO_VALUE
        key = (scope.root, scope.prefix, vertex.name)
        self.resolver.variables[key] = value
        module = getattr(vertex, "source_module_object", None)
        if module is not None:
            # checkov renders a conditional argument of the call wrongly, as it does a
            # resource's: the argument as written is evaluated in the caller's scope.
            call = self.rendered.module_as_written(module.path, module.name)
            raw = _unwrap(call.get(vertex.name))
            if any(_has_conditional(text) for text in _strings_in(raw)):
                caller = HclScope(scope.root, parent_prefix(scope.prefix) or "")
                self.module_conditionals.append((caller, scope.prefix, key, raw))

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
        generated: _Generated = {}
        values = _values(attributes, _raw_config(vertex), generated)
        default_tags = provider.get("default_tags")
        if isinstance(default_tags, dict):
            # What the plan calls tags_all: the provider's default tags under the own.
            own = values.get("tags")
            values["tags"] = {**default_tags, **(own if isinstance(own, dict) else {})}
        broken = [key for key, value in values.items() if _unrendered_jsonencode(value)]
        written = self.rendered.resource_as_written(vertex.path, rtype, name.split("[", 1)[0])
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
        self.conditionals.extend(
            (resource, container, key, text)
            for container, key, text in _conditionals(values, written, generated)
        )
        self._reread_module_arguments(resource, written, generated)
        self._reread_conditional_names(resource, vertex.path, written, generated)
        self._reread_instance_keys(resource, written, generated)
        return resource

    def _reread_instance_keys(
        self, resource: TfResource, written: dict[str, Any], generated: _Generated
    ) -> None:
        """checkov leaves `count.index` and `each.*` unrendered inside some values
        (`cidr_blocks = [var.rules[count.index].cidr]` comes out as the text `[{...},
        {...}][count.index].cidr`, which a check would read as a CIDR that opens nothing).
        Such a value is read again from the expression as written: `count.index` replaced
        by the instance's index; `each.key` by its key and `each.value` by
        `var.x["key"]` where the for_each is written as one variable. Otherwise it is
        unknown."""

        def names_instance(text: Any) -> bool:
            return isinstance(text, str) and bool(_INSTANCE_NAMES.search(text))

        found = _conditionals(resource.values, written, generated, wanted=names_instance)
        if not found:
            return
        key = _instance_key(resource.id)
        for_each = _unwrap(written.get("for_each"))
        collection = (
            _ONE_VARIABLE.fullmatch(for_each.strip()) if isinstance(for_each, str) else None
        )
        for container, name, text in found:
            rendered = container[name] if _holds(container, name) else None
            if not any(_INSTANCE_NAMES.search(t) for t in _strings_in(rendered)):
                continue  # checkov rendered it
            if key is None or text in _PLACEHOLDERS:
                container[name] = Unknown(f"{_short(text)} could not be resolved")
                continue
            if key.isdigit() and resource.id.endswith(f"[{key}]"):
                text = _COUNT_INDEX.sub(key, text)
            elif resource.id.endswith(f'["{key}"]'):
                quoted = json.dumps(key)
                value = self._each_value(resource, collection, quoted)
                # `${each.key}` on its own is the key's text; elsewhere, a quoted string.
                text = _WHOLE_EACH_KEY.sub(lambda _m: key.replace("${", "$${"), text)
                text = _EACH_KEY.sub(quoted, text)
                if value == quoted:
                    text = _WHOLE_EACH_VALUE.sub(lambda _m: key.replace("${", "$${"), text)
                if value is not None:
                    text = _EACH_VALUE.sub(value, text)
            if _INSTANCE_NAMES.search(text):
                container[name] = Unknown(f"{_short(text)} could not be resolved")
            else:
                container[name] = text

    def _each_value(self, resource: TfResource, collection: Any, quoted: str) -> str | None:
        """What `each.value` stands for, as an expression, where the for_each is one
        variable: `var.x["key"]` of a map, the key itself of a set."""
        if collection is None:
            return None
        reference = collection.group(1)
        scope = resource.context
        value = self.resolver.variables.get((scope.root, scope.prefix, reference[4:]))
        if isinstance(value, dict):
            return f"{reference}[{quoted}]"
        if isinstance(value, list):
            return quoted
        return None

    def _reread_conditional_names(
        self, resource: TfResource, path: str, written: dict[str, Any], generated: _Generated
    ) -> None:
        """A value written as one local (`sse_algorithm = local.algo`) or one module
        output (`module.kms.algo`) whose own expression is a conditional: checkov renders
        it wrongly, as it does a conditional in the resource (a null variable compares as
        unequal to null), so it is evaluated from the expression as written: the local in
        the resource's module, the output in its module (the resolver's _module_output).
        One inside a larger expression keeps checkov's rendering."""
        directory = os.path.dirname(path)
        local_conditionals = self._conditional_locals.get(directory)
        if local_conditionals is None:
            local_conditionals = self._conditional_locals[directory] = {
                name: text
                for name, value in self.rendered.locals_as_written(directory).items()
                if _has_conditional(text := _unwrap(value))
            }
        scope = resource.context
        outputs = self.resolver.conditional_outputs(scope.root)
        if not local_conditionals and not outputs:
            return

        def one_name(text: Any) -> bool:
            if not isinstance(text, str):
                return False
            found = _LOCAL.fullmatch(text.strip())
            if found is not None:
                return found.group(1) in local_conditionals
            return outputs and self.resolver.is_conditional_output(scope, text)

        found = _conditionals(resource.values, written, generated, wanted=one_name)
        for container, key, text in found:
            local = _LOCAL.fullmatch(text.strip())
            if local is not None:
                self.conditionals.append(
                    (resource, container, key, local_conditionals[local.group(1)])
                )
            elif text in _PLACEHOLDERS:  # a list or object not matched item by item
                container[key] = Unknown(f"{key} could not be resolved")
            else:  # a conditional output: resolved when read, through _module_output
                container[key] = text

    def _reread_module_arguments(
        self, resource: TfResource, written: dict[str, Any], generated: _Generated
    ) -> None:
        """checkov renders a conditional argument of a module call wrongly into the
        values that read the variable: those values are read from the expression as
        written instead (the resolver gives the variable its evaluated value)."""
        prefix = resource.context.prefix
        evaluated = {v[2] for _, instance, v, _ in self.module_conditionals if instance == prefix}
        if not evaluated:
            return
        pattern = re.compile(r"\bvar\.(" + "|".join(map(re.escape, evaluated)) + r")\b")

        def reads_evaluated(text: Any) -> bool:
            return isinstance(text, str) and bool(pattern.search(text))

        found = _conditionals(resource.values, written, generated, wanted=reads_evaluated)
        for container, key, text in found:
            if text in _PLACEHOLDERS:  # a list or object not matched item by item
                container[key] = Unknown(f"{key} could not be resolved")
            else:
                container[key] = text


@dataclass(frozen=True)
class _WrittenConditional:
    """A module output written as a conditional: evaluated when a caller reads it."""

    text: str


# What checkov leaves in a value it could not render for an instance.
_INSTANCE_NAMES = re.compile(r"\bcount\.index\b|\beach\.(?:key|value)\b")
_COUNT_INDEX = re.compile(r"\bcount\.index\b")
_EACH_KEY = re.compile(r"\beach\.key\b")
_EACH_VALUE = re.compile(r"\beach\.value\b")
_WHOLE_EACH_KEY = re.compile(r"\$\{\s*each\.key\s*\}")
_WHOLE_EACH_VALUE = re.compile(r"\$\{\s*each\.value\s*\}")
# A for_each written as one variable: `${var.rules}`.
_ONE_VARIABLE = re.compile(r"\$\{\s*(var\.[A-Za-z_][A-Za-z0-9_-]*)\s*\}")
# What _conditionals gives for a list or object it could not match item by item.
_PLACEHOLDERS = ("${[...]}", "${{...}}")

# A whole value written as a negation: `${!var.private}`, `${!(var.env == "prod")}`.
_NEGATION = re.compile(r"\$\{\s*!\s*[^?{}]+\}")

# A value written as exactly one local value: `${local.name}`.
_LOCAL = re.compile(r"\$\{\s*local\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}")

# The blocks a dynamic block generated, by id: (block name, position of the dynamic
# block among its siblings, iterator, key, value).
_Generated = dict[int, tuple[str, int, str, Any, Any]]
# The iterators in scope inside dynamic blocks: (iterator, key, value).
_Iterators = tuple[tuple[str, Any, Any], ...]


def _conditionals(
    values: Any,
    written: Any,
    generated: _Generated,
    iterators: _Iterators = (),
    wanted: Callable[[Any], bool] | None = None,
) -> list[tuple[Any, Any, str]]:
    """(container, key, expression as written) of each rendered value whose expression
    holds a conditional (`a ? b : c`): checkov renders those wrongly (a null variable
    compares as unequal to null; a chosen value holding `:` is cut at it). Nested blocks
    and objects are matched by position with the parsed body (static blocks come first
    in the rendered values); the blocks a dynamic block generated are matched with its
    content, its iterator's key and value written into the expression. (`wanted` picks
    other expressions than conditionals.)"""
    wanted = wanted or _has_conditional
    found: list[tuple[Any, Any, str]] = []
    if not isinstance(values, dict) or not isinstance(written, dict):
        return found
    for key, raw in written.items():
        if key == "dynamic":
            found.extend(_dynamic_conditionals(values, raw, generated, iterators, wanted))
            continue
        if not isinstance(key, str) or key.startswith("__") or key in _SKIPPED_KEYS:
            continue
        if key not in values:
            text = _unwrap(raw)
            if wanted(text):  # checkov dropped it: evaluated here
                found.append((values, key, _with_iterators(text, iterators)))
            continue
        if isinstance(raw, list) and raw and all(isinstance(r, dict) for r in raw):
            rendered = values[key]
            blocks = [rendered] if isinstance(rendered, dict) else rendered
            if isinstance(blocks, list):
                for block, raw_block in zip(blocks, raw, strict=False):
                    found.extend(_conditionals(block, raw_block, generated, iterators, wanted))
            continue
        found.extend(_conditional_items(values, key, _unwrap(raw), generated, iterators, wanted))
    return found


def _dynamic_conditionals(
    values: dict[str, Any],
    specs: Any,
    generated: _Generated,
    iterators: _Iterators,
    wanted: Callable[[Any], bool],
) -> list[tuple[Any, Any, str]]:
    found: list[tuple[Any, Any, str]] = []
    specs = specs if isinstance(specs, list) else [specs]
    for position, spec in enumerate(specs):
        for name, body in spec.items() if isinstance(spec, dict) else ():
            body = _unwrap(body)
            content = _unwrap(body.get("content")) if isinstance(body, dict) else None
            if not any(wanted(text) for text in _strings_in(content)):
                continue
            blocks = values.get(name)
            for block in blocks if isinstance(blocks, list) else []:
                origin = generated.get(id(block)) if isinstance(block, dict) else None
                if origin is None or origin[:2] != (name, position):
                    continue
                scope = (*iterators, origin[2:])
                found.extend(_conditionals(block, content, generated, scope, wanted))
    return found


def _conditional_items(
    container: Any,
    key: Any,
    raw: Any,
    generated: _Generated,
    iterators: _Iterators,
    wanted: Callable[[Any], bool],
) -> list[tuple[Any, Any, str]]:
    """The conditionals of one attribute: the whole value, or the items of a list."""
    if isinstance(raw, str):
        if not wanted(raw):
            return []
        return [(container, key, _with_iterators(raw, iterators))]
    if isinstance(raw, list):
        rendered = container[key]
        if isinstance(rendered, list) and len(rendered) == len(raw):
            found: list[tuple[Any, Any, str]] = []
            for i, item in enumerate(raw):
                found.extend(_conditional_items(rendered, i, item, generated, iterators, wanted))
            return found
        if any(wanted(item) for item in _strings_in(raw)):
            return [(container, key, "${[...]}")]
        return []
    if isinstance(raw, dict):
        rendered = container[key]
        if isinstance(rendered, dict):
            return _conditionals(rendered, raw, generated, iterators, wanted)
        if any(wanted(item) for item in _strings_in(raw)):
            return [(container, key, "${{...}}")]
    return []


def _with_iterators(text: str, iterators: _Iterators) -> str:
    """A dynamic block's expression with `<iterator>.key` / `<iterator>.value[.x]` written
    in as HCL literals (inside a string template, as text); a value that is not a plain
    literal is left as the reference (it then cannot be resolved: unknown)."""
    for iterator, key, item in reversed(iterators):
        if f"{iterator}." not in text:
            continue

        def literal(match: re.Match[str], key: Any = key, item: Any = item) -> str:
            value = _iterator_value(match, key, item)
            in_template = match.group(1) is not None
            if isinstance(value, str):
                if in_template:
                    return value.replace("\\", "\\\\").replace('"', '\\"')
                return json.dumps(value)
            if isinstance(value, bool):
                return "true" if value else "false"
            if value is None and not in_template:
                return "null"
            if isinstance(value, int | float):
                return str(value)
            return match.group(0)

        text = _iterator_pattern(iterator).sub(literal, text)
    return text


def _strings_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in _strings_in(item)]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings_in(item)]
    return []


def _unforeseen(evaluate: Callable[..., Any], *args: Any) -> Any:
    """An expression re-read as written (conditionals, jsonencode) that the evaluator did
    not foresee is unknown, with the error, instead of ending the scan."""
    try:
        return evaluate(*args)
    except Exception as exc:
        return Unknown(f"expression could not be evaluated: {type(exc).__name__}: {exc}")


def _scan(text: str) -> Iterator[tuple[int, str, int, bool]]:
    """Walk an HCL expression: (position, character, nesting depth after it, whether it is
    code) for each character that is not skipped. Strings, `${...}` inside them and
    brackets nest; a string's text is not code, its `${...}` parts are. A closing bracket
    that closes nothing gives depth -1."""
    stack: list[str] = []
    i, end = 0, len(text)
    while i < end:
        char, step, code = text[i], 1, False
        if stack and stack[-1] == '"':
            if char == "\\":
                step = 2
            elif char == '"':
                stack.pop()
            elif text.startswith("${", i):
                stack.append("${")
                step = 2
        elif char == '"':
            stack.append('"')
        elif char in "([{":
            stack.append(char)
        elif char in ")]}":
            if not stack:
                yield i, char, -1, False
                i += 1
                continue
            stack.pop()
        else:
            code = True
        yield i, char, len(stack), code
        i += step


def _code(text: str) -> list[tuple[int, str, int]]:
    """(position, character, nesting depth) of each character of an HCL expression that is
    code, not the text of a string literal (a string's `${...}` parts are code again)."""
    return [(i, char, depth) for i, char, depth, code in _scan(text) if code]


def _has_conditional(text: Any) -> bool:
    """A `?` in the code of any `${...}` of the text: HCL uses it for conditionals only.
    Or a whole value written as a negation (`!var.private`), which checkov leaves as text
    and the conditional evaluator decides the same way."""
    if isinstance(text, str) and _NEGATION.fullmatch(text.strip()):
        return True
    if not isinstance(text, str) or "?" not in text or "${" not in text:
        return False
    parts = _interpolations(text)
    if parts is None:
        return True
    return any(
        char == "?" for part in parts if not isinstance(part, str) for _, char, _ in _code(part[0])
    )


def _split_conditional(expression: str) -> tuple[str, str, str] | None:
    """`cond ? a : b` → (cond, a, b), split at the top level; None when the expression is
    not a conditional as a whole (one inside a call or a list, say)."""
    question = None
    pending = 0
    for position, char, depth in _code(expression):
        if depth:
            continue
        if char == "?":
            if question is None:
                question = position
            pending += 1
        elif char == ":" and question is not None:
            pending -= 1
            if pending == 0:
                return (
                    expression[:question].strip(),
                    expression[question + 1 : position].strip(),
                    expression[position + 1 :].strip(),
                )
    return None


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


def _values(
    attributes: dict[str, Any], raw: dict[str, Any], generated: _Generated | None = None
) -> dict[str, Any]:
    """checkov's rendered attributes in a plan's shape: top-level attributes come wrapped
    in a one-element list, blocks come bare (one) or as a list (several)."""
    values = {
        key: _unwrap(value)
        for key, value in attributes.items()
        if not key.startswith("__") and "." not in key and key not in _SKIPPED_KEYS
    }
    generated = {} if generated is None else generated
    _expand_dynamic(values, attributes.get("dynamic"), raw, generated)
    _expand_nested_dynamic(values, raw, generated)
    return values


def _expand_nested_dynamic(
    values: dict[str, Any], raw: dict[str, Any], generated: _Generated
) -> None:
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
                _expand_dynamic(block, block.pop("dynamic"), raw_block, generated)
            _expand_nested_dynamic(block, raw_block, generated)


def _expand_dynamic(
    values: dict[str, Any], dynamic: Any, raw: dict[str, Any], generated: _Generated
) -> None:
    """Replace checkov's unrendered copies of each dynamic block's content by one block
    per for_each element, after the static blocks of the same name (which checkov lists
    first; their number is read from the parsed block). Each block made is recorded in
    `generated` with the iterator's key and value (for its conditionals)."""
    specs = dynamic if isinstance(dynamic, list) else [dynamic] if isinstance(dynamic, dict) else []
    for position, spec in enumerate(specs):
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
            for (key, item), block in zip(items, rendered, strict=True):
                if isinstance(block, dict):
                    generated[id(block)] = (name, position, iterator, key, item)
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
        self._conditional_output_roots: set[str] | None = None
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
        if "${" in text and depth < _MAX_DEPTH:
            template = self._template(scope, text, depth)
            if template is not None:
                return template
        if "${" in text or _CALL.match(expression):
            return Unknown(f"expression could not be resolved: {_short(text)}")
        return text

    def _template(self, scope: HclScope, text: str, depth: int) -> Any:
        """A string of literal text and `${...}` parts (`"${aws_s3_bucket.b.arn}/"`,
        `"https://${aws_lb.api.dns_name}/v1"`), as a plan gives it: the text when every
        part has a known value; a `Ref` to the resources the parts are computed from when
        any is (a plan's value known after apply, with the expression's references); an
        Unknown, with the part's reason, when a part cannot be known. None when `text` is
        not such a template (one part and nothing else is read as that part)."""
        if "$${" in text or "%{" in text:
            return None  # escapes and template directives are not read here: unknown
        parts = _interpolations(text)
        if parts is None or len(parts) < 2 or all(isinstance(p, str) for p in parts):
            return None
        out: list[str] = []
        addresses: list[str] = []
        for part in parts:
            if isinstance(part, str):
                out.append(part)
                continue
            resolved = self._string(scope, "${" + part[0] + "}", depth + 1)
            if isinstance(resolved, Unknown):
                return resolved
            if isinstance(resolved, Ref):
                addresses.extend(a for a in resolved.addresses if a not in addresses)
                continue
            piece = _template_text(resolved)
            if piece is None:
                return Unknown(f"expression could not be resolved: {_short(text)}")
            out.append(piece)
        if addresses:
            return Ref(tuple(addresses))
        return "".join(out)

    def conditional_as_written(self, resource: TfResource, text: str) -> Any:
        """A value written as a conditional (`var.k == null ? "AES256" : "aws:kms"`),
        evaluated from the expression as written: the condition compares known values
        (literals, null, variables, anything the resolver knows) with `==` / `!=`, or is
        one boolean; the value is then the chosen branch, resolved as any value is. A
        condition that cannot be evaluated, or a conditional inside a larger expression,
        makes the value unknown, with the reason."""
        return self.evaluate_conditional(resource.context, resource.id, text)

    def evaluate_conditional(self, scope: HclScope, instance: str, text: str) -> Any:
        """conditional_as_written() in `scope`, for the resource or module call at the
        address `instance` (whose key gives `count.index` / `each.key`)."""
        parts = _interpolations(text.strip())
        if not parts or len(parts) != 1 or isinstance(parts[0], str):
            return Unknown(f"a conditional inside an expression is not evaluated: {_short(text)}")
        return self._conditional(scope, instance, parts[0][0], 0)

    def _conditional(self, scope: HclScope, instance: str, expression: str, depth: int) -> Any:
        expression = _strip_parens(expression)
        split = _split_conditional(expression)
        if split is None and _negation(expression):
            return self._condition(scope, instance, expression)  # `!x`: a condition's value
        if split is None or depth >= _MAX_DEPTH:
            return Unknown(
                f"a conditional inside an expression is not evaluated: {_short(expression)}"
            )
        condition, yes, no = split
        truth = self._condition(scope, instance, condition)
        if isinstance(truth, Unknown):
            return truth
        return self._branch(scope, instance, yes if truth else no, depth + 1)

    def _condition(self, scope: HclScope, instance: str, condition: str) -> bool | Unknown:
        condition = _strip_parens(condition)
        why = Unknown(f"condition {_short(condition)} could not be evaluated")
        if _negation(condition):
            # The negation of the rest: hcl2 drops the parentheses of `!(a == b)`, and
            # for booleans `!a == b` (where `!` binds tighter) has the same value; `!` of
            # anything else is an error in Terraform.
            truth = self._condition(scope, instance, condition[1:])
            return truth if isinstance(truth, Unknown) else not truth
        comparisons = [
            (position, char)
            for position, char, depth in _code(condition)
            if depth == 0 and char in "=!<>&|?"
        ]
        if not comparisons:
            value = self._operand(scope, instance, condition)
            if isinstance(value, Unknown):
                return value
            return value if isinstance(value, bool) else why
        ops = "".join(char for _, char in comparisons)
        if ops not in ("==", "!=") or comparisons[1][0] != comparisons[0][0] + 1:
            return why
        at = comparisons[0][0]
        left = self._operand(scope, instance, condition[:at].strip())
        right = self._operand(scope, instance, condition[at + 2 :].strip())
        for side in (left, right):
            if isinstance(side, Unknown):
                return side
        if left is None or right is None:
            equal = left is None and right is None
        elif _kind(left) != _kind(right) or _kind(left) is None:
            return why
        else:
            equal = left == right
        return equal if ops == "==" else not equal

    def _operand(self, scope: HclScope, instance: str, text: str) -> Any:
        """A literal or a reference in a condition: its known value, or an Unknown.
        `count.index` and `each.key` are read from the instance's address."""
        text = _strip_parens(text)
        literal = _hcl_literal(text)
        if literal is not _NOT_A_LITERAL:
            return literal
        key = _instance_key(instance)
        if text == "count.index" and key is not None and instance.endswith(f"[{key}]"):
            return int(key)
        if text == "each.key" and key is not None and instance.endswith(f'["{key}"]'):
            return key
        if not split_traversal(text):
            return Unknown(f"{_short(text)} in a condition could not be evaluated")
        value = self._string(scope, "${" + text + "}", 1)
        if isinstance(value, Ref):
            return Unknown(f"{KNOWN_AFTER_APPLY}: computed from {', '.join(value.addresses)}")
        if isinstance(value, str) and "${" in value:
            return Unknown(f"{_short(text)} in a condition could not be resolved")
        if isinstance(value, list | dict) and _holds_marker(value):
            return Unknown(f"{_short(text)} in a condition could not be resolved")
        return value

    def _branch(self, scope: HclScope, instance: str, text: str, depth: int) -> Any:
        """The chosen branch as a value the resolver reads: a literal as its value, a
        template or any other expression as `${...}` text (resolved when read)."""
        text = _strip_parens(text)
        if _split_conditional(text) is not None:
            return self._conditional(scope, instance, text, depth)
        literal = _hcl_literal(text)
        if literal is not _NOT_A_LITERAL:
            return literal
        if _one_string(text):
            return text[1:-1]  # a template: its `${...}` parts are resolved when read
        return "${" + text + "}"

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

    def conditional_outputs(self, root: str) -> bool:
        """Whether any module output under `root` is written as a conditional (asked
        once every output is known)."""
        if self._conditional_output_roots is None:
            self._conditional_output_roots = {
                key[0]
                for key, value in self.outputs.items()
                if isinstance(value, _WrittenConditional)
            }
        return root in self._conditional_output_roots

    def is_conditional_output(self, scope: HclScope, text: str) -> bool:
        """Whether `text` is exactly `${module.x.y}` (or `module.x[k].y`) naming an
        output of a module called from `scope` that is written as a conditional."""
        stripped = text.strip()
        if not (stripped.startswith("${") and stripped.endswith("}")):
            return False
        steps = split_traversal(stripped[2:-1].strip())
        if not steps or len(steps) != 3 or steps[0].name != "module" or steps[2].index:
            return False
        module = steps[1]
        index = format_index(module.index) if module.index is not None else ""
        prefix = join_address(scope.prefix, f"module.{module.name}{index}")
        written = self.outputs.get((scope.root, prefix, steps[2].name))
        return isinstance(written, _WrittenConditional)

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
        module_scope = HclScope(scope.root, prefix)
        written = self.outputs[key]
        if isinstance(written, _WrittenConditional):
            written = self.evaluate_conditional(module_scope, prefix, written.text)
            if isinstance(written, Unknown):
                return written
        value = self._resolve(module_scope, written, depth + 1)
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


_NOT_A_LITERAL = object()
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _hcl_literal(text: str) -> Any:
    """null, a boolean, a number or a string without `${...}` (as the parser writes them:
    `null` may come as `None`); _NOT_A_LITERAL otherwise."""
    if text in ("null", "None"):
        return None
    if text in ("true", "True"):
        return True
    if text in ("false", "False"):
        return False
    if _NUMBER.fullmatch(text):
        return int(text) if text.lstrip("-").isdigit() else float(text)
    if "${" in text or "%{" in text or not _one_string(text):
        return _NOT_A_LITERAL
    body = text[1:-1]
    out, i = [], 0
    while i < len(body):
        if body[i] == "\\":
            escaped = _ESCAPES.get(body[i + 1 : i + 2])
            if escaped is None:
                return _NOT_A_LITERAL
            out.append(escaped)
            i += 2
            continue
        out.append(body[i])
        i += 1
    return "".join(out)


def _negation(text: str) -> bool:
    """The expression starts with HCL's `!` (not `!=`)."""
    return text.startswith("!") and not text.startswith("!=")


def _strip_parens(text: str) -> str:
    """`(a == b)` → `a == b` when the parentheses enclose the whole expression."""
    text = text.strip()
    while text.startswith("(") and _closing(text) == len(text) - 1:
        text = text[1:-1].strip()
    return text


def _one_string(text: str) -> bool:
    """The text is one string literal (`"a${b}c"`), not `"a" == "b"`."""
    return text.startswith('"') and _closing(text) == len(text) - 1


def _closing(text: str) -> int:
    """Where the bracket or string opened by the first character of `text` closes; -1
    when it does not."""
    for i, _, depth, _ in _scan(text):
        if depth <= 0:
            return i if depth == 0 else -1
    return -1


def _kind(value: Any) -> str | None:
    """The kind Terraform compares by: values of different kinds are never equal (and
    here are not compared at all: the conversion rules are not guessed)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return None


def _holds_marker(value: Any) -> bool:
    if isinstance(value, Ref | Unknown):
        return True
    if isinstance(value, list):
        return any(_holds_marker(v) for v in value)
    if isinstance(value, dict):
        return any(_holds_marker(v) for v in value.values())
    return False


def _template_text(value: Any) -> str | None:
    """A resolved value as Terraform writes it into a string template; None when it has
    no such text (null, a list, an object, a reference left unresolved)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str) and "${" not in value:
        return value
    return None


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


def _holds(container: Any, key: Any) -> bool:
    """Whether `container[key]` exists (a dict's key, a list's position)."""
    if isinstance(container, dict):
        return key in container
    return isinstance(container, list) and isinstance(key, int) and 0 <= key < len(container)


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
