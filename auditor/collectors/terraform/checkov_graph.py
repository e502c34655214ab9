"""checkov's Terraform parser and graph, run for rendering only, and run fast.

checkov's graph is built for its graph checks; we need only its rendering of variables,
locals, module arguments and `count`/`for_each` into resource attributes. So:

- the graph is built without what only checkov's checks use (cross-variable edges, S3
  name edges, encryption attributes, its dynamic-block expansion, which drops blocks:
  hcl.py expands dynamic blocks itself);
- one lookup checkov does by scanning every resource name is indexed: on thousands of
  resources that scan made graph building quadratic;
- expression evaluation is memoised per scan: checkov evaluates the same text over and
  over, building a new asteval interpreter each time (one is built per scan here);
- an edge is not evaluated again when none of its vertices changed since it last was
  (checkov's rendering loop re-evaluates most edges several times);
- only the checkov modules rendering uses are imported (lean_imports);
- large directories are parsed by worker processes while checkov is imported
  (parallel_parse.py).

None of this changes what is rendered (tests/test_terraform_hcl.py compares the result
with and without the memo and the skipped edges; tests/test_terraform_hcl_resolution.py
with and without the lean import). checkov is pinned (constraints.txt) because this module
overrides some of its private methods.
"""

from __future__ import annotations

import copy
import importlib
import importlib.util
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from auditor.collectors.terraform.parallel_parse import ParsedAhead, installed, parse_ahead

SOURCE = "terraform"

# checkov packages whose __init__ imports far more than rendering uses: `checkov.terraform`
# imports every one of checkov's Terraform checks (about 0.6 s of a 1,500-resource scan's
# 1.7 s of imports). Rendering needs only its submodules, plus the few names that
# `from checkov.terraform import TFDefinitionKey` and the like take from the package:
# those come from the modules listed here. (Not `context_parsers`: importing its parsers
# registers what gives module resources their `module.x.` addresses.)
_LEAN_PACKAGES: dict[str, tuple[str, ...]] = {
    "checkov.terraform": (
        "checkov.terraform.modules.module_objects",
        "checkov.terraform.modules.module_utils",
    ),
}


@dataclass
class Rendered:
    """What rendering a directory gives: checkov's vertices, the parse errors by file,
    the directory paths are relative to, and the parsed blocks as written."""

    vertices: list[Any]
    errors: dict[str, Exception]
    base: str
    definitions: dict[Any, Any] = field(default_factory=dict, repr=False)
    """checkov's parse of each file (by TFDefinitionKey) before rendering: where a
    rendered value came out broken, hcl.py reads the expression as written."""
    _written: dict[str, dict[tuple[str, ...], Any]] = field(default_factory=dict, repr=False)

    def resource_as_written(self, file: str, rtype: str, name: str) -> dict[str, Any]:
        """The body of `resource "rtype" "name"` in `file` as parsed, before rendering
        (empty when not found). The text is the same for every instance and module call."""
        body = self._as_written("resource", (file, rtype, name))
        return body if isinstance(body, dict) else {}

    def module_as_written(self, file: str, name: str) -> dict[str, Any]:
        """The body of `module "name"` in `file` as parsed, before rendering (empty when
        not found): the arguments of the call as written."""
        body = self._as_written("module", (file, name))
        return body if isinstance(body, dict) else {}

    def output_value_as_written(self, file: str, name: str) -> Any:
        """The `value` of `output "name"` in `file` as parsed, before rendering (None
        when not found)."""
        body = self._as_written("output", (file, name))
        return body.get("value") if isinstance(body, dict) else None

    def locals_as_written(self, directory: str) -> dict[str, Any]:
        """The `locals` of the module in `directory` (every .tf file of it), as parsed
        before rendering: name -> expression as written."""
        self._as_written("locals", ())
        return {
            name: value
            for (path, name), value in self._written["locals"].items()
            if os.path.dirname(path) == directory
        }

    def _as_written(self, kind: str, key: tuple[str, ...]) -> Any:
        """One block of `kind` by (file, *labels), from an index of every file's blocks of
        that kind built on first use (the first of a name wins, as in checkov)."""
        index = self._written.get(kind)
        if index is None:
            index = self._written[kind] = {}
            labels = _LABELS[kind]
            for parsed_key, parsed in self.definitions.items():
                path = str(getattr(parsed_key, "file_path", parsed_key))
                blocks = parsed.get(kind, []) if isinstance(parsed, dict) else []
                for block in blocks if isinstance(blocks, list) else []:
                    for names, body in _labelled(block, labels):
                        index.setdefault((path, *names), body)
        return index.get(key)


# How many labels each kind of block has (a `locals` block: its names, one level).
_LABELS = {"resource": 2, "module": 1, "output": 1, "locals": 1}


