"""Evaluate scopes in worker processes, one embedded engine each.

regorus holds the GIL while it evaluates and its engine cannot move between threads or
processes, so parallel evaluation means processes that each compile the policies once
(about 0.3 s) and are then handed whole scopes: the input JSON in, the answers out.
Scopes are independent (joins never cross one), so the verdicts are the same as in one
process; only the wall time changes.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from typing import Any

from auditor.policy.loader import Control, PolicyFile
from auditor.rego_queries import Answers, ask

# Below this many resources a worker's start-up (interpreter, imports, compiling the
# policies: about 0.5 s) costs more than it saves.
AUTO_MIN_RESOURCES = 20_000

_engine: Any = None
_controls: list[Control] = []


def worker_count(requested: int, resources: int, scopes: int) -> int:
    """The processes an evaluation uses: --workers N (0 = auto: one per core for big
    multi-scope snapshots), never more than there are scopes."""
    if requested == 0:
        if resources < AUTO_MIN_RESOURCES or scopes < 2:
            return 1
        requested = os.cpu_count() or 1
    return max(1, min(requested, scopes))


def _init(files: list[PolicyFile], config: dict[str, Any], controls: list[Control]) -> None:
    global _engine, _controls
    from auditor.engines.embedded import EmbeddedEngine

    _engine = EmbeddedEngine()
    _engine.load(files, config)
    _controls = controls


def _ask_scope(scope: str, input_json: str) -> tuple[str, Answers]:
    _engine.set_input(input_json)
    return scope, ask(_engine, _controls)


def ask_in_workers(
    engine: Any, controls: list[Control], inputs: Iterable[tuple[str, str]], workers: int
) -> Iterator[tuple[str, Answers]]:
    """Yield (scope, answers) as workers finish, for (scope, input JSON) pairs.

    `inputs` is consumed lazily so that the parent builds the next scope's input while
    the workers evaluate; pass the largest scopes first so that the last one to finish
    is a small one. The spawn start method: fork would copy a parent that may hold
    threads (progress, collectors) and a regorus engine into the child.
    """
    files, config = engine.replica_args()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_init,
        initargs=(files, config, controls),
    ) as pool:
        pending: set[Future[tuple[str, Answers]]] = set()
        for scope, input_json in inputs:
            pending.add(pool.submit(_ask_scope, scope, input_json))
            # Keep at most two scopes queued per worker: inputs are large strings.
            while len(pending) >= 2 * workers:
                done = next(as_completed(pending))
                pending.discard(done)
                yield done.result()
        for done in as_completed(pending):
            yield done.result()
