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
- large directories are parsed by worker processes while checkov is imported
  (parallel_parse.py).

None of this changes what is rendered (tests/test_terraform_hcl.py compares the result
with and without the memo). checkov is pinned (constraints.txt) because this module
overrides some of its private methods.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from functools import cache
from pathlib import Path
from typing import Any

from auditor.collectors.terraform.parallel_parse import installed, parse_ahead

SOURCE = "terraform"


def render(target: Path, memoise: bool = True) -> tuple[list[Any], dict[str, Exception], str]:
    """The rendered vertices of a directory (or one .tf file), the parse errors by file,
    and the directory the paths are relative to. (`memoise=False` is for the test that
    shows the memo changes nothing.)"""
    absolute = target.resolve()
    errors: dict[str, Exception] = {}
    if absolute.is_file():
        base = str(absolute.parent)
        module = _parse_file(absolute, errors)
    else:
        base = str(absolute)
        # Workers parse while checkov is imported (parallel_parse.py).
        with parse_ahead(absolute) as ahead:
            from checkov.terraform.tf_parser import TFParser

            with installed(ahead):
                module, _ = TFParser().parse_hcl_module(
                    source_dir=base,
                    source=SOURCE,
                    download_external_modules=False,
                    parsing_errors=errors,
                )
    graph = graph_class()(module)
    with memoised_evaluation() if memoise else nullcontext():
        graph.build_graph(render_variables=True)
    return graph.vertices, errors, base


def _parse_file(path: Path, errors: dict[str, Exception]) -> Any:
    from checkov.terraform.modules.module_objects import TFDefinitionKey
    from checkov.terraform.tf_parser import TFParser

    parser = TFParser()
    definitions = parser.parse_file(str(path), errors)
    tf_definitions = {TFDefinitionKey(str(path)): definitions} if definitions else {}
    module, _ = parser.parse_hcl_module_from_tf_definitions(
        tf_definitions, str(path.parent), SOURCE
    )
    return module


@cache
def graph_class() -> type:
    """checkov's TerraformLocalGraph, building only what rendering needs."""
    from checkov.terraform.graph_builder.foreach.builder import ForeachBuilder
    from checkov.terraform.graph_builder.graph_components.block_types import BlockType
    from checkov.terraform.graph_builder.local_graph import TerraformLocalGraph
    from checkov.terraform.graph_builder.variable_rendering.renderer import (
        TerraformVariableRenderer,
    )

    class Renderer(TerraformVariableRenderer):
        def _render_dynamic_blocks(self) -> None:
            """Dynamic blocks are expanded by hcl.py (checkov's expansion loses blocks)."""

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