def _labelled(node: Any, depth: int) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(labels, body) of a parsed block: `{"aws_s3_bucket": {"b": {...}}}` at depth 2 is
    (("aws_s3_bucket", "b"), {...}). hcl2's own keys (`__start_line__`) are not labels."""
    if depth == 0:
        yield (), node
        return
    for label, inner in node.items() if isinstance(node, dict) else ():
        if isinstance(label, str) and not label.startswith("__"):
            for labels, body in _labelled(inner, depth - 1):
                yield (label, *labels), body


def render(target: Path, memoise: bool = True) -> tuple[list[Any], dict[str, Exception], str]:
    """The rendered vertices of a directory (or one .tf file), the parse errors by file,
    and the directory the paths are relative to. (`memoise=False` is for the test that
    shows the memo changes nothing.)"""
    rendered = render_directory(target, memoise)
    return rendered.vertices, rendered.errors, rendered.base


def render_directory(
    target: Path, memoise: bool = True, ahead: ParsedAhead | None = None
) -> Rendered:
    """Parse and render a directory (or one .tf file); see render(). `ahead`: the
    directory's files already being parsed (TerraformCollector.reading_ahead), else
    workers are started here; either way they are stopped once checkov has parsed."""
    absolute = target.resolve()
    errors: dict[str, Exception] = {}
    if absolute.is_file():
        base = str(absolute.parent)
        module, definitions = _parse_file(absolute, errors)
    else:
        base = str(absolute)
        # Workers parse while checkov is imported (parallel_parse.py).
        with nullcontext(ahead) if ahead is not None else parse_ahead(absolute) as parsing:
            lean_imports()
            from checkov.terraform.tf_parser import TFParser

            if parsing is not None:
                parsing.steal()
            with installed(parsing):
                module, definitions = TFParser().parse_hcl_module(
                    source_dir=base,
                    source=SOURCE,
                    download_external_modules=False,
                    parsing_errors=errors,
                )
            if parsing is not None:
                parsing.close()
    graph = graph_class()(module)
    graph.skip_repeated_edges = memoise
    with (
        memoised_evaluation() if memoise else nullcontext(),
        cheaper_primitives() if memoise else nullcontext(),
        versioned_vertices(),
    ):
        graph.build_graph(render_variables=True)
    return Rendered(graph.vertices, errors, base, definitions or {})


@cache
def lean_imports() -> None:
    """Register checkov's heavy packages without running their __init__ (see
    _LEAN_PACKAGES), so that importing the parser and graph modules imports only them.

    Nothing is lost: a name the package does not find in its listed modules makes it run
    its real __init__ first (once), so any other user of checkov in the process still
    gets the whole package. A package already imported is left alone."""
    if "checkov" not in sys.modules:
        importlib.import_module("checkov")
    for name, sources in _LEAN_PACKAGES.items():
        if name not in sys.modules:
            _lazy_package(name, sources)
    _import_asteval_without_numpy()


def _import_asteval_without_numpy() -> None:
    """asteval imports numpy (0.17 s) for the numpy functions it can offer expressions;
    checkov builds its interpreter with `use_numpy=False`, so they are never used. asteval
    is imported with numpy hidden (it then skips those symbols); numpy itself stays
    importable for anything else."""
    if "asteval" in sys.modules or "numpy" in sys.modules:
        return
    hidden = ("numpy", "numpy_financial")
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        importlib.import_module("asteval")
    except ImportError:
        pass  # checkov will report it when it imports asteval itself
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]


def _lazy_package(name: str, sources: tuple[str, ...]) -> None:
    """Register package `name` as a module whose __init__ has not run: its submodules
    import as usual (its __path__ is the real one), its names come from `sources`, and
    any other name runs the real __init__ into it first."""
    parent_name, _, child = name.rpartition(".")
    parent = sys.modules.get(parent_name) or importlib.import_module(parent_name)
    directory = os.path.join(os.path.dirname(parent.__file__ or ""), child)
    init = os.path.join(directory, "__init__.py")
    spec = importlib.util.spec_from_file_location(
        name, init, submodule_search_locations=[directory]
    )
    if spec is None or spec.loader is None or not os.path.isfile(init):
        return  # not the layout this was written for: import checkov as usual
    module = importlib.util.module_from_spec(spec)
    loader = spec.loader
    state = {"full": False}

    def __getattr__(attribute: str) -> Any:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        for source in sources:
            found = importlib.import_module(source)
            if hasattr(found, attribute):
                return getattr(found, attribute)
        if os.path.exists(os.path.join(directory, f"{attribute}.py")) or os.path.isdir(
            os.path.join(directory, attribute)
        ):
            return importlib.import_module(f"{name}.{attribute}")  # a submodule
        if not state["full"]:
            state["full"] = True
            del module.__dict__["__getattr__"]
            loader.exec_module(module)  # the real __init__, into this module
            return getattr(module, attribute)
        raise AttributeError(f"module {name!r} has no attribute {attribute!r}")

    module.__getattr__ = __getattr__  # type: ignore[attr-defined]
    sys.modules[name] = module
    setattr(parent, child, module)


