"""Kubernetes manifests (`--manifests PATH`): files or directories of YAML/JSON.

Reads multi-document YAML, JSON, `kind: List` documents (`kubectl get -o json`/`-o
yaml`) and rendered Helm output (`helm template ... > out.yaml`, or `-` for standard
input). Every object keeps the file and line where its document (or list item) starts.
A malformed document is a Problem naming the file and line; the other documents of the
file, and the other files, are still read. `kind: Secret` objects are dropped as soon
as they are parsed, never normalised.

A namespace used by the manifests but not declared in them still becomes a
k8s_namespace resource (its labels unknown), so namespace-level controls (NET-04,
GPU-03) have something to judge. Objects without `metadata.namespace` are in
`default`, as `kubectl apply` without `-n` would put them.
"""

from __future__ import annotations

import contextlib
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from auditor.collectors.base import Progress, no_progress
from auditor.collectors.kubernetes.common import to_resources
from auditor.collectors.kubernetes.normalise import (
    Normalised,
    NotAnObject,
    normalise,
    undeclared_namespace,
)
from auditor.collectors.kubernetes.resources import KINDS
from auditor.model import Coverage, Location, Problem, Snapshot

SOURCE = "k8s-manifests"
SUFFIXES = (".yaml", ".yml", ".json")
_DOC_START = re.compile(r"^(---|\.\.\.)(\s|$)")


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records where each mapping starts (`__line__`), so that the
    items of a List keep their own line."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    """The documents of a YAML stream, each with its first line (0-based): parsed one by
    one, so that a malformed document does not hide the ones after it."""
    start, lines = 0, []
    for i, line in enumerate(text.splitlines(keepends=True)):
        if _DOC_START.match(line):
            if lines:
                yield start, "".join(lines)
            start, lines = i, [line]
        else:
            lines.append(line)
    if lines:
        yield start, "".join(lines)


def parse_documents(text: str, file: str) -> tuple[list[tuple[Any, int]], list[Problem]]:
    """(document, line) pairs of a YAML or JSON text, and the problems of its bad parts."""
    docs: list[tuple[Any, int]] = []
    problems: list[Problem] = []
    if file.endswith(".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            return [], [Problem(SOURCE, f"invalid JSON: {exc.msg}", file=file, line=exc.lineno)]
        with contextlib.suppress(yaml.YAMLError):  # as YAML, each list item gets its line
            data = yaml.load(text, Loader=_LineLoader)
        return [(data, 1)], []
    for offset, chunk in _chunks(text):
        try:
            for doc in yaml.load_all(chunk, Loader=_LineLoader):
                if doc is not None:
                    line = doc.get("__line__", 1) if isinstance(doc, dict) else 1
                    docs.append((doc, offset + line))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            line = offset + mark.line + 1 if mark is not None else offset + 1
            what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            problems.append(Problem(SOURCE, f"invalid YAML: {what}", file=file, line=line))
    return docs, problems


def _objects(doc: Any, line: int) -> Iterator[tuple[dict[str, Any], int]]:
    """Kubernetes objects of one document: itself, or the items of a List."""
    if not isinstance(doc, dict):
        return
    items = doc.get("items")
    if (
        isinstance(doc.get("kind"), str)
        and doc["kind"].endswith("List")
        and isinstance(items, list)
    ):
        for item in items:
            if isinstance(item, dict):
                yield from _objects(item, item.get("__line__", line))
        return
    yield doc, line


def manifest_files(path: Path) -> tuple[list[Path], list[Problem]]:
    """The manifest files under a path (sorted); Helm charts are bad input (unrendered
    templates are not YAML): render them first."""
    if path.is_file():
        return [path], []
    if not path.is_dir():
        return [], [Problem(SOURCE, "no such file or directory", file=str(path))]
    problems, files = [], []
    charts = {p.parent for p in path.rglob("Chart.yaml")}
    for chart in sorted(charts):
        problems.append(
            Problem(
                SOURCE,
                "is a Helm chart: render it first (helm template NAME CHART > out.yaml) and "
                "scan the output",
                file=str(chart),
            )
        )
    for p in sorted(path.rglob("*")):
        if not p.is_file() or p.suffix not in SUFFIXES:
            continue
        rel = p.relative_to(path).parts
        if any(part.startswith(".") for part in rel[:-1]):
            continue
        if any(c == p.parent or c in p.parents for c in charts):
            continue
        files.append(p)
    return files, problems


class ManifestCollector:
    """Reads one `--manifests` path (a file, a directory, or `-` for stdin)."""

    name = SOURCE
    makes_cycles = False

    def __init__(self, path: str, default_namespace: str = "default") -> None:
        self.path = path
        self.default_namespace = default_namespace

    def _texts(self) -> tuple[list[tuple[str, str]], list[Problem]]:
        if self.path == "-":
            return [("<stdin>", sys.stdin.read())], []
        files, problems = manifest_files(Path(self.path))
        texts = []
        for f in files:
            try:
                texts.append((str(f), f.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError) as exc:
                problems.append(Problem(SOURCE, f"cannot read: {exc}", file=str(f)))
        return texts, problems

    def collect(self, progress: Progress = no_progress) -> Snapshot:
        scope = f"{SOURCE}:{self.path}"
        progress(f"manifests: reading {self.path}")
        texts, problems = self._texts()
        items: list[tuple[Normalised, Location | None]] = []
        skipped = secrets = 0
        for file, text in texts:
            docs, bad = parse_documents(text, file)
            problems += bad
            for doc, line in docs:
                if not isinstance(doc, dict):
                    problems.append(
                        Problem(SOURCE, "not a Kubernetes object", file=file, line=line)
                    )
                    continue
                for obj, obj_line in _objects(doc, line):
                    if obj.get("kind") == "Secret":
                        secrets += 1
                        continue
                    try:
                        n = normalise(_strip_lines(obj), self.default_namespace)
                    except NotAnObject as exc:
                        problems.append(Problem(SOURCE, str(exc), file=file, line=obj_line))
                        continue
                    if n is None:
                        skipped += 1
                        continue
                    items.append((n, Location(file=file, line=obj_line)))
        declared = {n.name for n, _ in items if n.kind == "k8s_namespace"}
        used = {n.namespace for n, _ in items if n.namespace and n.kind != "k8s_namespace"}
        for ns in sorted(used - declared):
            items.append((undeclared_namespace(ns), None))
        resources = to_resources(items, SOURCE, scope)
        error = "; ".join(str(p) for p in problems) or None
        coverage = [
            Coverage(SOURCE, scope, kind, "error" if error else "collected", error, count)
            for kind in KINDS
            for count in [sum(1 for r in resources if r.kind == kind)]
        ]
        return Snapshot(
            resources=resources,
            coverage=coverage,
            problems=problems,
            sources=[
                {
                    "source": SOURCE,
                    "scope": scope,
                    "path": self.path,
                    "files": len(texts),
                    "objects_not_audited": skipped,
                    "secrets_dropped": secrets,
                }
            ],
        )
