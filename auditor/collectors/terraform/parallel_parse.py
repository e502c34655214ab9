"""Parse a large directory's .tf files in worker processes, while checkov is imported.

Parsing HCL (lark, in pure Python) is the largest single cost of reading Terraform, and
it is the same work file by file. For inputs big enough to pay for starting processes,
the files checkov is about to parse are parsed first by a pool of forked workers (they
import only the HCL parser), while the main process compiles the policies
(TerraformCollector.reading_ahead) and imports checkov; the main process then parses the
files no worker has started, smallest first (ParsedAhead.steal). Workers are forked
only from a single-threaded process (a fork copies no lock another thread holds) and
never spawned (a spawned worker re-runs an unguarded main script). checkov's file loader
is then given the parsed files instead of parsing them again; a file not parsed ahead is
parsed by checkov as usual, and if the pool cannot run at all, checkov parses
everything: the result is the same either way.

AUDITOR_TERRAFORM_WORKERS=0 turns the workers off (N sets their number; the default is
one less than the number of cores, for inputs over 256 KiB).

On the 1,500-resource bench (48 files, 404 KB, 2 cores; 1.5 s of parsing in one
process) one worker parses while the policies compile and checkov is imported (together
about 1.1 s), then the two processes share the rest: measured in pairs on 2026-11-26 with
another process keeping one core busy, 4.9-5.7 s with the worker against 5.4-6.2 s
without; with both cores free the overlap is larger. Before steal(), the main process
then waited 0.35-0.75 s on the worker's queue; now 0.08-0.11 s. More workers than
cores-1 only compete with the main process.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# Below this much HCL, starting processes costs more than it saves.
MIN_BYTES = 256 * 1024
MAX_WORKERS = 8


class HclSyntaxError(Exception):
    """A parse error from a worker, with the line and column the parser reported."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.line = line
        self.column = column


def parse_file(path: str) -> tuple[str, Any, tuple[str, int | None, int | None] | None]:
    """In a worker: one file's raw HCL data, or the parse error (message, line, column)."""
    import hcl2

    try:
        with open(path, encoding="utf-8-sig") as handle:
            return path, hcl2.load(handle), None
    except Exception as exc:
        line, column = getattr(exc, "line", None), getattr(exc, "column", None)
        return path, None, (error_message(exc), line, column)


def error_message(exc: Exception) -> str:
    """lark's errors, in one line: what was found where something else was expected."""
    column = getattr(exc, "column", None)
    where = f" (column {column})" if isinstance(column, int) and column > 0 else ""
    token = getattr(exc, "token", None)
    if token is not None:
        found = "end of file" if getattr(token, "type", "") == "$END" else repr(str(token))
        return f"unexpected {found}{where}"
    char = getattr(exc, "char", None)
    if char is not None:
        return f"unexpected character {char!r}{where}"
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def tf_files(directory: Path) -> list[str]:
    """The .tf files checkov's module finder reads (it skips .terraform/modules)."""
    skipped = os.path.join(str(directory), ".terraform", "modules")
    found = []
    for root, _dirs, names in os.walk(str(directory)):
        if root.startswith(skipped):
            continue
        found.extend(os.path.join(root, n) for n in names if n.endswith(".tf"))
    return found


def worker_count(files: list[str]) -> int:
    """One core is left to the main process, which imports checkov meanwhile."""
    configured = os.environ.get("AUDITOR_TERRAFORM_WORKERS", "")
    if configured.isdigit():
        return min(int(configured), len(files))
    cores = os.cpu_count() or 1
    if cores < 2 or sum(os.path.getsize(f) for f in files) < MIN_BYTES:
        return 0
    return min(cores - 1, MAX_WORKERS, len(files))


class ParsedAhead:
    """Files being parsed by workers (largest first), handed to checkov's loader one by
    one. The main process, done importing, takes the files no worker has started
    (steal(), smallest first) and parses them itself, alongside the workers; a file
    neither has parsed when the loader asks is left to the loader."""

    def __init__(
        self, futures: dict[str, Future[Any]], pool: ProcessPoolExecutor | None = None
    ) -> None:
        self._futures = futures
        self._pool = pool

    def close(self) -> None:
        """Stop the workers (those parsing finish their file): checkov has taken what it
        needs. Safe to call again."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def steal(self) -> int:
        """Parse here, smallest first, the files no worker has started, until the two
        meet; how many. checkov asks for files in its own order: left to it, the main
        process waited on whichever file a worker was parsing (0.35-0.75 s of a
        1,500-resource scan) while files further down the workers' queue were idle."""
        stolen = 0
        for path in reversed(list(self._futures)):
            future = self._futures[path]
            if not future.cancel():
                break  # a worker has started this one: it started every larger one too
            parsed: Future[Any] = Future()
            parsed.set_result(parse_file(path))
            self._futures[path] = parsed
            stolen += 1
        return stolen

    def wait(self) -> None:
        """Let the workers parse every file (none is left to the main process)."""
        wait(list(self._futures.values()))

    def take(self, path: str) -> tuple[Any, tuple[str, int | None, int | None] | None] | None:
        """The parse of `path`, or None: parse it here (once: a second load parses
        again, as checkov would)."""
        future = self._futures.pop(path, None)
        if future is None or future.cancel():
            return None
        try:
            _path, data, error = future.result()
        except Exception:  # a broken pool: parse it here
            return None
        return data, error


@contextmanager
def parse_ahead(directory: Path) -> Iterator[ParsedAhead | None]:
    """Start the workers on `directory` (None when not worth it or not possible). Files
    are known by absolute path, as checkov's loader asks for them."""
    files = sorted(tf_files(directory.resolve()), key=os.path.getsize, reverse=True)
    workers = worker_count(files)
    context = _fork_context()
    if workers < 1 or context is None:
        yield None
        return
    try:
        # The parser (and its grammar) is imported before the fork, so that workers start
        # parsing at once; the main process needs it anyway, for checkov.
        import hcl2  # noqa: F401

        pool = ProcessPoolExecutor(workers, mp_context=context)
        futures = {f: pool.submit(parse_file, f) for f in files}
    except Exception:  # no processes here: checkov parses as usual
        yield None
        return
    ahead = ParsedAhead(futures, pool)
    try:
        yield ahead
    finally:
        ahead.close()


def _fork_context() -> Any:
    """Fork, where it exists and no other thread runs; else None (parse in-process)."""
    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1:
        return None
    return multiprocessing.get_context("fork")


@contextmanager
def installed(ahead: ParsedAhead | None) -> Iterator[None]:
    """checkov's file loader, serving files parsed ahead."""
    if ahead is None:
        yield
        return
    from checkov.terraform import tf_parser
    from checkov.terraform.module_loading import module_finder
    from checkov.terraform.modules.module_utils import (
        clean_bad_definitions,
        validate_malformed_definitions,
    )

    original = module_finder.load_or_die_quietly

    def load(file: Any, parsing_errors: dict[str, Exception], clean: bool = True) -> Any:
        path = os.fspath(file)
        found = ahead.take(path) if path.endswith(".tf") else None
        if found is None:
            return original(file, parsing_errors, clean)
        data, error = found
        if error is not None:
            parsing_errors[path] = HclSyntaxError(*error)
            return None
        try:
            data = validate_malformed_definitions(data)
            return clean_bad_definitions(data) if clean else data
        except Exception as exc:  # as checkov's loader does
            parsing_errors[path] = exc
            return None

    modules = (module_finder, tf_parser)
    for module in modules:
        module.load_or_die_quietly = load
    try:
        yield
    finally:
        for module in modules:
            module.load_or_die_quietly = original