def _parse_file(path: Path, errors: dict[str, Exception]) -> tuple[Any, dict[Any, Any]]:
    lean_imports()
    from checkov.terraform.modules.module_objects import TFDefinitionKey
    from checkov.terraform.tf_parser import TFParser

    parser = TFParser()
    definitions = parser.parse_file(str(path), errors)
    tf_definitions = {TFDefinitionKey(str(path)): definitions} if definitions else {}
    module, _ = parser.parse_hcl_module_from_tf_definitions(
        tf_definitions, str(path.parent), SOURCE
    )
    return module, tf_definitions


@cache
def graph_class() -> type:
    """checkov's TerraformLocalGraph, building only what rendering needs."""
    lean_imports()
    from checkov.terraform.graph_builder.foreach.builder import ForeachBuilder
    from checkov.terraform.graph_builder.graph_components.block_types import BlockType
    from checkov.terraform.graph_builder.local_graph import TerraformLocalGraph
    from checkov.terraform.graph_builder.variable_rendering.renderer import (
        TerraformVariableRenderer,
    )

    class Renderer(TerraformVariableRenderer):
        def __init__(self, graph: Any) -> None:
            super().__init__(graph)
            self.skip_repeats = bool(getattr(graph, "skip_repeated_edges", False))
            self.evaluated: dict[tuple[Any, ...], tuple[int, ...]] = {}

        def _render_dynamic_blocks(self) -> None:
            """Dynamic blocks are expanded by hcl.py (checkov's expansion loses blocks)."""

        def evaluate_vertex_attribute_from_edge(self, edge_list: list[Any]) -> None:
            """checkov's loop evaluates the same edges again and again as more vertices
            are done (14,031 evaluations of 4,188 edges on the 1,500-resource bench, 60%
            of them with nothing changed since the same edges were last evaluated): an
            evaluation whose origin and destinations are unchanged since is skipped."""
            if not self.skip_repeats:
                super().evaluate_vertex_attribute_from_edge(edge_list)
                return
            vertices = self.local_graph.vertices
            first = edge_list[0]
            involved = (first.origin, *(e.dest for e in edge_list))
            key = (first.label, involved)
            state = tuple(_version(vertices[i]) for i in involved)
            if self.evaluated.get(key) == state:
                return
            super().evaluate_vertex_attribute_from_edge(edge_list)
            self.evaluated[key] = tuple(_version(vertices[i]) for i in involved)

    class RenderGraph(TerraformLocalGraph):
        def build_graph(self, render_variables: bool = True) -> None:
            self._create_vertices()
            self._build_edges()
            foreach = self.foreach_blocks
            if any(foreach[t] for t in (BlockType.RESOURCE, BlockType.MODULE, BlockType.DATA)):
                ForeachBuilder(self).handle(foreach)
                self._arrange_graph_data()
                self._build_edges()
            self._connect_module_provider()
            if render_variables:
                Renderer(self).render_variables_from_local_graph()
            self.update_vertices_fields()

        def _get_possible_vertices(self, module_key: Any, block_type: str, name: str) -> list[int]:
            by_name = self.vertices_by_module_dependency_by_name.get(module_key, {}).get(
                block_type, {}
            )
            found = by_name.get(name) or by_name.get(name.replace('["', "[").replace('"]', "]"), [])
            if found or "[" in name:
                return found
            # checkov scans every key of the module for `name[`: indexed here.
            return _indexed_prefixes(self, by_name).get(name, [])

    return RenderGraph


_VERSIONED_METHODS = ("update_attribute", "update_inner_attribute", "update_list_attribute")
# id(vertex) → how many times its attributes were changed, while versioned_vertices() is
# on (checkov's blocks have __slots__: the count cannot live on them).
_versions: dict[int, int] = {}


def _version(vertex: Any) -> int:
    """How many times the vertex's attributes were changed (see versioned_vertices)."""
    return _versions.get(id(vertex), 0) if vertex is not None else -1


@contextmanager
def versioned_vertices() -> Iterator[None]:
    """Count each vertex's attribute changes (every change goes through these methods of
    checkov's TerraformBlock), so that the renderer can tell an edge whose vertices did
    not change since it was last evaluated."""
    from checkov.terraform.graph_builder.graph_components.blocks import TerraformBlock

    own = {name: TerraformBlock.__dict__.get(name) for name in _VERSIONED_METHODS}
    for name in _VERSIONED_METHODS:
        setattr(TerraformBlock, name, _counting(getattr(TerraformBlock, name)))
    _versions.clear()
    try:
        yield
    finally:
        _versions.clear()
        for name, method in own.items():
            if method is None:
                delattr(TerraformBlock, name)
            else:
                setattr(TerraformBlock, name, method)


