"""The default engine: regorus (Microsoft's Rust Rego interpreter), in process.

Policies are compiled once per engine; the input is parsed once per evaluation and
every control's query runs against it. regorus holds the GIL and cannot move between
threads: parallel evaluation uses worker processes, each with its own engine.
"""

from __future__ import annotations

import json
import os
from typing import Any

from auditor.engines.base import RegoError
from auditor.policy.loader import PolicyFile

# regorus captures a Rust backtrace for every error when this is set (some shells and
# CI images set it): evaluation is then ~2.5x slower and messages noisier. We parse the
# message only, so it is forced off for this process.
os.environ["RUST_BACKTRACE"] = "0"


class EmbeddedEngine:
    name = "embedded"

    def __init__(self) -> None:
        import regorus

        self._engine = regorus.Engine()
        self._loaded: tuple[list[PolicyFile], dict[str, Any]] = ([], {})

    def load(self, files: list[PolicyFile], config: dict[str, Any]) -> None:
        for f in files:
            try:
                self._engine.add_policy(str(f.path), f.text)
            except RuntimeError as exc:
                raise RegoError.from_regorus(exc, str(f.path)) from None
        # JSON, not a Python dict: the binding turns Python booleans into 1/0.
        self._engine.add_data_json(json.dumps({"auditor": {"config": config}}))
        self._loaded = (list(files), config)

    def replica_args(self) -> tuple[list[PolicyFile], dict[str, Any]]:
        """What a worker process needs to build the same engine (auditor/workers.py):
        a regorus engine cannot cross a process boundary, its inputs can."""
        return self._loaded

    def set_input(self, input_json: str) -> None:
        self._engine.set_input_json(input_json)

    def query(self, query: str) -> Any:
        try:
            raw = self._engine.eval_query_as_json(f"result_value := {query}")
        except RuntimeError as exc:
            raise RegoError.from_regorus(exc) from None
        results = json.loads(raw).get("result") or []
        if not results:
            return None
        return results[0].get("bindings", {}).get("result_value")

    def eval_rule(self, rule: str) -> Any:
        """Evaluate one rule by path (used by the policy test runner)."""
        try:
            return self._engine.eval_rule(rule)
        except RuntimeError as exc:
            raise RegoError.from_regorus(exc) from None

    def version(self) -> str:
        from importlib.metadata import version

        return f"regorus (celine-regorus {version('celine-regorus')})"