def _counting(method: Any) -> Any:
    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        _versions[id(self)] = _versions.get(id(self), 0) + 1
        return method(self, *args, **kwargs)

    return counted


def _indexed_prefixes(graph: Any, by_name: dict[str, list[int]]) -> dict[str, list[int]]:
    """For each `name` of `name[...]` keys, the indices of the first such key (what
    checkov's scan returns), rebuilt when the map changes."""
    cached = graph.__dict__.setdefault("_auditor_prefix_cache", {})
    entry = cached.get(id(by_name))
    if entry is not None and entry[0] is by_name and entry[1] == len(by_name):
        return entry[2]
    index: dict[str, list[int]] = {}
    for key, indices in by_name.items():
        bracket = key.find("[")
        if bracket > 0:
            index.setdefault(key[:bracket], indices)
    cached[id(by_name)] = (by_name, len(by_name), index)
    return index


@contextmanager
def memoised_evaluation() -> Iterator[None]:
    """checkov evaluates the same expression text over and over (each resource's
    interpolations, each call of a module), with a new asteval interpreter every time:
    on generated stacks five evaluations in six repeat an earlier text. The result
    depends on the text only, so each distinct text is evaluated once per scan."""
    from checkov.terraform.graph_builder.variable_rendering import evaluate_terraform as module
    from checkov.terraform.graph_builder.variable_rendering import safe_eval_functions as safe

    originals = {name: getattr(module, name) for name in ("evaluate", "evaluate_terraform")}
    for name, original in originals.items():
        setattr(module, name, _memoised(original))
    # One interpreter for the scan: asteval resets its errors on every evaluation.
    make_interpreter = safe.get_asteval
    safe.get_asteval = cache(make_interpreter)
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(module, name, original)
        safe.get_asteval = make_interpreter


@contextmanager
def cheaper_primitives() -> Iterator[None]:
    """Two of checkov's primitives, made cheap for the graph build (about 0.2 s of a
    1,500-resource scan), with the same results:

    - an Edge is hashed and compared through its text (`[1 -(label)-> 2]`, built on every
      call, 140,000 times): here through its (origin, dest, label);
    - the directory of every referencing vertex is resolved with os.path.realpath for
      each reference (checkov caches the referenced vertex's, not the referencing
      one's): here each path is resolved once per build.
    """
    import os.path as ospath

    from checkov.common.graph.graph_builder.graph_components.edge import Edge

    def key(edge: Any) -> tuple[Any, Any, Any]:
        return (edge.origin, edge.dest, edge.label)

    def eq(self: Any, other: Any) -> bool:
        return isinstance(other, Edge) and key(self) == key(other)

    def ne(self: Any, other: Any) -> bool:
        return not eq(self, other)

    def hash_(self: Any) -> int:
        return hash(key(self))

    saved = {name: Edge.__dict__[name] for name in ("__eq__", "__ne__", "__hash__")}
    realpath = ospath.realpath
    resolved: dict[Any, str] = {}

    def cached_realpath(path: Any, *args: Any, **kwargs: Any) -> str:
        if args or kwargs or not isinstance(path, str):
            return realpath(path, *args, **kwargs)
        found = resolved.get(path)
        if found is None:
            found = resolved[path] = realpath(path)
        return found

    Edge.__eq__, Edge.__ne__, Edge.__hash__ = eq, ne, hash_  # type: ignore[method-assign,assignment]
    ospath.realpath = cached_realpath  # type: ignore[assignment]
    try:
        yield
    finally:
        for name, method in saved.items():
            setattr(Edge, name, method)
        ospath.realpath = realpath


def _memoised(function: Any) -> Any:
    results: dict[tuple[Any, ...], tuple[bool, Any]] = {}

    def memoised(text: Any, *args: Any, **kwargs: Any) -> Any:
        if not isinstance(text, str) or "timestamp" in text:
            return function(text, *args, **kwargs)
        key = (text, args, tuple(sorted(kwargs.items())))
        found = results.get(key)
        if found is None:
            try:
                found = (True, function(text, *args, **kwargs))
            except Exception as exc:  # checkov relies on the error: raise it again
                found = (False, exc)
            results[key] = found
        ok, value = found
        if not ok:
            raise _fresh(value)
        return copy.deepcopy(value) if isinstance(value, list | dict | set) else value

    return memoised


def _fresh(exc: Exception) -> Exception:
    """A new exception like `exc` (re-raising one object would grow its traceback)."""
    try:
        return type(exc)(*exc.args)
    except Exception:
        return exc
